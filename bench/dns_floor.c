/* bench/dns_floor — the floor for bench/dns: a bare C loop over c-ares
 * (epoll, ARES_OPT_SOCK_STATE_CB, ares_process_fd) resolving the A records
 * of every name in a file with a fixed number of queries in flight, replies
 * parsed with ares_parse_a_reply and nothing printed. What netrepl's
 * `lookup a -f FILE` is measured against.
 * Usage: dns_floor SERVER:PORT NAMES_FILE [IN_FLIGHT]   (prints answered/failed) */
#define _GNU_SOURCE
#include <ares.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

struct state {
    int ep;
    ares_channel ch;
    char **names;
    size_t n, next, done, ok, failed;
    int inflight, max;
};

static void sock_cb(void *data, ares_socket_t fd, int r, int w)
{
    struct state *s = data;
    struct epoll_event ev = { .events = (r ? EPOLLIN : 0) | (w ? EPOLLOUT : 0), .data.fd = fd };
    if (!r && !w) {
        epoll_ctl(s->ep, EPOLL_CTL_DEL, fd, NULL);
        return;
    }
    if (epoll_ctl(s->ep, EPOLL_CTL_MOD, fd, &ev) < 0)
        epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev);
}

static void start(struct state *s);

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct state *s = arg;
    struct hostent *he = NULL;
    if (status == ARES_SUCCESS && ares_parse_a_reply(abuf, alen, &he, NULL, NULL) == ARES_SUCCESS) {
        s->ok++;
        ares_free_hostent(he);
    } else {
        s->failed++;
    }
    s->done++;
    s->inflight--;
    start(s);
}

static void start(struct state *s)
{
    while (s->inflight < s->max && s->next < s->n) {
        s->inflight++;
        ares_query(s->ch, s->names[s->next++], 1, 1, on_answer, s);
    }
}

static size_t read_names(const char *path, char ***out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) > 0) {
        while (len && (line[len - 1] == '\n' || line[len - 1] == ' '))
            line[--len] = 0;
        if (!len)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            *out = realloc(*out, cap * sizeof **out);
        }
        (*out)[n++] = strdup(line);
    }
    free(line);
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: dns_floor SERVER:PORT NAMES_FILE [IN_FLIGHT]\n");
        return 2;
    }
    struct state s = { .max = argc > 3 ? atoi(argv[3]) : 100 };
    s.n = read_names(argv[2], &s.names);
    s.ep = epoll_create1(0);
    ares_library_init(ARES_LIB_INIT_ALL);
    struct ares_options o = { .sock_state_cb = sock_cb, .sock_state_cb_data = &s,
                              .timeout = 2000, .tries = 2, .flags = ARES_FLAG_NOCHECKRESP };
    if (ares_init_options(&s.ch, &o, ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS |
                          ARES_OPT_TRIES | ARES_OPT_FLAGS) != ARES_SUCCESS ||
        ares_set_servers_ports_csv(s.ch, argv[1]) != ARES_SUCCESS) {
        fprintf(stderr, "dns_floor: cannot set up c-ares\n");
        return 1;
    }
    start(&s);
    while (s.done < s.n) {
        struct timeval tv, *t = ares_timeout(s.ch, NULL, &tv);
        int ms = t ? (int)(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000) : -1;
        struct epoll_event evs[64];
        int k = epoll_wait(s.ep, evs, 64, ms);
        if (k <= 0)
            ares_process_fd(s.ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
        for (int i = 0; i < k; i++)
            ares_process_fd(s.ch, (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ? evs[i].data.fd : ARES_SOCKET_BAD,
                            (evs[i].events & EPOLLOUT) ? evs[i].data.fd : ARES_SOCKET_BAD);
    }
    printf("%zu %zu\n", s.ok, s.failed);
    ares_destroy(s.ch);
    for (size_t i = 0; i < s.n; i++)
        free(s.names[i]);
    free(s.names);
    ares_library_cleanup();
    return 0;
}
