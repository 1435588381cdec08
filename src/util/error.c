/* error.c: the vs_err struct (see error.h). */
#include "vardsim/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vs_err_init(vs_err *e)
{
    memset(e, 0, sizeof *e);
}

void vs_err_free(vs_err *e)
{
    if (!e)
        return;
    free(e->log);
    vs_err_init(e);
}

/* Append text to the log.  On allocation failure the log is left short:
 * the first problem stays in the fixed fields, which is what matters. */
static void log_append(vs_err *e, const char *s)
{
    size_t n = strlen(s);
    if (e->log_len + n + 1 > e->log_cap) {
        size_t cap = e->log_cap ? e->log_cap : 256;
        while (cap < e->log_len + n + 1)
            cap *= 2;
        char *p = realloc(e->log, cap);
        if (!p)
            return;
        e->log = p;
        e->log_cap = cap;
    }
    memcpy(e->log + e->log_len, s, n + 1);
    e->log_len += n;
}

/* The end of a message that did not fit its buffer. */
#define VS_ERR_CUT " [... message cut]"

static void record(vs_err *e, int code, const char *file, int line,
                   const char *msg)
{
    char buf[1024];
    int len;
    if (file && *file && line > 0)
        len = snprintf(buf, sizeof buf, "%s:%d: %s\n", file, line, msg);
    else if (file && *file)
        len = snprintf(buf, sizeof buf, "%s: %s\n", file, msg);
    else
        len = snprintf(buf, sizeof buf, "%s\n", msg);
    if (len >= (int)sizeof buf) /* a long file name: say the line was cut */
        memcpy(buf + sizeof buf - sizeof VS_ERR_CUT "\n",
               VS_ERR_CUT "\n", sizeof VS_ERR_CUT "\n");
    if (e->count == 0) {
        e->code = code;
        snprintf(e->file, sizeof e->file, "%s", file ? file : "");
        e->line = line;
        snprintf(e->msg, sizeof e->msg, "%s", msg);
    }
    e->count++;
    log_append(e, buf);
}

int vs_err_set(vs_err *e, int code, const char *file, int line,
               const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (len >= (int)sizeof msg) /* a message cut short says so */
        memcpy(msg + sizeof msg - sizeof VS_ERR_CUT, VS_ERR_CUT, sizeof VS_ERR_CUT);
    if (e)
        record(e, code, file, line, msg);
    return code;
}

void vs_err_merge(vs_err *dst, const vs_err *src)
{
    if (!src || src->count == 0)
        return;
    if (dst->count == 0) {
        dst->code = src->code;
        memcpy(dst->file, src->file, sizeof dst->file);
        dst->line = src->line;
        memcpy(dst->msg, src->msg, sizeof dst->msg);
    }
    dst->count += src->count;
    if (src->log)
        log_append(dst, src->log);
}
