/* import.c: a table of centres -> scenario text (import.h).
 *
 * Two passes over the table: the header decides what each column is (and
 * a scan of an unnamed column whether it is numeric, hence an attribute);
 * then every row is checked and written.  Problems are collected, not
 * stopped at, so one run names every bad cell, as the loader does.  The
 * text written is what `vardsim check` accepts: ids and keys made valid,
 * names escaped for libconfig, whole numbers as integers, other numbers
 * in their shortest round-trip form (a float literal where libconfig
 * would otherwise wrap an integer). */
#include "model/import.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_text.h"

#define ID_MAX 64        /* the loader's limit on an id */
#define MAX_PROBLEMS 50  /* then a count: a wrong sheet gives one a cell */

/* ---- ids ---------------------------------------------------------------- */

/* U+00C0..U+017F without diacritics, lower case ("" for x and ÷). */
static const char *const fold[192] = {
    "a", "a", "a", "a", "a", "a", "ae", "c",
    "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",
    "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c",
    "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",
    "o", "u", "u", "u", "u", "y", "th", "y",
    "a", "a", "a", "a", "a", "a", "c", "c",
    "c", "c", "c", "c", "c", "c", "d", "d",
    "d", "d", "e", "e", "e", "e", "e", "e",
    "e", "e", "e", "e", "g", "g", "g", "g",
    "g", "g", "g", "g", "h", "h", "h", "h",
    "i", "i", "i", "i", "i", "i", "i", "i",
    "i", "i", "ij", "ij", "j", "j", "k", "k",
    "k", "l", "l", "l", "l", "l", "l", "l",
    "l", "l", "l", "n", "n", "n", "n", "n",
    "n", "n", "", "", "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r", "r",
    "r", "r", "s", "s", "s", "s", "s", "s",
    "s", "s", "t", "t", "t", "t", "t", "t",
    "u", "u", "u", "u", "u", "u", "u", "u",
    "u", "u", "u", "u", "w", "w", "y", "y",
    "y", "z", "z", "z", "z", "z", "z", "s",
};

void vs_import_make_id(const char *text, char *buf, size_t n)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t k = 0;
    int gap = 0; /* a run of other characters waits to become '_' */
    while (*p && k + 1 < n) {
        const char *piece = NULL;
        char one[2] = {0, 0};
        size_t len = vs_load_utf8_len(p, strlen((const char *)p));
        if (len == 0)
            len = 1;
        if (len == 1 && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            one[0] = (char)*p, piece = one;
        else if (len == 1 && *p >= 'A' && *p <= 'Z')
            one[0] = (char)(*p + 32), piece = one;
        else if (len == 2) {
            unsigned cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
            if (cp >= 0xC0 && cp < 0x180 && fold[cp - 0xC0][0])
                piece = fold[cp - 0xC0];
        }
        p += len;
        if (!piece) {
            gap = 1;
            continue;
        }
        size_t m = strlen(piece);
        if (k && gap) {
            if (k + 2 + m > n)
                break;
            buf[k++] = '_';
        }
        gap = 0;
        if (k + m + 1 > n)
            break;
        memcpy(buf + k, piece, m);
        k += m;
    }
    if (k == 0 && n > 6)
        k = (size_t)snprintf(buf, n, "centre");
    buf[k] = '\0';
}

/* ---- a growing text ------------------------------------------------------ */

typedef struct out {
    char *s;
    size_t n, cap;
    int oom;
} out;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(out *o, const char *fmt, ...)
{
    if (o->oom)
        return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (m < 0) {
        o->oom = 1;
        return;
    }
    if (o->n + (size_t)m + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (o->n + (size_t)m + 1 > cap)
            cap *= 2;
        char *p = realloc(o->s, cap);
        if (!p) {
            o->oom = 1;
            return;
        }
        o->s = p;
        o->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(o->s + o->n, (size_t)m + 1, fmt, ap);
    va_end(ap);
    o->n += (size_t)m;
}

/* A libconfig string literal: quotes and backslashes escaped (names
 * hold no control characters: checked before). */
static void put_string(out *o, const char *s)
{
    put(o, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            put(o, "\\%c", *s);
        else
            put(o, "%c", *s);
    }
    put(o, "\"");
}

/* A number libconfig reads back exactly: shortest round-trip text, and a
 * float literal (".0") for a whole number beyond 32 bits, which libconfig
 * 1.5 would wrap as an integer. */
static void put_number(out *o, double v)
{
    char buf[40];
    if (v == floor(v) && fabs(v) < 1e15) /* "1500", never "1.5e+03" */
        put(o, fabs(v) > (double)INT32_MAX ? "%.1f" : "%.0f", v);
    else {
        vs_load_shortest(v, buf, sizeof buf);
        put(o, "%s", buf);
    }
}

/* An amount in SEK: always a float literal. */
static void put_amount(out *o, double v)
{
    char buf[40];
    if (v == floor(v) && fabs(v) < 1e15)
        put(o, "%.1f", v);
    else {
        vs_load_shortest(v, buf, sizeof buf);
        put(o, strpbrk(buf, ".e") ? "%s" : "%s.0", buf);
    }
}

/* ---- columns --------------------------------------------------------- */

typedef enum role { C_SKIP, C_ID, C_NAME, C_LISTED, C_CNI, C_BAND, C_ATTR } role;

typedef struct column {
    role role;
    const char *header;  /* as the file has it (trimmed copy) */
    char key[ID_MAX + 1];/* attribute key */
} column;

typedef struct importer {
    const vs_table *t;
    const vs_import_opts *o;
    vs_err *err;
    int problems;
    out notes;
    column *cols;
    size_t n_cols;
    int col_of[C_ATTR + 1]; /* the column of id, name, listed, cni (-1) */
    int swedish;            /* a Swedish header matched: lang = "sv" */
} importer;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void problem(importer *im, const char *fmt, ...)
{
    im->problems++;
    if (im->problems > MAX_PROBLEMS)
        return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    vs_err_set(im->err, VS_EINPUT, im->o->file, 0, "%s", msg);
}

/* Header text trimmed of spaces (and no-break spaces) into buf. */
static void trim(const char *s, char *buf, size_t n)
{
    while (*s == ' ' || *s == '\t' || (s[0] == '\xC2' && s[1] == '\xA0'))
        s += *s == '\xC2' ? 2 : 1;
    snprintf(buf, n, "%s", s);
    size_t k = strlen(buf);
    while (k && (buf[k - 1] == ' ' || buf[k - 1] == '\t' ||
                 (k >= 2 && buf[k - 2] == '\xC2' && buf[k - 1] == '\xA0')))
        k -= buf[k - 1] == ' ' || buf[k - 1] == '\t' ? 1 : 2;
    buf[k] = '\0';
}

static int same(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* "0-6", "65-79", "80+" (an en dash too, as Excel's autocorrect makes). */
static int is_band(const char *h)
{
    const char *p = h;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p[0] == '+' && p[1] == '\0')
        return 1;
    if (*p == '-')
        p++;
    else if (strncmp(p, "\xE2\x80\x93", 3) == 0)
        p += 3;
    else
        return 0;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == '\0';
}

static const char *cell_text(const vs_table *t, size_t r, size_t c)
{
    const vs_cell *x = vs_table_cell(t, r, c);
    return x && x->kind != VS_CELL_EMPTY ? x->text : NULL;
}

/* What an unnamed column is: an attribute when it has a non-empty cell and
 * every non-empty cell is a number; else skipped, with a note. */
static role classify_other(importer *im, size_t c)
{
    const vs_table *t = im->t;
    long first_text = 0;
    const char *what = NULL;
    int any = 0;
    for (size_t r = 1; r < t->n_rows; r++) {
        const vs_cell *x = vs_table_cell(t, r, c);
        double v;
        if (!x || x->kind == VS_CELL_EMPTY)
            continue;
        any = 1;
        if (vs_table_number(t, x, &v) != 0) {
            first_text = t->rows[r].row;
            what = x->text;
            break;
        }
    }
    if (!any)
        put(&im->notes, "note: column '%s' is empty: skipped\n",
            im->cols[c].header);
    else if (what)
        put(&im->notes, "note: column '%s' is not numeric (row %ld: '%.40s'): "
            "skipped\n", im->cols[c].header, first_text, what);
    return any && !what ? C_ATTR : C_SKIP;
}

/* Attribute keys: valid libconfig names (a letter first), unique, and
 * none of the names rules give their own meaning (listed and cni are
 * reserved; age and centre are units and `where` keys of their own). */
static void make_key(importer *im, size_t c)
{
    char base[ID_MAX + 1];
    vs_import_make_id(im->cols[c].header, base, sizeof base - 4);
    char *key = im->cols[c].key;
    if (base[0] >= '0' && base[0] <= '9')
        snprintf(key, ID_MAX + 1, "a_%.58s", base);
    else if (strcmp(base, "listed") == 0 || strcmp(base, "cni") == 0 ||
             strcmp(base, "age") == 0 || strcmp(base, "centre") == 0)
        snprintf(key, ID_MAX + 1, "%.58s_attr", base);
    else
        snprintf(key, ID_MAX + 1, "%s", base);
    char try[ID_MAX + 1];
    snprintf(try, sizeof try, "%s", key);
    for (int k = 2;; k++) {
        int taken = 0;
        for (size_t j = 0; j < c; j++)
            taken |= im->cols[j].role == C_ATTR && strcmp(im->cols[j].key, try) == 0;
        if (!taken)
            break;
        snprintf(try, sizeof try, "%.52s_%d", key, k);
    }
    snprintf(key, ID_MAX + 1, "%s", try);
}

static int read_header(importer *im)
{
    const vs_table *t = im->t;
    if (t->n_rows == 0) {
        problem(im, "no rows: the header row (row 1) names the columns");
        return -1;
    }
    /* The header is the first row with a cell (blank rows above it are
     * left out of the table), so messages name its real row. */
    const vs_table_row *h = &t->rows[0];
    im->n_cols = h->n;
    for (size_t r = 1; r < t->n_rows; r++)
        if (t->rows[r].n > im->n_cols)
            im->n_cols = t->rows[r].n;
    im->cols = calloc(im->n_cols ? im->n_cols : 1, sizeof *im->cols);
    if (!im->cols)
        return -2;
    for (int k = 0; k <= C_ATTR; k++)
        im->col_of[k] = -1;
    static const struct { const char *name; role role; int sv; } names[] = {
        {"id", C_ID, 0},         {"name", C_NAME, 0}, {"namn", C_NAME, 1},
        {"listed", C_LISTED, 0}, {"listade", C_LISTED, 1}, {"cni", C_CNI, 0},
    };
    for (size_t c = 0; c < im->n_cols; c++) {
        char buf[256];
        const char *raw = c < h->n && h->cells[c].kind != VS_CELL_EMPTY
                              ? h->cells[c].text : "";
        trim(raw, buf, sizeof buf);
        char *hd = strdup(buf);
        if (!hd)
            return -2;
        im->cols[c].header = hd;
        if (*hd == '\0') {
            im->cols[c].role = C_SKIP;
            for (size_t r = 1; r < t->n_rows; r++)
                if (cell_text(t, r, c)) {
                    put(&im->notes, "note: column %zu has no header: skipped\n",
                        c + 1);
                    break;
                }
            continue;
        }
        role ro = C_SKIP;
        int found = 0;
        for (size_t k = 0; k < sizeof names / sizeof *names; k++)
            if (same(hd, names[k].name)) {
                ro = names[k].role;
                im->swedish |= names[k].sv;
                found = 1;
            }
        if (found) {
            int prev = im->col_of[ro];
            if (prev >= 0)
                problem(im, "row %ld: columns '%s' and '%s' mean the same; keep one",
                        h->row, im->cols[prev].header, hd);
            im->col_of[ro] = (int)c;
        } else if (is_band(hd)) {
            ro = C_BAND;
        } else {
            ro = classify_other(im, c);
        }
        im->cols[c].role = ro;
        if (ro == C_ATTR)
            make_key(im, c);
    }
    if (im->col_of[C_LISTED] < 0)
        problem(im, "row %ld: no column 'listed' (or 'listade'): the number of "
                "listed persons of each centre is required", h->row);
    if (im->col_of[C_CNI] < 0)
        problem(im, "row %ld: no column 'cni': each centre's Care Need Index is "
                "required", h->row);
    if (im->col_of[C_ID] < 0 && im->col_of[C_NAME] < 0)
        problem(im, "row %ld: no column 'id' or 'name' (or 'namn'): centres "
                "need a name", h->row);
    return im->problems ? -1 : 0;
}

/* ---- rows --------------------------------------------------------------- */

typedef struct centre {
    char id[ID_MAX + 1];
    const char *name;
    double listed, cni;
    long row;
} centre;

/* Cell (r, c) as a number, or a problem naming it (empty, not a number). */
static int number_at(importer *im, size_t r, size_t c, double *v)
{
    const vs_cell *x = vs_table_cell(im->t, r, c);
    long row = im->t->rows[r].row;
    if (!x || x->kind == VS_CELL_EMPTY) {
        problem(im, "row %ld, column '%s': the cell is empty", row,
                im->cols[c].header);
        return -1;
    }
    if (vs_table_number(im->t, x, v) != 0) {
        problem(im, "row %ld, column '%s': '%s' is not a number", row,
                im->cols[c].header, x->text);
        return -1;
    }
    return 0;
}

/* A whole number of persons, 0 or more. */
static int persons_at(importer *im, size_t r, size_t c, double *v)
{
    if (number_at(im, r, c, v) != 0)
        return -1;
    if (*v < 0 || *v != floor(*v) || *v > (double)INT32_MAX) {
        problem(im, "row %ld, column '%s': '%s' is not a whole number of "
                "persons (0 or more)", im->t->rows[r].row, im->cols[c].header,
                vs_table_cell(im->t, r, c)->text);
        return -1;
    }
    return 0;
}

static int text_ok(importer *im, size_t r, size_t c, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = vs_load_utf8_len(p, strlen((const char *)p));
        if (n == 0 || vs_load_is_control(p, n)) {
            problem(im, "row %ld, column '%s': %s", im->t->rows[r].row,
                    im->cols[c].header, n == 0 ? "not UTF-8 text"
                    : "a control character (a line break?) in the text");
            return 0;
        }
        p += n;
    }
    return 1;
}

/* Ids for every row: from the id column, else from the name; made valid
 * and unique (_2, _3 in row order). */
static void make_ids(importer *im, centre *cs, size_t n)
{
    int src = im->col_of[C_ID] >= 0 ? im->col_of[C_ID] : im->col_of[C_NAME];
    for (size_t i = 0; i < n; i++) {
        const char *s = cell_text(im->t, i + 1, (size_t)src);
        char base[ID_MAX + 1];
        vs_import_make_id(s ? s : "", base, ID_MAX - 3);
        snprintf(cs[i].id, sizeof cs[i].id, "%s", base);
        for (int k = 2;; k++) {
            int taken = 0;
            for (size_t j = 0; j < i && !taken; j++)
                taken = strcmp(cs[j].id, cs[i].id) == 0;
            if (!taken)
                break;
            snprintf(cs[i].id, sizeof cs[i].id, "%.52s_%d", base, k);
        }
    }
}

static void check_rows(importer *im, centre *cs, size_t n)
{
    const vs_table *t = im->t;
    for (size_t i = 0; i < n; i++) {
        size_t r = i + 1;
        centre *ce = &cs[i];
        ce->row = t->rows[r].row;
        int name_col = im->col_of[C_NAME] >= 0 ? im->col_of[C_NAME] : im->col_of[C_ID];
        ce->name = cell_text(t, r, (size_t)name_col);
        for (size_t c = 0; c < im->n_cols; c++) {
            role ro = im->cols[c].role;
            double v;
            if (ro == C_ID || ro == C_NAME) {
                const char *s = cell_text(t, r, c);
                if (!s)
                    problem(im, "row %ld, column '%s': the cell is empty",
                            ce->row, im->cols[c].header);
                else
                    text_ok(im, r, c, s);
            } else if (ro == C_LISTED) {
                if (persons_at(im, r, c, &v) == 0)
                    ce->listed = v;
            } else if (ro == C_CNI) {
                if (number_at(im, r, c, &v) == 0) {
                    if (!(v > 0))
                        problem(im, "row %ld, column '%s': '%s' must be above 0",
                                ce->row, im->cols[c].header,
                                vs_table_cell(t, r, c)->text);
                    ce->cni = v;
                }
            } else if (ro == C_BAND) {
                persons_at(im, r, c, &v);
            } else if (ro == C_ATTR) {
                number_at(im, r, c, &v);
            }
        }
    }
    /* Bands must add up to listed, as the loader demands. */
    for (size_t i = 0; i < n && !im->problems; i++) {
        double sum = 0, v;
        int bands = 0;
        for (size_t c = 0; c < im->n_cols; c++)
            if (im->cols[c].role == C_BAND && vs_table_number(t, vs_table_cell(t, i + 1, c), &v) == 0)
                sum += v, bands = 1;
        if (bands && sum != cs[i].listed)
            problem(im, "row %ld: the age bands add up to %.0f, not to the "
                    "%.0f listed", cs[i].row, sum, cs[i].listed);
    }
}

/* ---- writing ------------------------------------------------------------ */

/* The file name without folder and extension (the scenario's name). */
static void stem(const char *file, char *buf, size_t n)
{
    const char *b = strrchr(file, '/');
    b = b ? b + 1 : file;
    snprintf(buf, n, "%s", b);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
}

/* Text for a comment line: no control characters (a file name could end
 * the comment and start a setting). */
static void put_comment_text(out *o, const char *s)
{
    for (; *s; s++)
        put(o, "%c", (unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s);
}

static void write_centres(importer *im, out *o, const centre *cs, size_t n)
{
    const vs_table *t = im->t;
    put(o, "centres = (\n");
    for (size_t i = 0; i < n; i++) {
        size_t r = i + 1;
        double v;
        put(o, "  { id = \"%s\"; name = ", cs[i].id);
        put_string(o, cs[i].name ? cs[i].name : cs[i].id);
        put(o, "; listed = %.0f; cni = ", cs[i].listed);
        put_number(o, cs[i].cni);
        put(o, ";");
        int first = 1;
        for (size_t c = 0; c < im->n_cols; c++)
            if (im->cols[c].role == C_BAND &&
                vs_table_number(t, vs_table_cell(t, r, c), &v) == 0) {
                put(o, first ? "\n    listed_by_age = [ %.0f" : ", %.0f", v);
                first = 0;
            }
        if (!first)
            put(o, " ];");
        first = 1;
        for (size_t c = 0; c < im->n_cols; c++)
            if (im->cols[c].role == C_ATTR &&
                vs_table_number(t, vs_table_cell(t, r, c), &v) == 0) {
                put(o, first ? "\n    attrs = { %s = " : " %s = ", im->cols[c].key);
                put_number(o, v);
                put(o, ";");
                first = 0;
            }
        if (!first)
            put(o, " };");
        put(o, " }%s\n", i + 1 < n ? "," : "");
    }
    put(o, ");\n");
}

static void write_bands(importer *im, out *o)
{
    int first = 1;
    for (size_t c = 0; c < im->n_cols; c++)
        if (im->cols[c].role == C_BAND) {
            put(o, first ? "  age_bands = [ " : ", ");
            put_string(o, im->cols[c].header);
            first = 0;
        }
    if (first)
        return;
    put(o, " ];\n");
    put(o, "  # Replace these weights with the region's capitation weight of "
        "each band:\n  age_weights = [ ");
    first = 1;
    for (size_t c = 0; c < im->n_cols; c++)
        if (im->cols[c].role == C_BAND) {
            put(o, first ? "1.0" : ", 1.0");
            first = 0;
        }
    put(o, " ];\n");
}

static void write_scenario(importer *im, out *o, const centre *cs, size_t n)
{
    const vs_import_opts *op = im->o;
    char name[256];
    stem(op->file, name, sizeof name);
    put(o, "# Imported by vardsim import from ");
    put_comment_text(o, op->file);
    if (im->t->xlsx && im->t->sheet) {
        put(o, ", sheet '");
        put_comment_text(o, im->t->sheet);
        put(o, "'");
    }
    put(o, ": %zu centres.\n", n);
    if (op->centres_only) {
        put(o, "# Only the centres: paste them into a scenario.");
        int bands = 0;
        for (size_t c = 0; c < im->n_cols; c++)
            bands |= im->cols[c].role == C_BAND;
        if (bands)
            put(o, "  Its region needs these\n# age bands (listed_by_age "
                "follows them):\n#");
        if (bands)
            write_bands(im, o);
        put(o, "\n\n");
        write_centres(im, o, cs, n);
        return;
    }
    put(o, "# Check it with `vardsim check`; then add the variants to "
        "compare with the baseline.\n\n");
    put(o, "scenario = {\n  name = ");
    put_string(o, name);
    put(o, ";\n  seed = 1;\n  iterations = 10000;\n"
        "  baseline = \"baseline\";\n  lang = \"%s\";\n};\n\n",
        im->swedish ? "sv" : "en");
    put(o, "region = {\n  name = ");
    put_string(o, name);
    put(o, ";\n");
    write_bands(im, o);
    put(o, "};\n\n");
    write_centres(im, o, cs, n);
    put(o, "\nvariants = (\n  { id = \"baseline\"; name = \"%s\";\n"
        "    rules = ( { type = \"capitation\"; pot = ",
        im->swedish ? "Kapitering" : "Capitation");
    put_amount(o, op->pot);
    put(o, "; cni_share = 0.0; } ); }\n);\n");
}

int vs_import_scenario(const vs_table *t, const vs_import_opts *o,
                       char **text, char **notes, vs_err *err)
{
    *text = NULL;
    *notes = NULL;
    importer im;
    memset(&im, 0, sizeof im);
    im.t = t;
    im.o = o;
    im.err = err;
    if (!o->centres_only && !(isfinite(o->pot) && o->pot >= 0))
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "import needs --pot SEK (the baseline's capitation "
                          "pot) or --centres-only");
    int st = read_header(&im);
    size_t n = t->n_rows ? t->n_rows - 1 : 0;
    centre *cs = NULL;
    if (st == 0 && n == 0)
        problem(&im, "no centres: only the header row");
    if (st == 0 && n > 0) {
        cs = calloc(n, sizeof *cs);
        if (!cs)
            st = -2;
    }
    if (st == 0 && cs) {
        check_rows(&im, cs, n);
        make_ids(&im, cs, n);
    }
    out res = {0};
    if (st == 0 && !im.problems)
        write_scenario(&im, &res, cs, n);
    if (im.problems > MAX_PROBLEMS)
        vs_err_set(err, VS_EINPUT, o->file, 0, "%d more problems",
                   im.problems - MAX_PROBLEMS);
    int status = st == -2 || res.oom || im.notes.oom ? VS_ENOMEM
                 : im.problems ? VS_EINPUT : VS_OK;
    if (status == VS_ENOMEM)
        vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    if (status == VS_OK) {
        *text = res.s;
        res.s = NULL;
    }
    *notes = im.notes.s;
    free(res.s);
    free(cs);
    for (size_t c = 0; c < im.n_cols && im.cols; c++)
        free((char *)im.cols[c].header);
    free(im.cols);
    return status;
}
