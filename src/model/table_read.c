/* table_read.c: CSV and xlsx centre lists into a vs_table (table_read.h).
 *
 * An xlsx file is a zip archive of XML parts (ECMA-376, part 1):
 * xl/workbook.xml lists the sheets by name, each with a relationship id;
 * xl/_rels/workbook.xml.rels maps that id to the sheet's part
 * (xl/worksheets/sheet1.xml); xl/sharedStrings.xml holds the strings that
 * cells of type "s" refer to by index.  A sheet's cells are
 * <c r="B3" t="..."><v>...</v></c> inside <row r="3">; "inlineStr" cells
 * hold <is><t>...</t></is>.  Rich text splits a string into runs
 * (<r><t>..</t></r>), which are joined; phonetic guides (<rPh>) are not
 * text.  Elements are matched by local name, so a writer's namespace
 * prefix ("x:row") makes no difference. */
#include "model/table_read.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "model/load_text.h"
#include "util/csv_read.h"

/* No part of a centre list comes near this; a zip bomb would. */
#define MAX_PART_BYTES (256L * 1024 * 1024)

/* ---- the table ------------------------------------------------------ */

void vs_table_free(vs_table *t)
{
    if (!t)
        return;
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->rows[r].n; c++)
            free(t->rows[r].cells[c].text);
        free(t->rows[r].cells);
    }
    free(t->rows);
    free(t->sheet);
    memset(t, 0, sizeof *t);
}

const vs_cell *vs_table_cell(const vs_table *t, size_t r, size_t c)
{
    if (r >= t->n_rows || c >= t->rows[r].n)
        return NULL;
    return &t->rows[r].cells[c];
}

int vs_table_number(const vs_table *t, const vs_cell *c, double *out)
{
    if (!c || c->kind == VS_CELL_EMPTY)
        return -1;
    if (c->kind == VS_CELL_NUMBER) {
        *out = c->num;
        return 0;
    }
    vs_csv_table dialect;
    memset(&dialect, 0, sizeof dialect);
    dialect.dec = t->dec;
    dialect.sep = t->dec == ',' ? ';' : ',';
    return vs_csv_read_number(&dialect, c->text, out);
}

/* Grow rows by one empty row numbered `row`; NULL when out of memory. */
static vs_table_row *add_row(vs_table *t, size_t *cap, long row)
{
    if (t->n_rows == *cap) {
        size_t n = *cap ? 2 * *cap : 64;
        vs_table_row *p = realloc(t->rows, n * sizeof *p);
        if (!p)
            return NULL;
        t->rows = p;
        *cap = n;
    }
    vs_table_row *r = &t->rows[t->n_rows++];
    memset(r, 0, sizeof *r);
    r->row = row;
    return r;
}

/* Put `text` (taken over; NULL: empty) into column c of row r. */
static int set_cell(vs_table_row *r, size_t c, vs_cell_kind kind, char *text,
                    double num)
{
    if (c >= r->n) {
        size_t n = c + 1;
        vs_cell *p = realloc(r->cells, n * sizeof *p);
        if (!p) {
            free(text);
            return -1;
        }
        memset(p + r->n, 0, (n - r->n) * sizeof *p);
        r->cells = p;
        r->n = n;
    }
    free(r->cells[c].text);
    r->cells[c].kind = text ? kind : VS_CELL_EMPTY;
    r->cells[c].text = text;
    r->cells[c].num = num;
    return 0;
}

/* Whether a row holds anything but empty cells (blank rows are left out,
 * as a spreadsheet user would not count them as centres). */
static int row_used(const vs_table_row *r)
{
    for (size_t c = 0; c < r->n; c++)
        if (r->cells[c].kind != VS_CELL_EMPTY)
            return 1;
    return 0;
}

static int oom(vs_err *err)
{
    return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
}

/* ---- CSV ------------------------------------------------------------ */

/* Bytes that are not UTF-8 mean Excel saved "CSV" (Windows-1252), not
 * "CSV UTF-8": say so once, with the row. */
static int check_utf8(const vs_csv_table *csv, const long *rows,
                      const char *path, vs_err *err)
{
    for (size_t r = 0; r < csv->n_rows; r++)
        for (size_t c = 0; c < csv->rows[r].n; c++) {
            const unsigned char *p = (const unsigned char *)csv->rows[r].cells[c];
            size_t len = strlen((const char *)p);
            for (size_t i = 0; i < len;) {
                size_t n = vs_load_utf8_len(p + i, len - i);
                if (n == 0) {
                    char hint[96];
                    vs_load_encoding_hint(p[i], hint, sizeof hint);
                    return vs_err_set(err, VS_EINPUT, path, 0,
                                      "row %ld: %s (in Excel: CSV UTF-8)",
                                      rows[r], hint);
                }
                i += n;
            }
        }
    return VS_OK;
}

static int read_csv(const char *path, vs_table *t, vs_err *err)
{
    vs_csv_table csv;
    int st = vs_csv_read_file(path, &csv, err);
    if (st != VS_OK)
        return st;
    /* The row a spreadsheet shows: the file line the record starts on,
     * less the line breaks inside quoted cells of the records before it
     * (blank lines are rows in a spreadsheet too, so they count). */
    long *rows = malloc((csv.n_rows ? csv.n_rows : 1) * sizeof *rows);
    if (!rows) {
        vs_csv_table_free(&csv);
        return oom(err);
    }
    long inside = 0;
    for (size_t r = 0; r < csv.n_rows; r++) {
        rows[r] = csv.rows[r].line - inside;
        for (size_t c = 0; c < csv.rows[r].n; c++)
            for (const char *p = csv.rows[r].cells[c]; *p; p++)
                inside += *p == '\n';
    }
    st = check_utf8(&csv, rows, path, err);
    t->dec = csv.dec;
    size_t cap = 0;
    for (size_t r = 0; st == VS_OK && r < csv.n_rows; r++) {
        vs_table_row *row = add_row(t, &cap, rows[r]);
        if (!row) {
            st = oom(err);
            break;
        }
        for (size_t c = 0; c < csv.rows[r].n && st == VS_OK; c++) {
            char *cell = csv.rows[r].cells[c];
            csv.rows[r].cells[c] = NULL;
            if (*cell == '\0') {
                free(cell);
                cell = NULL;
            }
            if (set_cell(row, c, VS_CELL_TEXT, cell, 0) != 0)
                st = oom(err);
        }
        if (st == VS_OK && !row_used(row)) {
            free(row->cells);
            t->n_rows--;
        }
    }
    vs_csv_table_free(&csv); /* the cells taken over are NULL there */
    free(rows);
    return st;
}

/* ---- xlsx: the zip container --------------------------------------- */

typedef struct book {
    const char *path;
    zip_t *zip;
    vs_err *err;
} book;

/* Read part `name` whole into a malloc'd buffer.  Returns VS_OK, or
 * VS_EINPUT with err (missing == 1: the part is not there and `optional`
 * asked not to record that). */
static int read_part(book *b, const char *name, int optional, char **buf,
                     size_t *len, int *missing)
{
    *buf = NULL;
    *len = 0;
    if (missing)
        *missing = 0;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(b->zip, name, ZIP_FL_NOCASE, &st) != 0) {
        if (optional) {
            *missing = 1;
            return VS_OK;
        }
        return vs_err_set(b->err, VS_EINPUT, b->path, 0,
                          "not an Excel workbook: it has no %s", name);
    }
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > (zip_uint64_t)MAX_PART_BYTES)
        return vs_err_set(b->err, VS_EINPUT, b->path, 0,
                          "%s is larger than %ld MiB", name,
                          MAX_PART_BYTES / (1024 * 1024));
    zip_file_t *zf = zip_fopen(b->zip, name, ZIP_FL_NOCASE);
    char *p = malloc((size_t)st.size + 1);
    if (!zf || !p) {
        free(p);
        if (zf)
            zip_fclose(zf);
        if (!p)
            return oom(b->err);
        return vs_err_set(b->err, VS_EINPUT, b->path, 0, "cannot read %s: %s",
                          name, zip_strerror(b->zip));
    }
    zip_int64_t got = zip_fread(zf, p, st.size);
    int bad = got < 0 || (zip_uint64_t)got != st.size;
    const char *why = bad ? zip_file_strerror(zf) : NULL;
    if (bad) {
        vs_err_set(b->err, VS_EINPUT, b->path, 0,
                   "cannot read %s (damaged archive?): %s", name,
                   why ? why : "short read");
        zip_fclose(zf);
        free(p);
        return VS_EINPUT;
    }
    zip_fclose(zf);
    p[st.size] = '\0';
    *buf = p;
    *len = (size_t)st.size;
    return VS_OK;
}

/* ---- xlsx: XML ------------------------------------------------------ */

/* A growing text buffer. */
typedef struct text {
    char *s;
    size_t n, cap;
    int oom;
} text;

static void text_add(text *t, const char *s, size_t n)
{
    if (t->oom)
        return;
    if (t->n + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        while (t->n + n + 1 > cap)
            cap *= 2;
        char *p = realloc(t->s, cap);
        if (!p) {
            t->oom = 1;
            return;
        }
        t->s = p;
        t->cap = cap;
    }
    memcpy(t->s + t->n, s, n);
    t->n += n;
    t->s[t->n] = '\0';
}

/* The name after any namespace prefix. */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

/* Attribute with a namespace prefix (the r:id of a <sheet>). */
static const char *prefixed_attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strchr(atts[i], ':') && strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

/* Parse `len` bytes of part `name` with the handlers already set on p. */
static int parse_xml(book *b, XML_Parser p, const char *name, const char *buf,
                     size_t len, const int *oom_flag)
{
    if (len > (size_t)INT32_MAX)
        return vs_err_set(b->err, VS_EINPUT, b->path, 0, "%s is too large",
                          name);
    if (XML_Parse(p, buf, (int)len, 1) == XML_STATUS_ERROR) {
        if (*oom_flag)
            return oom(b->err);
        return vs_err_set(b->err, VS_EINPUT, b->path, 0,
                          "%s, line %lu: bad XML (%s): the workbook is damaged",
                          name, (unsigned long)XML_GetCurrentLineNumber(p),
                          XML_ErrorString(XML_GetErrorCode(p)));
    }
    return *oom_flag ? oom(b->err) : VS_OK;
}

/* -- workbook.xml: sheet names and relationship ids, in order -- */

typedef struct sheets {
    char **names, **rids;
    size_t n, cap;
    int oom;
    XML_Parser p;
} sheets;

static void XMLCALL sheets_start(void *ud, const char *el, const char **atts)
{
    sheets *s = ud;
    if (strcmp(local(el), "sheet") != 0 || s->oom)
        return;
    const char *name = attr(atts, "name"), *rid = prefixed_attr(atts, "id");
    if (!name || !rid)
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        char **a = realloc(s->names, cap * sizeof *a);
        if (a)
            s->names = a;
        char **r = a ? realloc(s->rids, cap * sizeof *r) : NULL;
        if (r)
            s->rids = r;
        if (!a || !r) {
            s->oom = 1;
            XML_StopParser(s->p, XML_FALSE);
            return;
        }
        s->cap = cap;
    }
    s->names[s->n] = strdup(name);
    s->rids[s->n] = strdup(rid);
    s->n++;
    if (!s->names[s->n - 1] || !s->rids[s->n - 1]) {
        s->oom = 1;
        XML_StopParser(s->p, XML_FALSE);
    }
}

static void sheets_free(sheets *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->names[i]), free(s->rids[i]);
    free(s->names);
    free(s->rids);
}

/* -- workbook.xml.rels: the part of one relationship id -- */

typedef struct rels {
    const char *want;
    char *target;
    int oom;
} rels;

static void XMLCALL rels_start(void *ud, const char *el, const char **atts)
{
    rels *r = ud;
    if (strcmp(local(el), "Relationship") != 0 || r->target)
        return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
    if (!id || !target || strcmp(id, r->want) != 0)
        return;
    /* Targets are relative to xl/, or absolute within the archive. */
    size_t n = strlen(target) + 4;
    r->target = malloc(n);
    if (!r->target) {
        r->oom = 1;
        return;
    }
    if (target[0] == '/')
        snprintf(r->target, n, "%s", target + 1);
    else
        snprintf(r->target, n, "xl/%s", target);
}

/* -- sharedStrings.xml -- */

typedef struct sst {
    char **s;
    size_t n, cap;
    int in_si, in_t, in_rph;
    text cur;
    int oom;
    XML_Parser p;
} sst;

static void XMLCALL sst_start(void *ud, const char *el, const char **atts)
{
    (void)atts;
    sst *s = ud;
    const char *n = local(el);
    if (strcmp(n, "si") == 0) {
        s->in_si = 1;
        s->cur.n = 0;
    } else if (strcmp(n, "rPh") == 0)
        s->in_rph = 1;
    else if (strcmp(n, "t") == 0 && s->in_si && !s->in_rph)
        s->in_t = 1;
}

static void XMLCALL sst_end(void *ud, const char *el)
{
    sst *s = ud;
    const char *n = local(el);
    if (strcmp(n, "t") == 0)
        s->in_t = 0;
    else if (strcmp(n, "rPh") == 0)
        s->in_rph = 0;
    else if (strcmp(n, "si") == 0) {
        s->in_si = 0;
        if (s->n == s->cap) {
            size_t cap = s->cap ? 2 * s->cap : 64;
            char **p = realloc(s->s, cap * sizeof *p);
            if (!p) {
                s->oom = 1;
                XML_StopParser(s->p, XML_FALSE);
                return;
            }
            s->s = p;
            s->cap = cap;
        }
        text_add(&s->cur, "", 0);
        char *str = s->cur.oom ? NULL : strdup(s->cur.s ? s->cur.s : "");
        if (!str) {
            s->oom = 1;
            XML_StopParser(s->p, XML_FALSE);
            return;
        }
        s->s[s->n++] = str;
    }
}

static void XMLCALL sst_chars(void *ud, const char *c, int len)
{
    sst *s = ud;
    if (s->in_t)
        text_add(&s->cur, c, (size_t)len);
}

static void sst_free(sst *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->s[i]);
    free(s->s);
    free(s->cur.s);
}

/* -- a worksheet -- */

typedef struct wsheet {
    vs_table *t;
    size_t cap;
    const sst *strings;
    vs_table_row *row;   /* the row being read, or NULL */
    long next_row;       /* number of a <row> without r */
    size_t next_col;
    size_t col;          /* the cell being read */
    char type[16];
    int in_c, in_v, in_t, in_is, in_rph;
    text v;
    int oom;
    char bad[160];       /* first problem with a cell, if any */
    XML_Parser p;
} wsheet;

/* "B3" -> column 1 (0-based); -1 when there are no letters. */
static long column_of(const char *ref)
{
    long c = 0;
    int any = 0;
    for (; *ref >= 'A' && *ref <= 'Z'; ref++) {
        c = c * 26 + (*ref - 'A' + 1);
        any = 1;
        if (c > 16384) /* Excel's last column is XFD */
            return -1;
    }
    return any ? c - 1 : -1;
}

static void XMLCALL sheet_start(void *ud, const char *el, const char **atts)
{
    wsheet *s = ud;
    const char *n = local(el);
    if (strcmp(n, "row") == 0) {
        const char *r = attr(atts, "r");
        long num = r ? strtol(r, NULL, 10) : s->next_row;
        if (num < 1)
            num = s->next_row;
        s->next_row = num + 1;
        s->next_col = 0;
        s->row = add_row(s->t, &s->cap, num);
        if (!s->row) {
            s->oom = 1;
            XML_StopParser(s->p, XML_FALSE);
        }
    } else if (strcmp(n, "c") == 0 && s->row) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        long col = r ? column_of(r) : -1;
        s->col = col >= 0 ? (size_t)col : s->next_col;
        s->next_col = s->col + 1;
        snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
        s->in_c = 1;
        s->v.n = 0;
        if (s->v.s)
            s->v.s[0] = '\0';
    } else if (s->in_c && strcmp(n, "v") == 0)
        s->in_v = 1;
    else if (s->in_c && strcmp(n, "is") == 0)
        s->in_is = 1;
    else if (s->in_is && strcmp(n, "rPh") == 0)
        s->in_rph = 1;
    else if (s->in_is && !s->in_rph && strcmp(n, "t") == 0)
        s->in_t = 1;
}

/* The cell just closed: into the row by its type. */
static void sheet_cell(wsheet *s)
{
    text_add(&s->v, "", 0);
    if (s->v.oom) {
        s->oom = 1;
        return;
    }
    const char *v = s->v.s ? s->v.s : "";
    const char *type = s->type;
    char *txt = NULL;
    double num = 0;
    vs_cell_kind kind = VS_CELL_TEXT;
    if (strcmp(type, "s") == 0) {
        char *end;
        errno = 0;
        unsigned long i = strtoul(v, &end, 10);
        if (*v == '\0')
            return;
        if (*end != '\0' || errno || i >= s->strings->n) {
            if (!s->bad[0])
                snprintf(s->bad, sizeof s->bad,
                         "row %ld: a cell refers to shared string '%.20s', "
                         "which the workbook does not have", s->row->row, v);
            return;
        }
        txt = strdup(s->strings->s[i]);
    } else if (strcmp(type, "inlineStr") == 0 || strcmp(type, "str") == 0 ||
               strcmp(type, "e") == 0 || strcmp(type, "d") == 0) {
        txt = strdup(v);
    } else if (strcmp(type, "b") == 0) {
        txt = strdup(strcmp(v, "1") == 0 ? "TRUE" : "FALSE");
    } else { /* "n" */
        if (*v == '\0')
            return;
        char *end;
        num = strtod(v, &end);
        if (*end != '\0' || !isfinite(num)) {
            txt = strdup(v); /* not a number after all: keep the text */
        } else {
            char buf[40];
            vs_load_shortest(num, buf, sizeof buf);
            txt = strdup(buf);
            kind = VS_CELL_NUMBER;
        }
    }
    if (!txt) {
        s->oom = 1;
        return;
    }
    if (*txt == '\0' && kind == VS_CELL_TEXT) {
        free(txt);
        return;
    }
    if (set_cell(s->row, s->col, kind, txt, num) != 0)
        s->oom = 1;
}

static void XMLCALL sheet_end(void *ud, const char *el)
{
    wsheet *s = ud;
    const char *n = local(el);
    if (strcmp(n, "c") == 0 && s->in_c) {
        s->in_c = s->in_v = s->in_is = s->in_t = s->in_rph = 0;
        sheet_cell(s);
    } else if (strcmp(n, "v") == 0)
        s->in_v = 0;
    else if (strcmp(n, "t") == 0)
        s->in_t = 0;
    else if (strcmp(n, "rPh") == 0)
        s->in_rph = 0;
    else if (strcmp(n, "is") == 0)
        s->in_is = 0;
    else if (strcmp(n, "row") == 0 && s->row) {
        if (!row_used(s->row)) {
            free(s->row->cells);
            s->t->n_rows--;
        }
        s->row = NULL;
    }
    if (s->oom)
        XML_StopParser(s->p, XML_FALSE);
}

static void XMLCALL sheet_chars(void *ud, const char *c, int len)
{
    wsheet *s = ud;
    if (s->in_v || s->in_t)
        text_add(&s->v, c, (size_t)len);
}

/* ---- xlsx: putting it together -------------------------------------- */

/* The part holding sheet `want` (NULL: the first), into *part. */
static int find_sheet(book *b, const char *want, char **part, char **name)
{
    char *buf;
    size_t len;
    int st = read_part(b, "xl/workbook.xml", 0, &buf, &len, NULL);
    if (st != VS_OK)
        return st;
    sheets s;
    memset(&s, 0, sizeof s);
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p) {
        free(buf);
        return oom(b->err);
    }
    s.p = p;
    XML_SetUserData(p, &s);
    XML_SetStartElementHandler(p, sheets_start);
    st = parse_xml(b, p, "xl/workbook.xml", buf, len, &s.oom);
    XML_ParserFree(p);
    free(buf);
    size_t k = 0;
    if (st == VS_OK && s.n == 0)
        st = vs_err_set(b->err, VS_EINPUT, b->path, 0,
                        "the workbook has no sheets");
    if (st == VS_OK && want) {
        while (k < s.n && strcmp(s.names[k], want) != 0)
            k++;
        if (k == s.n) {
            text list = {0};
            for (size_t i = 0; i < s.n; i++) {
                text_add(&list, i ? ", '" : "'", i ? 3 : 1);
                text_add(&list, s.names[i], strlen(s.names[i]));
                text_add(&list, "'", 1);
            }
            st = vs_err_set(b->err, VS_EINPUT, b->path, 0,
                            "no sheet '%s'; the workbook has %s", want,
                            list.s ? list.s : "none");
            free(list.s);
        }
    }
    if (st == VS_OK) {
        *name = strdup(s.names[k]);
        st = read_part(b, "xl/_rels/workbook.xml.rels", 0, &buf, &len, NULL);
        if (st == VS_OK) {
            rels r = {s.rids[k], NULL, 0};
            p = XML_ParserCreate("UTF-8");
            if (!p) {
                st = oom(b->err);
            } else {
                XML_SetUserData(p, &r);
                XML_SetStartElementHandler(p, rels_start);
                st = parse_xml(b, p, "xl/_rels/workbook.xml.rels", buf, len,
                               &r.oom);
                XML_ParserFree(p);
            }
            free(buf);
            if (st == VS_OK && !r.target)
                st = vs_err_set(b->err, VS_EINPUT, b->path, 0,
                                "sheet '%s' has no part in the workbook's "
                                "relationships", s.names[k]);
            if (st == VS_OK)
                *part = r.target;
            else
                free(r.target);
        }
        if (st == VS_OK && !*name)
            st = oom(b->err);
    }
    sheets_free(&s);
    return st;
}

static int read_strings(book *b, sst *s)
{
    char *buf;
    size_t len;
    int missing;
    int st = read_part(b, "xl/sharedStrings.xml", 1, &buf, &len, &missing);
    if (st != VS_OK || missing)
        return st;
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p) {
        free(buf);
        return oom(b->err);
    }
    s->p = p;
    XML_SetUserData(p, s);
    XML_SetElementHandler(p, sst_start, sst_end);
    XML_SetCharacterDataHandler(p, sst_chars);
    st = parse_xml(b, p, "xl/sharedStrings.xml", buf, len, &s->oom);
    XML_ParserFree(p);
    free(buf);
    return st;
}

static int starts_like_zip(const char *path);

static int read_xlsx(const char *path, const char *want, vs_table *t,
                     vs_err *err)
{
    int code = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &code);
    if (!z) {
        if (code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS)
            return vs_err_set(err, VS_EINPUT, path, 0, "%s",
                              code == ZIP_ER_INCONS || starts_like_zip(path)
                                  ? "a damaged or truncated Excel workbook "
                                    "(its zip archive is incomplete)"
                                  : "not an Excel workbook (.xlsx): not a "
                                    "zip archive");
        if (code == ZIP_ER_NOENT || code == ZIP_ER_OPEN || code == ZIP_ER_READ)
            return vs_err_set(err, VS_EIO, path, 0, "cannot open: %s",
                              strerror(errno));
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        int st = vs_err_set(err, VS_EINPUT, path, 0, "cannot open: %s",
                            zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return st;
    }
    book b = {path, z, err};
    char *part = NULL, *name = NULL;
    sst strings;
    memset(&strings, 0, sizeof strings);
    int st = find_sheet(&b, want, &part, &name);
    if (st == VS_OK)
        st = read_strings(&b, &strings);
    char *buf = NULL;
    size_t len = 0;
    if (st == VS_OK)
        st = read_part(&b, part, 0, &buf, &len, NULL);
    if (st == VS_OK) {
        wsheet s;
        memset(&s, 0, sizeof s);
        s.t = t;
        s.strings = &strings;
        s.next_row = 1;
        XML_Parser p = XML_ParserCreate("UTF-8");
        if (!p) {
            st = oom(err);
        } else {
            s.p = p;
            XML_SetUserData(p, &s);
            XML_SetElementHandler(p, sheet_start, sheet_end);
            XML_SetCharacterDataHandler(p, sheet_chars);
            st = parse_xml(&b, p, part, buf, len, &s.oom);
            XML_ParserFree(p);
        }
        if (st == VS_OK && s.bad[0])
            st = vs_err_set(err, VS_EINPUT, path, 0, "%s", s.bad);
        free(s.v.s);
    }
    free(buf);
    free(part);
    sst_free(&strings);
    zip_discard(z);
    t->dec = '.';
    t->xlsx = 1;
    t->sheet = name;
    return st;
}

/* ---- either ----------------------------------------------------------- */

static int ends_with_xlsx(const char *path)
{
    size_t n = strlen(path);
    if (n < 5)
        return 0;
    const char *e = path + n - 5;
    return e[0] == '.' && (e[1] | 32) == 'x' && (e[2] | 32) == 'l' &&
           (e[3] | 32) == 's' && (e[4] | 32) == 'x';
}

static int starts_like_zip(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char m[4] = {0};
    size_t n = fread(m, 1, 4, f);
    fclose(f);
    return n == 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4;
}

int vs_table_read(const char *path, const char *sheet, vs_table *out,
                  vs_err *err)
{
    memset(out, 0, sizeof *out);
    int xlsx = ends_with_xlsx(path) || starts_like_zip(path);
    if (!xlsx && sheet)
        return vs_err_set(err, VS_EINPUT, path, 0,
                          "--sheet is for Excel workbooks; this is read as CSV");
    return xlsx ? read_xlsx(path, sheet, out, err) : read_csv(path, out, err);
}
