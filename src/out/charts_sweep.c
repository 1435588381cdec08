/* charts_sweep.c: the charts of `vardsim sweep` (see out/sweep_write.h).
 *
 * A one-way sweep gets one chart per metric (the mean against the swept
 * value, with its p05-p95 band, per variant), a two-way sweep heat maps of
 * the mean of ci_need and dissimilarity, one panel per variant.  Every
 * script is written with the one gnuplot writer (out/gp.h): text from the
 * scenario (its name, variant names, the swept paths) only in
 * single-quoted literals, assigned once near the top of each script;
 * everything noenhanced; the data files hold numbers only.  Each script
 * carries its own copy of the house style (plots/vardsim.gp) so it
 * renders on its own in the output folder. */
#include "out/sweep_write.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/gp.h"
#include "out/warnings.h"
#include "vardsim/metrics.h"

/* ------------------------------------------------------------------ */
/* Labels                                                              */

typedef struct lang {
    const char *baseline_suffix;
    const char *zoom_title, *band_title; /* the two panels */
    const char *note_mean;   /* %s: iterations */
    const char *note_point;
    const char *note_band;
    const char *note_dashed;
    const char *note_crn;
    const char *in_file;     /* %s: the scenario's own value */
    const char *best;        /* %s: the swept value */
    const char *heat_title;  /* %s: the metric */
    const char *heat_note;   /* %s: iterations */
    const char *heat_point;
    const char *heat_hidden; /* %s: how many variants */
    const char *swept_x;  /* after a swept variant's name; %s: the key */
    const char *swept_xy;
    const char *warn_at;  /* "NAME: REASONS" then " at VALUES" */
    const char *warn_of;  /* " in N of M points" */
} lang;

static const lang lang_sv = {
    " (jämförelsealternativ)",
    "Medelvärde, förstorat",
    "Medelvärde med 90 % osäkerhetsintervall",
    "Linje: medelvärde av %s simuleringar per punkt.",
    "Linje: punktskattning (inga simuleringar).",
    "Band: 90 % osäkerhetsintervall (5:e till 95:e percentilen).",
    "Streckad eller prickad linje: alternativ som svepet inte påverkar.",
    "Samma slumptal i varje punkt: skillnader längs en linje beror på det svepta värdet.",
    "i scenariot: %s",
    "bäst: %s",
    "%s: medelvärde i varje punkt",
    "Färg och tal: medelvärde av %s simuleringar per punkt, samma slumptal i varje punkt.",
    "Färg och tal: punktskattning (inga simuleringar).",
    "Alternativ som svepet inte påverkar visas inte (%s st.).",
    " (%s på x-axeln)",
    " \xe2\x80\x93 med v\xc3\xa4rdena p\xc3\xa5 axlarna",
    " vid",
    " i %zu av %zu punkter",
};

static const lang lang_en = {
    " (baseline)",
    "Mean, enlarged",
    "Mean with 90 % uncertainty interval",
    "Line: mean of %s simulations per point.",
    "Line: point estimate (no simulations).",
    "Band: 90 % uncertainty interval (5th to 95th percentile).",
    "Dashed or dotted line: a variant the sweep does not change.",
    "Same random numbers at every point: differences along a line come from the swept value.",
    "in the scenario: %s",
    "best: %s",
    "%s: mean at each point",
    "Colour and numbers: mean of %s simulations per point, the same random numbers at every point.",
    "Colour and numbers: point estimate (no simulations).",
    "Variants the sweep does not change are not shown (%s).",
    " (%s on the x axis)",
    " \xe2\x80\x93 with the values on the axes",
    " at",
    " at %zu of %zu points",
};

/* ------------------------------------------------------------------ */
/* Charts: which scripts a result gets                                 */

/* Heat maps of a two-way sweep: these metrics. */
static const int heat_metrics[] = {VS_M_CI_NEED, VS_M_DISSIMILARITY};
#define N_HEAT (sizeof heat_metrics / sizeof heat_metrics[0])

/* Script k (without .gp) of a result into buf; 0 when there is none. */
int vs_sweep_chart_name(const vs_sweep_result *r, size_t k, char *buf, size_t n)
{
    if (r->n_axes == 1 && k < VS_M_COUNT) {
        snprintf(buf, n, "sweep_%s", vs_metric_name((vs_metric)k));
        return 1;
    }
    if (r->n_axes == 2 && k < N_HEAT) {
        snprintf(buf, n, "heatmap_%s",
                 vs_metric_name((vs_metric)heat_metrics[k]));
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Writing scripts                                                     */

typedef struct ctx {
    vs_gp g;            /* output set, language, first failure */
    const vs_scenario *sc;
    const vs_sweep_result *r;
    const lang *L;
    size_t V, base;
    int *slot;          /* linetype per variant (as the run's charts) */
    unsigned char *affected; /* per variant: does any statistic move? */
    char size_what[64]; /* "N variants", for a refusal */
    const size_t *order; /* a one-way sweep's points by value */
    unsigned char *warned; /* per variant: a warning at some point */
    size_t n_warned;
} ctx;

static const vs_stat *stat_at(const ctx *c, size_t p, size_t v, int m)
{
    return &c->r->stats[(p * c->V + v) * VS_STAT_COUNT + (size_t)m];
}

/* Variant v defines or inherits a rule whose number is swept (a path
 * VARIANT.RULE...: v is VARIANT or extends it). */
static int swept_variant(const ctx *c, size_t v)
{
    for (size_t a = 0; a < c->r->n_axes; a++) {
        const char *path = c->r->axes[a].path, *dot = strchr(path, '.');
        char head[128];
        snprintf(head, sizeof head, "%.*s", dot ? (int)(dot - path) : 0, path);
        int h = vs_scenario_find_variant(c->sc, head);
        for (int u = (int)v, hops = 0; h >= 0 && u >= 0 &&
                                       hops <= (int)c->V; hops++) {
            if (u == h)
                return 1;
            u = c->sc->variants[u].extends;
        }
    }
    return 0;
}

/* The axis text for swept path a: the path in words, and the money
 * unit. */
static void axis_text(const ctx *c, size_t a, double *div, char *buf,
                      size_t n)
{
    const vs_sweep_axis *ax = &c->r->axes[a];
    char words[400];
    vs_gp_path_words(c->sc, ax->path, c->g.sv, words, sizeof words);
    *div = 1;
    if (c->r->money[a]) {
        double m = 0;
        for (size_t i = 0; i < ax->n; i++)
            m = fmax(m, fabs(ax->values[i]));
        const char *unit = vs_gp_money_unit(m, c->g.sv, div);
        snprintf(buf, n, "%s (%s)", words, unit);
    } else {
        snprintf(buf, n, "%s", words);
    }
}

/* Variant v's warning mark at point p (vs_warnings_mark): "" when the
 * variant did all it says there. */
static const char *point_mark(const ctx *c, size_t p, size_t v, char *m, size_t n)
{
    const vs_sweep_result *r = c->r;
    size_t per_point = r->n_variants * VS_STAT_COUNT;
    vs_warn_src w = {c->sc, r->shortfalls + p * r->n_rules,
                     r->stats + p * per_point, r->iterations, 0};
    return vs_warnings_mark(&w, v, c->g.sv, m, n);
}

/* Variant v's warning over the sweep, for a note under the key: "⚠
 * NAME: REASONS at KEY 1,45 and 1,5" (a one-way sweep, at most five
 * values) or "... in N of M points", the reasons those of
 * vs_warnings_mark at the first point where there are any (without the
 * amounts, which differ from point to point: warnings.txt has them).
 * Returns 0, buf "", when no point has a warning for v. */
static int sweep_warning(const ctx *c, size_t v, char *buf, size_t n)
{
    const vs_sweep_result *r = c->r;
    size_t warned = 0;
    char mark[400] = "", at[400] = "";
    size_t k = 0;
    double div = 1;
    char words[512] = "";
    if (r->n_axes == 1) {
        axis_text(c, 0, &div, words, sizeof words);
        char *comma = strchr(words, ',');
        if (comma)
            *comma = '\0'; /* the key's words: "CNI-gräns" */
    }
    buf[0] = '\0';
    for (size_t i = 0; i < r->n_points; i++) {
        size_t p = r->n_axes == 1 && c->order ? c->order[i] : i;
        char m[400];
        if (!point_mark(c, p, v, m, sizeof m)[0])
            continue;
        if (!warned++)
            snprintf(mark, sizeof mark, "%s", m);
        if (r->n_axes == 1 && warned <= 5) {
            char num[64];
            double x = r->x[p] / div;
            vs_gp_format_number(x, vs_gp_short_decimals(x), c->g.sv, num,
                                sizeof num);
            k += (size_t)snprintf(at + k, k < sizeof at ? sizeof at - k : 0,
                                  "%s%s", warned > 1 ? ", " : " ", num);
            if (k >= sizeof at)
                k = sizeof at - 1;
        }
    }
    if (!warned)
        return 0;
    char *amounts = strstr(mark, " ("), *why = strstr(mark, ": ");
    if (amounts)
        *amounts = '\0';
    why = why ? why + 2 : mark;
    char tail[600];
    if (r->n_axes == 1 && warned <= 5)
        snprintf(tail, sizeof tail, "%s %s%s", c->L->warn_at, words, at);
    else
        snprintf(tail, sizeof tail, c->L->warn_of, warned, r->n_points);
    snprintf(buf, n, "\xe2\x9a\xa0 %s: %s%s", c->sc->variants[v].name, why,
             tail);
    return 1;
}

/* Open the script `chart`.gp for a w x h cm page (NULL when it is not
 * drawn) and write its opening: the style copied in (a sweep folder has
 * no style.gp), the scenario's name and the variants' names. */
static FILE *script_begin(ctx *c, const char *chart, const char *what,
                          const char *data, double w_cm, double h_cm)
{
    FILE *f = vs_gp_open_script(&c->g, chart, w_cm, h_cm, c->size_what);
    if (!f)
        return NULL;
    vs_gp_script s = {chart, what, data, " sweep", w_cm, h_cm, 1};
    vs_gp_script_begin(&c->g, f, &s);
    char name[4 * 110 + 1];
    vs_gp_shorten(c->sc->name ? c->sc->name : "", 110, name, sizeof name);
    vs_gp_assign(&c->g, f, "t_scenario", name);
    /* The key's entries on one line each: the page less the samples
     * (samplen 5, wider in a PNG, whose characters are 4/3 of svg's). */
    size_t key_chars = vs_gp_chars_in(16 - 2.6, 7.5);
    vs_gp_assign_variants(&c->g, f, c->sc, c->L->baseline_suffix, key_chars);
    /* A swept variant's name may state the value being swept ("CNI över
     * 1,1"): its legend says that the value is the axis's.  A variant
     * with a warning at some point is marked (the note under the key
     * says why: sweep_warning). */
    for (size_t v = 0; v < c->V; v++) {
        int swept = swept_variant(c, v);
        if (!swept && !c->warned[v])
            continue;
        char var[32], text[4 * 80 + 1024], cut[4 * 80 + 1];
        char words[512], tail[600] = "";
        if (swept) {
            vs_gp_path_words(c->sc, c->r->axes[0].path, c->g.sv, words,
                             sizeof words);
            char *comma = strchr(words, ',');
            if (comma)
                *comma = '\0'; /* the key's words: "CNI-gräns" */
            if (c->r->n_axes == 1)
                vs_gp_fill(tail, sizeof tail, c->L->swept_x, words);
            else
                snprintf(tail, sizeof tail, "%s", c->L->swept_xy);
        }
        /* the name shortened so that the tail and the mark fit */
        const char *suffix = v == c->base ? c->L->baseline_suffix : "";
        size_t rest = vs_gp_chars(tail) + vs_gp_chars(suffix) +
                      (c->warned[v] ? 2 : 0);
        size_t room = key_chars > rest + 20 ? key_chars - rest : 20;
        vs_gp_shorten(c->sc->variants[v].name, room < 80 ? room : 80, cut,
                      sizeof cut);
        snprintf(text, sizeof text, "%s%s%s%s",
                 c->warned[v] ? "\xe2\x9a\xa0 " : "", cut, suffix, tail);
        snprintf(var, sizeof var, "t_v%zu", v);
        vs_gp_assign(&c->g, f, var, text);
    }
    /* The warnings, one note each (t_warn0, t_warn1, ...). */
    size_t k = 0;
    for (size_t v = 0; v < c->V; v++) {
        char text[2048], var[32];
        if (!c->warned[v] || !sweep_warning(c, v, text, sizeof text))
            continue;
        char cut[4 * 110 + 1];
        vs_gp_shorten(text, 110, cut, sizeof cut);
        snprintf(var, sizeof var, "t_warn%zu", k++);
        vs_gp_assign(&c->g, f, var, cut);
    }
    return f;
}

/* Point indices of a one-way sweep in ascending order of the value (a
 * list may be given in any order; lines need it sorted). */
static size_t *sorted_points(const ctx *c)
{
    size_t np = c->r->n_points;
    size_t *idx = malloc(np * sizeof *idx);
    if (!idx)
        return NULL;
    for (size_t i = 0; i < np; i++)
        idx[i] = i;
    /* insertion sort: stable, and grids are small */
    for (size_t i = 1; i < np; i++) {
        size_t k = idx[i], j = i;
        while (j > 0 && c->r->x[idx[j - 1]] > c->r->x[k]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = k;
    }
    return idx;
}

/* chart_sweep.csv: one block per (metric, variant), block number
 * m * V + v, rows in ascending swept value: x, point, mean, p05, p95
 * (rounding as 0: vs_gp_metric_shown). */
static void write_line_data(ctx *c, const size_t *order)
{
    FILE *d = vs_gp_open(&c->g, "chart_sweep.csv");
    if (!d)
        return;
    fputs("# chart_sweep.csv: data of the sweep_*.gp charts (vardsim sweep).\n"
          "# One block per metric and variant (blocks separated by two blank "
          "lines,\n# block number = metric number x variants + variant "
          "number, both from 0).\n# Columns: swept value, point, mean, p05, "
          "p95\n", d);
    for (int m = 0; m < VS_M_COUNT; m++)
        for (size_t v = 0; v < c->V; v++) {
            if (m || v)
                fputs("\n\n", d);
            for (size_t i = 0; i < c->r->n_points; i++) {
                size_t p = order[i];
                const vs_stat *s = stat_at(c, p, v, m);
                double cols[4] = {vs_gp_metric_shown(m, s->point),
                                  vs_gp_metric_shown(m, s->mean),
                                  vs_gp_metric_shown(m, s->p05),
                                  vs_gp_metric_shown(m, s->p95)};
                /* an undefined value is an empty cell, which gnuplot skips
                 * without breaking the line: the blank line breaks it */
                int gap = 0;
                for (int k = 0; k < 4; k++)
                    gap |= !isfinite(cols[k]);
                if (gap && i > 0)
                    fputc('\n', d);
                vs_gp_put_cell(d, c->r->x[p]);
                for (int k = 0; k < 4; k++) {
                    fputc(',', d);
                    vs_gp_put_cell(d, cols[k]);
                }
                fputc('\n', d);
            }
        }
}

/* The point of variant v with the best mean for metric m (first on
 * ties), or -1 when no mean is defined. */
static long best_point(const ctx *c, size_t v, int m, const size_t *order)
{
    long best = -1;
    double bv = NAN;
    vs_better dir = vs_metric_better((vs_metric)m);
    for (size_t i = 0; i < c->r->n_points; i++) {
        double y = stat_at(c, order[i], v, m)->mean;
        if (isnan(y))
            continue;
        int better = best < 0 ||
                     (dir == VS_BETTER_LOWER && y < bv) ||
                     (dir == VS_BETTER_HIGHER && y > bv) ||
                     (dir == VS_BETTER_ZERO && fabs(y) < fabs(bv));
        if (better) {
            best = (long)order[i];
            bv = y;
        }
    }
    return best;
}

/* [*lo, *hi] widened by `share` of its span on each side, or around a
 * single value when it is flat. */
static void pad_range(double *lo, double *hi, double share)
{
    if (!isfinite(*lo) || !isfinite(*hi)) {
        *lo = 0;
        *hi = 1;
        return;
    }
    double w = *hi - *lo;
    if (!(w > 0))
        w = *lo != 0 ? fabs(*lo) * 0.1 : 1;
    *lo -= w * share;
    *hi += w * share;
}

/* set <ax>range, a tidy tick step and a fixed number of decimals. */
static void put_range(FILE *f, const char *ax, double lo, double hi,
                      int integer)
{
    int d;
    double step = vs_gp_nice_step(hi - lo, 5, &d);
    if (integer && step < 1) {
        step = 1;
        d = 0;
    }
    fprintf(f, "set %srange [", ax);
    vs_gp_put_num(f, lo);
    fputc(':', f);
    vs_gp_put_num(f, hi);
    fprintf(f, "]\nset %stics ", ax);
    vs_gp_put_num(f, step);
    fprintf(f, "\nset format %s '%%.%df'\n", ax, d);
}

/* One line chart being written: its metric, layout in cm (top down) and
 * ranges. */
typedef struct line_chart {
    int m, bands, marker, any_moves;
    vs_better dir;
    const size_t *order;
    unsigned char *moves; /* per variant: does this metric's mean move? */
    double ys, div, file_value;
    double W, H, zoom_top, zoom_bottom, band_top, band_bottom, left, right;
    double key_h, notes_h;
    size_t n_notes;
    double xlo, xhi, zlo, zhi, blo, bhi;
    int xd;
} line_chart;

/* The page: titles, the enlarged panel, the band panel (with -n > 0),
 * the x axis, the key and the notes. */
static void line_layout(const ctx *c, line_chart *lc)
{
    const double W = 16, top_h = 1.55, zoom_h = 5.2, gap = 0.75,
                 band_h = lc->bands ? 3.6 : 0, axis_h = 1.7, key_row = 0.45;
    lc->n_notes = (lc->bands ? 4 : 3) + c->n_warned;
    lc->key_h = key_row * (double)c->V + 0.15;
    lc->notes_h = 0.38 * (double)lc->n_notes + 0.15;
    lc->W = W;
    lc->H = top_h + zoom_h + (lc->bands ? gap + band_h : 0) + axis_h +
            lc->key_h + lc->notes_h + 0.2;
    lc->zoom_top = lc->H - top_h;
    lc->zoom_bottom = lc->zoom_top - zoom_h;
    lc->band_top = lc->zoom_bottom - gap;
    lc->band_bottom = lc->band_top - band_h;
    lc->left = 2.1;
    lc->right = W - 0.6;
}

/* The lines this metric moves: the enlarged panel is about them (when
 * the sweep moves none, it shows every line). */
static void line_moves(const ctx *c, line_chart *lc)
{
    for (size_t v = 0; v < c->V; v++) {
        double y0 = stat_at(c, 0, v, lc->m)->mean;
        for (size_t p = 1; p < c->r->n_points && !lc->moves[v]; p++) {
            double y = stat_at(c, p, v, lc->m)->mean;
            lc->moves[v] = !(y == y0 || (isnan(y) && isnan(y0)));
        }
        lc->any_moves |= lc->moves[v];
    }
}

/* The chart's text: title, axes, panel titles, notes, the file's value. */
static void line_texts(ctx *c, FILE *f, line_chart *lc)
{
    char buf[512], num[64], label[256];
    vs_gp_metric_words(c->sc, lc->m, c->g.sv, label, sizeof label);
    vs_gp_assign(&c->g, f, "t_title", label);
    snprintf(buf, sizeof buf, "%s %s",
             lc->dir == VS_BETTER_LOWER    ? "\xe2\x86\x93"
             : lc->dir == VS_BETTER_HIGHER ? "\xe2\x86\x91"
                                           : "\xe2\x86\x95",
             vs_gp_better_words(lc->m, c->g.sv));
    vs_gp_assign(&c->g, f, "t_y", buf);
    axis_text(c, 0, &lc->div, buf, sizeof buf);
    vs_gp_assign(&c->g, f, "t_x", buf);
    vs_gp_assign(&c->g, f, "t_zoom", c->L->zoom_title);
    vs_gp_assign(&c->g, f, "t_band", c->L->band_title);
    if (lc->bands) {
        vs_gp_format_number((double)c->r->iterations, 0, c->g.sv, num,
                            sizeof num);
        vs_gp_fill(buf, sizeof buf, c->L->note_mean, num);
    } else {
        snprintf(buf, sizeof buf, "%s", c->L->note_point);
    }
    vs_gp_assign(&c->g, f, "t_note1", buf);
    vs_gp_assign(&c->g, f, "t_note2",
                 lc->bands ? c->L->note_band : c->L->note_dashed);
    vs_gp_assign(&c->g, f, "t_note3",
                 lc->bands ? c->L->note_dashed : c->L->note_crn);
    if (lc->bands)
        vs_gp_assign(&c->g, f, "t_note4", c->L->note_crn);
    lc->marker = isfinite(lc->file_value);
    if (lc->marker) {
        double xv = lc->file_value / lc->div;
        vs_gp_format_number(xv, vs_gp_short_decimals(xv), c->g.sv, num,
                            sizeof num);
        vs_gp_fill(buf, sizeof buf, c->L->in_file, num);
        vs_gp_assign(&c->g, f, "t_in_file", buf);
    }
}

/* Monte Carlo noise of variant v's line of metric m: 2 x the largest
 * mcse along it (0 without draws).  A difference below it is not worth
 * a zoom or a "best". */
static double line_noise(const ctx *c, size_t v, int m)
{
    double mcse = 0;
    for (size_t p = 0; p < c->r->n_points; p++) {
        double e = stat_at(c, p, v, m)->mcse;
        if (isfinite(e))
            mcse = fmax(mcse, e);
    }
    return 2 * mcse;
}

/* Widen [*lo, *hi] around its middle to at least `span`. */
static void widen_to(double *lo, double *hi, double span)
{
    if (!isfinite(*lo) || !isfinite(*hi) || *hi - *lo >= span)
        return;
    double mid = (*lo + *hi) / 2;
    *lo = mid - span / 2;
    *hi = mid + span / 2;
}

/* Ranges.  The enlarged panel fits the lines the sweep moves, and the
 * fixed lines near them; the band panel fits everything. */
static void line_ranges(const ctx *c, line_chart *lc)
{
    const vs_sweep_result *r = c->r;
    size_t nv = c->V, np = r->n_points;
    int m = lc->m;
    double ys = lc->ys;
    lc->xlo = INFINITY, lc->xhi = -INFINITY;
    lc->xd = 0;
    for (size_t p = 0; p < np; p++) {
        double x = r->x[p] / lc->div;
        lc->xlo = fmin(lc->xlo, x);
        lc->xhi = fmax(lc->xhi, x);
        int d = vs_gp_short_decimals(x);
        lc->xd = d > lc->xd ? d : lc->xd;
    }
    double zlo = INFINITY, zhi = -INFINITY, blo = INFINITY, bhi = -INFINITY;
    for (size_t v = 0; v < nv; v++)
        for (size_t p = 0; p < np; p++) {
            const vs_stat *s = stat_at(c, p, v, m);
            double y = s->mean * ys;
            if (isfinite(y) && (lc->moves[v] || !lc->any_moves)) {
                zlo = fmin(zlo, y);
                zhi = fmax(zhi, y);
            }
            double ends[3] = {y, c->affected[v] ? s->p05 * ys : y,
                              c->affected[v] ? s->p95 * ys : y};
            for (int q = 0; q < 3; q++)
                if (isfinite(ends[q])) {
                    blo = fmin(blo, ends[q]);
                    bhi = fmax(bhi, ends[q]);
                }
        }
    if (isfinite(zlo)) {
        double span = zhi > zlo ? zhi - zlo : fabs(zlo) * 0.1;
        for (size_t v = 0; v < nv; v++) {
            double y = stat_at(c, 0, v, m)->mean * ys;
            if (!lc->moves[v] && isfinite(y) && y >= zlo - span &&
                y <= zhi + span) {
                zlo = fmin(zlo, y);
                zhi = fmax(zhi, y);
            }
        }
    }
    /* Never zoom into noise: the enlarged panel spans at least the
     * lines' Monte Carlo noise and 2 % of the values' magnitude (with
     * -n 0, floating-point differences of 1e-10 would fill it). */
    double noise = 0;
    for (size_t v = 0; v < nv; v++)
        if (lc->moves[v] || !lc->any_moves)
            noise = fmax(noise, line_noise(c, v, m) * ys);
    widen_to(&zlo, &zhi, fmax(noise, 0.02 * fmax(fabs(zlo), fabs(zhi))));
    pad_range(&zlo, &zhi, 0.12);
    pad_range(&blo, &bhi, 0.06);
    if (m == VS_M_LOSERS || m == VS_M_MAX_LOSS) {
        /* counts and losses start at 0 */
        zlo = fmax(zlo, m == VS_M_LOSERS ? -0.5 : zlo);
        blo = fmax(blo, m == VS_M_LOSERS ? -0.5 : blo);
    }
    lc->zlo = zlo, lc->zhi = zhi, lc->blo = blo, lc->bhi = bhi;
}

/* The notes at the bottom of the page, and where the key goes. */
static void line_notes(const ctx *c, FILE *f, const line_chart *lc)
{
    double W = lc->W, H = lc->H;
    size_t n = lc->n_notes - c->n_warned; /* the warnings above the rest */
    vs_gp_put_titles(f, W, H);
    for (size_t k = 0; k < c->n_warned; k++) {
        fprintf(f, "set label %zu t_warn%zu", 110 + k, k);
        vs_gp_put_at(f, W, H, 0.5, 0.2 + 0.38 * (double)(lc->n_notes - 1 - k));
        fputs(" left font ',7' noenhanced\n", f);
    }
    fputs("set label 103 t_note1", f);
    vs_gp_put_at(f, W, H, 0.5, 0.2 + 0.38 * (double)(n - 1));
    fputs(" left font ',7' noenhanced\nset label 104 t_note2", f);
    vs_gp_put_at(f, W, H, 0.5, 0.2 + 0.38 * (double)(n - 2));
    fputs(" left font ',7' noenhanced\nset label 105 t_note3", f);
    vs_gp_put_at(f, W, H, 0.5, 0.2 + 0.38 * (double)(n - 3));
    fputs(" left font ',7' noenhanced\n", f);
    if (lc->bands) {
        fputs("set label 106 t_note4", f);
        vs_gp_put_at(f, W, H, 0.5, 0.2);
        fputs(" left font ',7' noenhanced\n", f);
    }
    fputs("set key", f);
    vs_gp_put_at(f, W, H, 0.5, 0.2 + lc->notes_h + lc->key_h);
    fprintf(f, " left top Left reverse vertical maxrows %zu font ',7.5' "
               "samplen 5 noenhanced\n", c->V); /* long enough to show
                                                    each dash pattern */
}

/* A dashed line at the scenario's own value of the swept path. */
static int line_put_marker(FILE *f, const line_chart *lc, int arrow)
{
    double x = lc->file_value / lc->div;
    if (!(lc->marker && x >= lc->xlo && x <= lc->xhi))
        return 0;
    fprintf(f, "set arrow %d from first ", arrow);
    vs_gp_put_num(f, x);
    fputs(", graph 0 to first ", f);
    vs_gp_put_num(f, x);
    fputs(", graph 1 nohead dt 2 lc rgb vs_grey lw 1\n", f);
    return 1;
}

/* The enlarged panel in cm, for placing its labels off the lines: the
 * panel's box, each variant's line as drawn, and the boxes placed. */
typedef struct zoom_room {
    double x0, x1, y0, y1;   /* the panel */
    double *pt;              /* per variant, per point (sorted): x, y */
    size_t np, nv;
    double marker;           /* the dashed line's x, or NAN */
    double box[40][4];       /* labels placed: x0, x1, y0, y1 */
    int n_box;
} zoom_room;

static double zoom_x(const line_chart *lc, const zoom_room *z, double x)
{
    return lc->xhi > lc->xlo
               ? z->x0 + (x - lc->xlo) / (lc->xhi - lc->xlo) * (z->x1 - z->x0)
               : (z->x0 + z->x1) / 2;
}

static double zoom_y(const line_chart *lc, const zoom_room *z, double y)
{
    return z->y0 + (y - lc->zlo) / (lc->zhi - lc->zlo) * (z->y1 - z->y0);
}

/* The lines of the enlarged panel in cm (NULL pt when memory ran out:
 * labels are then placed without looking). */
static void zoom_room_init(const ctx *c, const line_chart *lc, zoom_room *z)
{
    memset(z, 0, sizeof *z);
    z->x0 = lc->left, z->x1 = lc->right;
    z->y0 = lc->zoom_bottom, z->y1 = lc->zoom_top - 0.35;
    double fx = lc->file_value / lc->div;
    z->marker = lc->marker && fx >= lc->xlo && fx <= lc->xhi
                    ? zoom_x(lc, z, fx) : NAN;
    z->np = c->r->n_points, z->nv = c->V;
    z->pt = malloc(2 * z->np * z->nv * sizeof *z->pt);
    for (size_t v = 0; v < z->nv && z->pt; v++)
        for (size_t i = 0; i < z->np; i++) {
            size_t p = lc->order[i];
            double *q = z->pt + 2 * (v * z->np + i);
            q[0] = zoom_x(lc, z, c->r->x[p] / lc->div);
            q[1] = zoom_y(lc, z, stat_at(c, p, v, lc->m)->mean * lc->ys);
        }
}

/* The box b (x0, x1, y0, y1 in cm) is inside the panel, clear of every
 * line (each segment looked at every 0.04 cm), of the dashed marker and
 * of the boxes placed. */
static int zoom_free(const zoom_room *z, const double b[4])
{
    if (b[0] < z->x0 + 0.05 || b[1] > z->x1 - 0.05 || b[2] < z->y0 + 0.05 ||
        b[3] > z->y1 - 0.05)
        return 0;
    if (isfinite(z->marker) && z->marker > b[0] - 0.05 &&
        z->marker < b[1] + 0.05)
        return 0;
    for (int k = 0; k < z->n_box; k++)
        if (!(b[1] < z->box[k][0] || b[0] > z->box[k][1] ||
              b[3] < z->box[k][2] || b[2] > z->box[k][3]))
            return 0;
    for (size_t v = 0; v < z->nv && z->pt; v++)
        for (size_t i = 0; i + 1 < z->np; i++) {
            const double *a = z->pt + 2 * (v * z->np + i), *e = a + 2;
            if (!isfinite(a[1]) || !isfinite(e[1]))
                continue;
            double len = hypot(e[0] - a[0], e[1] - a[1]);
            int steps = 1 + (int)(len / 0.04);
            for (int t = 0; t <= steps; t++) {
                double x = a[0] + (e[0] - a[0]) * t / steps;
                double y = a[1] + (e[1] - a[1]) * t / steps;
                if (x > b[0] - 0.04 && x < b[1] + 0.04 && y > b[2] - 0.04 &&
                    y < b[3] + 0.04)
                    return 0;
            }
        }
    return 1;
}

/* A free place for a text of w x h cm near (px, py): `up` first (above,
 * then beside above, beside, below...), each a little further out when
 * nothing near is free; else the first inside the panel.  The box into b,
 * recorded; returns its centre in (cx, cy). */
static void zoom_place(zoom_room *z, double px, double py, double w, double h,
                       int up, double reach, double *cx, double *cy)
{
    static const double dirs[][2] = {{0, 1},  {1, 1},  {-1, 1}, {1, 0},
                                     {-1, 0}, {0, -1}, {1, -1}, {-1, -1}};
    double fall[4] = {0, 0, 0, 0};
    int have_fall = 0;
    for (int ring = 0; ring < 4; ring++) {
        double g = reach + 0.35 * ring;
        for (int d = 0; d < 8; d++) {
            double dx = dirs[d][0], dy = dirs[d][1] * (up ? 1 : -1);
            double mx = px + dx * (g + (dx ? w / 2 : 0));
            double my = py + dy * (g + h / 2);
            if (!dy)
                my = py;
            double b[4] = {mx - w / 2, mx + w / 2, my - h / 2, my + h / 2};
            if (zoom_free(z, b)) {
                memcpy(z->box[z->n_box < 40 ? z->n_box++ : 39], b, sizeof b);
                *cx = mx, *cy = my;
                return;
            }
            if (!have_fall && b[0] >= z->x0 && b[1] <= z->x1 &&
                b[2] >= z->y0 && b[3] <= z->y1)
                memcpy(fall, b, sizeof b), have_fall = 1;
        }
    }
    if (!have_fall) { /* on the point, pulled into the panel */
        double mx = fmin(fmax(px, z->x0 + w / 2), z->x1 - w / 2);
        double my = fmin(fmax(py, z->y0 + h / 2), z->y1 - h / 2);
        double b[4] = {mx - w / 2, mx + w / 2, my - h / 2, my + h / 2};
        memcpy(fall, b, sizeof b);
    }
    memcpy(z->box[z->n_box < 40 ? z->n_box++ : 39], fall, sizeof fall);
    *cx = (fall[0] + fall[1]) / 2, *cy = (fall[2] + fall[3]) / 2;
}

/* A label centred at (cx, cy) cm of the page. */
static void zoom_put_at(FILE *f, const line_chart *lc, double cx, double cy)
{
    vs_gp_put_at(f, lc->W, lc->H, cx, cy);
}

/* The scenario's own value beside its dashed line, off the lines: at the
 * top for a metric where lower is better (its best points are low), at
 * the bottom where higher is. */
static void line_file_label(ctx *c, FILE *f, const line_chart *lc,
                            zoom_room *z, const char *text)
{
    double w = vs_gp_text_cm(text, 7) + 0.25, h = 0.4, cx, cy;
    int top = lc->dir != VS_BETTER_HIGHER;
    double y = top ? z->y1 - 0.1 - h / 2 : z->y0 + 0.1 + h / 2;
    (void)c;
    /* right of the line, left of it, then the other end */
    double tries[4][2] = {{z->marker + 0.15 + w / 2, y},
                          {z->marker - 0.15 - w / 2, y},
                          {z->marker + 0.15 + w / 2,
                           top ? z->y0 + 0.1 + h / 2 : z->y1 - 0.1 - h / 2},
                          {z->marker - 0.15 - w / 2,
                           top ? z->y0 + 0.1 + h / 2 : z->y1 - 0.1 - h / 2}};
    cx = tries[0][0], cy = tries[0][1];
    double marker = z->marker;
    z->marker = NAN; /* the label is beside its own line, never on it */
    for (int k = 0; k < 4; k++) {
        double b[4] = {tries[k][0] - w / 2, tries[k][0] + w / 2,
                       tries[k][1] - h / 2, tries[k][1] + h / 2};
        if (zoom_free(z, b)) {
            cx = tries[k][0], cy = tries[k][1];
            break;
        }
    }
    z->marker = marker;
    double b[4] = {cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2};
    memcpy(z->box[z->n_box++], b, sizeof b);
    fputs("set label 1 t_in_file", f);
    zoom_put_at(f, lc, cx, cy);
    fputs(" center font ',7' textcolor rgb vs_grey boxed noenhanced\n", f);
}

/* The best mean of each variant the sweep moves, when it is not the same
 * at every point: ringed, and its label where it prints over no line. */
static void line_best_labels(ctx *c, FILE *f, const line_chart *lc,
                             zoom_room *z)
{
    const vs_sweep_result *r = c->r;
    char buf[512], num[64];
    int lab = 10;
    for (size_t v = 0; v < c->V; v++) {
        if (!c->affected[v] || v == c->base)
            continue;
        long bp = best_point(c, v, lc->m, lc->order);
        if (bp < 0)
            continue;
        /* Only a best that stands out of the line's noise (and, with
         * -n 0, of floating-point noise) is marked. */
        double y = stat_at(c, (size_t)bp, v, lc->m)->mean, spread = 0;
        for (size_t p = 0; p < r->n_points; p++) {
            double yp = stat_at(c, p, v, lc->m)->mean;
            if (isfinite(yp))
                spread = fmax(spread, fabs(yp - y));
        }
        if (!(spread > fmax(line_noise(c, v, lc->m), 1e-9 * fabs(y))))
            continue;
        double xb = r->x[bp] / lc->div;
        vs_gp_format_number(xb, vs_gp_short_decimals(xb), c->g.sv, num,
                            sizeof num);
        vs_gp_fill(buf, sizeof buf, c->L->best, num);
        /* a best where the variant could not do all it says is no best
         * to pick without reading its note: mark it as the key does */
        char m[400];
        if (point_mark(c, (size_t)bp, v, m, sizeof m)[0])
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " \xe2\x9a\xa0");
        /* the ring */
        fprintf(f, "set label %d '' at first ", lab++);
        vs_gp_put_num(f, xb);
        fputs(", first ", f);
        vs_gp_put_num(f, y * lc->ys);
        fprintf(f, " point lt %d pt 6 ps 2.2\n", c->slot[v]);
        /* the text: away from the line, on the side the best is on (a
         * maximum has free room above it, a minimum below) */
        double px = zoom_x(lc, z, xb), py = zoom_y(lc, z, y * lc->ys), cx, cy;
        int up = py > (z->y0 + z->y1) / 2 ? lc->dir != VS_BETTER_LOWER
                                          : lc->dir == VS_BETTER_HIGHER;
        zoom_place(z, px, py, vs_gp_text_cm(buf, 7) + 0.25, 0.4, up, 0.35,
                   &cx, &cy);
        fprintf(f, "set label %d ", lab++);
        vs_gp_put_q(&c->g, f, buf);
        zoom_put_at(f, lc, cx, cy);
        fprintf(f, " center font ',7' textcolor lt %d boxed noenhanced\n",
                c->slot[v]);
    }
}

/* The line style of a variant the sweep does not change: dashed, each
 * such variant its own pattern (dashes, dots, dash-dot, dash-dot-dot,
 * in file order), so that in grey print they stay apart by pattern, not
 * only by colour; "" for a swept line (solid). */
static const char *fixed_dash(const ctx *c, size_t v, char *buf, size_t n)
{
    if (c->affected[v])
        return "";
    size_t k = 0;
    for (size_t u = 0; u < v; u++)
        k += !c->affected[u];
    snprintf(buf, n, " dt %zu lw %s", 2 + k % 4, k % 4 == 1 ? "1.6" : "1.2");
    return buf;
}

/* Panel 1: the means, enlarged. */
static void line_zoom_panel(ctx *c, FILE *f, const line_chart *lc)
{
    size_t nv = c->V;
    vs_gp_put_margins(f, lc->W, lc->H, lc->left, lc->right, lc->zoom_bottom,
                      lc->zoom_top - 0.35);
    if (lc->xhi > lc->xlo) {
        int d;
        vs_gp_nice_step(lc->xhi - lc->xlo, 6, &d);
        put_range(f, "x", lc->xlo, lc->xhi, 0);
        fprintf(f, "set format x '%%.%df'\n", d > lc->xd ? lc->xd : d);
    }
    put_range(f, "y", lc->zlo, lc->zhi, lc->m == VS_M_LOSERS);
    if (lc->bands)
        fputs("set format x ''\nunset xlabel\n", f);
    else
        fputs("set xlabel t_x noenhanced\n", f);
    fputs("set ylabel t_y noenhanced\n", f);
    fputs("set label 107 t_zoom at graph 0, graph 1 offset 0, 0.55 left "
          "font ',7.5' noenhanced\n"
          "set style textbox opaque fc rgb '#ffffff' noborder margins 1, 1\n",
          f);
    zoom_room z;
    zoom_room_init(c, lc, &z);
    if (line_put_marker(f, lc, 1)) {
        char text[256], num[64];
        double xv = lc->file_value / lc->div;
        vs_gp_format_number(xv, vs_gp_short_decimals(xv), c->g.sv, num,
                            sizeof num);
        vs_gp_fill(text, sizeof text, c->L->in_file, num);
        line_file_label(c, f, lc, &z, text);
    }
    line_best_labels(c, f, lc, &z);
    free(z.pt);
    const char *with = c->r->n_points > 30 ? "lines" : "linespoints";
    char dt[32];
    fputs("plot \\\n", f);
    for (size_t v = 0; v < nv; v++)
        fprintf(f, "  'chart_sweep.csv' index M * V + %zu using ($1 / XU):"
                   "($3 * YS) with %s lt %d%s title t_v%zu%s\n",
                v, c->affected[v] ? with : "lines", c->slot[v],
                fixed_dash(c, v, dt, sizeof dt), v,
                v + 1 < nv ? ", \\" : "");
}

/* Panel 2: the means with their bands; the key is drawn once. */
static void line_band_panel(ctx *c, FILE *f, const line_chart *lc)
{
    size_t nv = c->V;
    char dt[32];
    fputs("\nunset label; unset arrow\nset key off\n", f);
    vs_gp_put_margins(f, lc->W, lc->H, lc->left, lc->right, lc->band_bottom,
                      lc->band_top - 0.35);
    put_range(f, "y", lc->blo, lc->bhi, lc->m == VS_M_LOSERS);
    if (lc->xhi > lc->xlo) {
        int d;
        vs_gp_nice_step(lc->xhi - lc->xlo, 6, &d);
        fprintf(f, "set format x '%%.%df'\n", d > lc->xd ? lc->xd : d);
    } else {
        fputs("set format x '% h'\n", f);
    }
    fputs("set xlabel t_x noenhanced\nunset ylabel\n"
          "set label 108 t_band at graph 0, graph 1 offset 0, 0.55 left "
          "font ',7.5' noenhanced\n", f);
    line_put_marker(f, lc, 2);
    fputs("set style fill transparent solid 0.2 noborder\nplot \\\n", f);
    for (size_t v = 0; v < nv; v++) /* bands under every line */
        if (c->affected[v])
            fprintf(f, "  'chart_sweep.csv' index M * V + %zu using ($1 / XU):"
                       "($4 * YS):($5 * YS) with filledcurves lt %d notitle, \\\n",
                    v, c->slot[v]);
    for (size_t v = 0; v < nv; v++)
        fprintf(f, "  'chart_sweep.csv' index M * V + %zu using ($1 / XU):"
                   "($3 * YS) with lines lt %d%s notitle%s\n",
                v, c->slot[v], fixed_dash(c, v, dt, sizeof dt),
                v + 1 < nv ? ", \\" : "");
}

/* One line chart: metric m against the swept value, in two panels: the
 * means enlarged (the shape of each line: common random numbers make
 * small differences between points real), and the means with their
 * p05-p95 bands (how sure the level is).  With -n 0 only the first. */
static void write_line_chart(ctx *c, int m, const size_t *order,
                             double file_value)
{
    char name[64], buf[512];
    vs_sweep_chart_name(c->r, (size_t)m, name, sizeof name);
    line_chart lc;
    memset(&lc, 0, sizeof lc);
    lc.m = m;
    lc.order = order;
    lc.file_value = file_value;
    lc.bands = c->r->iterations > 0;
    lc.ys = vs_gp_metric_share(m) ? 100 : 1;
    lc.dir = vs_metric_better((vs_metric)m);
    lc.moves = calloc(c->V, 1);
    if (!lc.moves) {
        vs_gp_fail(&c->g, vs_err_set(c->g.err, VS_ENOMEM, NULL, 0,
                                     "out of memory"));
        return;
    }
    line_moves(c, &lc);
    line_layout(c, &lc);
    snprintf(buf, sizeof buf, "%s against the swept value",
             vs_metric_name((vs_metric)m));
    FILE *f = script_begin(c, name, buf, "chart_sweep.csv", lc.W, lc.H);
    if (f) {
        line_texts(c, f, &lc);
        fputs("\n# chart_sweep.csv: block M * V + v holds this metric for "
              "variant v; columns\n# 1 swept value, 2 point, 3 mean, 4 p05, "
              "5 p95.\n", f);
        fprintf(f, "V = %zu  # variants\nM = %d  # this metric's number\n",
                c->V, m);
        fputs("XU = ", f);
        vs_gp_put_num(f, lc.div);
        fputs("  # swept value per axis unit\nYS = ", f);
        vs_gp_put_num(f, lc.ys);
        fputs("  # axis unit per value (100: percent)\n", f);
        line_ranges(c, &lc);
        line_notes(c, f, &lc);
        fputs("set multiplot\n", f);
        line_zoom_panel(c, f, &lc);
        if (lc.bands)
            line_band_panel(c, f, &lc);
        fputs("unset multiplot\n", f);
    }
    free(lc.moves);
}

/* chart_heatmap.csv: one block per (heat metric k, variant), block
 * number k * V + v, one row per point: the cell's x from-to, y from-to,
 * its centre x and y, and the mean.  Cells reach halfway to the
 * neighbouring values. */
static void cell_edges(const vs_sweep_axis *ax, size_t i, double *lo,
                       double *hi)
{
    double v = ax->values[i], below = -INFINITY, above = INFINITY;
    for (size_t j = 0; j < ax->n; j++) {
        double w = ax->values[j];
        if (w < v && w > below)
            below = w;
        if (w > v && w < above)
            above = w;
    }
    double half_lo = isfinite(below) ? (v - below) / 2 : NAN;
    double half_hi = isfinite(above) ? (above - v) / 2 : NAN;
    if (isnan(half_lo))
        half_lo = isnan(half_hi) ? (v != 0 ? fabs(v) * 0.05 : 0.5) : half_hi;
    if (isnan(half_hi))
        half_hi = half_lo;
    *lo = v - half_lo;
    *hi = v + half_hi;
}

static void write_heat_data(ctx *c)
{
    FILE *d = vs_gp_open(&c->g, "chart_heatmap.csv");
    if (!d)
        return;
    const vs_sweep_result *r = c->r;
    fputs("# chart_heatmap.csv: data of the heatmap_*.gp charts (vardsim "
          "sweep).\n# One block per metric and variant (two blank lines "
          "between blocks),\n# block number = k x variants + variant "
          "number, k = 0 ci_need, 1 dissimilarity.\n# Columns: x from, x "
          "to, y from, y to, x, y, mean\n", d);
    for (size_t k = 0; k < N_HEAT; k++)
        for (size_t v = 0; v < c->V; v++) {
            if (k || v)
                fputs("\n\n", d);
            for (size_t p = 0; p < r->n_points; p++) {
                size_t i = p / r->axes[1].n, j = p % r->axes[1].n;
                double x0, x1, y0, y1;
                cell_edges(&r->axes[0], i, &x0, &x1);
                cell_edges(&r->axes[1], j, &y0, &y1);
                double cols[7] = {x0, x1, y0, y1, r->x[p * 2], r->x[p * 2 + 1],
                                  stat_at(c, p, v, heat_metrics[k])->mean};
                for (int q = 0; q < 7; q++) {
                    if (q)
                        fputc(',', d);
                    vs_gp_put_cell(d, cols[q]);
                }
                fputc('\n', d);
            }
        }
}

/* Ticks for swept axis a of a heat map: at every value when there are
 * few (labels as the analyst typed them), else a tidy step. */
static void put_heat_ticks(ctx *c, FILE *f, const char *ax, size_t a,
                           double div, double lo, double hi)
{
    const vs_sweep_axis *axis = &c->r->axes[a];
    fprintf(f, "set %srange [", ax);
    vs_gp_put_num(f, lo);
    fputc(':', f);
    vs_gp_put_num(f, hi);
    fputs("]\n", f);
    if (axis->n > 12) {
        int d;
        double step = vs_gp_nice_step(hi - lo, 6, &d);
        fprintf(f, "set %stics ", ax);
        vs_gp_put_num(f, step);
        fprintf(f, "\nset format %s '%%.%df'\n", ax, d);
        return;
    }
    int d = 0; /* one number of decimals for every label */
    for (size_t i = 0; i < axis->n; i++) {
        int di = vs_gp_short_decimals(axis->values[i] / div);
        d = di > d ? di : d;
    }
    fprintf(f, "set %stics (", ax);
    for (size_t i = 0; i < axis->n; i++) {
        char num[64];
        double x = axis->values[i] / div;
        vs_gp_format_number(x, d, c->g.sv, num, sizeof num);
        if (i)
            fputs(", ", f);
        vs_gp_put_tic(&c->g, f, num, x);
    }
    fputs(")\n", f);
}

/* One heat map being written: its metric, the variants shown, layout in
 * cm and the colour scale. */
typedef struct heat_chart {
    size_t k;
    int m, dark_low, dec, numbers;
    const unsigned char *show; /* variants drawn; NULL: every one */
    size_t shown, hidden, cols, rows;
    double W, H, top_h, cbar_w, panel_w, panel_h;
    double divx, divy, zs, lo, hi;
} heat_chart;

/* Which variants get a panel (those the sweep moves, or every one if it
 * moves none), and the page. */
static void heat_layout(const ctx *c, heat_chart *hc)
{
    int any = 0;
    for (size_t v = 0; v < c->V; v++)
        any |= c->affected[v];
    for (size_t v = 0; v < c->V; v++) {
        if (!any || c->affected[v])
            hc->shown++;
        else
            hc->hidden++;
    }
    hc->show = any ? c->affected : NULL;
    hc->cols = hc->shown <= 1 ? 1 : 2;
    hc->rows = (hc->shown + hc->cols - 1) / hc->cols;
    double notes_h = (hc->hidden ? 1.0 : 0.65) + 0.35 * (double)c->n_warned;
    hc->W = 16, hc->top_h = 1.6, hc->cbar_w = 3.0;
    hc->panel_w = (hc->W - hc->cbar_w - 0.3) / (double)hc->cols;
    hc->panel_h = hc->cols == 1 ? 9.0 : 6.4;
    hc->H = hc->top_h + hc->panel_h * (double)hc->rows + notes_h;
}

/* The chart's text: title, axes, colour scale, notes. */
static void heat_texts(ctx *c, FILE *f, heat_chart *hc)
{
    char buf[512], label[256], num[64];
    vs_gp_metric_words(c->sc, hc->m, c->g.sv, label, sizeof label);
    vs_gp_fill(buf, sizeof buf, c->L->heat_title, label);
    vs_gp_assign(&c->g, f, "t_title", buf);
    axis_text(c, 0, &hc->divx, buf, sizeof buf);
    vs_gp_assign(&c->g, f, "t_x", buf);
    axis_text(c, 1, &hc->divy, buf, sizeof buf);
    vs_gp_assign(&c->g, f, "t_y", buf);
    vs_gp_assign(&c->g, f, "t_cb", vs_gp_better_words(hc->m, c->g.sv));
    if (c->r->iterations > 0) {
        vs_gp_format_number((double)c->r->iterations, 0, c->g.sv, num,
                            sizeof num);
        vs_gp_fill(buf, sizeof buf, c->L->heat_note, num);
    } else {
        snprintf(buf, sizeof buf, "%s", c->L->heat_point);
    }
    vs_gp_assign(&c->g, f, "t_note", buf);
    if (hc->hidden) {
        snprintf(num, sizeof num, "%zu", hc->hidden);
        vs_gp_fill(buf, sizeof buf, c->L->heat_hidden, num);
        vs_gp_assign(&c->g, f, "t_hidden", buf);
    }
}

/* One colour scale over the panels drawn: its range, palette (cividis-
 * like: readable in grey and by colour-blind readers; the light end is
 * the better one), ticks and box. */
static void heat_scale(const ctx *c, FILE *f, heat_chart *hc)
{
    const vs_sweep_result *r = c->r;
    double lo = INFINITY, hi = -INFINITY, W = hc->W, H = hc->H;
    hc->zs = vs_gp_metric_share(hc->m) ? 100 : 1;
    for (size_t p = 0; p < r->n_points; p++)
        for (size_t v = 0; v < c->V; v++) {
            double y = stat_at(c, p, v, hc->m)->mean * hc->zs;
            if ((!hc->show || hc->show[v]) && isfinite(y)) {
                lo = fmin(lo, y);
                hi = fmax(hi, y);
            }
        }
    pad_range(&lo, &hi, 0.0);
    vs_gp_nice_step(hi - lo, 5, &hc->dec);
    hc->lo = lo, hc->hi = hi;
    fputs("\n# chart_heatmap.csv: block K * V + v holds variant v; columns "
          "1-2 the cell's x\n# from-to, 3-4 its y from-to, 5-6 the point, 7 "
          "the mean.\n", f);
    fprintf(f, "V = %zu\nK = %zu\nXU = ", c->V, hc->k);
    vs_gp_put_num(f, hc->divx);
    fputs("\nYU = ", f);
    vs_gp_put_num(f, hc->divy);
    fputs("\nZS = ", f);
    vs_gp_put_num(f, hc->zs);
    fputs("  # 100: percent\nMID = ", f);
    vs_gp_put_num(f, (lo + hi) / 2);
    fputs("  # numbers on the darker half are white\n", f);
    hc->dark_low = vs_metric_better((vs_metric)hc->m) != VS_BETTER_LOWER;
    if (hc->dark_low)
        fputs("set palette defined (0 '#00224E', 0.5 '#7C7B78', 1 '#FDE725')\n",
              f);
    else
        fputs("set palette defined (0 '#FDE725', 0.5 '#7C7B78', 1 '#00224E')\n",
              f);
    fputs("set cbrange [", f);
    vs_gp_put_num(f, lo);
    fputc(':', f);
    vs_gp_put_num(f, hi);
    int cd;
    double step = vs_gp_nice_step(hi - lo, 5, &cd);
    fputs("]\nset cbtics ", f);
    vs_gp_put_num(f, step);
    fprintf(f, "\nset format cb '%%.%df'\n", cd);
    fputs("set cblabel t_cb noenhanced\n"
          "set xlabel t_x noenhanced\nset ylabel t_y noenhanced\n"
          "unset grid\nset tics out\nset border 15 lc rgb vs_ink lw 0.8\n"
          "set style fill solid 1.0 noborder\n", f);
    fputs("set colorbox user origin screen ", f);
    vs_gp_put_num(f, (W - hc->cbar_w + 0.2) / W);
    fputs(", screen ", f);
    vs_gp_put_num(f, (H - hc->top_h - hc->panel_h + 1.4) / H);
    fputs(" size screen ", f);
    vs_gp_put_num(f, 0.35 / W);
    fputs(", screen ", f);
    vs_gp_put_num(f, (hc->panel_h - 1.9) / H);
    fputc('\n', f);
}

/* The axes over every cell, and whether numbers fit in the cells: about
 * 0.16 cm a character at 6 points, and a character of room. */
static void heat_axes(ctx *c, FILE *f, heat_chart *hc)
{
    const vs_sweep_result *r = c->r;
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (size_t i = 0; i < r->axes[0].n; i++) {
        double a0, a1;
        cell_edges(&r->axes[0], i, &a0, &a1);
        xlo = fmin(xlo, a0 / hc->divx);
        xhi = fmax(xhi, a1 / hc->divx);
    }
    for (size_t j = 0; j < r->axes[1].n; j++) {
        double b0, b1;
        cell_edges(&r->axes[1], j, &b0, &b1);
        ylo = fmin(ylo, b0 / hc->divy);
        yhi = fmax(yhi, b1 / hc->divy);
    }
    put_heat_ticks(c, f, "x", 0, hc->divx, xlo, xhi);
    put_heat_ticks(c, f, "y", 1, hc->divy, ylo, yhi);
    char widest[64];
    snprintf(widest, sizeof widest, "%.*f", hc->dec,
             fmax(fabs(hc->lo), fabs(hc->hi)));
    double plot_w = hc->panel_w - 2.4;
    hc->numbers = r->axes[1].n <= 20 &&
                  plot_w / (double)r->axes[0].n >=
                      0.16 * (double)(strlen(widest) + 2);
}

/* The notes, then one panel per variant shown. */
static void heat_panels(ctx *c, FILE *f, const heat_chart *hc)
{
    double W = hc->W, H = hc->H;
    vs_gp_put_titles(f, W, H);
    fputs("set label 103 t_note", f);
    vs_gp_put_at(f, W, H, 0.5, hc->hidden ? 0.65 : 0.3);
    fputs(" left font ',7' noenhanced\n", f);
    if (hc->hidden) {
        fputs("set label 104 t_hidden", f);
        vs_gp_put_at(f, W, H, 0.5, 0.3);
        fputs(" left font ',7' noenhanced\n", f);
    }
    for (size_t k = 0; k < c->n_warned; k++) { /* above the notes */
        fprintf(f, "set label %zu t_warn%zu", 110 + k, k);
        vs_gp_put_at(f, W, H, 0.5, (hc->hidden ? 1.0 : 0.65) +
                                       0.35 * (double)(c->n_warned - 1 - k));
        fputs(" left font ',7' noenhanced\n", f);
    }
    fputs("set multiplot\n", f);
    const char *cmp = hc->dark_low ? "<" : ">";
    size_t slot = 0;
    for (size_t v = 0; v < c->V; v++) {
        if (hc->show && !hc->show[v])
            continue;
        size_t row = slot / hc->cols, col = slot % hc->cols;
        double x0 = 0.2 + hc->panel_w * (double)col;
        double y1 = H - hc->top_h - hc->panel_h * (double)row;
        vs_gp_put_margins(f, W, H, x0 + 1.9, x0 + hc->panel_w - 0.5,
                          y1 - hc->panel_h + 1.4, y1 - 0.5);
        fprintf(f, "set title t_v%zu noenhanced font ',8'\n", v);
        fprintf(f, "plot 'chart_heatmap.csv' index K * V + %zu using "
                   "($5 / XU):($6 / YU):($1 / XU):($2 / XU):($3 / YU):($4 / YU):"
                   "($7 * ZS) with boxxyerror fc palette notitle", v);
        if (hc->numbers)
            fprintf(f, ", \\\n  '' index K * V + %zu using ($5 / XU):($6 / YU):"
                       "($7 * ZS %s MID ? gprintf('%%.%df', $7 * ZS) : '') with "
                       "labels font ',6' textcolor rgb '#ffffff' notitle, \\\n"
                       "  '' index K * V + %zu using ($5 / XU):($6 / YU):"
                       "($7 * ZS %s MID ? '' : gprintf('%%.%df', $7 * ZS)) with "
                       "labels font ',6' textcolor rgb '#000000' notitle",
                    v, cmp, hc->dec, v, cmp, hc->dec);
        fputc('\n', f);
        if (slot == 0) {
            fputs("unset label 101; unset label 102; unset label 103; "
                  "unset label 104; unset colorbox\n", f);
            for (size_t k = 0; k < c->n_warned; k++)
                fprintf(f, "unset label %zu\n", 110 + k);
        }
        slot++;
    }
    fputs("unset multiplot\n", f);
}

/* A heat map of heat metric k: one panel per variant the sweep moves,
 * one colour scale for all of them (drawn once, on the right). */
static void write_heat_chart(ctx *c, size_t k)
{
    char name[64], buf[512];
    vs_sweep_chart_name(c->r, k, name, sizeof name);
    heat_chart hc;
    memset(&hc, 0, sizeof hc);
    hc.k = k;
    hc.m = heat_metrics[k];
    heat_layout(c, &hc);
    snprintf(buf, sizeof buf, "mean %s over the grid, a panel per variant "
             "the sweep changes", vs_metric_name((vs_metric)hc.m));
    FILE *f = script_begin(c, name, buf, "chart_heatmap.csv", hc.W, hc.H);
    if (!f)
        return;
    heat_texts(c, f, &hc);
    heat_scale(c, f, &hc);
    heat_axes(c, f, &hc);
    heat_panels(c, f, &hc);
}

/* ------------------------------------------------------------------ */
/* The charts of one result                                            */

/* A variant is affected when any of its summaries differs between points
 * (bitwise: common random numbers make unaffected variants exactly
 * equal). */
static void find_affected(ctx *c)
{
    for (size_t v = 0; v < c->V; v++)
        for (size_t p = 1; p < c->r->n_points && !c->affected[v]; p++)
            for (int m = 0; m < VS_STAT_COUNT; m++) {
                const vs_stat *a = stat_at(c, 0, v, m), *b = stat_at(c, p, v, m);
                double x[4] = {a->point, a->mean, a->p05, a->p95};
                double y[4] = {b->point, b->mean, b->p05, b->p95};
                for (int q = 0; q < 4; q++)
                    if (!(x[q] == y[q] || (isnan(x[q]) && isnan(y[q]))))
                        c->affected[v] = 1;
            }
}

int vs_sweep_charts_write(const vs_scenario *sc, const vs_sweep_result *r,
                          const char *dir, vs_outset *set, vs_gp_list *list,
                          vs_err *err)
{
    if (r->n_axes > 2)
        return VS_OK;
    ctx c;
    memset(&c, 0, sizeof c);
    vs_gp_init(&c.g, dir, set, strcmp(sc->lang, "sv") == 0, list, err);
    c.sc = sc;
    c.r = r;
    c.L = c.g.sv ? &lang_sv : &lang_en;
    c.V = sc->n_variants;
    c.base = (size_t)sc->baseline;
    snprintf(c.size_what, sizeof c.size_what, "%zu variants", c.V);
    c.slot = malloc(c.V * sizeof *c.slot);
    c.affected = calloc(c.V, 1);
    c.warned = calloc(c.V, 1);
    size_t *order = r->n_axes == 1 ? sorted_points(&c) : NULL;
    c.order = order;
    int st;
    if (!c.slot || !c.affected || !c.warned || (r->n_axes == 1 && !order)) {
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    /* The baseline is black (linetype 1); the others take the palette in
     * file order, as in the charts of `run`. */
    for (size_t v = 0, j = 0; v < c.V; v++)
        c.slot[v] = v == c.base ? 1 : 2 + (int)(j++ % 7);
    find_affected(&c);
    for (size_t v = 0; v < c.V; v++) {
        char note[2048];
        c.warned[v] = (unsigned char)sweep_warning(&c, v, note, sizeof note);
        c.n_warned += c.warned[v];
    }
    if (r->n_axes == 1) {
        write_line_data(&c, order);
        for (int m = 0; m < VS_M_COUNT; m++)
            write_line_chart(&c, m, order, r->before[0]);
    } else {
        write_heat_data(&c);
        for (size_t k = 0; k < N_HEAT; k++)
            write_heat_chart(&c, k);
    }
    st = c.g.st;
done:
    free(order);
    free(c.slot);
    free(c.affected);
    free(c.warned);
    return st;
}
