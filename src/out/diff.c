/* diff.c: two output folders compared (see diff.h). */
#include "out/diff.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/csv_read.h"
#include "vardsim/output.h"

static const char *const tables[2] = {"metrics", "centres"};
static const char *const key_column[2] = {"metric", "centre"};
static const char *const columns[2] = {"point", "mean"};

void vs_diff_free(vs_diff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->rows[i].variant);
        free(d->rows[i].key);
        free(d->rows[i].a);
        free(d->rows[i].b);
        free(d->rows[i].difference);
    }
    free(d->rows);
    memset(d, 0, sizeof *d);
}

/* A number cell in `t`'s dialect as plain text with '.' ("" for an empty
 * cell); -1 when it is not a number. */
static int plain_number(const vs_csv_table *t, const char *cell, char *buf,
                        size_t n)
{
    double v;
    if (*cell == '\0') {
        buf[0] = '\0';
        return 0;
    }
    if (vs_csv_read_number(t, cell, &v) != 0)
        return -1;
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)cell; *p && k + 1 < n; p++) {
        if (*p == (unsigned char)t->dec)
            buf[k++] = '.';
        else if ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' ||
                 *p == 'e' || *p == 'E' || *p == '.')
            buf[k++] = (char)*p;
        /* spaces and no-break spaces (thousands) are dropped */
    }
    buf[k] = '\0';
    return 0;
}

/* A plain decimal ("-1234.56", no exponent) as mantissa x 10^-scale. */
static int decimal(const char *s, int64_t *m, int *scale)
{
    int neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    int64_t v = 0;
    int sc = 0, digits = 0, point = 0;
    for (; *s; s++) {
        if (*s == '.' && !point) {
            point = 1;
            continue;
        }
        if (*s < '0' || *s > '9' || ++digits > 18)
            return -1;
        v = v * 10 + (*s - '0');
        sc += point;
    }
    if (digits == 0)
        return -1;
    *m = neg ? -v : v;
    *scale = sc;
    return 0;
}

/* b - a exactly when both are plain decimals (money, most metrics), else
 * in double printed %.10g as the metrics are; *zero says it is 0 and
 * *mag gives |b - a| for sorting. */
static void subtract(const char *a, const char *b, char *buf, size_t n,
                     int *zero, double *mag)
{
    int64_t ma, mb;
    int sa, sb;
    if (decimal(a, &ma, &sa) == 0 && decimal(b, &mb, &sb) == 0) {
        int sc = sa > sb ? sa : sb, ok = 1;
        for (; sa < sc && ok; sa++)
            ok = !__builtin_mul_overflow(ma, 10, &ma);
        for (; sb < sc && ok; sb++)
            ok = !__builtin_mul_overflow(mb, 10, &mb);
        int64_t d;
        if (ok && !__builtin_sub_overflow(mb, ma, &d)) {
            uint64_t u = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
            /* Trailing zeros beyond the öre go: "-0.0002462324", but
             * money keeps its two decimals. */
            while (sc > 2 && u % 10 == 0) {
                u /= 10;
                sc--;
            }
            if (sc > 18)
                sc = 18; /* never: 18 digits at most were read */
            uint64_t p10 = 1;
            for (int i = 0; i < sc; i++)
                p10 *= 10;
            if (sc > 0)
                snprintf(buf, n, "%s%llu.%0*llu", d < 0 ? "-" : "",
                         (unsigned long long)(u / p10), sc,
                         (unsigned long long)(u % p10));
            else
                snprintf(buf, n, "%s%llu", d < 0 ? "-" : "",
                         (unsigned long long)u);
            *zero = d == 0;
            *mag = (double)u / (double)p10;
            return;
        }
    }
    double d = strtod(b, NULL) - strtod(a, NULL);
    snprintf(buf, n, "%.10g", d);
    *zero = d == 0;
    *mag = fabs(d);
}

typedef struct side {
    const char *dir;
    vs_csv_table t[2];
    int key[2], variant[2], col[2][2];
} side;

static int read_side(side *s, vs_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.txt", s->dir);
    if (access(path, R_OK) != 0)
        return vs_err_set(err, VS_EINPUT, s->dir, 0,
                          "not a vardsim output folder (no manifest.txt)");
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s.csv", s->dir, tables[k]);
        if (access(path, R_OK) != 0)
            return vs_err_set(err, VS_EINPUT, s->dir, 0,
                              "not a vardsim run folder (no %s.csv)", tables[k]);
        int st = vs_csv_read_file(path, &s->t[k], err);
        if (st != VS_OK)
            return st == VS_EIO ? VS_EINPUT : st;
        s->variant[k] = vs_csv_column(&s->t[k], "variant");
        s->key[k] = vs_csv_column(&s->t[k], key_column[k]);
        for (int c = 0; c < 2; c++)
            s->col[k][c] = vs_csv_column(&s->t[k], columns[c]);
        if (s->variant[k] < 0 || s->key[k] < 0 || s->col[k][0] < 0 ||
            s->col[k][1] < 0)
            return vs_err_set(err, VS_EINPUT, path, 1,
                              "not vardsim's %s.csv (it needs the columns "
                              "variant, %s, point and mean)", tables[k],
                              key_column[k]);
    }
    return VS_OK;
}

static int same_row(const side *s, int k, size_t r, const side *o, size_t i)
{
    return strcmp(vs_csv_cell(&o->t[k], i, o->variant[k]),
                  vs_csv_cell(&s->t[k], r, s->variant[k])) == 0 &&
           strcmp(vs_csv_cell(&o->t[k], i, o->key[k]),
                  vs_csv_cell(&s->t[k], r, s->key[k])) == 0;
}

/* The row of `other` with the same variant and key as row r of `s`, or 0.
 * Two runs of one scenario list their rows in the same order, so the row
 * of the same number is tried first: the search is then linear overall. */
static size_t find_row(const side *s, int k, size_t r, const side *other)
{
    if (r < other->t[k].n_rows && same_row(s, k, r, other, r))
        return r;
    for (size_t i = 1; i < other->t[k].n_rows; i++)
        if (same_row(s, k, r, other, i))
            return i;
    return 0;
}

typedef struct pending {
    vs_diff_row row;
    double mag;   /* |difference|; -1 for a one-sided row */
    size_t order; /* file order */
} pending;

static int by_size(const void *x, const void *y)
{
    const pending *a = x, *b = y;
    if (a->mag != b->mag)
        return a->mag > b->mag ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static char *dup_text(const char *s)
{
    return strdup(s ? s : "");
}

/* The rows of one (table, column): A's rows in file order, then B's own. */
static int compare_group(const side *A, const side *B, int k, int c,
                         pending **rows, size_t *n, size_t *cap, vs_err *err)
{
    size_t start = *n;
    for (int pass = 0; pass < 2; pass++) {
        const side *s = pass ? B : A, *o = pass ? A : B;
        for (size_t r = 1; r < s->t[k].n_rows; r++) {
            size_t m = find_row(s, k, r, o);
            if (pass == 1 && m)
                continue; /* compared in the first pass */
            char va[64], vb[64], d[80] = "";
            const char *cell = vs_csv_cell(&s->t[k], r, s->col[k][c]);
            const char *ocell = m ? vs_csv_cell(&o->t[k], m, o->col[k][c]) : "";
            if (plain_number(&s->t[k], cell, pass ? vb : va, 64) != 0 ||
                plain_number(&o->t[k], ocell, pass ? va : vb, 64) != 0)
                return vs_err_set(err, VS_EINPUT, s->dir, 0,
                                  "%s.csv, row %zu: '%s' is not a number",
                                  tables[k], r + 1, cell);
            if (!*va && !*vb)
                continue; /* empty on both sides: nothing to say */
            int zero = 0;
            double mag = -1;
            if (*va && *vb)
                subtract(va, vb, d, sizeof d, &zero, &mag);
            if (zero)
                continue;
            if (*n == *cap) {
                size_t nc = *cap ? 2 * *cap : 64;
                pending *p = realloc(*rows, nc * sizeof *p);
                if (!p)
                    return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
                *rows = p;
                *cap = nc;
            }
            pending *p = &(*rows)[(*n)++];
            p->row.table = tables[k];
            p->row.column = columns[c];
            p->row.variant = dup_text(vs_csv_cell(&s->t[k], r, s->variant[k]));
            p->row.key = dup_text(vs_csv_cell(&s->t[k], r, s->key[k]));
            p->row.a = dup_text(va);
            p->row.b = dup_text(vb);
            p->row.difference = dup_text(d);
            p->mag = mag;
            p->order = *n;
            if (!p->row.variant || !p->row.key || !p->row.a || !p->row.b ||
                !p->row.difference)
                return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        }
    }
    if (*n > start) /* rows is NULL while nothing differs */
        qsort(*rows + start, *n - start, sizeof **rows, by_size);
    return VS_OK;
}

int vs_diff_folders(const char *a, const char *b, vs_diff *d, vs_err *err)
{
    memset(d, 0, sizeof *d);
    side A, B;
    memset(&A, 0, sizeof A);
    memset(&B, 0, sizeof B);
    A.dir = a;
    B.dir = b;
    pending *rows = NULL;
    size_t n = 0, cap = 0;
    int st = read_side(&A, err);
    if (st == VS_OK)
        st = read_side(&B, err);
    for (int k = 0; k < 2 && st == VS_OK; k++)
        for (int c = 0; c < 2 && st == VS_OK; c++)
            st = compare_group(&A, &B, k, c, &rows, &n, &cap, err);
    d->swedish_a = A.t[0].sep == ';';
    d->rows = malloc((n ? n : 1) * sizeof *d->rows);
    if (!d->rows && st == VS_OK)
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (d->rows)
            d->rows[d->n++] = rows[i].row;
        else {
            free(rows[i].row.variant), free(rows[i].row.key);
            free(rows[i].row.a), free(rows[i].row.b);
            free(rows[i].row.difference);
        }
    }
    d->cap = n;
    free(rows);
    for (int k = 0; k < 2; k++) {
        vs_csv_table_free(&A.t[k]);
        vs_csv_table_free(&B.t[k]);
    }
    if (st != VS_OK)
        vs_diff_free(d);
    return st;
}

void vs_diff_write_csv(const vs_diff *d, FILE *f, int swedish)
{
    vs_csv c;
    vs_csv_begin(&c, f, swedish);
    static const char *const head[] = {"table", "variant", "key", "column",
                                       "a", "b", "difference"};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        vs_csv_text(&c, head[i]);
    vs_csv_end_row(&c);
    for (size_t i = 0; i < d->n; i++) {
        const vs_diff_row *r = &d->rows[i];
        vs_csv_text(&c, r->table);
        vs_csv_text(&c, r->variant);
        vs_csv_text(&c, r->key);
        vs_csv_text(&c, r->column);
        vs_csv_num_text(&c, r->a);
        vs_csv_num_text(&c, r->b);
        vs_csv_num_text(&c, r->difference);
        vs_csv_end_row(&c);
    }
}
