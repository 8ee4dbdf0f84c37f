/*
 * netprobe.c: runs inside the sandbox and tries one socket or device
 * operation, printing "ok" or "errno N" (the eBPF tests' probe). Static,
 * so it needs nothing inside.
 *
 *   netprobe socket FAMILY TYPE        socket(FAMILY, TYPE, 0)
 *   netprobe connect ADDR PORT         TCP connect
 *   netprobe sendto ADDR PORT          one UDP datagram, unconnected
 *   netprobe sendfrom SPORT ADDR PORT  the same from a socket bound to SPORT
 *   netprobe bind ADDR PORT tcp|udp    bind only
 *   netprobe open PATH                 open(PATH, O_RDWR)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int done(int r)
{
	if (r < 0)
		printf("errno %d\n", errno);
	else
		printf("ok\n");
	return 0;
}

/* ADDR is IPv4 or IPv6 (::ffff:a.b.c.d included). */
static socklen_t addr_of(const char *a, const char *port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)atoi(port));
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)atoi(port));
		return sizeof(*s6);
	}
	fprintf(stderr, "bad address %s\n", a);
	exit(2);
}

static int net(const char *op, const char *a, const char *port, const char *proto)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_of(a, port, &ss);
	int udp = strcmp(op, "sendto") == 0 || (proto && strcmp(proto, "udp") == 0);
	int fd = socket(ss.ss_family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);

	if (fd < 0)
		return done(-1);
	if (strcmp(op, "connect") == 0)
		return done(connect(fd, (struct sockaddr *)&ss, len));
	if (strcmp(op, "sendto") == 0)
		return done((int)sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len));
	return done(bind(fd, (struct sockaddr *)&ss, len));
}

/* A datagram from a socket bound to local port sport (IPv4). */
static int send_from(const char *sport, const char *a, const char *port)
{
	struct sockaddr_storage ss, src;
	socklen_t len = addr_of(a, port, &ss);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	addr_of("0.0.0.0", sport, &src);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof(struct sockaddr_in)) < 0)
		return done(-1);
	return done((int)sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len));
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "sendfrom") == 0)
		return send_from(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "socket") == 0)
		return done(socket(atoi(argv[2]), atoi(argv[3]), 0));
	if (argc == 4 && (strcmp(argv[1], "connect") == 0 || strcmp(argv[1], "sendto") == 0))
		return net(argv[1], argv[2], argv[3], NULL);
	if (argc == 5 && strcmp(argv[1], "bind") == 0)
		return net(argv[1], argv[2], argv[3], argv[4]);
	if (argc == 3 && strcmp(argv[1], "open") == 0)
		return done(open(argv[2], O_RDWR | O_CLOEXEC));
	fprintf(stderr, "usage: netprobe socket F T | connect|sendto ADDR PORT | sendfrom SPORT ADDR PORT | bind ADDR PORT tcp|udp | "
			"open PATH\n");
	return 2;
}
