/*
 * nettry: runs inside the sandbox (static), tries one network operation
 * and prints what happened on one line, for test_net.c:
 *
 *   nettry tcp 4|6|any HOST PORT     connect, send a line, print the reply
 *   nettry udp 4|6|any HOST PORT   send a datagram, print the echo
 *   nettry serve PORT              accept one TCP client on PORT, greet it
 *   nettry fetch 4|6 HOST PORT     read until EOF; print bytes and MB/s
 *
 * Output: "ok: REPLY", "error: ENAME after N ms", or "timeout". Connects
 * give up after 8 s, so "never a time-out" shows as a fast error.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *ename(int e)
{
	switch (e) {
	case ECONNREFUSED: return "ECONNREFUSED";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENETUNREACH: return "ENETUNREACH";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EAGAIN: return "EAGAIN";
	case EINPROGRESS: return "EINPROGRESS";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	default: return strerror(e);
	}
}

static int fail(const char *what, int e, long long t0)
{
	if (e == EAGAIN || e == EINPROGRESS || e == ETIMEDOUT)
		printf("timeout: %s\n", what);
	else
		printf("error: %s %s after %lld ms\n", what, ename(e), now_ms() - t0);
	return 1;
}

static int serve(const char *port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)atoi(port)) };
	int one = 1, s = socket(AF_INET6, SOCK_STREAM, 0), c;
	const char *msg = "hello from inside\n";

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 4) < 0)
		return fail("listen", errno, now_ms());
	printf("listening\n");
	fflush(stdout);
	c = accept(s, NULL, NULL);
	if (c < 0 || write(c, msg, strlen(msg)) < 0)
		return fail("accept", errno, now_ms());
	close(c);
	return 0;
}

/* Bulk download for the bench: everything the server sends, timed. */
static int fetch(int s, long long t0)
{
	static char buf[1 << 16];
	long long total = 0, ms;
	ssize_t n;

	while ((n = read(s, buf, sizeof(buf))) > 0)
		total += n;
	if (n < 0)
		return fail("read", errno, t0);
	ms = now_ms() - t0;
	printf("ok: %lld bytes in %lld ms, %.1f MB/s\n", total, ms, ms ? (double)total / 1e3 / (double)ms : 0.0);
	return 0;
}

int main(int argc, char **argv)
{
	struct addrinfo hints = { 0 }, *res;
	struct timeval tv = { .tv_sec = 8 };
	char buf[256];
	long long t0 = now_ms();
	ssize_t n;
	int s, udp;

	if (argc == 3 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2]);
	if (argc != 5) {
		fprintf(stderr, "usage: nettry tcp|udp 4|6|any HOST PORT | nettry serve PORT\n");
		return 2;
	}
	udp = strcmp(argv[1], "udp") == 0;
	tv.tv_sec = strcmp(argv[1], "fetch") == 0 ? 60 : 8;
	hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_family = strcmp(argv[2], "4") == 0 ? AF_INET : strcmp(argv[2], "6") == 0 ? AF_INET6 : AF_UNSPEC;
	if (getaddrinfo(argv[3], argv[4], &hints, &res) != 0) {
		printf("error: resolve %s\n", argv[3]);
		return 1;
	}
	s = socket(res->ai_family, res->ai_socktype, 0);
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	tv.tv_sec = 3;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(s, res->ai_addr, res->ai_addrlen) < 0)
		return fail("connect", errno, t0);
	if (strcmp(argv[1], "fetch") == 0)
		return fetch(s, t0);
	if (send(s, "ping\n", 5, 0) < 0)
		return fail("send", errno, t0);
	n = recv(s, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return fail("recv", errno, t0);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("ok: %s\n", buf);
	return 0;
}
