/* diff.h: two output folders compared (`vardsim diff OUT_A OUT_B`).
 *
 * For metrics.csv (key: the metric) and centres.csv (key: the centre),
 * per variant, the columns point and mean: one row per cell that differs
 * (difference = b - a, computed exactly on the decimals the files hold)
 * or that only one folder has (difference empty).  Rows are grouped by
 * table (metrics first) and column (point, then mean); within a group,
 * largest |difference| first, ties and one-sided rows in file order (A's
 * rows, then those only B has), one-sided rows last.  Either CSV dialect
 * is read, in each folder independently. */
#ifndef VARDSIM_DIFF_H
#define VARDSIM_DIFF_H

#include <stdio.h>

#include "vardsim/error.h"

typedef struct vs_diff_row {
    const char *table;  /* "metrics" or "centres" */
    char *variant, *key;
    const char *column; /* "point" or "mean" */
    char *a, *b;        /* numbers with '.' as decimal mark; "" if absent */
    char *difference;   /* b - a; "" when one side is absent */
} vs_diff_row;

typedef struct vs_diff {
    vs_diff_row *rows;
    size_t n, cap;
    int swedish_a;      /* OUT_A was written in the Swedish dialect */
} vs_diff;

/* Compare output folders `a` and `b`.  Returns VS_OK and fills *d (free
 * with vs_diff_free), or VS_EINPUT naming the folder that is not a vardsim
 * output (no manifest.txt, metrics.csv or centres.csv, or not their
 * columns), VS_ENOMEM. */
int vs_diff_folders(const char *a, const char *b, vs_diff *d, vs_err *err);

void vs_diff_free(vs_diff *d);

/* diff.csv: `table,variant,key,column,a,b,difference`, in the Swedish
 * dialect when `swedish`. */
void vs_diff_write_csv(const vs_diff *d, FILE *f, int swedish);

#endif
