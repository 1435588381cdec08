/* error.h: one error struct for the whole library.
 *
 * Library code never prints and never exits.  A function that fails
 * returns a status (VS_OK on success) and records the problem in a vs_err.
 * The loader records every problem it finds, so a vs_err holds the first
 * problem in fixed fields (for tests and callers that want one) and every
 * problem, formatted "FILE:LINE: message\n", in `log` (for the CLI). */
#ifndef VARDSIM_ERROR_H
#define VARDSIM_ERROR_H

#include <stddef.h>

/* Status codes.  The CLI maps VS_EINPUT to exit status 2 (bad usage or bad
 * scenario) and every other failure to exit status 1 (the run failed). */
enum vs_status {
    VS_OK = 0,
    VS_ERUN = 1,    /* the run failed: numeric trouble, overflow, ... */
    VS_EINPUT = 2,  /* bad scenario or bad option */
    VS_ENOMEM = 3,  /* out of memory */
    VS_EIO = 4,     /* a file could not be read or written */
    VS_EINTR = 5    /* interrupted (Ctrl-C) */
};

typedef struct vs_err {
    int code;          /* status of the first problem, VS_OK when none */
    int count;         /* number of problems recorded */
    char file[256];    /* the first problem: file ("" when none) */
    int line;          /* ... its line (0 when none) */
    char msg[512];     /* ... its message, without file and line */
    char *log;         /* every problem, "FILE:LINE: msg\n" each; NULL when none */
    size_t log_len, log_cap;
} vs_err;

/* Make `e` empty.  Every vs_err must be initialised before use. */
void vs_err_init(vs_err *e);

/* Free the log and make `e` empty again.  Accepts NULL. */
void vs_err_free(vs_err *e);

/* Record a problem and return `code`.  `file` may be NULL or "" and `line`
 * 0 when they do not apply; the log line then drops them.  The first
 * recorded problem fills code/file/line/msg; later ones only the log. */
int vs_err_set(vs_err *e, int code, const char *file, int line,
               const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Copy every problem of `src` into `dst` (keeping dst's own first). */
void vs_err_merge(vs_err *dst, const vs_err *src);

#endif
