/*
 * test_console.c: --interactive gives the command a terminal of its own, a
 * pty of the sandbox's devpts (tty names it, isatty holds), relayed to the
 * caller's: run from a real terminal (a pty this test opens), the keys
 * ^C and ^Z reach the sandbox's foreground job through the pty's line
 * discipline, the window size follows, the exit status is the command's,
 * and the caller's terminal is left as it was. As the test user.
 */
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "harness.h"

TestSuite(console, .timeout = 90);

struct term {
	int fd; /* our side of the caller's terminal */
	pid_t pid; /* sandbox run, its session leader */
	char out[65536];
	size_t len;
};

/* sandbox run --interactive ARGS... on a new terminal of rows x cols. */
static void start(struct term *t, unsigned short rows, unsigned short cols, const char *const *args)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };
	const char *argv[32];
	size_t n = 0;

	argv[n++] = sb_bin();
	argv[n++] = "run";
	argv[n++] = "--interactive";
	for (; *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	memset(t, 0, sizeof(*t));
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	cr_assert(t->pid >= 0, "forkpty: %s", strerror(errno));
	if (t->pid == 0) {
		sb_drop_to_user();
		if (chdir(sb_testdir()) < 0)
			_exit(98);
		execv(argv[0], (char *const *)argv);
		_exit(97);
	}
}

/* Read until want shows up in what came after mark (or 20 s pass). */
static bool wait_for(struct term *t, size_t mark, const char *want)
{
	for (int i = 0; i < 400; i++) {
		struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
		ssize_t n;

		t->out[t->len] = '\0';
		if (strstr(t->out + mark, want))
			return true;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(t->fd, t->out + t->len, sizeof(t->out) - 1 - t->len);
		if (n <= 0)
			break;
		t->len += (size_t)n;
	}
	t->out[t->len] = '\0';
	return strstr(t->out + mark, want) != NULL;
}

static void type(struct term *t, const char *s)
{
	cr_assert_eq(write(t->fd, s, strlen(s)), (ssize_t)strlen(s));
}

static int finish(struct term *t)
{
	int st;

	wait_for(t, t->len, "\x01never");
	cr_assert_eq(waitpid(t->pid, &st, 0), t->pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Inside: a terminal with a name, stdin/out/err on it, the window's size. */
Test(console, the_command_gets_a_named_terminal)
{
	static const char *const args[] = { "--", "/bin/sh", "-c",
		"tty; test -t 0 && test -t 1 && test -t 2 && echo all-three-ttys; stty size; exit 4", NULL };
	struct term t;

	start(&t, 37, 101, args);
	cr_assert(wait_for(&t, 0, "/dev/pts/0\r\n"), "tty does not name a pty inside:\n%s", t.out);
	cr_assert(wait_for(&t, 0, "all-three-ttys\r\n37 101\r\n"), "%s", t.out);
	cr_assert_eq(finish(&t), 4, "%s", t.out);
	close(t.fd);
}

/* Job control on the sandbox's pty: ^C interrupts the foreground job, ^Z
 * stops it, the shell goes on; the window size change follows; the
 * caller's terminal settings are back afterwards. */
Test(console, job_control_and_window_size)
{
	static const char *const args[] = { "--env", "PS1=$ ", "--", "/bin/sh", "-i", NULL };
	struct termios during, after;
	struct winsize ws = { .ws_row = 50, .ws_col = 132 };
	struct term t;
	size_t mark;

	start(&t, 24, 80, args);
	cr_assert(wait_for(&t, 0, "$ "), "no prompt:\n%s", t.out);
	/* The caller's terminal is raw while the run lasts: keys go in as bytes. */
	cr_assert_eq(tcgetattr(t.fd, &during), 0);
	cr_assert_eq(during.c_lflag & (ICANON | ECHO | ISIG), 0, "the caller's terminal is not raw");
	mark = t.len;
	type(&t, "sleep 30; echo not-interrupted\n");
	cr_assert(wait_for(&t, mark, "sleep 30"), "%s", t.out);
	usleep(300000);
	mark = t.len;
	type(&t, "\003");
	type(&t, "echo status=$?\n");
	cr_assert(wait_for(&t, mark, "status=130"), "^C did not interrupt the job:\n%s", t.out + mark);
	mark = t.len;
	type(&t, "sleep 31\n");
	cr_assert(wait_for(&t, mark, "sleep 31"), "%s", t.out);
	usleep(300000);
	type(&t, "\032");
	cr_assert(wait_for(&t, mark, "Stopped"), "^Z did not stop the job:\n%s", t.out + mark);
	mark = t.len;
	type(&t, "kill -9 %1; stty size\n");
	cr_assert(wait_for(&t, mark, "24 80"), "%s", t.out + mark);
	/* The window grows: the launcher gets SIGWINCH and passes it on. */
	cr_assert_eq(ioctl(t.fd, TIOCSWINSZ, &ws), 0);
	usleep(300000);
	mark = t.len;
	type(&t, "stty size\n");
	cr_assert(wait_for(&t, mark, "50 132"), "the size did not follow:\n%s", t.out + mark);
	type(&t, "exit 3\n");
	cr_assert_eq(finish(&t), 3, "%s", t.out);
	cr_assert_eq(tcgetattr(t.fd, &after), 0);
	cr_assert_eq(after.c_lflag & (ICANON | ECHO | ISIG), ICANON | ECHO | ISIG,
		     "the caller's terminal was not restored");
	close(t.fd);
}

/* Not run from a terminal (a script, a CI job): the command still gets a
 * pty; the caller's input reaches it, unechoed, its end is the pty's EOF,
 * and the output arrives as written (no "\r\n"). */
Test(console, piped_input_reaches_the_pty_and_ends_it)
{
	struct sb_out o;
	const char *in = sb_write_file("console-in.txt", "from-the-pipe\n");

	{
		const char *argv[] = { sb_bin(), "run", "--interactive", "--", "/bin/sh", "-c",
				       "read l; echo got $l; tty; read m || echo eof", NULL };

		sb_exec(SB_AS_USER, argv, in, 30, &o);
	}
	sb_assert_status(&o, 0);
	cr_assert_str_eq(o.out, "got from-the-pipe\n/dev/pts/0\neof\n");
}
