/* textout.c: one text file written atomically (init, import -o), through
 * the library's output set, so a failure leaves no half-written file and
 * an existing file stays as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vardsim/output.h"

int vs_cli_write_file(const char *path, const char *text, size_t len,
                      vs_err *err)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (*name == '\0')
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "%s: a file name is needed, not a folder", path);
    char *dir;
    if (!slash)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else {
        dir = malloc((size_t)(slash - path) + 1);
        if (dir) {
            memcpy(dir, path, (size_t)(slash - path));
            dir[slash - path] = '\0';
        }
    }
    if (!dir)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    vs_outset set;
    vs_outset_init(&set);
    int rc = VS_OK;
    FILE *f = vs_outset_open(&set, dir, name, err);
    if (!f)
        rc = err->code ? err->code : VS_EIO;
    else if (fwrite(text, 1, len, f) != len)
        rc = vs_err_set(err, VS_EIO, path, 0, "cannot write");
    else
        rc = vs_outset_commit(&set, err);
    vs_outset_free(&set);
    free(dir);
    return rc;
}
