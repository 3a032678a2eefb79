/* Must NOT compile (make unit checks): a format that does not fit the
 * value an out_* call passes. Proves the printer's formats are checked. */
#include "shell/shell.h"

void bad_format(struct shell *sh);
void bad_format(struct shell *sh)
{
    out_int(sh, "n", "%d bytes\n", 1);
}
