/* Unit tests: shell/resolve's wait for a name: one deadline, Ctrl-C, and
 * giving up abandons only its own query, which frees itself (ASan's leak
 * check sees it if not). The resolver talks to a loopback UDP socket that
 * never answers. The pure parts are in test_target.c. */
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
#include "lib/session.h"
#include "shell/resolve.h"
#include "shell/shell.h"

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
        cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_c, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commands_cancel_only_their_own, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
