/* libFuzzer target: the tokenizer never crashes, leaks, or produces words
 * whose recorded lengths disagree with their buffers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shell/token.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    struct nr_cmdline cl;
    char err[NR_ERRLEN];
    const char *last = (n && data[0] & 1) ? "42" : NULL;
    if (nr_tokenize((const char *)data, n, last, &cl, err, sizeof err) == 0) {
        for (size_t i = 0; i < cl.n; i++) {
            if (cl.cmd[i].argc <= 0 || cl.cmd[i].argv[cl.cmd[i].argc] != NULL)
                abort();
            for (int j = 0; j < cl.cmd[i].argc; j++)
                if (cl.cmd[i].argv[j][cl.cmd[i].len[j]] != 0 || cl.cmd[i].len[j] > n * 2 + 2)
                    abort();
        }
        nr_cmdline_free(&cl);
    } else if (!err[0] || cl.n != 0) {
        abort();   /* a failure always explains itself and leaves nothing */
    }
    return 0;
}
