/* csv_read.c: the one CSV reader (see csv_read.h). */
#include "util/csv_read.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"

/* A growing byte buffer for the cell being read. */
typedef struct cellbuf {
    char *s;
    size_t n, cap;
} cellbuf;

static int cell_put(cellbuf *b, char ch)
{
    if (b->n + 1 >= b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        char *s = realloc(b->s, cap);
        if (!s)
            return -1;
        b->s = s;
        b->cap = cap;
    }
    b->s[b->n++] = ch;
    return 0;
}

static int row_push(vs_csv_row *row, size_t *cap, cellbuf *b)
{
    if (row->n == *cap) {
        size_t c = *cap ? 2 * *cap : 8;
        char **cells = realloc(row->cells, c * sizeof *cells);
        if (!cells)
            return -1;
        row->cells = cells;
        *cap = c;
    }
    char *s = malloc(b->n + 1);
    if (!s)
        return -1;
    if (b->n)
        memcpy(s, b->s, b->n);
    s[b->n] = '\0';
    row->cells[row->n++] = s;
    b->n = 0;
    return 0;
}

static int table_push(vs_csv_table *t, size_t *cap, vs_csv_row *row)
{
    if (t->n_rows == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        vs_csv_row *rows = realloc(t->rows, c * sizeof *rows);
        if (!rows)
            return -1;
        t->rows = rows;
        *cap = c;
    }
    t->rows[t->n_rows++] = *row;
    memset(row, 0, sizeof *row);
    return 0;
}

/* The dialect from the header row: a ';' outside quotes before the first
 * line end means the Swedish one. */
static char detect_sep(const char *p, const char *end)
{
    int quoted = 0;
    for (; p < end; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted && (*p == '\n' || *p == '\r'))
            break;
        else if (!quoted && *p == ';')
            return ';';
    }
    return ',';
}

int vs_csv_parse(const char *text, size_t len, const char *file,
                 vs_csv_table *out, vs_err *err)
{
    memset(out, 0, sizeof *out);
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    out->sep = detect_sep(p, end);
    out->dec = out->sep == ';' ? ',' : '.';

    cellbuf b = {0};
    vs_csv_row row = {0};
    size_t row_cap = 0, rows_cap = 0;
    int line = 1, quoted = 0, quote_line = 0, in_row = 0;
    row.line = 1;
    while (p < end) {
        char ch = *p++;
        if (quoted) {
            if (ch == '"' && p < end && *p == '"') {
                p++;
                if (cell_put(&b, '"'))
                    goto nomem;
            } else if (ch == '"') {
                quoted = 0;
            } else {
                if (ch == '\n')
                    line++;
                if (cell_put(&b, ch))
                    goto nomem;
            }
            continue;
        }
        if (ch == '"' && b.n == 0) {
            quoted = 1;
            quote_line = line;
            in_row = 1;
        } else if (ch == out->sep) {
            if (row_push(&row, &row_cap, &b))
                goto nomem;
            in_row = 1;
        } else if (ch == '\r' || ch == '\n') {
            if (ch == '\r' && p < end && *p == '\n')
                p++;
            if (in_row || b.n || row.n) {
                if (row_push(&row, &row_cap, &b) ||
                    table_push(out, &rows_cap, &row))
                    goto nomem;
                row_cap = 0;
            }
            in_row = 0;
            line++;
            row.line = line;
        } else {
            if (cell_put(&b, ch))
                goto nomem;
            in_row = 1;
        }
    }
    if (quoted) {
        free(b.s);
        for (size_t i = 0; i < row.n; i++)
            free(row.cells[i]);
        free(row.cells);
        vs_csv_table_free(out);
        return vs_err_set(err, VS_EINPUT, file, quote_line,
                          "a quoted field is never closed (a \" is missing)");
    }
    if (in_row || b.n || row.n) {
        if (row_push(&row, &row_cap, &b) || table_push(out, &rows_cap, &row))
            goto nomem;
    }
    free(b.s);
    return VS_OK;
nomem:
    free(b.s);
    for (size_t i = 0; i < row.n; i++)
        free(row.cells[i]);
    free(row.cells);
    vs_csv_table_free(out);
    return vs_err_set(err, VS_ENOMEM, file, 0, "out of memory reading CSV");
}

int vs_csv_read_file(const char *path, vs_csv_table *out, vs_err *err)
{
    memset(out, 0, sizeof *out);
    char *text;
    size_t len;
    /* No cap of its own: the tables read are vardsim's own outputs and
     * centre lists, as large as the scenario they belong to. */
    int rc = vs_file_read(path, SIZE_MAX - 2, &text, &len);
    if (rc == -2)
        return vs_err_set(err, VS_ENOMEM, path, 0, "out of memory");
    if (rc != 0)
        return vs_err_set(err, VS_EIO, path, 0, "cannot read: %s",
                          strerror(errno));
    int st = vs_csv_parse(text, len, path, out, err);
    free(text);
    return st;
}

void vs_csv_table_free(vs_csv_table *t)
{
    if (!t)
        return;
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->rows[r].n; c++)
            free(t->rows[r].cells[c]);
        free(t->rows[r].cells);
    }
    free(t->rows);
    t->rows = NULL;
    t->n_rows = 0;
}

int vs_csv_column(const vs_csv_table *t, const char *name)
{
    if (t->n_rows == 0)
        return -1;
    for (size_t c = 0; c < t->rows[0].n; c++)
        if (strcmp(t->rows[0].cells[c], name) == 0)
            return (int)c;
    return -1;
}

const char *vs_csv_cell(const vs_csv_table *t, size_t r, int c)
{
    if (c < 0 || r >= t->n_rows || (size_t)c >= t->rows[r].n)
        return "";
    return t->rows[r].cells[c];
}

int vs_csv_read_number(const vs_csv_table *t, const char *text, double *out)
{
    char buf[128];
    size_t k = 0;
    const unsigned char *s = (const unsigned char *)text;
    while (*s == ' ')
        s++;
    for (; *s; s++) {
        if (k + 2 >= sizeof buf)
            return -1;
        if (t->dec == ',' && *s == ' ')
            continue;
        if (t->dec == ',' && s[0] == 0xC2 && s[1] == 0xA0) { /* U+00A0 */
            s++;
            continue;
        }
        if (t->dec == ',' && s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0xAF) {
            s += 2; /* U+202F, narrow no-break space */
            continue;
        }
        if (*s == '.' && t->dec == ',')
            return -1; /* a '.' in the Swedish dialect is not a decimal mark */
        if (*s == (unsigned char)t->dec)
            buf[k++] = '.';
        else if ((*s >= '0' && *s <= '9') || *s == '-' || *s == '+' ||
                 *s == 'e' || *s == 'E')
            buf[k++] = (char)*s;
        else if (*s == ' ' && s[1] == '\0')
            break;
        else
            return -1;
    }
    buf[k] = '\0';
    if (k == 0)
        return -1;
    char *stop;
    errno = 0;
    double v = strtod(buf, &stop);
    if (*stop != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}
