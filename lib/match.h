/* lib/match — a set of alternatives (literal texts and PCRE2 regular
 * expressions) matched against a stream buffer that grows as data arrives,
 * for expect. Hard partial matching: a match split across arrivals is
 * found, and a match that more data could still extend or complete is not
 * reported until it cannot (or the caller says no more data will come).
 * Each alternative resumes where earlier starts can no longer match, so a
 * buffer that grows a byte at a time is not rescanned from its start. The
 * match that starts first in the buffer wins, the earlier alternative on a
 * tie. Never prints. */
#ifndef NR_MATCH_H
#define NR_MATCH_H

#include <stdbool.h>
#include <stddef.h>

struct nr_match;

enum {
    NR_MATCH_MAX = 32,      /* alternatives in one set */
    NR_MATCH_WAIT = -1,     /* nr_match_run: no winner yet */
    NR_MATCH_FAIL = -2,     /* nr_match_run: matching failed (err says why) */
};

/* Returns NULL on ENOMEM. Caller frees with nr_match_free(). */
struct nr_match *nr_match_new(void);
void nr_match_free(struct nr_match *m);

/* Adds an alternative: pat[0..len) as a literal text, or as a PCRE2 pattern
 * when regex. Returns its index (0, 1, ...), or -1 with err (empty, a bad
 * pattern with its offset, too many, out of memory). */
int nr_match_add(struct nr_match *m, const char *pat, size_t len, bool regex, char *err,
                 size_t errlen);

/* Runs the alternatives over p[0..len), the whole buffer so far; between
 * runs it may only have grown at the end. final: no more data will come, so
 * a match that could still grow is taken as it is. Returns the winner's
 * index, NR_MATCH_WAIT, or NR_MATCH_FAIL with err (e.g. the backtracking
 * limit on a pathological pattern). */
int nr_match_run(struct nr_match *m, const void *p, size_t len, bool final, char *err,
                 size_t errlen);

/* After alternative i won: its match is p[*start..*end). */
void nr_match_span(const struct nr_match *m, int i, size_t *start, size_t *end);
/* Its capture groups (0 for a literal); group g in 1..n: its offsets, or
 * false when it took no part in the match. */
int nr_match_ngroups(const struct nr_match *m, int i);
bool nr_match_group(const struct nr_match *m, int i, int g, size_t *start, size_t *end);
/* Its named groups: how many; the k-th one's name (borrowed, lives as long
 * as m) and its group number in *group. */
int nr_match_nnames(const struct nr_match *m, int i);
const char *nr_match_name(const struct nr_match *m, int i, int k, int *group);

#endif
