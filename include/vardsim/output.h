/* output.h: files written atomically, and CSV in two dialects.
 *
 * Every output file is written to a temporary name in its target folder
 * and renamed only when every file of the run has been written and flushed
 * (vs_outset_commit), so a failed or interrupted run leaves no half-written
 * file, and a run that fails before the commit leaves the folder as it was.
 * The renames themselves are one file at a time: if one of them fails (a
 * folder made read-only meanwhile) the files renamed before it are already
 * new. */
#ifndef VARDSIM_OUTPUT_H
#define VARDSIM_OUTPUT_H

#include <stdio.h>

#include "vardsim/error.h"
#include "vardsim/money.h"

typedef struct vs_outfile {
    char *path, *tmp;
    FILE *f;
} vs_outfile;

typedef struct vs_outset {
    vs_outfile *files;
    size_t n, cap;
} vs_outset;

void vs_outset_init(vs_outset *s);

/* Create folder `dir` and its parents (like mkdir -p). */
int vs_output_mkdir(const char *dir, vs_err *err);

/* Open `dir/name` for writing under a temporary name.  Returns the stream
 * or NULL (with err).  The stream belongs to the set. */
FILE *vs_outset_open(vs_outset *s, const char *dir, const char *name,
                     vs_err *err);

/* Flush and check every stream, then rename each into place.  On any
 * failure every temporary file is removed and VS_EIO returned. */
int vs_outset_commit(vs_outset *s, vs_err *err);

/* Remove every temporary file and free the set (also after a commit). */
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
