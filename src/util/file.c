/* util/file.c: see file.h. */
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int vs_file_read(const char *path, size_t max, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    const size_t limit = max + 1;
    size_t cap = 64 * 1024 < limit ? 64 * 1024 : limit, n = 0;
    char *buf = malloc(cap + 1);
    while (buf && n < limit) {
        if (n == cap) {
            size_t c = cap <= limit / 2 ? 2 * cap : limit;
            char *p = realloc(buf, c + 1);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap = c;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    if (!buf) {
        fclose(f);
        errno = ENOMEM;
        return -2;
    }
    if (ferror(f)) {
        int e = errno ? errno : EIO;
        free(buf);
        fclose(f);
        errno = e;
        return -1;
    }
    fclose(f);
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

int vs_file_find_program(const char *name, char *buf, size_t n)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path;;) {
        size_t len = strcspn(p, ":");
        if (len > 0 && p[0] == '/' && len < n &&
            snprintf(buf, n, "%.*s/%s", (int)len, p, name) < (int)n) {
            struct stat st;
            if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
                access(buf, X_OK) == 0)
                return 1;
        }
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    if (n > 0)
        buf[0] = '\0';
    return 0;
}
