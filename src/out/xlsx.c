/* xlsx.c: results.xlsx of a run (libxlsxwriter), see xlsx.h. */
#include "out/xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <xlsxwriter.h>
#include <zip.h>

#include "analysis/plan.h"
#include "analysis/sensitivity.h"
#include "analysis/sweep.h"
#include "out/gp.h"
#include "out/manifest.h"
#include "out/warnings.h"
#include "vardsim/metrics.h"
#include "vardsim/report.h"

/* 2000-01-01T00:00:00Z: the workbook's creation time, fixed so the file is
 * the same bytes on every run (Excel shows it under properties). */
#define XLSX_CREATED 946684800

typedef struct book {
    lxw_workbook *wb;
    int sv;
    lxw_format *head, *kr, *tkr, *pct, *prob, *num, *bold_tkr, *bold, *warn;
} book;

/* Swedish or English: headers follow the scenario's lang. */
static const char *tr(const book *b, const char *en, const char *sv)
{
    return b->sv ? sv : en;
}

static void header_row(book *b, lxw_worksheet *ws, const char *const *cols,
                       int n, const double *widths)
{
    for (int c = 0; c < n; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c], b->head);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
}

/* A number, or an empty cell when undefined. */
static void num(lxw_worksheet *ws, int r, int c, double v, lxw_format *f)
{
    if (isfinite(v))
        worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, v, f);
}

/* Sheet names: at most 31 characters, none of []:*?/\ (Excel's rules),
 * "N id" with N the variant's place, so two ids cut alike stay apart. */
static void sheet_name(const char *id, size_t v, char out[32])
{
    /* ids are ASCII (the loader's rule); the number makes the name unique
     * when 31 characters cut two ids alike */
    int k = snprintf(out, 32, "%zu ", v + 1);
    for (const char *p = id; *p && k < 31; p++)
        out[k++] = strchr("[]:*?/\\'", *p) ? '_' : *p;
    out[k] = '\0';
}

/* The summary's metric columns from column c0 on: every section-4
 * metric's mean, p05, p95 and P(better), four columns each, headed by
 * the metric in the charts' words (gp.h: "Gini för finansiering per
 * listad, medel"), wrapped in a header row tall enough for them. */
static void summary_header(book *b, const vs_scenario *sc, lxw_worksheet *ws,
                           int c0)
{
    static const char *const sub_en[] = {"mean", "p05", "p95", "P(better)"};
    static const char *const sub_sv[] = {"medel", "p05", "p95", "P(bättre)"};
    for (int m = 0; m < VS_M_COUNT; m++)
        for (int k = 0; k < 4; k++) {
            char words[256], h[300];
            vs_gp_metric_words(sc, m, b->sv, words, sizeof words);
            snprintf(h, sizeof h, "%s, %s", words, b->sv ? sub_sv[k] : sub_en[k]);
            lxw_col_t c = (lxw_col_t)(c0 + 4 * m + k);
            worksheet_write_string(ws, 0, c, h, b->head);
            worksheet_set_column(ws, c, c, 16, NULL);
        }
    worksheet_set_row(ws, 0, 75, NULL);
}

/* Column c of the header row: variant v's warning mark (warnings.h, the
 * charts' words), in the frozen row so it stays in sight; the widths
 * make room.  Nothing when its rules did all they say. */
static void mark_cell(book *b, lxw_worksheet *ws, int row, int c,
                      const vs_warn_src *w, size_t v)
{
    char mark[512];
    if (vs_warnings_mark(w, v, b->sv, mark, sizeof mark)[0])
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c, mark, b->warn);
}

/* One variant's summary cells (stats: its VS_STAT_COUNT statistics). */
static void summary_cells(book *b, lxw_worksheet *ws, int r, int c0,
                          const vs_stat *stats, int baseline)
{
    for (int m = 0; m < VS_M_COUNT; m++) {
        const vs_stat *s = &stats[m];
        int c = c0 + 4 * m;
        num(ws, r, c, s->mean, b->num);
        num(ws, r, c + 1, s->p05, b->num);
        num(ws, r, c + 2, s->p95, b->num);
        if (!baseline)
            num(ws, r, c + 3, s->p_better, b->prob);
    }
}

/* Columns c0, c0 + 1: a variant's id and name, headed. */
static void variant_header(book *b, lxw_worksheet *ws, int c0)
{
    worksheet_write_string(ws, 0, (lxw_col_t)c0, "variant", b->head);
    worksheet_write_string(ws, 0, (lxw_col_t)(c0 + 1), tr(b, "name", "namn"), b->head);
    worksheet_set_column(ws, (lxw_col_t)c0, (lxw_col_t)c0, 18, NULL);
    worksheet_set_column(ws, (lxw_col_t)(c0 + 1), (lxw_col_t)(c0 + 1), 36, NULL);
}

static void variant_cells(lxw_worksheet *ws, int r, int c0, const vs_variant *v)
{
    worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c0, v->id, NULL);
    worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)(c0 + 1), v->name, NULL);
}

static void write_summary(book *b, const vs_scenario *sc, const vs_results *res,
                          const char *warn)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, tr(b, "Summary", "Sammanfattning"));
    variant_header(b, ws, 0);
    summary_header(b, sc, ws, 2);
    /* the last column: each variant's warning, where its numbers are */
    int cw = 2 + 4 * VS_M_COUNT;
    worksheet_write_string(ws, 0, (lxw_col_t)cw, tr(b, "warning", "varning"), b->head);
    worksheet_set_column(ws, (lxw_col_t)cw, (lxw_col_t)cw, 70, NULL);
    worksheet_freeze_panes(ws, 1, 2);
    vs_warn_src w = vs_warn_src_of(sc, res);
    for (size_t v = 0; v < sc->n_variants; v++) {
        int r = (int)v + 1;
        variant_cells(ws, r, 0, &sc->variants[v]);
        summary_cells(b, ws, r, 2, &res->stats[v * VS_STAT_COUNT],
                      (int)v == sc->baseline);
        mark_cell(b, ws, r, cw, &w, v);
    }
    /* --precision not reached: under the table, in its words */
    char mark[512];
    if (vs_warnings_other_mark(sc, warn, 'r', b->sv, mark, sizeof mark)[0])
        worksheet_write_string(ws, (lxw_row_t)(sc->n_variants + 2), 0, mark, b->warn);
}

/* Columns 3-7 of a committee row: baseline, variant and change in tkr
 * (öre / 100,000), change as a fraction, kr per listed. */
static void amounts(book *b, lxw_worksheet *ws, int r, vs_ore bo, vs_ore vo,
                    double listed, lxw_format *tkr)
{
    num(ws, r, 3, (double)bo / 1e5, tkr);
    num(ws, r, 4, (double)vo / 1e5, tkr);
    num(ws, r, 5, (double)(vo - bo) / 1e5, tkr);
    if (bo != 0)
        num(ws, r, 6, (double)(vo - bo) / (double)bo, b->pct);
    if (listed > 0)
        num(ws, r, 7, (double)vo / 100.0 / listed, b->kr);
}

/* The committee table of variant v: amounts in tkr (öre / 100,000). */
static void write_committee(book *b, const vs_scenario *sc,
                            const vs_results *res, size_t v)
{
    char name[32];
    sheet_name(sc->variants[v].id, v, name);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    const char *cols[9] = {
        vs_scenario_centre_term(sc, 0), tr(b, "listed", "listade"), "CNI",
        tr(b, "baseline kSEK", "utgångsläge tkr"), tr(b, "variant kSEK", "variant tkr"),
        tr(b, "change kSEK", "förändring tkr"), tr(b, "change %", "förändring %"),
        tr(b, "SEK per listed", "kr per listad"), tr(b, "P(loss)", "P(förlust)")};
    static const double w[9] = {34, 10, 8, 16, 16, 15, 13, 14, 11};
    header_row(b, ws, cols, 9, w);
    vs_warn_src warn = vs_warn_src_of(sc, res);
    worksheet_set_column(ws, 9, 9, 70, NULL);
    mark_cell(b, ws, 0, 9, &warn, v);
    size_t nc = sc->n_centres, base = (size_t)sc->baseline;
    vs_ore tb = 0, tv = 0;
    double tl = 0;
    for (size_t i = 0; i < nc; i++) {
        const vs_centre_stat *s = &res->centres[v * nc + i];
        vs_ore bo = res->centres[base * nc + i].point, vo = s->point;
        int r = (int)i + 1;
        double listed = res->point_listed[i];
        worksheet_write_string(ws, (lxw_row_t)r, 0, sc->centres[i].name, NULL);
        num(ws, r, 1, listed, NULL);
        num(ws, r, 2, res->point_cni[i], NULL);
        amounts(b, ws, r, bo, vo, listed, b->tkr);
        if (v != base)
            num(ws, r, 8, s->p_loss, b->prob);
        tb += bo, tv += vo, tl += listed;
    }
    int r = (int)nc + 1;
    worksheet_write_string(ws, (lxw_row_t)r, 0, tr(b, "total", "totalt"), b->bold);
    num(ws, r, 1, tl, b->bold);
    amounts(b, ws, r, tb, tv, tl, b->bold_tkr);
}

/* metrics.csv's columns from c0 on (sweep.csv's after the swept paths). */
static void metrics_header(book *b, lxw_worksheet *ws, int c0)
{
    static const char *const cols[11] = {"variant", "metric", "point", "mean", "sd", "p05",
                                         "p50", "p95", "mcse", "diff_mean", "p_better"};
    static const double w[11] = {18, 18, 16, 16, 14, 16, 16, 16, 12, 14, 10};
    for (int c = 0; c < 11; c++) {
        lxw_col_t k = (lxw_col_t)(c0 + c);
        worksheet_write_string(ws, 0, k, cols[c], b->head);
        worksheet_set_column(ws, k, k, w[c], NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
}

/* One row of metrics.csv from column c0: money (total, unallocated) in kr. */
static void metrics_cells(book *b, lxw_worksheet *ws, int r, int c0,
                          const char *variant, int m, const vs_stat *s)
{
    double c[8] = {s->point, s->mean, s->sd, s->p05, s->p50, s->p95,
                   s->mcse, s->diff_mean};
    worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c0, variant, NULL);
    worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)(c0 + 1),
                           vs_report_stat_name(m), NULL);
    for (int k = 0; k < 8; k++)
        num(ws, r, c0 + 2 + k, m >= VS_M_COUNT ? c[k] / 100.0 : c[k],
            m >= VS_M_COUNT ? b->kr : b->num);
    if (m < VS_M_COUNT)
        num(ws, r, c0 + 10, s->p_better, b->prob);
}

/* metrics.csv as a sheet. */
static void write_metrics(book *b, const vs_scenario *sc, const vs_results *res)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, tr(b, "Metrics", "Mått"));
    metrics_header(b, ws, 0);
    int r = 1;
    for (size_t v = 0; v < sc->n_variants; v++)
        for (int m = 0; m < VS_STAT_COUNT; m++, r++)
            metrics_cells(b, ws, r, 0, sc->variants[v].id, m,
                          &res->stats[v * VS_STAT_COUNT + (size_t)m]);
}

/* The centres sheet's name: the scenario's centre term, plural, with a
 * capital ("Vårdcentraler"), cut to Excel's 31 characters and with the
 * characters Excel refuses in a name as '_'.  The language's own word
 * when that name is taken by another sheet of the book, or refused. */
static void centres_sheet_name(const book *b, const vs_scenario *sc,
                               char *out, size_t n)
{
    static const char *const taken[] = {
        "Summary", "Sammanfattning", "Metrics", "Mått", "Explain", "Förklaring",
        "Warnings", "Varningar", "Manifest", "Plan", "Plan summary",
        "Plansammanfattning"};
    char cap[4 * 48 + 8], cut[4 * 32 + 4];
    vs_gp_capital(vs_scenario_centre_term(sc, 1), cap, sizeof cap);
    vs_gp_shorten(cap, 31, cut, sizeof cut);
    for (char *p = cut; *p; p++)
        if (strchr("[]:*?/\'", *p))
            *p = '_';
    int ok = cut[0] != '\0' &&
             workbook_validate_sheet_name(b->wb, cut) == LXW_NO_ERROR;
    for (size_t k = 0; ok && k < sizeof taken / sizeof *taken; k++)
        ok = strcasecmp(cut, taken[k]) != 0;
    snprintf(out, n, "%s", ok ? cut : tr(b, "Centres", "Hälsocentraler"));
}

/* centres.csv as a sheet: money in kr, change_pct as a fraction (%). */
static void write_centres(book *b, const vs_scenario *sc, const vs_results *res)
{
    char name[4 * 32 + 4];
    centres_sheet_name(b, sc, name, sizeof name);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    static const char *const cols[14] = {
        "variant", "centre", "name", "listed", "cni", "point", "mean", "p05",
        "p95", "per_capita", "fair_share", "change", "change_pct", "p_loss"};
    static const double w[14] = {18, 18, 34, 10, 8, 17, 17, 17, 17, 12, 17, 15, 11, 9};
    header_row(b, ws, cols, 14, w);
    size_t nc = sc->n_centres, base = (size_t)sc->baseline;
    int r = 1;
    for (size_t v = 0; v < sc->n_variants; v++)
        for (size_t i = 0; i < nc; i++, r++) {
            const vs_centre_stat *s = &res->centres[v * nc + i];
            vs_ore bo = res->centres[base * nc + i].point;
            double listed = res->point_listed[i];
            worksheet_write_string(ws, (lxw_row_t)r, 0, sc->variants[v].id, NULL);
            worksheet_write_string(ws, (lxw_row_t)r, 1, sc->centres[i].id, NULL);
            worksheet_write_string(ws, (lxw_row_t)r, 2, sc->centres[i].name, NULL);
            num(ws, r, 3, sc->centres[i].listed, NULL);
            num(ws, r, 4, sc->centres[i].cni, NULL);
            num(ws, r, 5, (double)s->point / 100.0, b->kr);
            num(ws, r, 6, s->mean / 100.0, b->kr);
            num(ws, r, 7, s->p05 / 100.0, b->kr);
            num(ws, r, 8, s->p95 / 100.0, b->kr);
            if (listed > 0)
                num(ws, r, 9, (double)s->point / 100.0 / listed, b->kr);
            if (res->fair_share_defined)
                num(ws, r, 10, (double)s->fair_share / 100.0, b->kr);
            if (v != base) {
                num(ws, r, 11, (double)(s->point - bo) / 100.0, b->kr);
                if (bo != 0)
                    num(ws, r, 12, (double)(s->point - bo) / (double)bo, b->pct);
                num(ws, r, 13, s->p_loss, b->prob);
            }
        }
}

typedef struct explain_sheet {
    book *b;
    const vs_scenario *sc;
    lxw_worksheet *ws;
    int row;
} explain_sheet;

static void explain_row(void *ctx, size_t v, size_t i, const char *step,
                        vs_ore amount)
{
    explain_sheet *e = ctx;
    lxw_row_t r = (lxw_row_t)++e->row;
    worksheet_write_string(e->ws, r, 0, e->sc->variants[v].id, NULL);
    worksheet_write_string(e->ws, r, 1, e->sc->centres[i].id, NULL);
    worksheet_write_string(e->ws, r, 2, step, NULL);
    num(e->ws, e->row, 3, (double)amount / 100.0, e->b->kr);
}

/* explain.csv as a sheet (amount in kr). */
static int write_explain(book *b, const vs_scenario *sc, const vs_results *res,
                         vs_err *err)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, tr(b, "Explain", "Förklaring"));
    static const char *const cols[4] = {"variant", "centre", "step", "amount"};
    static const double w[4] = {18, 18, 30, 17};
    header_row(b, ws, cols, 4, w);
    explain_sheet e = {b, sc, ws, 0};
    return vs_report_explain_each(sc, res, explain_row, &e, err);
}

/* Text lines (warnings, manifest) as rows of one or two columns. */
static void write_lines(book *b, const char *sheet, const char *head,
                        const char *text, int split)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, sheet);
    worksheet_write_string(ws, 0, 0, head, b->head);
    worksheet_set_column(ws, 0, 0, split ? 22 : 120, NULL);
    worksheet_set_column(ws, 1, 1, 100, NULL);
    worksheet_freeze_panes(ws, 1, 0);
    int r = 1;
    char line[4096];
    for (const char *p = text; p && *p; r++) {
        size_t n = strcspn(p, "\n");
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
        char *colon = split ? strstr(line, ": ") : NULL;
        if (colon) {
            *colon = '\0';
            worksheet_write_string(ws, (lxw_row_t)r, 0, line, NULL);
            worksheet_write_string(ws, (lxw_row_t)r, 1, colon + 2, NULL);
        } else {
            worksheet_write_string(ws, (lxw_row_t)r, 0, line, NULL);
        }
        p += n + (p[n] == '\n');
    }
}

/* What `print` writes, as one string (free with free()), or NULL. */
static char *capture(void (*print)(FILE *f, const void *ctx), const void *ctx)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    print(f, ctx);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* The manifest of an analysis (manifest.c's writer, with its own lines). */
typedef struct manifest_src {
    const char *analysis;
    const vs_scenario *sc;
    const vs_provenance *prov;
    int swedish_csv;              /* the dialect of the folder's CSV files */
    vs_manifest_details_fn details;
    const void *ctx;
} manifest_src;

static void print_manifest(FILE *f, const void *ctx)
{
    const manifest_src *m = ctx;
    vs_manifest_write(f, m->analysis, m->sc, m->prov, m->swedish_csv, m->details,
                      m->ctx);
}

/* The manifest without what changes from run to run or with the
 * machine (wall time, threads, speed, the command line with its -o and
 * --threads): manifest.txt keeps those. */
static char *stable_manifest(const manifest_src *m)
{
    char *buf = capture(print_manifest, m), *out = NULL;
    if (!buf || !(out = malloc(strlen(buf) + 2))) {
        free(buf);
        return NULL;
    }
    static const char *const drop[] = {"threads:", "wall_seconds:",
                                       "iterations_per_second:", "command:"};
    size_t o = 0;
    for (const char *p = buf; *p;) {
        size_t n = strcspn(p, "\n");
        int keep = 1;
        for (size_t k = 0; k < sizeof drop / sizeof *drop; k++)
            keep &= strncmp(p, drop[k], strlen(drop[k])) != 0;
        if (keep) {
            memcpy(out + o, p, n);
            o += n;
            out[o++] = '\n';
        }
        p += n + (p[n] == '\n');
    }
    out[o] = '\0';
    free(buf);
    return out;
}

/* warnings.txt's lines of a run (the rules', the plan's, --precision's). */
typedef struct run_src {
    const vs_scenario *sc;
    const vs_results *res;
    const vs_report_opts *ro;
} run_src;

static void print_run_warnings(FILE *f, const void *ctx)
{
    const run_src *r = ctx;
    vs_report_print_warnings(r->sc, r->res, r->ro, f);
}

/* Does every XML part of the workbook at `path` end as it should?
 * libxlsxwriter writes each sheet to a temporary file first and does not
 * check those writes: on a full disk or past a file-size limit it closes
 * with "no error" and a sheet cut short.  Read back with libzip, a cut
 * part is found (it lacks its closing tag). */
static int parts_whole(const char *path)
{
    int code = 0, whole = 1;
    zip_t *z = zip_open(path, ZIP_RDONLY, &code);
    if (!z)
        return 0;
    zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; whole && i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        size_t len = name ? strlen(name) : 0;
        zip_stat_t st;
        if (!name || len < 4 || strcmp(name + len - 4, ".xml") != 0)
            continue;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 ||
            !(st.valid & ZIP_STAT_SIZE) || st.size < 2) {
            whole = 0;
            break;
        }
        zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
        char *buf = f ? malloc(st.size) : NULL;
        whole = buf && zip_fread(f, buf, st.size) == (zip_int64_t)st.size;
        /* the last non-space byte of a whole part closes its root */
        zip_uint64_t e = st.size;
        while (whole && e > 0 && (buf[e - 1] == '\n' || buf[e - 1] == '\r'))
            e--;
        whole = whole && e > 0 && buf[e - 1] == '>';
        if (whole && strstr(name, "worksheets/"))
            whole = e >= 12 && memcmp(buf + e - 12, "</worksheet>", 12) == 0;
        if (whole && strcmp(name, "xl/sharedStrings.xml") == 0)
            whole = e >= 6 && memcmp(buf + e - 6, "</sst>", 6) == 0;
        free(buf);
        if (f)
            zip_fclose(f);
    }
    zip_discard(z);
    return whole;
}

static lxw_format *fmt(book *b, const char *numfmt, int bold)
{
    lxw_format *f = workbook_add_format(b->wb);
    if (numfmt)
        format_set_num_format(f, numfmt);
    if (bold)
        format_set_bold(f);
    return f;
}

/* The plan's tables (plan_write.c has them as CSV): per year and centre,
 * then per centre. */
static void write_plan(book *b, const vs_scenario *sc, const vs_plan_results *p,
                       const char *mark)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Plan");
    static const char *const cols[9] = {"year", "centre", "name", "point", "mean",
                                        "p05", "p95", "target", "distance"};
    static const double w[9] = {7, 18, 34, 17, 17, 17, 17, 17, 10};
    header_row(b, ws, cols, 9, w);
    /* floors or caps bound: in the frozen header row, where the years are */
    if (mark[0]) {
        worksheet_write_string(ws, 0, 9, mark, b->warn);
        worksheet_set_column(ws, 9, 9, 70, NULL);
    }
    size_t nc = p->n_centres;
    int r = 1;
    for (size_t t = 0; t <= p->years; t++)
        for (size_t i = 0; i < nc; i++, r++) {
            size_t j = t * nc + i;
            num(ws, r, 0, (double)(p->first_year - 1 + (long)t), NULL);
            worksheet_write_string(ws, (lxw_row_t)r, 1, sc->centres[i].id, NULL);
            worksheet_write_string(ws, (lxw_row_t)r, 2, sc->centres[i].name, NULL);
            num(ws, r, 3, (double)p->point[j] / 100.0, b->kr);
            num(ws, r, 4, p->mean[j] / 100.0, b->kr);
            num(ws, r, 5, p->p05[j] / 100.0, b->kr);
            num(ws, r, 6, p->p95[j] / 100.0, b->kr);
            num(ws, r, 7, (double)p->target_ore[j] / 100.0, b->kr);
            if (p->target[j] > 0)
                num(ws, r, 8, ((double)p->point[j] - p->target[j]) / p->target[j], b->pct);
        }
    ws = workbook_add_worksheet(b->wb, tr(b, "Plan summary", "Plansammanfattning"));
    static const char *const scols[6] = {"centre", "name", "first_year_at_target",
                                         "share_at_target", "largest_fall",
                                         "largest_fall_pct"};
    static const double sw[6] = {18, 34, 12, 12, 15, 12};
    header_row(b, ws, scols, 6, sw);
    for (size_t i = 0; i < nc; i++) {
        r = (int)i + 1;
        worksheet_write_string(ws, (lxw_row_t)r, 0, sc->centres[i].id, NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 1, sc->centres[i].name, NULL);
        if (p->first_at_target[i] >= 0)
            num(ws, r, 2, (double)(p->first_year - 1 + p->first_at_target[i]), NULL);
        num(ws, r, 3, p->share_at_target[i], b->pct);
        num(ws, r, 4, (double)p->largest_fall[i] / 100.0, b->kr);
        num(ws, r, 5, p->largest_fall_from[i] > 0
                          ? (double)p->largest_fall[i] / (double)p->largest_fall_from[i]
                          : 0.0, b->pct);
    }
}

/* Open ro->dir/results.xlsx (reserved in `set`) with its formats and a
 * fixed creation time.  VS_OK, or VS_EIO with err. */
static int book_open(book *b, const vs_scenario *sc, const char *dir,
                     vs_outset *set, const char **path, vs_err *err)
{
    memset(b, 0, sizeof *b);
    if (!(*path = vs_outset_reserve(set, dir, "results.xlsx", err)))
        return err->code;
    b->sv = strcmp(sc->lang, "sv") == 0;
    b->wb = workbook_new(*path);
    if (!b->wb)
        return vs_err_set(err, VS_EIO, *path, 0, "cannot write results.xlsx");
    lxw_doc_properties props = {0};
    props.title = sc->name;
    props.created = XLSX_CREATED;
    workbook_set_properties(b->wb, &props);
    b->head = fmt(b, NULL, 1);
    format_set_bottom(b->head, LXW_BORDER_THIN);
    format_set_text_wrap(b->head);
    b->kr = fmt(b, "#,##0.00", 0);
    b->tkr = fmt(b, "#,##0.0", 0);
    b->bold_tkr = fmt(b, "#,##0.0", 1);
    b->bold = fmt(b, NULL, 1);
    b->warn = fmt(b, NULL, 1);
    format_set_font_color(b->warn, 0x9B1C1C); /* dark red, 7.9:1 on white */
    b->pct = fmt(b, "0.00%", 0);
    b->prob = fmt(b, "0.0000", 0);
    b->num = fmt(b, "0.000000", 0);
    return VS_OK;
}

/* The warnings and manifest sheets every workbook ends with (the
 * warnings' text as warnings.txt has it; NULL text: out of memory). */
static int book_warnings_manifest(book *b, char *warn, char *manifest,
                                  vs_err *err)
{
    int st = VS_OK;
    if (!warn || !manifest)
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    else {
        write_lines(b, tr(b, "Warnings", "Varningar"), tr(b, "warning", "varning"),
                    warn, 0);
        write_lines(b, "Manifest", tr(b, "key", "nyckel"), manifest, 1);
    }
    free(warn);
    free(manifest);
    return st;
}

/* Close the workbook and check every part is whole; `st` is the status
 * of writing its sheets (the first failure wins). */
static int book_close(book *b, const char *path, const char *dir, int st,
                      vs_err *err)
{
    lxw_error e = workbook_close(b->wb);
    if (st != VS_OK)
        return st;
    if (e != LXW_NO_ERROR)
        return vs_err_set(err, VS_EIO, dir, 0, "cannot write results.xlsx: %s",
                          lxw_strerror(e));
    if (!parts_whole(path))
        return vs_err_set(err, VS_EIO, dir, 0,
                          "cannot write results.xlsx: a sheet was cut short "
                          "(the disk is full or a file-size limit was reached)");
    return VS_OK;
}

int vs_xlsx_write_run(const vs_scenario *sc, const vs_results *res,
                      const vs_plan_results *plan,
                      const vs_report_opts *ro, vs_outset *set, vs_err *err)
{
    book b;
    const char *path;
    int st = book_open(&b, sc, ro->dir, set, &path, err);
    if (st != VS_OK)
        return st;
    run_src w = {sc, res, ro};
    char *warn = capture(print_run_warnings, &w);
    write_summary(&b, sc, res, warn);
    for (size_t v = 0; v < sc->n_variants; v++)
        write_committee(&b, sc, res, v);
    write_metrics(&b, sc, res);
    write_centres(&b, sc, res);
    st = write_explain(&b, sc, res, err);
    manifest_src m = {"run", sc, &res->prov, ro->swedish_csv, NULL, NULL};
    /* the plan's sheets come last; their mark needs the text freed below */
    char plan_mark[512] = "";
    vs_warnings_other_mark(sc, warn, 'p', b.sv, plan_mark, sizeof plan_mark);
    int st2 = book_warnings_manifest(&b, warn, stable_manifest(&m), err);
    if (st == VS_OK)
        st = st2;
    if (plan)
        write_plan(&b, sc, plan, plan_mark);
    return book_close(&b, path, ro->dir, st, err);
}

/* ---- sweep ---------------------------------------------------------- */

/* Columns 0 .. n_axes - 1: the swept paths, headed by the path (the
 * sweep.csv sheet) or, with sc, in the charts' words (gp.h: "CNI-gräns,
 * CNI-tillägg: Förslag"; the summary). */
static void axes_header(book *b, const vs_scenario *sc, lxw_worksheet *ws,
                        const vs_sweep_result *r)
{
    for (size_t a = 0; a < r->n_axes; a++) {
        char words[512];
        if (sc)
            vs_gp_path_words(sc, r->axes[a].path, b->sv, words, sizeof words);
        worksheet_write_string(ws, 0, (lxw_col_t)a, sc ? words : r->axes[a].path,
                               b->head);
        worksheet_set_column(ws, (lxw_col_t)a, (lxw_col_t)a, sc ? 30 : 22, NULL);
    }
}

/* Point p's swept values (an amount in kr, any other number as typed). */
static void axes_cells(book *b, lxw_worksheet *ws, int row,
                       const vs_sweep_result *r, size_t p)
{
    for (size_t a = 0; a < r->n_axes; a++)
        num(ws, row, (int)a, r->x[p * r->n_axes + a], r->money[a] ? b->kr : NULL);
}

/* One row per point and variant: the swept values, the variant, and
 * the summary's columns. */
static void write_sweep_summary(book *b, const vs_scenario *sc,
                                const vs_sweep_result *r)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, tr(b, "Summary", "Sammanfattning"));
    int c0 = (int)r->n_axes;
    axes_header(b, sc, ws, r);
    variant_header(b, ws, c0);
    summary_header(b, sc, ws, c0 + 2);
    worksheet_freeze_panes(ws, 1, (lxw_col_t)(c0 + 2));
    int row = 1;
    for (size_t p = 0; p < r->n_points; p++)
        for (size_t v = 0; v < r->n_variants; v++, row++) {
            axes_cells(b, ws, row, r, p);
            variant_cells(ws, row, c0, &sc->variants[v]);
            summary_cells(b, ws, row, c0 + 2,
                          &r->stats[(p * r->n_variants + v) * VS_STAT_COUNT],
                          (int)v == sc->baseline);
        }
}

/* sweep.csv as a sheet. */
static void write_sweep_table(book *b, const vs_scenario *sc,
                              const vs_sweep_result *r)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, tr(b, "Sweep", "Svep"));
    int c0 = (int)r->n_axes;
    metrics_header(b, ws, c0);
    axes_header(b, NULL, ws, r);
    int row = 1;
    for (size_t p = 0; p < r->n_points; p++)
        for (size_t v = 0; v < r->n_variants; v++)
            for (int m = 0; m < VS_STAT_COUNT; m++, row++) {
                axes_cells(b, ws, row, r, p);
                metrics_cells(b, ws, row, c0, sc->variants[v].id, m,
                              &r->stats[(p * r->n_variants + v) * VS_STAT_COUNT +
                                        (size_t)m]);
            }
}

typedef struct sweep_src {
    const vs_scenario *sc;
    const vs_sweep_result *r;
} sweep_src;

static void print_sweep_warnings(FILE *f, const void *ctx)
{
    const sweep_src *s = ctx;
    vs_warnings_sweep(f, s->sc, s->r);
}

int vs_xlsx_write_sweep(const vs_scenario *sc, const vs_sweep_result *r,
                        const char *dir, int swedish_csv,
                        vs_manifest_details_fn details,
                        const void *details_ctx, vs_outset *set, vs_err *err)
{
    book b;
    const char *path;
    int st = book_open(&b, sc, dir, set, &path, err);
    if (st != VS_OK)
        return st;
    write_sweep_summary(&b, sc, r);
    write_sweep_table(&b, sc, r);
    manifest_src m = {"sweep", sc, &r->prov, swedish_csv, details, details_ctx};
    sweep_src w = {sc, r};
    st = book_warnings_manifest(&b, capture(print_sweep_warnings, &w),
                                stable_manifest(&m), err);
    return book_close(&b, path, dir, st, err);
}

/* ---- sensitivity ---------------------------------------------------- */

static const vs_sensitivity_cell *sens_cell(const vs_sensitivity_result *r,
                                            size_t v, int m, size_t i)
{
    return &r->cells[(v * VS_STAT_COUNT + (size_t)m) * r->n_inputs + i];
}

/* One row per variant and input: for every section-4 metric the
 * tornado's swing and the Sobol indices S1 and ST. */
static void write_sens_summary(book *b, const vs_scenario *sc,
                               const vs_sensitivity_result *r)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, tr(b, "Summary", "Sammanfattning"));
    variant_header(b, ws, 0);
    worksheet_write_string(ws, 0, 2, tr(b, "input", "indata"), b->head);
    worksheet_set_column(ws, 2, 2, 30, NULL);
    static const char *const sub_en[] = {"swing", "S1", "ST"};
    static const char *const sub_sv[] = {"utslag", "S1", "ST"};
    for (int m = 0; m < VS_M_COUNT; m++)
        for (int k = 0; k < 3; k++) {
            char words[256], h[300];
            vs_gp_metric_words(sc, m, b->sv, words, sizeof words);
            snprintf(h, sizeof h, "%s, %s", words, b->sv ? sub_sv[k] : sub_en[k]);
            lxw_col_t c = (lxw_col_t)(3 + 3 * m + k);
            worksheet_write_string(ws, 0, c, h, b->head);
            worksheet_set_column(ws, c, c, 16, NULL);
        }
    worksheet_set_row(ws, 0, 75, NULL);
    worksheet_freeze_panes(ws, 1, 3);
    int row = 1;
    for (size_t v = 0; v < r->n_variants; v++)
        for (size_t i = 0; i < r->n_inputs; i++, row++) {
            variant_cells(ws, row, 0, &sc->variants[v]);
            /* the input as the tornado names it (the sheet after this
             * one has its path, as sensitivity.csv) */
            char words[512];
            vs_gp_path_words(sc, r->inputs[i].name, b->sv, words, sizeof words);
            worksheet_write_string(ws, (lxw_row_t)row, 2, words, NULL);
            for (int m = 0; m < VS_M_COUNT; m++) {
                const vs_sensitivity_cell *x = sens_cell(r, v, m, i);
                num(ws, row, 3 + 3 * m, x->swing, b->num);
                num(ws, row, 4 + 3 * m, x->sobol.s1, b->prob);
                num(ws, row, 5 + 3 * m, x->sobol.st, b->prob);
            }
        }
}

/* sensitivity.csv as a sheet: total and unallocated in kr. */
static void write_sens_table(book *b, const vs_scenario *sc,
                             const vs_sensitivity_result *r)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, tr(b, "Sensitivity", "Känslighet"));
    static const char *const cols[13] = {
        "variant", "metric", "input", "point", "low",   "high",  "swing",
        "s1",      "s1_lo",  "s1_hi", "st",    "st_lo", "st_hi"};
    static const double w[13] = {18, 18, 30, 16, 16, 16, 14, 12, 12, 12, 12, 12, 12};
    header_row(b, ws, cols, 13, w);
    int row = 1;
    for (size_t v = 0; v < r->n_variants; v++)
        for (int m = 0; m < VS_STAT_COUNT; m++)
            for (size_t i = 0; i < r->n_inputs; i++, row++) {
                const vs_sensitivity_cell *x = sens_cell(r, v, m, i);
                double c[10] = {x->point, x->low, x->high, x->swing,
                                x->sobol.s1, x->sobol.s1_lo, x->sobol.s1_hi,
                                x->sobol.st, x->sobol.st_lo, x->sobol.st_hi};
                worksheet_write_string(ws, (lxw_row_t)row, 0, sc->variants[v].id, NULL);
                worksheet_write_string(ws, (lxw_row_t)row, 1, vs_report_stat_name(m), NULL);
                worksheet_write_string(ws, (lxw_row_t)row, 2, r->inputs[i].name, NULL);
                for (int k = 0; k < 4; k++)
                    num(ws, row, 3 + k, m >= VS_M_COUNT ? c[k] / 100.0 : c[k],
                        m >= VS_M_COUNT ? b->kr : b->num);
                for (int k = 4; k < 10; k++)
                    num(ws, row, 3 + k, c[k], b->num);
            }
}

typedef struct sens_src {
    const vs_scenario *sc;
    const vs_sensitivity_result *r;
} sens_src;

static void print_sens_warnings(FILE *f, const void *ctx)
{
    const sens_src *s = ctx;
    vs_warn_src w = vs_warn_src_of_sensitivity(s->sc, s->r);
    vs_warnings_print(f, NULL, &w);
}

int vs_xlsx_write_sensitivity(const vs_scenario *sc,
                              const vs_sensitivity_result *r, const char *dir,
                              int swedish_csv, vs_manifest_details_fn details,
                              const void *details_ctx, vs_outset *set,
                              vs_err *err)
{
    book b;
    const char *path;
    int st = book_open(&b, sc, dir, set, &path, err);
    if (st != VS_OK)
        return st;
    write_sens_summary(&b, sc, r);
    write_sens_table(&b, sc, r);
    manifest_src m = {"sensitivity", sc, &r->prov, swedish_csv, details,
                      details_ctx};
    sens_src w = {sc, r};
    st = book_warnings_manifest(&b, capture(print_sens_warnings, &w),
                                stable_manifest(&m), err);
    return book_close(&b, path, dir, st, err);
}
