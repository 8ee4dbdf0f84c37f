/*
 * netprog.c: a TCP client for the learn tests. "self" starts its own
 * server on 127.0.0.1 (a child process), connects to it and prints the
 * reply; "client HOST PORT" connects to a server elsewhere (HOST an
 * address or a name, such as host-loopback), sends "ping" and prints the
 * reply. Static, so it needs nothing inside.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int serve_once(int ls)
{
	char buf[64], out[80];
	int c = accept(ls, NULL, NULL);
	ssize_t n;

	if (c < 0)
		return 1;
	n = read(c, buf, sizeof(buf) - 1);
	if (n < 0)
		return 1;
	buf[n] = '\0';
	snprintf(out, sizeof(out), "pong:%s", buf);
	if (write(c, out, strlen(out)) < 0)
		return 1;
	close(c);
	return 0;
}

static int ask(const struct sockaddr *sa, socklen_t len)
{
	char buf[128];
	int s = socket(sa->sa_family, SOCK_STREAM, 0);
	ssize_t n;

	if (s < 0 || connect(s, sa, len) < 0) {
		perror("connect");
		return 1;
	}
	if (write(s, "ping", 4) != 4)
		return 1;
	n = read(s, buf, sizeof(buf) - 1);
	if (n < 0)
		return 1;
	buf[n] = '\0';
	printf("%s\n", buf);
	close(s);
	return 0;
}

static int self(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int ls = socket(AF_INET, SOCK_STREAM, 0), st, r;
	pid_t pid;

	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 1) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &len) < 0) {
		perror("server");
		return 1;
	}
	pid = fork();
	if (pid == 0)
		_exit(serve_once(ls));
	close(ls);
	r = ask((struct sockaddr *)&a, sizeof(a));
	waitpid(pid, &st, 0);
	return r || !WIFEXITED(st) || WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };

	if (argc == 2 && strcmp(argv[1], "self") == 0)
		return self();
	if (argc != 4 || strcmp(argv[1], "client") != 0) {
		fprintf(stderr, "usage: netprog self | client ADDR PORT\n");
		return 2;
	}
	a.sin_port = a6.sin6_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &a.sin_addr) == 1)
		return ask((struct sockaddr *)&a, sizeof(a));
	if (inet_pton(AF_INET6, argv[2], &a6.sin6_addr) == 1)
		return ask((struct sockaddr *)&a6, sizeof(a6));
	{
		/* A name (host-loopback): IPv4 only, so every run takes the
		 * same family whatever else the name has. */
		struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
		int r;

		if (getaddrinfo(argv[2], argv[3], &hints, &res) != 0) {
			fprintf(stderr, "netprog: cannot resolve '%s'\n", argv[2]);
			return 2;
		}
		r = ask(res->ai_addr, res->ai_addrlen);
		freeaddrinfo(res);
		return r;
	}
}
