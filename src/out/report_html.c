/* report_html.c: the committee report (see report_html.h). */
#define _XOPEN_SOURCE 700 /* nftw, to remove Chromium's profile folder */
#include "out/report_html.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "out/describe.h"
#include "util/csv_read.h"
#include "out/charts.h"
#include "out/charts_plan.h"
#include "out/gp.h"
#include "out/warnings.h"
#include "model/centre_index.h"
#include "model/need.h"
#include "vardsim/load.h"
#include "vardsim/metrics.h"
#include "vardsim/output.h"
#include "vardsim/override.h"
#include "vardsim/report.h"
#include "util/file.h"
#include "util/sha256.h"
#include "vardsim/sim.h"

/* ---- the folder's files --------------------------------------------- */

typedef struct manifest {
    char **keys, **vals;
    size_t n;
} manifest;

static void manifest_free(manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->keys[i]);
        free(m->vals[i]);
    }
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static const char *manifest_get(const manifest *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
    return NULL;
}

/* The whole file at `path` (free with free()), or NULL when it cannot be
 * read.  No cap: the files are the run's own outputs. */
static char *read_text(const char *path)
{
    char *text;
    size_t len;
    return vs_file_read(path, SIZE_MAX - 2, &text, &len) == 0 ? text : NULL;
}

/* "key: value" lines; the first version line ("vardsim 0.1.0") is kept
 * as key "vardsim". */
static int manifest_read(const char *dir, manifest *m, vs_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.txt", dir);
    memset(m, 0, sizeof *m);
    char *text = read_text(path);
    if (!text)
        return vs_err_set(err, VS_EINPUT, dir, 0,
                          "not a vardsim output folder (no manifest.txt)");
    size_t cap = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *colon = strstr(line, ": ");
        char *key = line, *val = colon ? colon + 2 : NULL;
        if (!colon && strncmp(line, "vardsim ", 8) == 0) {
            key = "vardsim";
            val = line + 8;
        } else if (!colon) {
            continue;
        } else {
            *colon = '\0';
        }
        if (m->n == cap) {
            cap = cap ? 2 * cap : 32;
            char **k = realloc(m->keys, cap * sizeof *k);
            if (k)
                m->keys = k;
            char **v = realloc(m->vals, cap * sizeof *v);
            if (v)
                m->vals = v;
            if (!k || !v) {
                free(text);
                return vs_err_set(err, VS_ENOMEM, dir, 0, "out of memory");
            }
        }
        m->keys[m->n] = strdup(key);
        m->vals[m->n] = strdup(val);
        m->n++;
    }
    free(text);
    if (!manifest_get(m, "scenario") || !manifest_get(m, "scenario_sha256"))
        return vs_err_set(err, VS_EINPUT, dir, 0,
                          "not a vardsim run folder (manifest.txt names no scenario)");
    return VS_OK;
}

/* Apply the run's --set values: "set: PATH=VALUE" lines when the manifest
 * has them, else the --set words of its command line. */
static int apply_sets(const manifest *m, vs_scenario *sc, vs_err *err)
{
    int from_lines = 0;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->keys[i], "set") == 0) {
            from_lines = 1;
            int st = vs_override_apply(sc, m->vals[i], err);
            if (st != VS_OK)
                return st;
        }
    const char *cmd = manifest_get(m, "command");
    if (from_lines || !cmd)
        return VS_OK;
    char *words = strdup(cmd);
    if (!words)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    int st = VS_OK, next_is_set = 0;
    for (char *w = strtok(words, " "); w && st == VS_OK; w = strtok(NULL, " ")) {
        if (next_is_set)
            st = vs_override_apply(sc, w, err);
        next_is_set = strcmp(w, "--set") == 0;
    }
    free(words);
    return st;
}

int vs_report_html_scenario(const char *dir, vs_scenario **out, vs_err *err)
{
    *out = NULL;
    manifest m;
    int st = manifest_read(dir, &m, err);
    if (st != VS_OK) {
        manifest_free(&m);
        return st;
    }
    const char *file = manifest_get(&m, "scenario");
    char hex[65];
    if (vs_sha256_file(file, hex) != 0) {
        st = vs_err_set(err, VS_EINPUT, dir, 0,
                        "the scenario of this run, %s, cannot be read (run "
                        "the report from the folder the run was started in)",
                        file);
    } else if (strcmp(hex, manifest_get(&m, "scenario_sha256")) != 0) {
        st = vs_err_set(err, VS_EINPUT, dir, 0,
                        "%s has changed since this run (SHA-256 differs from "
                        "the manifest's): run it again before the report", file);
    } else if ((st = vs_load_file(file, out, err)) == VS_OK) {
        st = apply_sets(&m, *out, err);
    }
    if (st != VS_OK) {
        vs_scenario_free(*out);
        *out = NULL;
    }
    manifest_free(&m);
    return st;
}

/* ---- the report's state ---------------------------------------------- */

typedef struct rep {
    const vs_scenario *sc;
    int sv;
    const char *dir;
    FILE *f;
    manifest man;
    vs_csv_table metrics, centres, explain;
    int have_explain;
    char *warnings;    /* warnings.txt, or NULL */
    vs_shortfall_sum *sf; /* warnings.txt read back (vs_warnings_read) */
    vs_warn_src warn;  /* for vs_warnings_mark: the marks the charts show */
    size_t *crow;      /* centres.csv row of (variant, centre) */
    size_t *mrow;      /* metrics.csv row of (variant, stat), 0 if absent */
    int64_t *point;    /* point allocation in öre, per (variant, centre) */
    int c_listed, c_cni, c_point, c_pcap, c_ploss, c_chpct;
    /* What the scenario calls a centre (vs_scenario_centre_term), HTML
     * escaped: as a column head, and in running text singular and
     * plural. */
    char Term[6 * 4 * 40 + 8], term[6 * 4 * 40 + 8], terms[6 * 4 * 40 + 8];
} rep;

/* "38326546.57" (or with a decimal comma) as öre, exactly, without going
 * through a double. */
static int parse_ore(const char *s, int64_t *out)
{
    int neg = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    int64_t whole = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (whole > (INT64_MAX - 9) / 10 / 100)
            return -1;
        whole = whole * 10 + (*s - '0');
    }
    int64_t frac = 0;
    if (*s == '.' || *s == ',') {
        s++;
        if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'))
            return -1;
        frac = (s[0] - '0') * 10 + (s[1] - '0');
        s += 2;
    }
    if (*s || digits == 0)
        return -1;
    *out = (neg ? -1 : 1) * (whole * 100 + frac);
    return 0;
}

static int need_column(const vs_csv_table *t, const char *file,
                       const char *name, int *col, vs_err *err)
{
    *col = vs_csv_column(t, name);
    if (*col < 0)
        return vs_err_set(err, VS_EINPUT, file, 1, "no column '%s'", name);
    return VS_OK;
}

static int read_tables(rep *r, vs_err *err)
{
    char path[4096];
    int st;
    snprintf(path, sizeof path, "%s/metrics.csv", r->dir);
    if ((st = vs_csv_read_file(path, &r->metrics, err)) != VS_OK)
        return st;
    snprintf(path, sizeof path, "%s/centres.csv", r->dir);
    if ((st = vs_csv_read_file(path, &r->centres, err)) != VS_OK)
        return st;
    snprintf(path, sizeof path, "%s/explain.csv", r->dir);
    r->have_explain = access(path, R_OK) == 0;
    if (r->have_explain && (st = vs_csv_read_file(path, &r->explain, err)) != VS_OK)
        return st;
    snprintf(path, sizeof path, "%s/warnings.txt", r->dir);
    r->warnings = read_text(path);
    size_t nr = 0;
    for (size_t v = 0; v < r->sc->n_variants; v++)
        nr += r->sc->variants[v].n_rules;
    if (!(r->sf = calloc(nr + 1, sizeof *r->sf)))
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    if (r->warnings)
        vs_warnings_read(r->sc, r->warnings, r->sf);
    /* the share of draws comes back in tenths of a per cent */
    r->warn = (vs_warn_src){r->sc, r->sf, NULL, 1000, 0};

    snprintf(path, sizeof path, "%s/centres.csv", r->dir);
    if ((st = need_column(&r->centres, path, "listed", &r->c_listed, err)) ||
        (st = need_column(&r->centres, path, "cni", &r->c_cni, err)) ||
        (st = need_column(&r->centres, path, "point", &r->c_point, err)) ||
        (st = need_column(&r->centres, path, "per_capita", &r->c_pcap, err)) ||
        (st = need_column(&r->centres, path, "change_pct", &r->c_chpct, err)) ||
        (st = need_column(&r->centres, path, "p_loss", &r->c_ploss, err)))
        return st;
    return VS_OK;
}

/* Match the tables' rows to the scenario's variants, centres and stats,
 * so a folder from another scenario is refused rather than mislabelled. */
static int index_tables(rep *r, vs_err *err)
{
    const vs_scenario *sc = r->sc;
    size_t nv = sc->n_variants, nc = sc->n_centres;
    r->crow = calloc(nv * nc, sizeof *r->crow);
    r->mrow = calloc(nv * VS_STAT_COUNT, sizeof *r->mrow);
    r->point = calloc(nv * nc, sizeof *r->point);
    if (!r->crow || !r->mrow || !r->point)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    char path[4096];
    snprintf(path, sizeof path, "%s/centres.csv", r->dir);
    vs_idmap ix;
    vs_idmap_init(&ix);
    int st = vs_centre_index_build(sc, &ix, err);
    for (size_t row = 1; st == VS_OK && row < r->centres.n_rows; row++) {
        int v = vs_scenario_find_variant(sc, vs_csv_cell(&r->centres, row, 0));
        int c = vs_idmap_get(&ix, vs_csv_cell(&r->centres, row, 1));
        if (v < 0 || c < 0) {
            st = vs_err_set(err, VS_EINPUT, path, r->centres.rows[row].line,
                            "variant or centre not in the scenario");
            break;
        }
        size_t k = (size_t)v * nc + (size_t)c;
        r->crow[k] = row;
        if (parse_ore(vs_csv_cell(&r->centres, row, r->c_point), &r->point[k]))
            st = vs_err_set(err, VS_EINPUT, path, r->centres.rows[row].line,
                            "'point' is not an amount in kronor");
    }
    vs_idmap_free(&ix);
    if (st != VS_OK)
        return st;
    for (size_t k = 0; k < nv * nc; k++)
        if (r->crow[k] == 0)
            return vs_err_set(err, VS_EINPUT, path, 0,
                              "a variant or centre of the scenario is missing");
    for (size_t row = 1; row < r->metrics.n_rows; row++) {
        int v = vs_scenario_find_variant(sc, vs_csv_cell(&r->metrics, row, 0));
        const char *name = vs_csv_cell(&r->metrics, row, 1);
        for (int m = 0; v >= 0 && m < VS_STAT_COUNT; m++)
            if (strcmp(name, vs_report_stat_name(m)) == 0)
                r->mrow[(size_t)v * VS_STAT_COUNT + (size_t)m] = row;
    }
    return VS_OK;
}

/* ---- HTML pieces ----------------------------------------------------- */

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: putc_unlocked(*s, f);
        }
    }
}

/* esc() into buf (cut to fit n). */
static void esc_to(char *buf, size_t n, const char *s)
{
    char *p = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&p, &len);
    if (m) {
        esc(m, s);
        fclose(m);
    }
    snprintf(buf, n, "%s", p ? p : "");
    free(p);
}

static void put_esc(void *ctx, const char *text)
{
    esc(ctx, text);
}

/* Is variant v listed on the manifest's no_difference line (its
 * allocation within 1 öre of the baseline's everywhere)? */
static int no_difference(const rep *r, size_t v)
{
    const char *list = manifest_get(&r->man, "no_difference");
    const char *id = r->sc->variants[v].id;
    size_t n = strlen(id);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, id, n) == 0)
            return 1;
        p = e ? e + 1 : p + len;
    }
    return 0;
}

static const char *T(const rep *r, const char *sv, const char *en)
{
    return r->sv ? sv : en;
}

/* tmpl with every %1 as the scenario's centre term and %2 as its plural
 * (plain text: the caller escapes it).  Cut to fit n. */
static void term_text(const rep *r, const char *tmpl, char *buf, size_t n)
{
    size_t k = 0;
    for (const char *p = tmpl; *p && k + 1 < n; p++) {
        if (p[0] == '%' && (p[1] == '1' || p[1] == '2')) {
            const char *t = vs_scenario_centre_term(r->sc, p[1] == '2');
            k += (size_t)snprintf(buf + k, n - k, "%s", t);
            k = k < n ? k : n - 1;
            p++;
        } else {
            buf[k++] = *p;
        }
    }
    buf[k] = '\0';
}

/* A metrics.csv value as a number, NAN when empty or absent. */
static double mval(const rep *r, size_t v, int stat, const char *col)
{
    size_t row = r->mrow[v * VS_STAT_COUNT + (size_t)stat];
    double x;
    if (row == 0 ||
        vs_csv_read_number(&r->metrics,
                           vs_csv_cell(&r->metrics, row,
                                       vs_csv_column(&r->metrics, col)),
                           &x) != 0)
        return NAN;
    return x;
}

static const char *ccell(const rep *r, size_t v, size_t c, int col)
{
    return vs_csv_cell(&r->centres, r->crow[v * r->sc->n_centres + c], col);
}

static double cnum(const rep *r, size_t v, size_t c, int col)
{
    double x;
    return vs_csv_read_number(&r->centres, ccell(r, v, c, col), &x) == 0 ? x : NAN;
}

/* öre as tkr with one decimal; the exact öre ride along in data-ore so a
 * reader (or a test) can check every total to the öre. */
static void td_tkr(const rep *r, int64_t ore, int bold)
{
    char num[64];
    vs_gp_format_number((double)ore / 100000.0, 1, r->sv, num, sizeof num);
    fprintf(r->f, "<td class=\"num\" data-ore=\"%lld\">%s%s%s</td>",
            (long long)ore, bold ? "<strong>" : "", num, bold ? "</strong>" : "");
}

static void td_num(const rep *r, double v, int decimals, const char *suffix)
{
    char num[64];
    vs_gp_format_number(v, decimals, r->sv, num, sizeof num);
    fprintf(r->f, "<td class=\"num\">%s%s</td>", num,
            isfinite(v) && *num ? suffix : "");
}

static void td_metric(const rep *r, int m, double v)
{
    if (m == VS_M_LOSERS)
        td_num(r, v, 0, "");
    else if (vs_gp_metric_share(m))
        td_num(r, 100.0 * v, 2, " %");
    else
        td_num(r, v, 4, "");
}

static int64_t variant_total(const rep *r, size_t v)
{
    int64_t t = 0;
    for (size_t c = 0; c < r->sc->n_centres; c++)
        t += r->point[v * r->sc->n_centres + c];
    return t;
}

static double total_listed(const rep *r)
{
    double p = 0;
    for (size_t c = 0; c < r->sc->n_centres; c++)
        p += cnum(r, 0, c, r->c_listed);
    return p;
}

/* Variant v's warning mark, the charts' words (warnings.h), escaped and
 * after `before`; nothing when its rules did all they say. */
static void put_mark(const rep *r, size_t v, const char *before)
{
    char mark[512];
    if (!vs_warnings_mark(&r->warn, v, r->sv, mark, sizeof mark)[0])
        return;
    fprintf(r->f, "%s<strong class=\"warnmark\">", before);
    esc(r->f, mark);
    fputs("</strong>", r->f);
}

/* The mark of the plan's ('p') or --precision's ('r') warnings as a
 * paragraph, where their results are; nothing without such a warning. */
static void put_other_mark(const rep *r, char kind, const char *after)
{
    char mark[512];
    if (!vs_warnings_other_mark(r->sc, r->warnings, kind, r->sv, mark,
                                sizeof mark)[0])
        return;
    fputs("<p><strong class=\"warnmark\">", r->f);
    esc(r->f, mark);
    fprintf(r->f, "%s</strong></p>\n", after);
}

/* ---- sections -------------------------------------------------------- */

/* Print styles: A4, dark text on white (contrast above 12:1 throughout),
 * tables that repeat their header row on each printed page. */
static const char css[] =
    "@page{size:A4;margin:16mm 14mm}"
    "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt;"
    "color:#111;background:#fff;line-height:1.4;max-width:60em;margin:0 auto;"
    "padding:0 1em}"
    "h1{font-size:18pt;margin:0.6em 0 0.2em}h2{font-size:13pt;margin-top:1.6em;"
    "border-bottom:1px solid #555}h3{font-size:11pt;margin-bottom:0.3em}"
    "table{border-collapse:collapse;margin:0.4em 0 1em;font-size:8.5pt;width:100%}"
    "caption{text-align:left;font-weight:bold;padding:0.3em 0}"
    "th,td{border:1px solid #999;padding:0.15em 0.4em;vertical-align:top}"
    "th{background:#e6e6e6;text-align:left}"
    "td.num{text-align:right;white-space:nowrap}th.num{text-align:right}"
    "tbody th{width:32%;font-weight:normal}"
    "thead{display:table-header-group}tr{break-inside:avoid}"
    "tr.total td{border-top:2px solid #111;font-weight:bold}"
    ".warn{border-left:6px solid #9b1c1c;background:#fdf1f1;padding:0.4em 0.8em}"
    ".warn li{font-family:'DejaVu Sans Mono',monospace;font-size:8.5pt}"
    ".warn ul.words li{font-family:inherit;font-size:inherit}"
    ".warnmark{color:#9b1c1c}"
    "figure{margin:1em 0;break-inside:avoid}figure svg{width:100%;height:auto}"
    "figcaption{font-size:9pt}.note{font-size:9pt;color:#333}";

static void put_head(rep *r)
{
    FILE *f = r->f;
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
               "<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta name=\"generator\" content=\"vardsim %s\">\n<title>",
            r->sv ? "sv" : "en", manifest_get(&r->man, "vardsim"));
    esc(f, r->sc->name);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<h1>", css);
    esc(f, r->sc->name);
    fputs("</h1>\n", f);
    if (r->sc->region_name) {
        fputs("<p>", f);
        esc(f, r->sc->region_name);
        fputs("</p>\n", f);
    }
}

/* One sentence per variant: what it costs, who gains and loses, and
 * whether money lands nearer need. */
static void put_summary(rep *r)
{
    const vs_scenario *sc = r->sc;
    size_t nc = sc->n_centres, b = (size_t)sc->baseline;
    FILE *f = r->f;
    char a[64], bt[64], c[64];
    fprintf(f, "<section aria-labelledby=\"s-sum\">\n<h2 id=\"s-sum\">%s</h2>\n",
            T(r, "Sammanfattning", "Summary"));
    vs_describe_sek((double)variant_total(r, b) / 100.0, r->sv, bt, sizeof bt);
    fprintf(f, "<p>%s ", T(r, "Frågan: vart går pengarna, vem förlorar och blir "
                              "fördelningen mer rättvis om regionen väljer ett "
                              "annat alternativ än",
                           "The question: where does the money go, who loses, "
                           "and is the split fairer if the region chooses "
                           "another variant than"));
    esc(f, sc->variants[b].name);
    fprintf(f, " (%s %s %zu %s)?", bt, T(r, "till", "to"), nc, r->terms);
    put_mark(r, b, " ");
    fputs("</p>\n<ul>\n", f);
    for (size_t v = 0; v < sc->n_variants; v++) {
        if (v == b)
            continue;
        int gain = 0, lose = 0;
        size_t worst = 0;
        int64_t worst_ch = 0;
        for (size_t i = 0; i < nc; i++) {
            int64_t ch = r->point[v * nc + i] - r->point[b * nc + i];
            gain += ch > 0;
            lose += ch < 0;
            if (ch < worst_ch) {
                worst_ch = ch;
                worst = i;
            }
        }
        int64_t dt = variant_total(r, v) - variant_total(r, b);
        vs_describe_sek((double)dt / 100.0, r->sv, a, sizeof a);
        fputs("<li><strong>", f);
        esc(f, sc->variants[v].name);
        if (dt == 0)
            fprintf(f, "</strong>: %s", T(r, "samma summa som jämförelsen",
                                          "the same total as the baseline"));
        else
            fprintf(f, "</strong>: %s%s %s", dt > 0 ? "+" : "", a,
                    T(r, "mot jämförelsen", "against the baseline"));
        fprintf(f, "; %d %s, %d %s", gain, T(r, "får mer", "gain"), lose,
                T(r, "får mindre", "lose"));
        if (lose) {
            vs_describe_sek((double)worst_ch / 100.0, r->sv, c, sizeof c);
            fprintf(f, " (%s: ", T(r, "störst förlust", "largest loss"));
            esc(f, sc->centres[worst].name);
            fprintf(f, ", %s)", c);
        }
        double d = mval(r, v, VS_M_DISSIMILARITY, "point"),
               db = mval(r, b, VS_M_DISSIMILARITY, "point"),
               p = mval(r, v, VS_M_DISSIMILARITY, "p_better");
        if (isfinite(d) && isfinite(db)) {
            int m = VS_M_DISSIMILARITY;
            vs_gp_format_number(100.0 * vs_gp_metric_shown(m, d), 2, r->sv, a,
                                sizeof a);
            vs_gp_format_number(100.0 * vs_gp_metric_shown(m, db), 2, r->sv, bt,
                                sizeof bt);
            /* both at their need to rounding: no comparison to make (the
             * share of draws on either side is rounding too) */
            int same = vs_gp_metric_shown(m, d - db) == 0;
            if (same)
                fprintf(f, T(r, "; andelen av budgeten som ligger fel mot behovet "
                                "är %s %%, som i jämförelsen",
                             "; the share of the budget misplaced against need "
                             "is %s %%, as in the baseline"), a);
            else
                fprintf(f, T(r, "; andelen av budgeten som ligger fel mot behovet är "
                                "%s %% mot %s %%", "; the share of the budget misplaced "
                                "against need is %s %% against %s %%"), a, bt);
            if (isfinite(p) && !same && !no_difference(r, v)) {
                vs_gp_format_number(100.0 * p, 1, r->sv, c, sizeof c);
                fprintf(f, T(r, " (lägre i %s %% av dragningarna)",
                             " (lower in %s %% of the draws)"), c);
            }
        }
        fputs(".", f);
        put_mark(r, v, " ");
        fputs("</li>\n", f);
    }
    fputs("</ul>\n</section>\n", f);
}

static void put_warnings(rep *r)
{
    FILE *f = r->f;
    fprintf(f, "<section aria-labelledby=\"s-warn\">\n<h2 id=\"s-warn\">%s</h2>\n",
            T(r, "Varningar", "Warnings"));
    int any = r->warnings && strspn(r->warnings, " \n") < strlen(r->warnings);
    if (!any) {
        fprintf(f, "<p>%s</p>\n</section>\n",
                T(r, "Inga varningar: varje alternativ gör det som står i dess regler.",
                  "No warnings: every variant does what its rules say."));
        return;
    }
    fputs("<div class=\"warn\" role=\"note\">\n", f);
    /* In words first: each variant whose own rules fell short, by name,
     * with the mark its charts and tables carry. */
    int words = 0;
    for (size_t v = 0; v < r->sc->n_variants; v++) {
        if (vs_warnings_of_variant(&r->warn, v) == 0)
            continue;
        if (!words++)
            fprintf(f, "<p><strong>%s</strong></p>\n<ul class=\"words\">\n",
                    T(r, "Minst ett alternativ gör inte allt som dess regler säger:",
                      "At least one variant does not do all that its rules say:"));
        fputs("<li><strong>", f);
        esc(f, r->sc->variants[v].name);
        fputs("</strong>:", f);
        put_mark(r, v, " ");
        fputs("</li>\n", f);
    }
    if (words)
        fputs("</ul>\n", f);
    /* The lines that name no variant, in words too. */
    put_other_mark(r, 'p', "");
    put_other_mark(r, 'r', "");
    /* Then every line as warnings.txt has it (the plan's too), exact. */
    fprintf(f, "<p>%s</p>\n<ul>\n",
            T(r, "Raderna i warnings.txt (på engelska, med id):",
              "The lines of warnings.txt:"));
    char *copy = strdup(r->warnings);
    for (char *line = copy ? strtok(copy, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        fputs("<li>", f);
        esc(f, line);
        fputs("</li>\n", f);
    }
    free(copy);
    fputs("</ul>\n</div>\n</section>\n", f);
}

static void put_rules(rep *r)
{
    const vs_scenario *sc = r->sc;
    FILE *f = r->f;
    fprintf(f, "<section aria-labelledby=\"s-rules\">\n<h2 id=\"s-rules\">%s</h2>\n",
            T(r, "Alternativen och deras regler", "The variants and their rules"));
    for (size_t v = 0; v < sc->n_variants; v++) {
        const vs_variant *var = &sc->variants[v];
        fputs("<h3>", f);
        esc(f, var->name);
        fprintf(f, "%s</h3>\n", (int)v == sc->baseline
                                    ? T(r, " (jämförelsealternativ)", " (baseline)")
                                    : "");
        if (var->extends != VS_NONE) {
            fprintf(f, "<p>%s ", T(r, "Utgår från", "Starts from"));
            esc(f, sc->variants[var->extends].name);
            fprintf(f, "%s</p>\n", T(r, " och lägger till:", " and adds:"));
        }
        fputs("<ol>\n", f);
        for (size_t k = 0; k < var->n_rules; k++) {
            fputs("<li>", f);
            vs_describe_rule(sc, v, k, put_esc, f);
            fputs("</li>\n", f);
        }
        fputs("</ol>\n", f);
    }
    fputs("</section>\n", f);
}

static void put_metric_table(rep *r, int m)
{
    const vs_scenario *sc = r->sc;
    FILE *f = r->f;
    /* The charts' words for the metric and its direction (gp.h), so
     * the report and the charts name a metric alike. */
    char words[256];
    vs_gp_metric_words(sc, m, r->sv, words, sizeof words);
    /* a tiny metric in units of a power of ten, as the chart has it */
    double most = 0;
    static const char *const cols[3] = {"point", "p05", "p95"};
    for (size_t v = 0; v < sc->n_variants; v++)
        for (int q = 0; q < 3; q++) {
            double y = fabs(vs_gp_metric_shown(m, mval(r, v, m, cols[q])));
            if (isfinite(y))
                most = fmax(most, y);
        }
    int power = vs_gp_metric_power(m, most);
    double k = power ? pow(10, -power) : 1;
    vs_gp_power_words(power, words + strlen(words), sizeof words - strlen(words));
    fputs("<table>\n<caption>", f);
    esc(f, words);
    fprintf(f, ", %s</caption>\n<thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th></tr></thead>\n<tbody>\n",
            vs_gp_better_words(m, r->sv), T(r, "Alternativ", "Variant"),
            T(r, "Punktskattning", "Point estimate"),
            T(r, "90 % intervall (p05–p95)", "90 % interval (p05–p95)"),
            T(r, "Skillnad mot jämförelsen (medel)", "Difference from baseline (mean)"),
            T(r, "Andel dragningar bättre", "Share of draws better"));
    for (size_t v = 0; v < sc->n_variants; v++) {
        fputs("<tr><th scope=\"row\">", f);
        esc(f, sc->variants[v].name);
        fputs("</th>", f);
        td_metric(r, m, k * mval(r, v, m, "point"));
        double lo = k * mval(r, v, m, "p05"), hi = k * mval(r, v, m, "p95");
        char a[64], b[64];
        int share = vs_gp_metric_share(m);
        int dec = m == VS_M_LOSERS ? 0 : share ? 2 : 4;
        vs_gp_format_number(share ? 100 * lo : lo, dec, r->sv, a, sizeof a);
        vs_gp_format_number(share ? 100 * hi : hi, dec, r->sv, b, sizeof b);
        fprintf(f, "<td class=\"num\">%s%s%s%s</td>", a, *a ? " – " : "", b,
                *b && share ? " %" : "");
        if ((int)v == sc->baseline) {
            fputs("<td></td><td></td></tr>\n", f);
            continue;
        }
        double d = mval(r, v, m, "diff_mean"), p = mval(r, v, m, "p_better");
        /* A difference that only öre rounding makes is no difference. */
        /* A mean difference the charts show as 0 (vs_gp_metric_shown) is
         * rounding whatever share of draws it falls on one side in (a
         * proportional cut's Gini read "0,0000, bättre i 50,0 %"); a count
         * (losers) only when it never differs. */
        int rounding = vs_gp_metric_shown(m, d) == 0 &&
                       (m != VS_M_LOSERS || !isfinite(p) || p == 0);
        if (no_difference(r, v) || (isfinite(d) && rounding)) {
            fprintf(f, "<td class=\"num\" colspan=\"2\">%s</td></tr>\n",
                    T(r, "ingen skillnad", "no difference"));
            continue;
        }
        td_metric(r, m, k * d);
        td_num(r, 100.0 * p, 1, " %");
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
}

static void put_metrics(rep *r)
{
    fprintf(r->f, "<section aria-labelledby=\"s-met\">\n<h2 id=\"s-met\">%s</h2>\n"
                  "<p class=\"note\">%s</p>\n",
            T(r, "Rättvisemått", "Equity metrics"),
            T(r, "Punktskattning: med de värden som står i scenariot. Intervall och "
                 "andel dragningar där alternativet är bättre än jämförelsen: från "
                 "Monte Carlo-dragningarna av de osäkra värdena.",
              "Point estimate: with the values typed in the scenario. Intervals "
              "and the share of draws in which the variant beats the baseline: "
              "from the Monte Carlo draws of the uncertain inputs."));
    put_other_mark(r, 'r', "");
    for (int m = 0; m < VS_M_COUNT; m++)
        put_metric_table(r, m);
    fputs("</section>\n", r->f);
}

/* The committee table: one row per centre and a total row, money in tkr
 * with the exact öre in data-ore. */
static void put_committee_table(rep *r, size_t v)
{
    const vs_scenario *sc = r->sc;
    size_t nc = sc->n_centres, b = (size_t)sc->baseline;
    FILE *f = r->f;
    fputs("<table>\n<caption>", f);
    esc(f, sc->variants[v].name);
    put_mark(r, v, " ");
    fprintf(f, "</caption>\n<thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">CNI</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "</tr></thead>\n<tbody>\n",
            r->Term, T(r, "Listade", "Listed"),
            T(r, "Jämförelse (tkr)", "Baseline (kSEK)"), T(r, "Alternativ (tkr)", "Variant (kSEK)"),
            T(r, "Förändring (tkr)", "Change (kSEK)"), T(r, "Förändring (%)", "Change (%)"),
            T(r, "Kr per listad", "SEK per listed"), T(r, "P(förlust)", "P(loss)"));
    int64_t tb = 0, tv = 0;
    for (size_t c = 0; c < nc; c++) {
        int64_t pb = r->point[b * nc + c], pv = r->point[v * nc + c];
        tb += pb;
        tv += pv;
        fputs("<tr><th scope=\"row\">", f);
        esc(f, sc->centres[c].name);
        fputs("</th>", f);
        td_num(r, cnum(r, v, c, r->c_listed), 0, "");
        char cni[32];
        snprintf(cni, sizeof cni, "%s", ccell(r, v, c, r->c_cni));
        if (r->sv && strchr(cni, '.'))
            *strchr(cni, '.') = ',';
        fprintf(f, "<td class=\"num\">%s</td>", cni);
        td_tkr(r, pb, 0);
        td_tkr(r, pv, 0);
        td_tkr(r, pv - pb, 0);
        td_num(r, cnum(r, v, c, r->c_chpct), 2, " %");
        td_num(r, cnum(r, v, c, r->c_pcap), 0, "");
        td_num(r, 100.0 * cnum(r, v, c, r->c_ploss), 1, " %");
        fputs("</tr>\n", f);
    }
    double listed = total_listed(r);
    fprintf(f, "<tr class=\"total\"><th scope=\"row\">%s</th>", T(r, "Summa", "Total"));
    td_num(r, listed, 0, "");
    fputs("<td></td>", f);
    td_tkr(r, tb, 1);
    td_tkr(r, tv, 1);
    td_tkr(r, tv - tb, 1);
    td_num(r, tb ? 100.0 * (double)(tv - tb) / (double)tb : NAN, 2, " %");
    td_num(r, listed > 0 ? (double)tv / 100.0 / listed : NAN, 0, "");
    fputs("<td></td></tr>\n</tbody>\n</table>\n", f);
}

static void put_committee(rep *r)
{
    fprintf(r->f, "<section aria-labelledby=\"s-tab\">\n<h2 id=\"s-tab\">"
            "Per %s %s</h2>\n", r->term, T(r, "och alternativ", "and variant"));
    if (r->sc->n_variants == 1) {
        /* a starter scenario (vardsim import) has only its baseline: show
         * what it gives, rather than an empty section */
        fprintf(r->f, "<p>%s</p>\n",
                T(r, "Scenariot har bara jämförelsealternativet. Tabellen visar "
                     "dess fördelning; lägg till alternativ att jämföra med.",
                  "The scenario has only its baseline. The table shows its "
                  "allocation; add variants to compare with it."));
        put_committee_table(r, (size_t)r->sc->baseline);
    }
    for (size_t v = 0; v < r->sc->n_variants; v++)
        if ((int)v != r->sc->baseline)
            put_committee_table(r, v);
    fputs("</section>\n", r->f);
}

/* A step of explain.csv ("VARIANT.RULE") in words: the rule's kind and,
 * when another variant defines it, that variant's name.  *defining gets
 * the defining variant (-1 when the step names none of the scenario's). */
static void step_words(const rep *r, const char *step, size_t v, int *defining)
{
    char vid[256], cap[128];
    const char *dot = strchr(step, '.');
    size_t n = dot ? (size_t)(dot - step) : strlen(step);
    snprintf(vid, sizeof vid, "%.*s", (int)(n < 255 ? n : 255), step);
    *defining = vs_scenario_find_variant(r->sc, vid);
    const vs_variant *d = *defining >= 0 ? &r->sc->variants[*defining] : NULL;
    for (size_t k = 0; d && dot && k < d->n_rules; k++) {
        const vs_rule *rule = &d->rules[k];
        if (strcmp(rule->id, dot + 1) != 0 || (unsigned)rule->type >= VS_RULE_COUNT)
            continue;
        /* the rule's kind as the rules section and the charts say it */
        esc(r->f, vs_gp_capital(vs_gp_rule_words((int)rule->type, r->sv), cap,
                                sizeof cap));
        if ((size_t)*defining != v) {
            fputs(" (", r->f);
            esc(r->f, d->name);
            fputs(")", r->f);
        }
        return;
    }
    esc(r->f, step);
}

/* Is variant d in the extends chain of variant v (v included)? */
static int in_chain(const rep *r, int v, int d)
{
    for (; v != VS_NONE; v = r->sc->variants[v].extends)
        if (v == d)
            return 1;
    return 0;
}

/* The steps of variant `of` for centre c whose defining variant is not in
 * the chain of `other`, in words; `absent` marks the baseline's steps that
 * the variant lacks ("without ...", the amount negated).  Returns how many
 * have been written, counting `already` earlier ones. */
static int put_steps(rep *r, size_t of, int other, size_t c, int absent, int already)
{
    const vs_csv_table *t = &r->explain;
    int cv = vs_csv_column(t, "variant"), cc = vs_csv_column(t, "centre"),
        cs = vs_csv_column(t, "step"), ca = vs_csv_column(t, "amount");
    const char *vid = r->sc->variants[of].id, *cid = r->sc->centres[c].id;
    int n = already;
    for (size_t row = 1; row < t->n_rows; row++) {
        int64_t ore;
        if (strcmp(vs_csv_cell(t, row, cv), vid) != 0 ||
            strcmp(vs_csv_cell(t, row, cc), cid) != 0 ||
            parse_ore(vs_csv_cell(t, row, ca), &ore) != 0 || ore == 0)
            continue;
        char vname[256];
        const char *step = vs_csv_cell(t, row, cs);
        snprintf(vname, sizeof vname, "%.*s", (int)strcspn(step, "."), step);
        int d = vs_scenario_find_variant(r->sc, vname);
        if (d >= 0 && in_chain(r, other, d))
            continue;
        if (absent)
            ore = -ore;
        char a[64];
        vs_describe_sek((double)ore / 100.0, r->sv, a, sizeof a);
        fputs(n ? "; " : "", r->f);
        if (absent)
            fputs(T(r, "utan ", "without "), r->f);
        step_words(r, step, of, &d);
        fprintf(r->f, " %s%s", ore > 0 ? "+" : "", a);
        n++;
    }
    return n;
}

/* Why a centre's allocation differs from the baseline's: from explain.csv,
 * the variant's own steps (those outside the baseline's extends chain) and
 * the baseline's steps that the variant does not have; the common root
 * gives both the same and explains nothing. */
static void put_why(rep *r, size_t v, size_t c)
{
    if (!r->have_explain)
        return;
    int b = r->sc->baseline;
    int n = put_steps(r, v, b, c, 0, 0);
    put_steps(r, (size_t)b, (int)v, c, 1, n);
}

typedef struct ranked {
    size_t c;
    int64_t ch;
} ranked;

static int by_change_desc(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->ch != b->ch)
        return a->ch > b->ch ? -1 : 1;
    return a->c < b->c ? -1 : a->c > b->c;
}

static void put_movers_rows(rep *r, size_t v, const ranked *rk, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        fputs("<tr><th scope=\"row\">", r->f);
        esc(r->f, r->sc->centres[rk[k].c].name);
        fputs("</th>", r->f);
        td_tkr(r, rk[k].ch, 0);
        fputs("<td>", r->f);
        put_why(r, v, rk[k].c);
        fputs("</td></tr>\n", r->f);
    }
}

/* The five largest gains and losses at the point estimate, with why. */
static void put_movers(rep *r)
{
    const vs_scenario *sc = r->sc;
    size_t nc = sc->n_centres, b = (size_t)sc->baseline;
    FILE *f = r->f;
    ranked *rk = malloc(nc * sizeof *rk);
    if (!rk)
        return;
    fprintf(f, "<section aria-labelledby=\"s-mov\">\n<h2 id=\"s-mov\">%s</h2>\n",
            T(r, "Största vinnare och förlorare", "Largest gains and losses"));
    if (sc->n_variants == 1) {
        fprintf(f, "<p>%s</p>\n</section>\n",
                T(r, "Inga: scenariot har bara jämförelsealternativet.",
                  "None: the scenario has only its baseline."));
        free(rk);
        return;
    }
    if (r->have_explain) {
        char note[1024];
        term_text(r, T(r, "Varför: vad alternativets egna regler gav eller tog "
                          "för varje %1, och vad jämförelsealternativets regler "
                          "gav som alternativet saknar (från explain.csv).",
                       "Why: what the variant's own rules gave or took for "
                       "each %1, and what the baseline's rules gave that the "
                       "variant lacks (from explain.csv)."),
                  note, sizeof note);
        fputs("<p class=\"note\">", f);
        esc(f, note);
        fputs("</p>\n", f);
    }
    for (size_t v = 0; v < sc->n_variants; v++) {
        if (v == b)
            continue;
        for (size_t c = 0; c < nc; c++)
            rk[c] = (ranked){c, r->point[v * nc + c] - r->point[b * nc + c]};
        qsort(rk, nc, sizeof *rk, by_change_desc);
        size_t ng = 0, nl = 0;
        while (ng < 5 && ng < nc && rk[ng].ch > 0)
            ng++;
        while (nl < 5 && nl < nc && rk[nc - 1 - nl].ch < 0)
            nl++;
        fputs("<table>\n<caption>", f);
        esc(f, sc->variants[v].name);
        fprintf(f, "</caption>\n<thead><tr><th scope=\"col\">%s</th>"
                   "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\">%s</th>"
                   "</tr></thead>\n<tbody>\n",
                r->Term, T(r, "Förändring (tkr)", "Change (kSEK)"),
                T(r, "Varför", "Why"));
        put_movers_rows(r, v, rk, ng);
        /* Losses largest first. */
        ranked *losers = rk + nc - nl;
        for (size_t i = 0; i < nl / 2; i++) {
            ranked t = losers[i];
            losers[i] = losers[nl - 1 - i];
            losers[nl - 1 - i] = t;
        }
        put_movers_rows(r, v, losers, nl);
        if (ng + nl == 0) {
            fprintf(f, "<tr><td colspan=\"3\">%s %s %s</td></tr>\n",
                    T(r, "Ingen", "No"), r->term,
                    T(r, "får mer eller mindre.", "gains or loses."));
        }
        fputs("</tbody>\n</table>\n", f);
    }
    free(rk);
    fputs("</section>\n", f);
}

/* ---- charts ---------------------------------------------------------- */

/* Copy gnuplot's SVG into the page: drop the XML prolog, give every id
 * (and every reference to one) a per-chart prefix so that several charts
 * on one page do not share ids, and replace gnuplot's <title> with the
 * alt text.  Ids are rewritten only inside tags, never in text. */
static void put_svg(rep *r, const char *svg, int k, const char *alt)
{
    FILE *f = r->f;
    const char *p = strstr(svg, "<svg");
    if (!p)
        return;
    char prefix[16];
    snprintf(prefix, sizeof prefix, "c%d-", k);
    fputs("<svg role=\"img\" aria-label=\"", f);
    esc(f, alt);
    fputs("\"", f);
    p += 4;
    int in_tag = 1;
    static const char *const refs[] = {"id='", "id=\"", "href='#", "href=\"#",
                                       "url(#"};
    while (*p) {
        if (strncmp(p, "<title>", 7) == 0) {
            const char *end = strstr(p, "</title>");
            if (end) {
                fputs("<title>", f);
                esc(f, alt);
                fputs("</title>", f);
                p = end + 8;
                continue;
            }
        }
        if (*p == '<')
            in_tag = 1;
        else if (*p == '>')
            in_tag = 0;
        int done = 0;
        for (size_t i = 0; in_tag && i < sizeof refs / sizeof *refs; i++) {
            size_t n = strlen(refs[i]);
            if (strncmp(p, refs[i], n) == 0 && (i > 1 || p[-1] == ' ' || p[-1] == '\t')) {
                fwrite(p, 1, n, f);
                fputs(prefix, f);
                p += n;
                done = 1;
                break;
            }
        }
        if (!done)
            putc_unlocked(*p++, f); /* megabytes of SVG, one writer */
    }
    fputc('\n', f);
}

typedef struct chart_text {
    const char *name, *sv, *en; /* %1, %2: the centre term, singular, plural */
} chart_text;


/* Alt text: what the chart shows, in words; the numbers are in the
 * tables above, which a screen reader reads. */
static const chart_text chart_texts[] = {
    {"allocation",
     "Stapeldiagram: förändringen för varje %1 mot jämförelsealternativet i "
     "tkr, en panel per alternativ. Samma siffror står i tabellerna per %1.",
     "Bar chart: the change for each %1 against the baseline in kSEK, one "
     "panel per variant. The same figures are in the tables per %1."},
    {"metrics",
     "Diagram över rättvisemåtten per alternativ med 90 % osäkerhetsintervall. "
     "Samma siffror står i tabellerna över rättvisemått.",
     "Chart of the equity metrics per variant with 90 % uncertainty intervals. "
     "The same figures are in the equity metric tables."},
    {"per_capita",
     "Punktdiagram: ersättning per listad mot CNI för varje %1, med en linje "
     "för vad behovet motiverar.",
     "Scatter chart: funding per listed person against CNI for each %1, "
     "with a line for what need warrants."},
    {"concentration",
     "Koncentrationskurvor: andel av pengarna mot andel av de listade, ordnade "
     "efter CNI från lägst till högst.",
     "Concentration curves: share of the money against share of the listed "
     "persons, ordered by CNI from lowest to highest."},
    {"plan",
     "Linjediagram: planens belopp år för år för de %2 som låg längst från "
     "sitt mål, med målet streckat och 5–95 % av dragningarna i grått. Samma "
     "siffror står i tabellen över planen och i plan.csv.",
     "Line chart: the plan's amounts year by year for the %2 that started "
     "furthest from their targets, the target dashed and 5–95 % of draws in "
     "grey. The same figures are in the plan table and in plan.csv."},
};

/* The plan (plan_summary.csv, when the run had one): per centre the year
 * it reaches its target and how sure that is. */
static void put_plan(rep *r)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/plan_summary.csv", r->dir);
    vs_csv_table t;
    memset(&t, 0, sizeof t);
    vs_err err;
    vs_err_init(&err);
    if (access(path, R_OK) != 0 || vs_csv_read_file(path, &t, &err) != VS_OK ||
        t.n_rows < 1) {
        vs_err_free(&err);
        vs_csv_table_free(&t);
        return;
    }
    vs_err_free(&err);
    FILE *f = r->f;
    const vs_plan *p = r->sc->plan;
    long last = p ? p->first_year - 1 + p->years : 0;
    fprintf(f, "<section aria-labelledby=\"s-plan\">\n<h2 id=\"s-plan\">%s</h2>\n",
            T(r, "Planen: vägen mot målet", "The plan: the path to target"));
    put_other_mark(r, 'p', T(r, " (se Varningar)", " (see Warnings)"));
    fputs("<table>\n<caption>", f);
    fprintf(f, T(r, "När varje %s når sitt mål, och hur säkert, fram till",
                 "When each %s reaches its target, and how sure that is, up to"),
            r->term);
    fprintf(f, " %ld</caption>\n<thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s %ld</th>"
               "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
            last, r->Term,
            T(r, "Når målet (punktskattning)", "Reaches it (point estimate)"),
            T(r, "Andel dragningar vid målet", "Share of draws at target in"), last,
            T(r, "Största minskning på ett år (kr)", "Largest fall in a year (SEK)"));
    for (size_t row = 1; row < t.n_rows; row++) {
        const char *year = vs_csv_cell(&t, row, 2);
        char num[64];
        snprintf(num, sizeof num, "%s", vs_csv_cell(&t, row, 3));
        for (char *q = num; *q; q++)
            if (*q == ',')
                *q = '.'; /* the Swedish dialect's decimal comma */
        double share = strtod(num, NULL);
        fputs("<tr><th scope=\"row\">", f);
        esc(f, vs_csv_cell(&t, row, 1));
        fputs("</th><td>", f);
        if (*year)
            esc(f, year);
        else
            fprintf(f, "%s %ld", T(r, "inte till och med", "not by"), last);
        fputs("</td>", f);
        td_num(r, 100 * share, 1, " %");
        int64_t fall;
        if (parse_ore(vs_csv_cell(&t, row, 4), &fall) == 0)
            td_num(r, (double)fall / 100, 0, "");
        else
            fputs("<td></td>", f);
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</section>\n", f);
    vs_csv_table_free(&t);
}

static void put_charts(rep *r)
{
    FILE *f = r->f;
    int any = 0, k = 0;
    for (size_t i = 0; i < sizeof chart_texts / sizeof *chart_texts; i++) {
        char path[4096];
        double cm = 0;
        snprintf(path, sizeof path, "%s/%s.gp", r->dir, chart_texts[i].name);
        int refused = vs_gp_script_refused(path, NULL, 0, &cm);
        snprintf(path, sizeof path, "%s/%s.svg", r->dir, chart_texts[i].name);
        char *svg = refused ? NULL : read_text(path);
        if (!svg && !refused)
            continue;
        if (!any)
            fprintf(f, "<section aria-labelledby=\"s-fig\">\n<h2 id=\"s-fig\">%s</h2>\n",
                    T(r, "Diagram", "Charts"));
        any = 1;
        if (refused) {
            /* The kind of chart is its caption's first words ("Stapeldiagram"). */
            const char *cap = r->sv ? chart_texts[i].sv : chart_texts[i].en;
            fputs("<p class=\"warn\" role=\"note\">\u26a0 ", f);
            fwrite(cap, 1, strcspn(cap, ":"), f);
            fprintf(f, " (%s.gp) ", chart_texts[i].name);
            fprintf(f, r->sv ? "ritades inte: det hade krävt en sida %.0f cm hög, och "
                               "diagram ritas upp till %.0f cm. Tabellerna har alla siffror."
                             : "was not drawn: it would need a page %.0f cm tall, and "
                               "charts are drawn up to %.0f cm. The tables hold every number.",
                    cm, VS_GP_MAX_PAGE_CM);
            fputs("</p>\n", f);
            continue;
        }
        char alt[1024];
        term_text(r, r->sv ? chart_texts[i].sv : chart_texts[i].en, alt, sizeof alt);
        fputs("<figure>\n", f);
        put_svg(r, svg, ++k, alt);
        fputs("<figcaption>", f);
        esc(f, alt);
        fputs("</figcaption>\n</figure>\n", f);
        free(svg);
    }
    if (any)
        fputs("</section>\n", f);
}

static void put_method(rep *r)
{
    FILE *f = r->f;
    char need[256];
    vs_need_describe(r->sc, vs_describe_swedish(r->sc) ? "sv" : "en", need,
                     sizeof need);
    fprintf(f, "<section aria-labelledby=\"s-need\">\n<h2 id=\"s-need\">%s</h2>\n<p>",
            T(r, "Vad behov betyder här", "What need means here"));
    esc(f, need);
    fprintf(f, ". %s</p>\n</section>\n",
            T(r, "Behovet bestämmer den rättvisa andelen (fair share), andelen av "
                 "budgeten som ligger fel och Theil-indexet; Gini-indexet gäller "
                 "ersättning per listad och koncentrationsindexet rangordnar efter CNI.",
              "Need defines the fair share, the share of the budget misplaced and "
              "the Theil index; the Gini index is of funding per listed person and "
              "the concentration index ranks by CNI."));
    fprintf(f, "<section aria-labelledby=\"s-prov\">\n<h2 id=\"s-prov\">%s</h2>\n<table>\n"
               "<caption>%s</caption>\n<tbody>\n",
            T(r, "Metod och ursprung", "Method and provenance"),
            T(r, "Hur siffrorna togs fram", "How the figures were made"));
    static const char *const keys[] = {"vardsim", "scenario", "scenario_sha256", "seed",
                                       "iterations", "generator", "centre_quantiles"};
    static const char *const sv[] = {"vardsim, version", "Scenariofil", "Scenariots SHA-256",
                                     "Slumpfrö", "Dragningar", "Slumptalsgenerator",
                                     "Kvantiler per %s"};
    static const char *const en[] = {"vardsim version", "Scenario file", "Scenario SHA-256",
                                     "Seed", "Draws", "Random generator",
                                     "Quantiles per %s"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const char *v = manifest_get(&r->man, keys[i]);
        if (!v)
            continue;
        fputs("<tr><th scope=\"row\">", f);
        fprintf(f, r->sv ? sv[i] : en[i], r->term);
        fputs("</th><td>", f);
        esc(f, v);
        fputs("</td></tr>\n", f);
    }
    for (size_t i = 0; i < r->man.n; i++) {
        if (strcmp(r->man.keys[i], "set") != 0)
            continue;
        fprintf(f, "<tr><th scope=\"row\">--set</th><td>");
        esc(f, r->man.vals[i]);
        fputs("</td></tr>\n", f);
    }
    fprintf(f, "</tbody>\n</table>\n<p class=\"note\">%s</p>\n</section>\n",
            T(r, "Alla alternativ räknas på samma dragningar av de osäkra värdena, "
                 "så en skillnad mellan två alternativ är aldrig slumpbrus från olika "
                 "dragningar. Belopp är exakta i öre; tabellerna visar tkr.",
              "Every variant is computed on the same draws of the uncertain inputs, "
              "so a difference between two variants is never noise from different "
              "draws. Amounts are exact to the öre; the tables show kSEK."));
}

/* ---- the whole file -------------------------------------------------- */

static void rep_free(rep *r)
{
    manifest_free(&r->man);
    vs_csv_table_free(&r->metrics);
    vs_csv_table_free(&r->centres);
    vs_csv_table_free(&r->explain);
    free(r->warnings);
    free(r->sf);
    free(r->crow);
    free(r->mrow);
    free(r->point);
}

/* Chart scripts but no SVG: render the SVG the report inlines.  A chart
 * refused for its size (its script only stops with the reason) is left
 * out here and named in the report (put_charts): a national scenario's
 * allocation chart would otherwise stop the whole report. */
static int ensure_svg(const char *dir, vs_err *err)
{
    char gp[4096], svg[4096];
    vs_gp_list list;
    vs_gp_list_init(&list);
    for (size_t i = 0; i < sizeof chart_texts / sizeof *chart_texts; i++) {
        snprintf(gp, sizeof gp, "%s/%s.gp", dir, chart_texts[i].name);
        snprintf(svg, sizeof svg, "%s/%s.svg", dir, chart_texts[i].name);
        if (access(gp, R_OK) != 0 || access(svg, R_OK) == 0 ||
            vs_gp_script_refused(gp, NULL, 0, NULL))
            continue;
        snprintf(list.names[list.n++], sizeof list.names[0], "%s",
                 chart_texts[i].name);
    }
    return list.n ? vs_gp_render(dir, &list, "svg", err) : VS_OK;
}

int vs_report_html_write(const char *dir, const vs_scenario *sc, vs_err *err)
{
    rep r;
    memset(&r, 0, sizeof r);
    r.sc = sc;
    r.sv = vs_describe_swedish(sc);
    char cap[4 * 40 + 8];
    esc_to(r.term, sizeof r.term, vs_scenario_centre_term(sc, 0));
    esc_to(r.terms, sizeof r.terms, vs_scenario_centre_term(sc, 1));
    esc_to(r.Term, sizeof r.Term,
           vs_gp_capital(vs_scenario_centre_term(sc, 0), cap, sizeof cap));
    r.dir = dir;
    int st = manifest_read(dir, &r.man, err);
    if (st == VS_OK)
        st = read_tables(&r, err);
    if (st == VS_OK)
        st = index_tables(&r, err);
    if (st == VS_OK)
        st = ensure_svg(dir, err);
    vs_outset set;
    vs_outset_init(&set);
    if (st == VS_OK && !(r.f = vs_outset_open(&set, dir, "report.html", err)))
        st = err->code ? err->code : VS_EIO;
    if (st == VS_OK) {
        put_head(&r);
        put_summary(&r);
        put_warnings(&r);
        put_rules(&r);
        put_metrics(&r);
        put_committee(&r);
        put_movers(&r);
        put_plan(&r);
        put_charts(&r);
        put_method(&r);
        fputs("</main>\n</body>\n</html>\n", r.f);
        st = vs_outset_commit(&set, err);
    }
    vs_outset_free(&set);
    rep_free(&r);
    return st;
}

/* ---- PDF through headless Chromium ----------------------------------- */

/* Chromium on PATH under any of its Debian and upstream names. */
static int find_chromium(char *buf, size_t n)
{
    static const char *const names[] = {"chromium", "chromium-browser",
                                        "google-chrome"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (vs_file_find_program(names[k], buf, n))
            return 0;
    return -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

int vs_report_html_pdf(const char *dir, vs_err *err)
{
    char chromium[4096], html[4096], url[4200], pdf_arg[4400], tmp[4200],
        final_path[4200], profile[] = "/tmp/vardsim-chromium-XXXXXX";
    if (find_chromium(chromium, sizeof chromium) != 0)
        return vs_err_set(err, VS_ERUN, NULL, 0,
                          "report.pdf needs Chromium, which is not installed "
                          "(Debian: apt-get install chromium); report.html is written");
    if (!realpath(dir, html))
        return vs_err_set(err, VS_EIO, dir, 0, "%s", strerror(errno));
    snprintf(tmp, sizeof tmp, "%s/.report.pdf.%ld.tmp", html, (long)getpid());
    snprintf(final_path, sizeof final_path, "%s/report.pdf", html);
    snprintf(url, sizeof url, "file://%s/report.html", html);
    snprintf(pdf_arg, sizeof pdf_arg, "--print-to-pdf=%s", tmp);
    if (!mkdtemp(profile))
        return vs_err_set(err, VS_EIO, NULL, 0, "cannot make a temporary folder: %s",
                          strerror(errno));
    char profile_arg[64];
    snprintf(profile_arg, sizeof profile_arg, "--user-data-dir=%s", profile);
    pid_t pid = fork();
    if (pid < 0)
        return vs_err_set(err, VS_ERUN, NULL, 0, "cannot run Chromium: %s",
                          strerror(errno));
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        int null = open("/dev/null", O_RDWR);
        if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
            _exit(127);
        char *const argv[] = {"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                              "--disable-quic", "--no-first-run",
                              "--disable-background-networking",
                              "--disable-component-update", "--disable-sync",
                              "--no-pdf-header-footer", profile_arg, pdf_arg, url, NULL};
        execv(chromium, argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    nftw(profile, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    struct stat stt;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(tmp, &stt) != 0 ||
        stt.st_size == 0) {
        unlink(tmp);
        return vs_err_set(err, VS_ERUN, NULL, 0,
                          "Chromium could not print report.pdf (exit %d)",
                          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    if (rename(tmp, final_path) != 0) {
        int e = errno;
        unlink(tmp);
        return vs_err_set(err, VS_EIO, final_path, 0, "%s", strerror(e));
    }
    return VS_OK;
}
