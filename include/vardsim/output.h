/* output.h: files written atomically into a locked folder, and CSV in two
 * dialects.
 *
 * An output set is one folder's worth of files from one run.  Every file
 * is written to a temporary name in the target folder
 * (".vardsim-tmp.PID.SET.K") and renamed only when every file of the set
 * has been written and flushed (vs_outset_commit), so a failed or
 * interrupted run leaves no half-written file, and a run that fails before
 * the commit leaves the folder as it was (earlier charts included: files a
 * run wants gone are removed at the commit, not before).  The renames run
 * with SIGINT and SIGTERM blocked, so a signal cannot leave a folder half
 * old and half new.
 *
 * vs_outset_begin also locks the folder for the life of the set (flock on
 * "FOLDER/.vardsim.lock", which holds the holder's pid and command line):
 * a second run into a folder in use is refused with a message naming the
 * first, and temporaries a killed run left behind (our pattern only) are
 * removed, since no live run can own them while we hold the lock. */
#ifndef VARDSIM_OUTPUT_H
#define VARDSIM_OUTPUT_H

#include <signal.h>
#include <stdio.h>

#include "vardsim/error.h"
#include "vardsim/money.h"

/* The lock file inside an output folder, and the prefix of every
 * temporary name (renders included). */
#define VS_OUTPUT_LOCK_NAME ".vardsim.lock"
#define VS_OUTPUT_TMP_PREFIX ".vardsim-tmp."

struct vs_outsink; /* where a stream writes, and its first errno */

typedef struct vs_outfile {
    char *path, *tmp;
    FILE *f;
    int fd;
    struct vs_outsink *sink;
} vs_outfile;

typedef struct vs_outset {
    vs_outfile *files;
    size_t n, cap;
    char *dir;        /* the one folder of the set (NULL before the first file) */
    char *tmp_prefix; /* "DIR/.vardsim-tmp.PID.SET." */
    char **removals;  /* paths to remove at the commit */
    size_t n_removals, cap_removals;
    char *lock_path;  /* NULL when not locked */
    int lock_fd;      /* -1 when not locked */
    int made_dir;     /* begin created the folder itself */
    int busy;         /* begin was refused: another process holds the lock */
    /* Read by vs_outset_abandon in a signal handler: */
    volatile sig_atomic_t n_tmp;     /* temporaries named so far */
    volatile sig_atomic_t committed; /* the renames are done */
} vs_outset;

void vs_outset_init(vs_outset *s);

/* Create folder `dir` and its parents (like mkdir -p). */
int vs_output_mkdir(const char *dir, vs_err *err);

/* Create `dir` (and parents) and lock it for this set, then remove stale
 * temporaries of ours in it.  `holder` (the command line, may be NULL) is
 * written into the lock file so a refused run can name this one.  A
 * folder another process holds gives VS_EIO with a message naming that
 * process, and sets s->busy, so the caller can add what its user can do
 * about it (the message says nothing of options).  * A folder begin created is removed again by vs_outset_free if nothing
 * was committed into it. */
int vs_outset_begin(vs_outset *s, const char *dir, const char *holder,
                    vs_err *err);

/* Open `dir/name` for writing under a temporary name.  Returns the stream
 * or NULL (with err).  The stream belongs to the set.  Every file of a set
 * goes into one folder (the one of begin, if called). */
FILE *vs_outset_open(vs_outset *s, const char *dir, const char *name,
                     vs_err *err);

/* For a writer that opens files by name (libxlsxwriter): the temporary
 * path that becomes `dir/name` at the commit (the file exists, empty; the
 * writer replaces it).  The path belongs to the set; NULL with err. */
const char *vs_outset_reserve(vs_outset *s, const char *dir, const char *name,
                              vs_err *err);

/* Remove `dir/name` at the commit, after the renames (an earlier run's
 * image this run does not make); a missing file is fine. */
int vs_outset_remove(vs_outset *s, const char *dir, const char *name,
                     vs_err *err);

/* Flush and check every stream, then rename each into place and make the
 * removals.  On any failure VS_EIO with the first real cause (for example
 * "No space left on device" or "File too large"), every temporary removed
 * and the folder as it was. */
int vs_outset_commit(vs_outset *s, vs_err *err);

/* For a signal handler that is about to _exit: unlink every temporary of
 * the set (and a render in progress), release the lock file, and remove
 * the folder if begin made it and nothing was committed.  Only
 * async-signal-safe calls; `s` may be NULL. */
void vs_outset_abandon(const vs_outset *s);

/* The temporary name a render writes to in `dir` before its rename (so
 * vs_outset_abandon and stale cleanup know it). */
int vs_output_render_tmp(const char *dir, char *buf, size_t n);

/* Remove every temporary, release the lock and free the set (also after
 * a commit).  Accepts an initialised, never used set. */
void vs_outset_free(vs_outset *s);

/* CSV dialects: RFC 4180 (',' and '.', LF) or Swedish Excel (';', decimal
 * comma, CRLF, UTF-8 BOM). */
typedef struct vs_csv {
    FILE *f;
    char sep, dec;
    const char *eol;
    int at_start; /* no field written yet on this row */
} vs_csv;

/* Start a CSV on `f`; writes the BOM in the Swedish dialect. */
void vs_csv_begin(vs_csv *c, FILE *f, int swedish);

/* A text cell: quoted when it holds the separator, a quote or a line
 * break; a leading = + - @ tab or CR gets a ' so spreadsheets do not run
 * it as a formula. */
void vs_csv_text(vs_csv *c, const char *s);

/* A number already formatted with '.' as decimal point (converted to the
 * dialect's mark); "" for an empty cell. */
void vs_csv_num_text(vs_csv *c, const char *s);

/* %.10g of v; NAN gives an empty cell. */
void vs_csv_num(vs_csv *c, double v);

/* Money in öre, two decimals. */
void vs_csv_money(vs_csv *c, vs_ore v);

/* Money in öre as a double (a mean), rounded to the öre; NAN gives "". */
void vs_csv_money_d(vs_csv *c, double ore);

void vs_csv_end_row(vs_csv *c);

#endif
