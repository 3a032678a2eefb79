/* Unit tests: resolving an address. lib/resolve (host:port targets, zones,
 * the family filter, unmapping) and shell/resolve's wait: one deadline,
 * Ctrl-C, and giving up abandons only its own query, which frees itself
 * (ASan's leak check sees it if not). The resolver talks to a loopback UDP
 * socket that never answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/dns.h"
#include "lib/resolve.h"
#include "lib/session.h"
#include "shell/resolve.h"
#include "shell/shell.h"

static struct nr_ip ip_of(const char *s)
{
    struct nr_ip ip;
    assert_int_equal(nr_ip_parse(s, &ip, true), 0);
    return ip;
}

static void test_target_split(void **st)
{
    char work[64], err[NR_ERRLEN];
    struct nr_target t;
    assert_int_equal(nr_target_split("example.com:http", true, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_NAME);
    assert_string_equal(t.host, "example.com");
    assert_string_equal(t.port, "http");
    assert_int_equal(nr_target_split(":80", true, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_EMPTY);
    assert_string_equal(t.port, "80");
    assert_int_equal(nr_target_split("127.0.0.1:0", true, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_IP);
    assert_int_equal(t.ip.len, 4);
    assert_int_equal(nr_target_split("[fe80::1%lo]:22", true, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_IP);
    assert_int_equal(t.ip.len, 16);
    assert_string_equal(t.ip.zone, "lo");
    assert_string_equal(t.port, "22");
    /* Without a port: a bare host, zones too. */
    assert_int_equal(nr_target_split("fe80::1%eth0", false, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_IP);
    assert_string_equal(t.ip.zone, "eth0");
    assert_null(t.port);
    assert_int_equal(nr_target_split("localhost", false, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_NAME);
    assert_int_equal(nr_target_split("", false, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_EMPTY);
    /* Errors name the problem. */
    assert_int_equal(nr_target_split("127.0.0.1", true, work, sizeof work, &t, err, sizeof err), -1);
    assert_string_equal(err, "missing port in address");
    char big[100];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(nr_target_split(big, false, work, sizeof work, &t, err, sizeof err), -1);
    assert_string_equal(err, "address too long");
}

static void test_family_filter(void **st)
{
    struct nr_ip v4 = ip_of("192.0.2.1"), v6 = ip_of("2001:db8::1"), m = ip_of("::ffff:192.0.2.2");
    assert_true(nr_ip_fits(&v4, AF_UNSPEC) && nr_ip_fits(&v6, AF_UNSPEC) && nr_ip_fits(&m, AF_UNSPEC));
    assert_true(nr_ip_fits(&v4, AF_INET) && nr_ip_fits(&m, AF_INET));
    assert_false(nr_ip_fits(&v6, AF_INET));
    assert_true(nr_ip_fits(&v6, AF_INET6));
    assert_false(nr_ip_fits(&v4, AF_INET6) || nr_ip_fits(&m, AF_INET6));   /* as Go's tcp6 */
    struct nr_ip l[4] = { v6, v4, m, v6 };
    assert_int_equal(nr_ips_filter(l, 4, AF_INET), 2);
    assert_memory_equal(&l[0], &v4, sizeof v4);
    assert_memory_equal(&l[1], &m, sizeof m);
    struct nr_ip l2[3] = { v4, v6, m };
    assert_int_equal(nr_ips_filter(l2, 3, AF_INET6), 1);
    assert_memory_equal(&l2[0], &v6, sizeof v6);
    struct nr_ip l3[2] = { v4, v6 };
    assert_int_equal(nr_ips_filter(l3, 2, AF_UNSPEC), 2);
}

static void test_unmap(void **st)
{
    char buf[NR_ADDRSTRLEN];
    struct nr_ip m = ip_of("::ffff:192.0.2.2"), v6 = ip_of("fe80::1%lo"), v4 = ip_of("10.0.0.1");
    nr_ip_unmap(&m);
    assert_int_equal(m.len, 4);
    assert_string_equal(nr_ip_str(&m, buf, sizeof buf), "192.0.2.2");
    struct nr_ip m4 = ip_of("192.0.2.2");
    assert_memory_equal(&m, &m4, sizeof m);
    nr_ip_unmap(&v6);
    assert_int_equal(v6.len, 16);
    assert_string_equal(v6.zone, "lo");
    nr_ip_unmap(&v4);
    assert_string_equal(nr_ip_str(&v4, buf, sizeof buf), "10.0.0.1");
}

/* ---- the wait, against a server that never answers ---- */

/* Someone else's query on the same channel. */
struct other {
    bool done;
    int status;
};

struct fixture {
    struct shell *sh;
    struct other other;   /* lives as long as the resolver (its callback) */
    int silent;   /* the UDP socket the queries go to */
    char servers[64];
};

static int setup(void **st)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    f->silent = socket(AF_INET, SOCK_DGRAM, 0);
    assert_int_equal(bind(f->silent, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(f->silent, (struct sockaddr *)&a, &len), 0);
    snprintf(f->servers, sizeof f->servers, "127.0.0.1:%u", ntohs(a.sin_port));
    f->sh = calloc(1, sizeof *f->sh);
    f->sh->loop = nr_loop_new();
    f->sh->dns_servers = f->servers;
    f->sh->keep_going = true;
    f->sh->src = "-";
    *st = f;
    return 0;
}

static int teardown(void **st)
{
    struct fixture *f = *st;
    nr_dns_free(f->sh->dns);   /* ends the abandoned queries: they free themselves */
    nr_loop_free(f->sh->loop);
    free(f->sh);
    close(f->silent);
    free(f);
    return 0;
}

static void on_other(void *arg, int status, struct nr_addrs *addrs)
{
    struct other *o = arg;
    o->done = true;
    o->status = status;
    nr_addrs_free(addrs);
}

static void press_ctrl_c(struct nr_loop *loop, void *arg)
{
    ((struct shell *)arg)->interrupted = 1;
}

static void test_deadline(void **st)
{
    struct fixture *f = *st;
    struct sh_answer ans;
    struct other *o = &f->other;
    nr_dns_resolve(sh_dns(f->sh), "other.nr.test", AF_UNSPEC, on_other, o);
    int64_t t0 = nr_now_us();
    assert_int_equal(sh_resolve(f->sh, "silent.nr.test", AF_INET, t0 + 200000, &ans), 0);
    int64_t took = nr_now_us() - t0;
    assert_int_equal(ans.wait, NR_WAIT_TIMEOUT);
    assert_null(ans.addrs);
    assert_true(took >= 190000 && took < 2000000);
    assert_false(o->done);   /* the other query goes on */
    /* A deadline past the resolver's own timeout is cut to it (plus grace). */
    assert_int_equal(nr_dns_configure(f->sh->dns, 300000, 1, NULL, 0), 0);
    assert_true(o->done);    /* re-creating the channel ends every query */
    t0 = nr_now_us();
    assert_int_equal(sh_resolve(f->sh, "silent2.nr.test", AF_INET6, t0 + 60000000, &ans), 0);
    took = nr_now_us() - t0;
    assert_true(took < 300000 + SH_RESOLVE_GRACE_US + 500000);
    assert_int_equal(ans.wait, NR_WAIT_DONE);   /* c-ares' own timeout came first */
    assert_int_equal(ans.status, ARES_ETIMEOUT);
}

static void test_ctrl_c(void **st)
{
    struct fixture *f = *st;
    struct sh_answer ans;
    struct other *o = &f->other;
    nr_dns_resolve(sh_dns(f->sh), "other.nr.test", AF_UNSPEC, on_other, o);
    nr_loop_timer(f->sh->loop, nr_now_us() + 100000, press_ctrl_c, f->sh);
    assert_int_equal(sh_resolve(f->sh, "silent.nr.test", AF_UNSPEC, -1, &ans), 0);
    assert_int_equal(ans.wait, NR_WAIT_INTR);
    assert_false(o->done);
}

/* Ctrl-C during each command that resolves: it fails as interrupted and
 * leaves the other queries on the channel alone (resolve used to cancel
 * them all). */
static void test_commands_cancel_only_their_own(void **st)
{
    static const char *const lines[] = {
        "resolve tcp silent.nr.test:80",
        "dial tcp silent.nr.test:80",
        "listen tcp silent.nr.test:0",
        "ping -c 1 silent.nr.test",
    };
    struct fixture *f = *st;
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        struct other *o = &f->other;
        if (i > 0)
            nr_dns_configure(f->sh->dns, 0, 0, NULL, 0);   /* ends the one before */
        *o = (struct other){ 0 };
        nr_dns_resolve(sh_dns(f->sh), "other.nr.test", AF_UNSPEC, on_other, o);
        nr_loop_timer(f->sh->loop, nr_now_us() + 100000, press_ctrl_c, f->sh);
        fflush(stderr);
        int saved = dup(2), null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        close(null);
        int64_t t0 = nr_now_us();
        int r = sh_run_line(f->sh, lines[i], strlen(lines[i]));
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
        if (r != CMD_FAIL || nr_now_us() - t0 > 1000000)
            fail_msg("%s: not interrupted", lines[i]);
        if (o->done)
            fail_msg("%s: cancelled another query (status %d)", lines[i], o->status);
    }
    nr_sessions_free(f->sh->sessions);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_split),
        cmocka_unit_test(test_family_filter),
        cmocka_unit_test(test_unmap),
        cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_c, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_cancel_only_their_own, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
