/*
 * test_net.c: --net user, --allow-net and --publish as the binary sees
 * them: bad input stops the run with 125 and a message naming the option,
 * before anything is started.
 */
#include "harness.h"

TestSuite(net_input, .timeout = 60);

static void refused(const char *want, const char *a1, const char *a2, const char *a3, const char *a4)
{
	struct sb_out o;

	sb_run(&o, a1, a2, a3, a4, "--", "/bin/true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, want);
}

Test(net_input, bad_destinations_name_the_option)
{
	refused("'--allow-net example.org:0': port 0", "--net", "user", "--allow-net", "example.org:0");
	refused("port 65536 is out of range", "--net", "user", "--allow-net", "example.org:65536");
	refused("port range 90-80 is backwards", "--net", "user", "--allow-net", "10.0.0.1:90-80");
	refused("'300.1.1.1' is not an IPv4 address", "--net", "user", "--allow-net", "300.1.1.1");
	refused("host-loopback needs :PORTS", "--net", "user", "--allow-net", "host-loopback");
	refused("expected HOSTPORT:PORT", "--net", "user", "--publish", "8080");
}

Test(net_input, options_that_need_net_user)
{
	refused("--allow-net example.org:443 (command line) needs --net user", "--allow-net", "example.org:443",
		"--net", "none");
	refused("--publish 8080:80 (command line) needs --net user", "--publish", "8080:80", "--net", "none");
	refused("cannot be enforced with --net host", "--net", "host", "--allow-net", "example.org:443");
}

Test(net_input, policy_errors_point_at_the_column)
{
	struct sb_out o;
	const char *pol = sb_write_file("net-bad.policy", "net user\nallow-net mirror.example:443-80\n");

	sb_run(&o, "--policy", pol, "--", "/bin/true", NULL);
	sb_assert_status(&o, 125);
	sb_assert_err_has(&o, "net-bad.policy:2:26: error: allow-net: port range 443-80 is backwards");
}
