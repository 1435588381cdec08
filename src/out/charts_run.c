/* charts_run.c: the charts of `vardsim run` (see out/charts.h).
 *
 * A run folder gets four standalone scripts (allocation.gp,
 * concentration.gp, metrics.gp, per_capita.gp), one data file per chart
 * (chart_*.csv), and style.gp, a copy of plots/vardsim.gp.  `gnuplot
 * allocation.gp` inside the folder renders allocation.png; vardsim renders
 * with `-e "vs_format='svg'; vs_output='...'"`.
 *
 * Every script is written with the one gnuplot writer (out/gp.h), which
 * keeps scenario text data (docs/gnuplot-notes.md): names only in
 * single-quoted literals, assigned once near the top of each script
 * (t_scenario = '...'); only the allocation chart's centre names sit
 * further down, in its `set ytics` list.  The data files hold numbers and
 * ids only: gnuplot's data reader treats " as a quote in any column, so a
 * name with a " would shift or swallow fields. */
#include "out/charts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/need.h"
#include "out/gp.h"
#include "out/warnings.h"
#include "vardsim/metrics.h"

/* ------------------------------------------------------------------ */
/* Fixed text in both languages                                        */

typedef struct lang {
    const char *only_baseline;
    /* allocation */
    const char *alloc_title, *alloc_axis, *alloc_note, *baseline_is, *cni,
        *above, *below; /* %s: the high-need threshold */
    /* concentration */
    const char *conc_title, *conc_x, *conc_y, *conc_equal, *conc_need,
        *conc_shift_y, *conc_shift_note, *base_suffix;
    /* metrics */
    const char *met_title, *met_note, *met_base, *met_p_head, *met_same,
        *met_same_note; /* %s: the centre term */
    /* per capita */
    const char *pc_title, *pc_y, *pc_base, *pc_variant, *pc_need, *pc_size,
        *pc_need_as, /* %s: the declared need */
        *pc_listed,  /* %s: a number of listed persons */
        *pc_named;   /* %s: the centre term, plural */
} lang;

static const lang lang_sv = {
    "Scenariot har bara jämförelsealternativet: inget att jämföra.",
    "Förändring per hälsocentral mot jämförelsealternativet",
    "Förändring mot jämförelsealternativet",
    "Stapel: punktskattning.  Streck: 90 % osäkerhetsintervall (5:e till 95:e percentilen).",
    "Jämförelsealternativ: ",
    "CNI",
    "\xe2\x86\x91 CNI > %s",
    "\xe2\x86\x93 CNI \xe2\x89\xa4 %s",
    "Koncentrationskurvor: följer pengarna behovet?",
    "Kumulativ andel av listade (%), ordnade efter CNI, lägst först",
    "Kumulativ andel av pengarna (%)",
    "Lika mycket per listad (diagonalen)",
    "Behov: listade × CNI",
    "Förskjutning mot högre CNI|(procentenheter)",
    "Över 0: större andel till hälsocentraler med högre CNI än i jämförelsealternativet",
    " (jämförelsealternativ)",
    "Rättvisemått per alternativ",
    "Punkt: punktskattning.  Stapel: 90 % osäkerhetsintervall.  Streckat: jämförelsealternativet.|P(bättre): andel av simuleringarna där alternativet är bättre än jämförelsealternativet.",
    "jämförelse",
    "P(bättre)",
    "ingen skillnad",
    "Ingen skillnad: fördelningen skiljer högst 1 öre per %s från jämförelsealternativets i varje simulering.",
    "Finansiering per listad och år mot vårdbehov (CNI)",
    "Kr per listad och år",
    "Jämförelsealternativet: ",
    "Alternativet i rutans rubrik",
    "Behovsproportionell nivå: samma summa fördelad efter listade × CNI",
    "Punktens yta: antal listade",
    "Behovsproportionell nivå: samma summa fördelad efter %s",
    "%s listade",
    "Namn: de tre %s längst från sin behovsproportionella nivå (ringade)",
};

static const lang lang_en = {
    "The scenario has only the baseline: nothing to compare.",
    "Change per centre against the baseline",
    "Change against the baseline",
    "Bar: point estimate.  Whisker: 90 % uncertainty interval (5th to 95th percentile).",
    "Baseline: ",
    "CNI",
    "\xe2\x86\x91 CNI > %s",
    "\xe2\x86\x93 CNI \xe2\x89\xa4 %s",
    "Concentration curves: does the money follow need?",
    "Cumulative share of listed persons (%), by CNI, lowest first",
    "Cumulative share of the money (%)",
    "Same amount per person (diagonal)",
    "Need: listed × CNI",
    "Shift towards higher CNI|(percentage points)",
    "Above 0: a larger share to centres with higher CNI than under the baseline",
    " (baseline)",
    "Equity metrics per variant",
    "Dot: point estimate.  Bar: 90 % uncertainty interval.  Dashed: the baseline.|P(better): share of simulations in which the variant is better than the baseline.",
    "baseline",
    "P(better)",
    "no difference",
    "No difference: the allocation is within 1 öre per %s of the baseline's in every simulation.",
    "Funding per listed person and year against care need (CNI)",
    "SEK per listed person and year",
    "Baseline: ",
    "The variant named above the panel",
    "Need-proportional level: the same total split by listed × CNI",
    "Dot area: number of listed persons",
    "Need-proportional level: the same total split by %s",
    "%s listed",
    "Names: the three %s furthest from their need-proportional level (ringed)",
};

/* ------------------------------------------------------------------ */
/* Writing scripts                                                     */

typedef struct ctx {
    vs_gp g;            /* output set, language, first failure */
    const vs_scenario *sc;
    const vs_results *res;
    const lang *L;
    size_t V, C, base;  /* variants, centres, baseline index */
    size_t K;           /* variants other than the baseline */
    size_t *order;      /* centres by point CNI ascending, ties by index */
    int *slot;          /* linetype per variant (style.gp) */
    char size_what[96]; /* "N variants and M centres", for a refusal */
} ctx;

static const char *fmt_num(const ctx *c, double v, int decimals, char *buf,
                           size_t n)
{
    return vs_gp_format_number(v, decimals, c->g.sv, buf, n);
}

/* Widen [lo, hi] by `share` of its width on each side that is not 0. */
static void pad(double *lo, double *hi, double share)
{
    double w = *hi - *lo;
    if (!(w > 0))
        return;
    if (*lo != 0)
        *lo -= w * share;
    if (*hi != 0)
        *hi += w * share;
}

static double ore_to_sek(double ore)
{
    return ore / 100.0;
}

static const vs_centre_stat *cstat(const ctx *c, size_t v, size_t i)
{
    return &c->res->centres[v * c->C + i];
}

/* Decimals that show every centre's CNI as typed (at most 3), so the
 * CNI column of the allocation chart lines up: 0.9 next to 1.12 prints
 * as 0,90. */
static int cni_decimals(const ctx *c)
{
    int d = 0;
    for (size_t i = 0; i < c->C; i++) {
        int k = vs_gp_short_decimals(c->res->point_cni[i]);
        d = k > d ? k : d;
    }
    return d < 3 ? d : 3;
}

/* Open the script `chart`.gp for a w x h cm page (NULL when it is not
 * drawn) and write the opening every run chart shares: how to render it,
 * the style, the scenario's and the baseline's names. */
static FILE *script_begin(ctx *c, const char *chart, const char *what,
                          const char *data, double w_cm, double h_cm)
{
    FILE *f = vs_gp_open_script(&c->g, chart, w_cm, h_cm, c->size_what);
    if (!f)
        return NULL;
    vs_gp_script s = {chart, what, data, "", w_cm, h_cm, 0};
    vs_gp_script_begin(&c->g, f, &s);
    vs_gp_assign_wrapped(&c->g, f, "t_scenario", c->sc->name ? c->sc->name : "",
                         vs_gp_chars_in(15, 8), 2);
    vs_gp_assign(&c->g, f, "t_baseline", c->sc->variants[c->base].name);
    vs_gp_assign_variants(&c->g, f, c->sc, NULL, 0);
    return f;
}

/* ------------------------------------------------------------------ */
/* 1. allocation: change per centre against the baseline               */

/* The data: one row per non-baseline variant and centre, at height y
 * (centre rank by CNI, 1 = lowest, so the highest need is on top), bars
 * of half-height `half`; money in SEK.  Sets the range of the values
 * (SEK, 0 included).  Returns 0 when the file could not be opened. */
static int alloc_data(ctx *c, double *lo, double *hi)
{
    const vs_scenario *sc = c->sc;
    char buf[160];
    FILE *d = vs_gp_open(&c->g, "chart_allocation.csv");
    if (!d)
        return 0;
    fputs("variant,centre,v,slot,y,half,change,change_p05,change_p95\n", d);
    *lo = 0, *hi = 0;
    double band = 0.8 / (double)(c->K ? c->K : 1);
    size_t j = 0;
    for (size_t v = 0; v < c->V; v++) {
        if (v == c->base)
            continue;
        for (size_t r = 0; r < c->C; r++) {
            size_t i = c->order[r];
            const vs_centre_stat *s = cstat(c, v, i), *b = cstat(c, c->base, i);
            vs_ore change = s->point - b->point;
            double y = (double)(r + 1) + 0.4 - ((double)j + 0.5) * band;
            double vals[3] = {(double)change / 100.0, ore_to_sek(s->change_p05),
                              ore_to_sek(s->change_p95)};
            for (int k = 0; k < 3; k++)
                if (isfinite(vals[k])) {
                    *lo = fmin(*lo, vals[k]);
                    *hi = fmax(*hi, vals[k]);
                }
            vs_gp_put_id(d, sc->variants[v].id);
            fputc(',', d);
            vs_gp_put_id(d, sc->centres[i].id);
            fprintf(d, ",%zu,%d,", v, c->slot[v]);
            vs_gp_put_cell(d, y);
            fputc(',', d);
            vs_gp_put_cell(d, band * 0.45);
            fprintf(d, ",%s,", vs_money_format(change, '.', buf, sizeof buf));
            vs_gp_put_cell(d, vals[1]);
            fputc(',', d);
            vs_gp_put_cell(d, vals[2]);
            fputc('\n', d);
        }
        j++;
    }
    return 1;
}

/* The allocation chart's page: tick labels, the threshold split, the
 * layout in cm and the money axis. */
typedef struct alloc_page {
    char **labels;      /* "name  CNI" per row */
    size_t n_low;       /* rows at or below the high-need threshold */
    int split;          /* both kinds of rows exist: draw the line */
    char above[96], below[96];
    double W, H, left, right, bottom, top_h, key_h, notes_h, div;
    const char *unit;
    vs_gp_axis ax;
} alloc_page;

/* Tick labels "name  CNI", and the room they need on the left (cm).
 * Returns 0 when out of memory (recorded). */
static int alloc_labels(ctx *c, alloc_page *p, double *label_w)
{
    char num[64];
    int cni_d = cni_decimals(c);
    *label_w = 0;
    p->labels = calloc(c->C, sizeof *p->labels);
    for (size_t r = 0; p->labels && r < c->C; r++) {
        size_t i = c->order[r];
        char name[4 * 40 + 1], label[sizeof name + 80];
        vs_gp_shorten(c->sc->centres[i].name, 40, name, sizeof name);
        fmt_num(c, c->res->point_cni[i], cni_d, num, sizeof num);
        snprintf(label, sizeof label, "%s  %s", name, num);
        if (!(p->labels[r] = strdup(label)))
            break;
        *label_w = fmax(*label_w, vs_gp_text_cm(label, 7));
    }
    if (!p->labels || (c->C > 0 && !p->labels[c->C - 1])) {
        vs_gp_fail(&c->g, vs_err_set(c->g.err, VS_ENOMEM, NULL, 0,
                                     "out of memory"));
        return 0;
    }
    return 1;
}

/* Rows of at most 0.6 cm; the chart fits an A4 page when it can. */
static void alloc_layout(ctx *c, alloc_page *p, double label_w, double lo,
                         double hi)
{
    const vs_scenario *sc = c->sc;
    char thr[64];
    for (size_t r = 0; r < c->C; r++)
        p->n_low += !(c->res->point_cni[c->order[r]] > sc->high_need_cni);
    p->split = p->n_low > 0 && p->n_low < c->C;
    fmt_num(c, sc->high_need_cni, vs_gp_short_decimals(sc->high_need_cni), thr,
            sizeof thr);
    vs_gp_fill(p->above, sizeof p->above, c->L->above, thr);
    vs_gp_fill(p->below, sizeof p->below, c->L->below, thr);

    p->W = 16;
    p->left = fmin(fmax(label_w + 0.5, 2.5), 8.0);
    p->right = p->W - 0.5;
    p->key_h = 0.48 * (double)c->K + 0.3, p->notes_h = 0.95;
    p->bottom = 0.3 + p->notes_h + p->key_h + 0.4 + 0.5 + 0.7;
    p->top_h = 2.3;
    double row = fmin(0.16 + 0.11 * (double)(c->K ? c->K : 1),
                      (25.0 - p->bottom - p->top_h) / (double)c->C);
    if (row < 0.25)
        row = 0.25;
    p->H = p->bottom + p->top_h + row * (double)c->C;
    if (p->split)
        p->right -= fmax(vs_gp_text_cm(p->above, 7),
                         vs_gp_text_cm(p->below, 7)) + 0.2;
    p->unit = vs_gp_money_unit(fmax(fabs(lo), fabs(hi)), c->g.sv, &p->div);
    lo /= p->div;
    hi /= p->div;
    pad(&lo, &hi, 0.03);
    vs_gp_axis_fit_room(c->g.sv, &p->ax, lo, hi, p->right - p->left, 8, 0);
}

/* The rows: centre names as tick labels, "CNI" over their column, and a
 * dashed line between the centres above the high-need threshold and the
 * rest, named in the right margin. */
static void alloc_rows(ctx *c, FILE *f, const alloc_page *p)
{
    fprintf(f, "set yrange [0.5:%zu.5]\n", c->C);
    fputs("set ytics scale 0 font ',7' noenhanced (", f);
    for (size_t r = 0; r < c->C; r++) {
        if (r)
            fputs(", \\\n  ", f);
        vs_gp_put_tic(&c->g, f, p->labels[r], (double)(r + 1));
    }
    fputs(")\n", f);
    fputs("set label 1 t_cni at graph 0, graph 1 offset -0.9, 0.8 right "
          "font ',7' noenhanced\n", f);
    if (!p->split)
        return;
    fprintf(f, "set arrow 1 from graph 0, first %zu.5 to graph 1, first "
               "%zu.5 nohead dt 2 lc rgb vs_grey\n", p->n_low, p->n_low);
    fputs("set label 2 ", f);
    vs_gp_put_q(&c->g, f, p->above);
    fprintf(f, " at graph 1, first %zu.5 offset 0.6, 0.55 left font ',7' "
               "textcolor rgb vs_grey noenhanced\n", p->n_low);
    fputs("set label 3 ", f);
    vs_gp_put_q(&c->g, f, p->below);
    fprintf(f, " at graph 1, first %zu.5 offset 0.6, -0.55 left font ',7' "
               "textcolor rgb vs_grey noenhanced\n", p->n_low);
}

/* The bars and whiskers (or a note when there is only the baseline). */
static void alloc_plot(ctx *c, FILE *f, const alloc_page *p)
{
    if (c->K == 0) {
        fputs("set label 4 ", f);
        vs_gp_put_q(&c->g, f, c->L->only_baseline);
        fputs(" at graph 0.5, graph 0.5 center noenhanced\n"
              "plot NaN notitle\n", f);
        return;
    }
    fputs("set key", f);
    vs_gp_put_at(f, p->W, p->H, 0.5, 0.3 + p->notes_h + p->key_h);
    fprintf(f, " left top Left reverse vertical maxrows %zu noenhanced\n",
            c->K);
    fputs("set errorbars 0.6\nplot \\\n", f);
    for (size_t v = 0; v < c->V; v++) {
        if (v == c->base)
            continue;
        fprintf(f, "  'chart_allocation.csv' skip 1 using ($3 == %zu ? $7 / U : "
                   "NaN):5:($7 < 0 ? $7 / U : 0):($7 < 0 ? 0 : $7 / U):"
                   "($5 - $6):($5 + $6) with boxxyerror lt %d title t_v%zu, \\\n",
                v, c->slot[v], v);
    }
    fputs("  'chart_allocation.csv' skip 1 using ($7 / U):5:($8 / U):($9 / U) "
          "with xerrorbars lc rgb vs_ink lw 0.7 pt 7 ps 0 notitle\n", f);
}

static void write_allocation(ctx *c)
{
    double lo, hi, label_w;
    char buf[160];
    if (!alloc_data(c, &lo, &hi))
        return;
    alloc_page p;
    memset(&p, 0, sizeof p);
    if (!alloc_labels(c, &p, &label_w))
        goto done;
    alloc_layout(c, &p, label_w, lo, hi);
    double W = p.W, H = p.H;
    FILE *f = script_begin(c, "allocation",
                 "change in allocation per centre against the baseline",
                 "chart_allocation.csv", W, H);
    if (!f)
        goto done;
    vs_gp_assign(&c->g, f, "t_title", c->L->alloc_title);
    snprintf(buf, sizeof buf, "%s (%s)", c->L->alloc_axis, p.unit);
    vs_gp_assign(&c->g, f, "t_axis", buf);
    vs_gp_assign(&c->g, f, "t_note", c->L->alloc_note);
    vs_gp_assign(&c->g, f, "t_baseline_is", c->L->baseline_is);
    vs_gp_assign(&c->g, f, "t_cni", c->L->cni);

    fputs("\n# Columns of chart_allocation.csv: 3 variant number, 4 colour, "
          "5 bar centre,\n# 6 bar half-height, 7 change (SEK), 8-9 its 5th "
          "and 95th percentiles.\nU = ", f);
    vs_gp_put_num(f, p.div);
    fputs("  # SEK per axis unit\n", f);
    vs_gp_put_margins(f, W, H, p.left, p.right, p.bottom, H - p.top_h);
    /* Titles as labels on the page: gnuplot centres `set title` over the
     * plot, which the long tick labels push to the right. */
    vs_gp_put_titles(f, W, H);
    fputs("set label 103 t_baseline_is . t_baseline", f);
    vs_gp_put_at(f, W, H, 0.5, 0.3 + p.notes_h - 0.35);
    fputs(" left font ',7' noenhanced\nset label 104 t_note", f);
    vs_gp_put_at(f, W, H, 0.5, 0.3 + 0.1);
    fputs(" left font ',7' noenhanced\n", f);
    fputs("set xlabel t_axis noenhanced\n", f);
    vs_gp_put_axis(&c->g, f, "x", &p.ax);
    fputs("unset grid\nset grid xtics back lc rgb vs_light\n"
          "set yzeroaxis lt -1 lc rgb vs_ink lw 1\n", f);
    alloc_rows(c, f, &p);
    alloc_plot(c, f, &p);
done:
    for (size_t r = 0; p.labels && r < c->C; r++)
        free(p.labels[r]);
    free(p.labels);
}

/* ------------------------------------------------------------------ */
/* 2. concentration: cumulative money against cumulative population    */

/* chart_curves.csv: per centre by CNI rank, the cumulative shares of the
 * listed, the need and each variant's money, and each variant's shift.
 * Sets the range of the shifts.  Returns 0 when the file could not be
 * opened or memory ran out (recorded). */
static int conc_data(ctx *c, double *lo_out, double *hi_out)
{
    const vs_scenario *sc = c->sc;
    const vs_results *res = c->res;
    size_t C = c->C, V = c->V;
    double P = 0, N = 0, *A = calloc(V, sizeof *A), *cum = calloc(V, sizeof *cum);
    int ok = 0;
    if (!A || !cum) {
        vs_gp_fail(&c->g, vs_err_set(c->g.err, VS_ENOMEM, NULL, 0, "out of memory"));
        goto done;
    }
    for (size_t i = 0; i < C; i++) {
        P += res->point_listed[i];
        N += vs_results_need(res, i);
        for (size_t v = 0; v < V; v++)
            A[v] += (double)cstat(c, v, i)->point;
    }

    /* Columns: 1 rank, 2 centre, 3 cni, 4 cum. listed %, 5 cum. need %,
     * 6.. cum. money % per variant (file order), then per non-baseline
     * variant the shift: baseline curve minus its curve, in points. */
    FILE *d = vs_gp_open(&c->g, "chart_curves.csv");
    if (!d)
        goto done;
    fputs("rank,centre,cni,cum_listed,cum_need", d);
    for (size_t v = 0; v < V; v++) {
        fputs(",cum_", d);
        vs_gp_put_id(d, sc->variants[v].id);
    }
    for (size_t v = 0; v < V; v++)
        if (v != c->base) {
            fputs(",shift_", d);
            vs_gp_put_id(d, sc->variants[v].id);
        }
    fputs("\n0,,,0,0", d);
    for (size_t v = 0; v < V; v++)
        fputs(",0", d);
    for (size_t v = 0; v < c->K; v++)
        fputs(",0", d);
    fputc('\n', d);
    double lo = 0, hi = 0, cl = 0, cn = 0;
    for (size_t r = 0; r < C; r++) {
        size_t i = c->order[r];
        cl += res->point_listed[i];
        cn += vs_results_need(res, i);
        for (size_t v = 0; v < V; v++)
            cum[v] += (double)cstat(c, v, i)->point;
        fprintf(d, "%zu,", r + 1);
        vs_gp_put_id(d, sc->centres[i].id);
        fputc(',', d);
        vs_gp_put_cell(d, res->point_cni[i]);
        fputc(',', d);
        vs_gp_put_cell(d, P > 0 ? 100 * cl / P : NAN);
        fputc(',', d);
        vs_gp_put_cell(d, N > 0 ? 100 * cn / N : NAN);
        for (size_t v = 0; v < V; v++) {
            fputc(',', d);
            vs_gp_put_cell(d, A[v] != 0 ? 100 * cum[v] / A[v] : NAN);
        }
        double b = A[c->base] != 0 ? 100 * cum[c->base] / A[c->base] : NAN;
        for (size_t v = 0; v < V; v++) {
            if (v == c->base)
                continue;
            double s = b - (A[v] != 0 ? 100 * cum[v] / A[v] : NAN);
            fputc(',', d);
            vs_gp_put_cell(d, s);
            if (isfinite(s)) {
                lo = fmin(lo, s);
                hi = fmax(hi, s);
            }
        }
        fputc('\n', d);
    }

    *lo_out = lo, *hi_out = hi;
    ok = 1;
done:
    free(A);
    free(cum);
    return ok;
}

/* Layout in cm, from the bottom: the key, the shift panel (with its axis
 * title), the curves, the titles. */
typedef struct conc_page {
    double W, left, right, key_h, shift_y0, shift_y1, curve_y0, curve_y1, H;
} conc_page;

static void conc_curves_panel(ctx *c, FILE *f, const conc_page *p)
{
    size_t V = c->V;
    double W = p->W, H = p->H, left = p->left, right = p->right;
    double key_h = p->key_h, curve_y0 = p->curve_y0, curve_y1 = p->curve_y1;
    vs_gp_axis pct;
    vs_gp_axis_fit(&pct, 0, 100, 5, 0);
    vs_gp_put_margins(f, W, H, left, right, curve_y0, curve_y1);
    vs_gp_put_axis(&c->g, f, "x", &pct);
    vs_gp_put_axis(&c->g, f, "y", &pct);
    fputs("set ylabel t_y\nset key", f);
    vs_gp_put_at(f, W, H, 0.5, 0.3 + key_h);
    fprintf(f, " left top Left reverse vertical maxrows %zu noenhanced\n", V + 2);
    fputs("plot x with lines dt 3 lw 1.2 lc rgb vs_grey title t_equal, \\\n"
          "  'chart_curves.csv' skip 1 using 4:5 with lines dt 2 lw 2.5 "
          "lc rgb vs_ink title t_need", f);
    for (size_t v = 0; v < V; v++) {
        if (v == c->base)
            continue;
        fprintf(f, ", \\\n  'chart_curves.csv' skip 1 using 4:%zu with lines "
                   "lt %d lw 2 title t_v%zu", 6 + v, c->slot[v], v);
    }
    /* The baseline last, thinner, so it stays visible on top. */
    fprintf(f, ", \\\n  'chart_curves.csv' skip 1 using 4:%zu with lines lt 1 "
               "lw 1 title t_v%zu . t_base_suffix\n", 6 + c->base, c->base);

}

/* The shift of each variant against the baseline. */
static void conc_shift_panel(ctx *c, FILE *f, const conc_page *p, double lo,
                             double hi)
{
    size_t V = c->V;
    double W = p->W, H = p->H, left = p->left, right = p->right;
    double shift_y0 = p->shift_y0, shift_y1 = p->shift_y1;
    pad(&lo, &hi, 0.08);
    vs_gp_axis sh;
    vs_gp_axis_fit(&sh, lo, hi, 4, 0);
    vs_gp_put_margins(f, W, H, left, right, shift_y0, shift_y1);
    fputs("unset key; unset label 101; unset label 102\n"
          "set ylabel t_shift font ',7'\nset xlabel t_x\n", f);
    vs_gp_put_axis(&c->g, f, "y", &sh);
    fputs("set xzeroaxis lt -1 lc rgb vs_ink lw 1\n"
          "set label 1 t_shift_note", f);
    vs_gp_put_at(f, W, H, left, shift_y1 + 0.2);
    fputs(" left font ',7' textcolor rgb vs_ink noenhanced\n", f);
    if (c->K == 0) {
        fputs("set label 2 ", f);
        vs_gp_put_q(&c->g, f, c->L->only_baseline);
        fputs(" at graph 0.5, graph 0.5 center noenhanced\nplot NaN notitle\n",
              f);
    } else {
        fputs("plot ", f);
        size_t j = 0;
        for (size_t v = 0; v < V; v++) {
            if (v == c->base)
                continue;
            fprintf(f, "%s'chart_curves.csv' skip 1 using 4:%zu with lines "
                       "lt %d lw 2 notitle", j ? ", \\\n  " : "",
                    6 + V + j, c->slot[v]);
            j++;
        }
        fputc('\n', f);
    }
}

static void write_concentration(ctx *c)
{
    double lo, hi;
    if (!conc_data(c, &lo, &hi))
        return;
    conc_page p;
    p.W = 16, p.left = 2.7, p.right = p.W - 0.5;
    p.key_h = 0.48 * (double)(c->V + 2) + 0.2;
    p.shift_y0 = 0.3 + p.key_h + 1.6, p.shift_y1 = p.shift_y0 + 5.5;
    p.curve_y0 = p.shift_y1 + 1.2, p.curve_y1 = p.curve_y0 + 8.5;
    p.H = p.curve_y1 + 2.0;
    double W = p.W, H = p.H;
    FILE *f = script_begin(c, "concentration",
                 "concentration curves of money and need by CNI rank",
                 "chart_curves.csv", W, H);
    if (!f)
        return;
    vs_gp_assign(&c->g, f, "t_title", c->L->conc_title);
    vs_gp_assign(&c->g, f, "t_x", c->L->conc_x);
    vs_gp_assign(&c->g, f, "t_y", c->L->conc_y);
    vs_gp_assign(&c->g, f, "t_equal", c->L->conc_equal);
    vs_gp_assign(&c->g, f, "t_need", c->L->conc_need);
    vs_gp_assign_lines(&c->g, f, "t_shift", c->L->conc_shift_y);
    vs_gp_assign(&c->g, f, "t_shift_note", c->L->conc_shift_note);
    vs_gp_assign(&c->g, f, "t_base_suffix", c->L->base_suffix);
    fputs("\n# Columns of chart_curves.csv: 4 cumulative share of listed (%), "
          "5 of need,\n# 6 onwards of money per variant, then the shifts "
          "(percentage points).\n", f);
    fputs("set multiplot\n", f);
    vs_gp_put_titles(f, W, H);
    conc_curves_panel(c, f, &p);
    conc_shift_panel(c, f, &p, lo, hi);
    fputs("unset multiplot\n", f);
}

/* ------------------------------------------------------------------ */
/* 3. metrics: each equity metric per variant, point and interval      */

/* Metrics that are shares are shown in per cent. */
static double metric_scale(int m)
{
    return m == VS_M_DISSIMILARITY || m == VS_M_HIGH_NEED_SHARE ||
                   m == VS_M_MAX_LOSS
               ? 100
               : 1;
}

/* P(better than baseline) as a short label: "97 %", ">99 %", "<1 %". */
static void p_label(const ctx *c, double p, char *buf, size_t n)
{
    const char *pc = c->g.sv ? " %" : "%";
    if (!isfinite(p))
        snprintf(buf, n, "\xe2\x80\x93"); /* – */
    else if (p > 0.995 && p < 1)
        snprintf(buf, n, ">99%s", pc);
    else if (p > 0 && p < 0.005)
        snprintf(buf, n, "<1%s", pc);
    else
        snprintf(buf, n, "%.0f%s", 100 * p, pc);
}

/* chart_metrics.csv: values as shown (shares in per cent).  Returns 0
 * when the file could not be opened. */
static int metrics_data(ctx *c)
{
    size_t V = c->V;
    FILE *d = vs_gp_open(&c->g, "chart_metrics.csv");
    if (!d)
        return 0;
    fputs("metric,variant,m,v,slot,row,point,p05,p95,p_better\n", d);
    for (int m = 0; m < VS_M_COUNT; m++)
        for (size_t v = 0; v < V; v++) {
            const vs_stat *s = &c->res->stats[v * VS_STAT_COUNT + (size_t)m];
            double k = metric_scale(m);
            fprintf(d, "%s,", vs_metric_name((vs_metric)m));
            vs_gp_put_id(d, c->sc->variants[v].id);
            fprintf(d, ",%d,%zu,%d,%zu,", m, v, c->slot[v], V - v);
            vs_gp_put_cell(d, k * s->point);
            fputc(',', d);
            vs_gp_put_cell(d, k * s->p05);
            fputc(',', d);
            vs_gp_put_cell(d, k * s->p95);
            fputc(',', d);
            vs_gp_put_cell(d, s->p_better);
            fputc('\n', d);
        }
    return 1;
}

/* Layout in cm: titles, 4 rows of 2 panels (each with a header of up to
 * two lines and its tick labels), the key (drawn as labels, one entry per
 * variant with its warning), the notes. */
typedef struct metrics_page {
    double W, H, title_h, ph, head_h, cell, key_h, note_h, row_h;
    double names_w; /* the variants' names left of the first column */
    double p_w;     /* the P(better) column right of each panel */
    size_t name_chars, name_lines;
    size_t title_chars;          /* of a panel title on one line */
    int two_lines[VS_M_COUNT];   /* the panel's title takes two lines */
    size_t key_chars, key_lines; /* the key's entries, all lines */
    size_t note_lines;
    int any_same;                /* some variant has no difference */
} metrics_page;

/* The range of metric m over the variants (shown scale); 0 when no value
 * is defined. */
static int metric_range(const ctx *c, int m, double *lo_out, double *hi_out)
{
    double lo = INFINITY, hi = -INFINITY, k = metric_scale(m);
    for (size_t v = 0; v < c->V; v++) {
        const vs_stat *s = &c->res->stats[v * VS_STAT_COUNT + (size_t)m];
        double x[3] = {s->point, s->p05, s->p95};
        for (int q = 0; q < 3; q++)
            if (isfinite(x[q])) {
                lo = fmin(lo, k * x[q]);
                hi = fmax(hi, k * x[q]);
            }
    }
    int defined = lo <= hi;
    if (!defined)
        lo = 0, hi = 1;
    else if (hi > lo)
        pad(&lo, &hi, 0.06);
    *lo_out = lo, *hi_out = hi;
    return defined;
}

/* Variant v's allocation is within 1 öre of the baseline's everywhere
 * (docs/methods.md, "No difference"): its P(better) and difference are
 * rounding, shown as "no difference". */
static int metrics_same(const ctx *c, size_t v)
{
    return v != c->base && c->res->no_difference &&
           c->res->no_difference[v];
}

/* Panel m: its header, axis, the baseline's value, P(better) labels and
 * the points with their intervals. */
static void metrics_panel(ctx *c, FILE *f, const metrics_page *p, int m)
{
    size_t V = c->V;
    double W = p->W, H = p->H, k = metric_scale(m), lo, hi;
    char buf[128];
    int defined = metric_range(c, m, &lo, &hi);
    double col = (double)(m % 2), row = (double)(m / 2);
    double col_w = (W - p->names_w) / 2;
    double x0 = p->names_w + col * col_w + 0.3;
    double x1 = p->names_w + (col + 1) * col_w - p->p_w;
    vs_gp_axis ax;
    /* Tick labels at 7 pt, measured generously (gnuplot's spacing). */
    vs_gp_axis_fit_room(c->g.sv, &ax, lo, hi, fmin(x1 - x0, 4.5), 9,
                        m == VS_M_LOSERS ? 1 : 0);
    double top = H - p->title_h - row * p->cell - p->head_h;
    fprintf(f, "\n# Panel %d: %s\n", m + 1, vs_metric_name((vs_metric)m));
    fputs("set xtics font ',7'\n", f);
    vs_gp_put_margins(f, W, H, x0, x1, top - p->ph, top);
    fprintf(f, "unset label 3; unset arrow 1\nset label 1 t_m%d", m);
    vs_gp_put_at(f, W, H, x0, top + (p->two_lines[m] ? 0.95 : 0.55));
    fprintf(f, " left font ',7.5' noenhanced\nset label 2 t_better%d", m);
    vs_gp_put_at(f, W, H, x0, top + 0.17);
    fputs(" left font ',7' textcolor rgb vs_grey noenhanced\n", f);
    vs_gp_put_axis(&c->g, f, "x", &ax);
    /* Each row names its variant: the names left of the first column
     * (the second column's rows are the same). */
    if (m % 2 == 0) {
        fprintf(f, "set ytics scale 0 font '%s' noenhanced (",
                p->name_lines > 1 ? ",6.5" : ",7");
        for (size_t v = 0; v < V; v++)
            fprintf(f, "%st_row%zu %zu", v ? ", " : "", v, V - v);
        fputs(")\n", f);
    } else {
        fputs("unset ytics\n", f);
    }
    /* The column of P(better) is headed as such, so a share never reads
     * as a loss. */
    fputs("set label 4 t_p_head at graph 1, graph 1 offset 0.8, 0.45 left "
          "font ',6.5' textcolor rgb vs_grey noenhanced\n", f);
    const vs_stat *bs = &c->res->stats[c->base * VS_STAT_COUNT + (size_t)m];
    if (isfinite(bs->point)) {
        fputs("set arrow 1 from ", f);
        vs_gp_put_num(f, k * bs->point);
        fputs(", graph 0 to ", f);
        vs_gp_put_num(f, k * bs->point);
        fputs(", graph 1 nohead dt 2 lc rgb vs_grey\n", f);
    }
    for (size_t v = 0; v < V; v++) {
        const vs_stat *s = &c->res->stats[v * VS_STAT_COUNT + (size_t)m];
        int same = metrics_same(c, v);
        if (v == c->base)
            snprintf(buf, sizeof buf, "%s", c->L->met_base);
        else if (same)
            snprintf(buf, sizeof buf, "%s", c->L->met_same);
        else
            p_label(c, s->p_better, buf, sizeof buf);
        fprintf(f, "set label %zu ", 10 + v);
        vs_gp_put_q(&c->g, f, buf);
        fprintf(f, " at graph 1, first %zu offset 0.8, 0 left font '%s' "
                   "%snoenhanced\n", V - v,
                v == c->base || same ? ",6.5" : ",7.5",
                v == c->base || same ? "textcolor rgb vs_grey " : "");
    }
    if (!defined) {
        fputs("set label 3 ", f);
        vs_gp_put_q(&c->g, f, "\xe2\x80\x93"); /* – */
        fputs(" at graph 0.5, graph 0.5 center\n", f);
    }
    fprintf(f, "plot 'chart_metrics.csv' skip 1 using ($3 == %d ? $7 : "
               "NaN):6:8:9:($6 - 0.14):($6 + 0.14):5 with boxxyerror "
               "fs solid 0.35 lc variable notitle, \\\n"
               "  'chart_metrics.csv' skip 1 using ($3 == %d ? $7 : NaN):"
               "6:5 with points pt 7 ps 1.0 lc variable notitle, \\\n"
               "  'chart_metrics.csv' skip 1 using ($3 == %d ? $7 : NaN):"
               "6 with points pt 6 ps 1.0 lc rgb vs_ink lw 0.6 notitle\n",
            m, m, m);
    if (m == 0)
        fputs("unset label 101; unset label 102\n", f);
}

/* Text with each % doubled, for an explicit tic label (gnuplot reads it
 * as a format). */
static void tic_text(const char *text, char *buf, size_t n)
{
    size_t k = 0;
    for (const char *q = text; *q && k + 2 < n; q++) {
        buf[k++] = *q;
        if (*q == '%')
            buf[k++] = '%';
    }
    buf[k] = '\0';
}

/* The key's text of variant v: its name, "(baseline)", its warning. */
static void metrics_key_text(const ctx *c, const vs_warn_src *w, size_t v,
                             char *buf, size_t n)
{
    char mark[400];
    vs_warnings_mark(w, v, c->g.sv, mark, sizeof mark);
    snprintf(buf, n, "%s%s%s%s", c->sc->variants[v].name,
             v == c->base ? c->L->base_suffix : "", *mark ? "  " : "", mark);
}

/* The titles of the panels (wrapped to their column: never cut or run
 * into the next), the rows' names, the key and the notes. */
static void metrics_texts(ctx *c, FILE *f, metrics_page *p,
                          const vs_warn_src *w)
{
    char buf[1024];
    const vs_scenario *sc = c->sc;
    vs_gp_assign(&c->g, f, "t_title", c->L->met_title);
    vs_gp_assign_lines(&c->g, f, "t_note", c->L->met_note);
    vs_gp_fill(buf, sizeof buf, c->L->met_same_note,
               vs_scenario_centre_term(sc, 0));
    vs_gp_assign_wrapped(&c->g, f, "t_same", buf, p->key_chars, 2);
    vs_gp_assign(&c->g, f, "t_p_head", c->L->met_p_head);
    for (int m = 0; m < VS_M_COUNT; m++) {
        char var[24];
        snprintf(var, sizeof var, "t_m%d", m);
        vs_gp_metric_words(sc, m, c->g.sv, buf, sizeof buf);
        p->two_lines[m] = vs_gp_wrap_lines(buf, p->title_chars) > 1;
        vs_gp_assign_wrapped(&c->g, f, var, buf, p->title_chars, 2);
        snprintf(var, sizeof var, "t_better%d", m);
        vs_gp_assign(&c->g, f, var, vs_gp_better_words(m, c->g.sv));
    }
    for (size_t v = 0; v < c->V; v++) {
        char var[32], name[1024];
        /* A variant with a warning is marked where it is named. */
        vs_warnings_mark(w, v, c->g.sv, buf, sizeof buf);
        snprintf(name, sizeof name, "%s%s", *buf ? "\xe2\x9a\xa0 " : "",
                 sc->variants[v].name);
        tic_text(name, buf, sizeof buf);
        snprintf(var, sizeof var, "t_row%zu", v);
        vs_gp_assign_wrapped(&c->g, f, var, buf, p->name_chars,
                             (int)p->name_lines);
        metrics_key_text(c, w, v, buf, sizeof buf);
        snprintf(var, sizeof var, "t_key%zu", v);
        vs_gp_assign_wrapped(&c->g, f, var, buf, p->key_chars, 4);
    }
}

/* The page: rows as tall as the names need (two lines at most), the key
 * as tall as its entries. */
static void metrics_layout(const ctx *c, metrics_page *p,
                           const vs_warn_src *w)
{
    size_t V = c->V;
    p->W = 16, p->title_h = 1.9;
    /* The names column as wide as the names, up to 4.4 cm. */
    p->names_w = 2.5, p->p_w = 2.2;
    for (size_t v = 0; v < V; v++)
        p->names_w = fmax(p->names_w,
                          0.6 + vs_gp_text_cm(c->sc->variants[v].name, 7));
    p->names_w = fmin(p->names_w, 4.4);
    p->name_chars = vs_gp_chars_in(p->names_w - 0.4, 7);
    p->name_lines = 1;
    for (size_t v = 0; v < V; v++) {
        size_t n = vs_gp_wrap_lines(c->sc->variants[v].name, p->name_chars);
        p->name_lines = n > p->name_lines ? n : p->name_lines;
    }
    p->name_lines = p->name_lines > 2 ? 2 : p->name_lines;
    p->head_h = 1.15; /* two lines of title, one of "lower is better" */
    /* Names on two lines while the page stays within an A4 page of text
     * (24 cm); else one line each, cut (the key below has them whole). */
    if (p->name_lines > 1 &&
        p->title_h + 4 * (p->head_h + 0.75 * (double)V + 0.2 + 0.95) > 21)
        p->name_lines = 1;
    p->row_h = p->name_lines > 1 ? 0.75 : 0.4;
    p->ph = p->row_h * (double)V + 0.2;
    p->cell = p->head_h + p->ph + 0.95; /* and the tick labels */
    p->title_chars = vs_gp_chars_in((p->W - p->names_w) / 2 - 0.4, 7.5);
    p->key_chars = vs_gp_chars_in(p->W - 1.8, 8);
    p->key_lines = 0;
    for (size_t v = 0; v < V; v++) {
        char buf[1024];
        metrics_key_text(c, w, v, buf, sizeof buf);
        size_t n = vs_gp_wrap_lines(buf, p->key_chars);
        p->key_lines += n > 4 ? 4 : n;
        p->any_same |= metrics_same(c, v);
    }
    if (p->any_same) /* "ingen skillnad" is wider than "97 %" */
        p->p_w = 2.7;
    p->key_h = 0.42 * (double)p->key_lines + 0.12 * (double)V + 0.3;
    p->note_lines = 2 + (p->any_same ? 2 : 0);
    p->note_h = 0.4 * (double)p->note_lines + 0.3;
    p->H = p->title_h + 4 * p->cell + 0.1 + p->key_h + p->note_h;
}

/* The key below the panels as labels (an entry of several lines would
 * print over the next one): each variant's colour, name and warning;
 * then the notes. */
static void metrics_key(ctx *c, FILE *f, const metrics_page *p,
                        const vs_warn_src *w)
{
    double W = p->W, H = p->H, x = 0.9, y = p->note_h + p->key_h - 0.3;
    fputs("\n# The key: one entry per variant, in the panels' order.\n", f);
    vs_gp_key_strip(f, W, H, 0.1, p->note_h + p->key_h, 1);
    fputs("unset key; unset label\n", f);
    for (size_t v = 0; v < c->V; v++) {
        char buf[1024];
        metrics_key_text(c, w, v, buf, sizeof buf);
        size_t n = vs_gp_wrap_lines(buf, p->key_chars);
        fprintf(f, "set label %zu t_key%zu", 10 + v, v);
        vs_gp_put_at(f, W, H, x, y);
        fprintf(f, " left point pt 7 ps 1.2 lt %d offset 1.3, 0 "
                   "noenhanced\n", c->slot[v]);
        y -= 0.42 * (double)(n > 4 ? 4 : n) + 0.12;
    }
    fputs("set label 1 t_note", f);
    vs_gp_put_at(f, W, H, 0.5, p->note_h - 0.35);
    fputs(" left font ',7' textcolor rgb vs_ink noenhanced\n", f);
    if (p->any_same) {
        fputs("set label 2 t_same", f);
        vs_gp_put_at(f, W, H, 0.5, p->note_h - 0.35 - 0.8);
        fputs(" left font ',7' textcolor rgb vs_ink noenhanced\n", f);
    }
    fputs("plot NaN notitle\n", f);
}

static void write_metrics(ctx *c)
{
    size_t V = c->V;
    if (!metrics_data(c))
        return;
    vs_warn_src w = vs_warn_src_of(c->sc, c->res);
    metrics_page p;
    memset(&p, 0, sizeof p);
    metrics_layout(c, &p, &w);
    double W = p.W, H = p.H;
    FILE *f = script_begin(c, "metrics",
                 "equity metrics per variant with 90 % intervals",
                 "chart_metrics.csv", W, H);
    if (!f)
        return;
    metrics_texts(c, f, &p, &w);
    fputs("\n# Columns of chart_metrics.csv: 3 metric number, 4 variant "
          "number, 5 colour,\n# 6 row, 7 point, 8-9 5th and 95th "
          "percentiles (shares in per cent).\n", f);
    fputs("set multiplot\n", f);
    vs_gp_put_titles(f, W, H);
    fputs("unset grid\nset grid xtics back lc rgb vs_light\nunset ytics\n", f);
    fprintf(f, "set yrange [0.4:%zu.6]\n", V);
    for (int m = 0; m < VS_M_COUNT; m++)
        metrics_panel(c, f, &p, m);
    metrics_key(c, f, &p, &w);
    fputs("unset multiplot\n", f);
}

/* ------------------------------------------------------------------ */
/* 4. per_capita: funding per listed person against CNI                */

/* The per-capita chart's page: one panel per variant other than the
 * baseline (or the baseline alone), 1 to 3 columns; sizes in cm. */
typedef struct pc_page {
    size_t cols, rows;
    double W, left, title_h, cw, ph, head_h, cell, key_h, H;
    double clo, chi; /* the CNI axis */
    double *slope;   /* per variant: need-proportional SEK per listed per CNI */
    double *level;   /* per variant and centre: the need-proportional SEK
                        per listed person (the declared need's share) */
    int need_line;   /* need = listed x CNI: the level is a line in CNI */
    size_t title_chars, title_lines; /* panel titles, never cut */
    double maxl;     /* the most listed persons: a dot of size 1.7 */
    double ylo, yhi; /* the y axis (for placing names in cm) */
    /* The key, drawn as labels: each entry's text wrapped to key_chars,
     * and its lines (the baseline, the variant, the need, the dot sizes,
     * the names). */
    char base_text[400], need_text[400], named_text[300];
    size_t key_chars, key_lines[5];
} pc_page;

#define PC_KEY_LINE 0.42 /* cm per line of the key */
#define PC_KEY_GAP 0.12  /* cm between its entries */

/* The size of a dot for `listed` persons (column 8 of the data). */
static double pc_dot(const pc_page *p, double listed)
{
    return p->maxl > 0 ? 0.2 + 1.5 * sqrt(listed / p->maxl) : 1;
}

/* chart_per_capita.csv (columns: 3 variant number, 4 colour, 5 cni, 6
 * listed, 7 SEK per listed person, 8 point size, area in proportion to
 * listed), the CNI range and each variant's need line; the range of the
 * values into lo, hi.  Returns 0 when the file could not be opened or
 * memory ran out (recorded). */
static int pc_data(ctx *c, pc_page *p, double *lo_out, double *hi_out)
{
    const vs_scenario *sc = c->sc;
    const vs_results *res = c->res;
    size_t C = c->C, V = c->V;
    p->need_line = !res->point_need || (sc->need.base == VS_ATTR_LISTED &&
                                        sc->need.cni_share == VS_NONE);
    double maxl = 0, N = 0, clo = INFINITY, chi = -INFINITY;
    for (size_t i = 0; i < C; i++) {
        maxl = fmax(maxl, res->point_listed[i]);
        p->maxl = maxl;
        N += vs_results_need(res, i);
        clo = fmin(clo, res->point_cni[i]);
        chi = fmax(chi, res->point_cni[i]);
    }
    if (!(clo <= chi))
        clo = 0, chi = 2;
    double cpad = chi > clo ? 0.04 * (chi - clo) : 0.1;
    p->clo = clo -= cpad;
    p->chi = chi += cpad;

    FILE *d = vs_gp_open(&c->g, "chart_per_capita.csv");
    if (!d)
        return 0;
    fputs(p->need_line ? "variant,centre,v,slot,cni,listed,per_capita,size\n"
                       : "variant,centre,v,slot,cni,listed,per_capita,size,"
                         "need_level\n", d);
    double lo = INFINITY, hi = -INFINITY;
    double *slope = p->slope = calloc(V, sizeof *slope);
    p->level = calloc(V * C + 1, sizeof *p->level);
    if (!slope || !p->level) {
        vs_gp_fail(&c->g, vs_err_set(c->g.err, VS_ENOMEM, NULL, 0, "out of memory"));
        return 0;
    }
    for (size_t v = 0; v < V; v++) {
        double A = 0;
        for (size_t i = 0; i < C; i++)
            A += (double)cstat(c, v, i)->point / 100.0;
        for (size_t i = 0; i < C; i++) {
            double l = res->point_listed[i];
            double pc = l > 0 ? (double)cstat(c, v, i)->point / 100.0 / l : NAN;
            if (isfinite(pc)) {
                lo = fmin(lo, pc);
                hi = fmax(hi, pc);
            }
            vs_gp_put_id(d, sc->variants[v].id);
            fputc(',', d);
            vs_gp_put_id(d, sc->centres[i].id);
            fprintf(d, ",%zu,%d,", v, c->slot[v]);
            vs_gp_put_cell(d, res->point_cni[i]);
            fputc(',', d);
            vs_gp_put_cell(d, l);
            fputc(',', d);
            vs_gp_put_cell(d, pc);
            fputc(',', d);
            vs_gp_put_cell(d, pc_dot(p, l));
            if (!p->need_line) { /* column 9: the need-proportional level */
                fputc(',', d);
                vs_gp_put_cell(d, N > 0 && l > 0
                                     ? A * vs_results_need(res, i) / N / l
                                     : NAN);
            }
            fputc('\n', d);
        }
        /* Need-proportional funding per person at CNI x is A / N * x: the
         * line spans the chart, so the axis covers it too (how far the
         * centres are from it is the point of the chart). */
        slope[v] = N > 0 ? A / N : NAN;
        if (isfinite(slope[v]) && p->need_line) {
            lo = fmin(lo, slope[v] * clo);
            hi = fmax(hi, slope[v] * chi);
        }
        /* Each centre's level under the declared need: its share of the
         * need, per listed person (on the line when need = listed x CNI). */
        for (size_t i = 0; i < C; i++) {
            double l = res->point_listed[i];
            double lv = N > 0 && l > 0 ? A * vs_results_need(res, i) / N / l
                                       : NAN;
            p->level[v * C + i] = lv;
            if (isfinite(lv) && !p->need_line) {
                lo = fmin(lo, lv);
                hi = fmax(hi, lv);
            }
        }
    }
    *lo_out = lo, *hi_out = hi;
    return 1;
}

/* The key's texts and how many lines each takes (never cut). */
static void pc_key_texts(const ctx *c, pc_page *p)
{
    p->key_chars = vs_gp_chars_in(p->W - 1.8, 8);
    snprintf(p->base_text, sizeof p->base_text, "%s%s", c->L->pc_base,
             c->sc->variants[c->base].name);
    if (p->need_line) {
        snprintf(p->need_text, sizeof p->need_text, "%s", c->L->pc_need);
    } else { /* the declared need, in words */
        char need[160];
        vs_need_describe(c->sc, c->g.sv ? "sv" : "en", need, sizeof need);
        vs_gp_fill(p->need_text, sizeof p->need_text, c->L->pc_need_as, need);
    }
    vs_gp_fill(p->named_text, sizeof p->named_text, c->L->pc_named,
               vs_scenario_centre_term(c->sc, 1));
    p->key_lines[0] = vs_gp_wrap_lines(p->base_text, p->key_chars);
    p->key_lines[1] = c->K > 0;
    p->key_lines[2] = vs_gp_wrap_lines(p->need_text, p->key_chars);
    p->key_lines[3] = 1;
    p->key_lines[4] = vs_gp_wrap_lines(p->named_text, p->key_chars);
}

static void pc_layout(const ctx *c, pc_page *p)
{
    size_t panels = c->K ? c->K : 1;
    p->cols = panels == 1 ? 1 : panels <= 4 ? 2 : 3;
    p->rows = (panels + p->cols - 1) / p->cols;
    p->W = 16, p->left = 1.0, p->title_h = 1.9;
    p->cw = (p->W - p->left) / (double)p->cols;
    p->ph = p->cols == 1 ? 8.0 : p->cols == 2 ? 5.0 : 3.8;
    /* Panel titles (the variant names) on as many lines as they need:
     * never cut. */
    p->title_chars = vs_gp_chars_in(p->cw - 1.2, 7.5);
    if (p->title_chars < 8)
        p->title_chars = 8;
    p->title_lines = 2;
    for (size_t v = 0; v < c->V; v++) {
        size_t n = vs_gp_wrap_lines(c->sc->variants[v].name, p->title_chars);
        p->title_lines = n > p->title_lines ? n : p->title_lines;
    }
    if (p->title_lines > 6)
        p->title_lines = 6;
    p->head_h = 1.15 + 0.35 * (double)(p->title_lines - 2);
    p->cell = p->head_h + p->ph + 0.7; /* and the tick labels */
    pc_key_texts(c, p);
    p->key_h = 0.4;
    for (int k = 0; k < 5; k++)
        p->key_h += (double)p->key_lines[k] * PC_KEY_LINE +
                    (p->key_lines[k] ? PC_KEY_GAP : 0);
    p->H = p->title_h + (double)p->rows * p->cell + 0.6 /* x label */ +
           p->key_h;
}

/* The chart's text; panel titles are the variant names on the lines
 * they need. */
static void pc_texts(ctx *c, FILE *f, const pc_page *p)
{
    vs_gp_assign(&c->g, f, "t_title", c->L->pc_title);
    vs_gp_assign(&c->g, f, "t_y", c->L->pc_y);
    vs_gp_assign(&c->g, f, "t_x", c->L->cni);
    vs_gp_assign_wrapped(&c->g, f, "t_base_is", p->base_text, p->key_chars,
                         (int)p->key_lines[0]);
    vs_gp_assign(&c->g, f, "t_variant", c->L->pc_variant);
    vs_gp_assign_wrapped(&c->g, f, "t_need", p->need_text, p->key_chars,
                         (int)p->key_lines[2]);
    vs_gp_assign(&c->g, f, "t_size", c->L->pc_size);
    vs_gp_assign_wrapped(&c->g, f, "t_named", p->named_text, p->key_chars,
                         (int)p->key_lines[4]);
    for (size_t v = 0; v < c->V; v++) {
        char var[32];
        snprintf(var, sizeof var, "t_panel%zu", v);
        vs_gp_assign_wrapped(&c->g, f, var, c->sc->variants[v].name,
                             p->title_chars, (int)p->title_lines);
    }
}

/* The centres that stand out in variant v's panel, named: the three
 * furthest from their need-proportional level (relative to it).
 * Returns how many labels (20, 21, ...) were set. */
#define PC_NAMED 3
static int pc_names(ctx *c, FILE *f, const pc_page *p, size_t v, double pw_cm,
                    size_t best[PC_NAMED])
{
    double dev[PC_NAMED];
    int n = 0;
    for (size_t i = 0; i < c->C; i++) {
        double l = c->res->point_listed[i], lv = p->level[v * c->C + i];
        if (!(l > 0) || !(lv > 0))
            continue;
        double d = fabs((double)cstat(c, v, i)->point / 100.0 / l - lv) / lv;
        int at = n < PC_NAMED ? n++ : PC_NAMED;
        while (at > 0 && dev[at - 1] < d) { /* ties keep file order */
            if (at < PC_NAMED) {
                dev[at] = dev[at - 1];
                best[at] = best[at - 1];
            }
            at--;
        }
        if (at < PC_NAMED) {
            dev[at] = d;
            best[at] = i;
        }
    }
    /* Each name beside its dot, placed in centimetres within the panel
     * (then in data units): towards the middle of the panel first, else
     * the other side, a line up or down, at the first place where it
     * neither leaves the panel nor prints over a name placed before it.
     * The dots are ringed by the plot (pc_panels). */
    double xs = (p->chi - p->clo) / pw_cm, ys = (p->yhi - p->ylo) / p->ph;
    double box[PC_NAMED][4]; /* x0, x1, y0, y1 in cm */
    static const double dys[] = {0, 0.32, -0.32, 0.64, -0.64, 0.96, -0.96};
    for (int q = 0; q < n; q++) {
        size_t i = best[q];
        char name[4 * 32 + 1];
        vs_gp_shorten(c->sc->centres[i].name, 32, name, sizeof name);
        double x = c->res->point_cni[i];
        double y = (double)cstat(c, v, i)->point / 100.0 /
                   c->res->point_listed[i];
        double px = (x - p->clo) / xs, py = (y - p->ylo) / ys;
        double w = 1.1 * vs_gp_text_cm(name, 6);
        double gap = 0.2 + 0.07 * pc_dot(p, c->res->point_listed[i]);
        int pref = x > (p->clo + p->chi) / 2; /* 1: the name on the left */
        int side = pref, found = 0;
        double dy = 0;
        for (int t = 0; t < 2 * 7 && !found; t++) {
            int sd = t < 7 ? pref : !pref;
            double d = dys[t % 7];
            double b0 = sd ? px - gap - w : px + gap, b1 = b0 + w;
            double c0 = py + d - 0.16, c1 = py + d + 0.16;
            int fits = b0 >= -0.2 && b1 <= pw_cm + 0.2 && c0 >= 0 &&
                       c1 <= p->ph;
            for (int k = 0; k < q && fits; k++)
                fits = b1 < box[k][0] || b0 > box[k][1] || c1 < box[k][2] ||
                       c0 > box[k][3];
            if (fits || t == 0) {
                side = sd, dy = d;
                box[q][0] = b0, box[q][1] = b1, box[q][2] = c0, box[q][3] = c1;
                found = fits;
            }
        }
        fprintf(f, "set label %d ", 20 + q);
        vs_gp_put_q(&c->g, f, name);
        fputs(" at first ", f);
        vs_gp_put_num(f, x + (side ? -gap : gap) * xs);
        fputs(", first ", f);
        vs_gp_put_num(f, y + dy * ys);
        fprintf(f, " %s font ',6' textcolor rgb vs_ink noenhanced\n",
                side ? "right" : "left");
    }
    return n;
}

/* One panel per variant: its need line, its dots, the baseline's rings. */
static void pc_panels(ctx *c, FILE *f, const pc_page *p)
{
    double W = p->W, H = p->H;
    size_t k = 0;
    for (size_t v = 0; v < c->V; v++) {
        if (c->K > 0 && v == c->base)
            continue;
        double col = (double)(k % p->cols), row = (double)(k / p->cols);
        double x0 = p->left + col * p->cw + 1.0;
        double x1 = p->left + (col + 1) * p->cw - 0.45;
        double top = H - p->title_h - row * p->cell - p->head_h;
        fprintf(f, "\n# Panel %zu\n", k + 1);
        vs_gp_put_margins(f, W, H, x0, x1, top - p->ph, top);
        fprintf(f, "set label 3 t_panel%zu", v);
        vs_gp_put_at(f, W, H, x0, top + p->head_h - 0.3);
        fputs(" left font ',7.5' noenhanced\n", f);
        size_t best[PC_NAMED];
        int named = pc_names(c, f, p, v, x1 - x0, best);
        fputs("plot ", f);
        if (!p->need_line)
            fprintf(f, "'chart_per_capita.csv' skip 1 using ($3 == %zu ? $5 : "
                       "NaN):9 with points pt 2 ps 0.7 lw 1 lc rgb vs_ink "
                       "notitle, \\\n  ", v);
        else if (isfinite(p->slope[v])) {
            vs_gp_put_num(f, p->slope[v]);
            fputs(" * x with lines dt 2 lw 1.2 lc rgb vs_ink notitle, \\\n  ",
                  f);
        }
        if (v != c->base)
            fprintf(f, "'chart_per_capita.csv' skip 1 using ($3 == %zu ? $5 : "
                       "NaN):7:8 with points pt 7 ps variable lt %d notitle, "
                       "\\\n  ", v, c->slot[v]);
        fprintf(f, "'chart_per_capita.csv' skip 1 using ($3 == %zu ? $5 : "
                   "NaN):7:8 with points pt 6 ps variable lw 0.8 lc rgb "
                   "vs_grey notitle", c->base);
        /* The named centres ringed: numbers inline, after the command. */
        if (named > 0)
            fputs(", \\\n  '-' using 1:2:3 with points pt 6 ps variable lw 1 "
                  "lc rgb vs_ink notitle", f);
        fputc('\n', f);
        for (int q = 0; q < named; q++) {
            size_t i = best[q];
            vs_gp_put_num(f, c->res->point_cni[i]); /* ',': style.gp */
            fputc(',', f);
            vs_gp_put_num(f, (double)cstat(c, v, i)->point / 100.0 /
                                 c->res->point_listed[i]);
            fputc(',', f);
            vs_gp_put_num(f, pc_dot(p, c->res->point_listed[i]) + 0.6);
            fputc('\n', f);
        }
        if (named > 0)
            fputs("e\n", f);
        for (int q = 0; q < named; q++)
            fprintf(f, "unset label %d\n", 20 + q);
        if (k == 0)
            fputs("unset label 1; unset label 2; unset label 101; "
                  "unset label 102\n", f);
        k++;
    }
}

/* A tidy number of listed persons at most `x` (1, 2, 3 or 5 times a
 * power of ten), for the key of dot sizes. */
static double pc_round_listed(double x)
{
    if (!(x >= 1))
        return 1;
    double e = pow(10, floor(log10(x))), best = e;
    static const double steps[] = {2, 3, 5};
    for (int k = 0; k < 3; k++)
        if (steps[k] * e <= x)
            best = steps[k] * e;
    return best;
}

/* The key below the panels, drawn as labels with their marks (a key
 * entry of several lines would print over the next): the baseline's
 * rings, the variant's dots, the need, two dot sizes with their numbers
 * of listed persons, and which centres are named. */
static void pc_key(ctx *c, FILE *f, const pc_page *p)
{
    double W = p->W, H = p->H, x = 0.9, y = p->key_h - 0.3;
    fputs("\n# The key.\n", f);
    vs_gp_key_strip(f, W, H, 0.2, p->key_h, 1);
    fputs("unset key; unset label\n", f);
    int id = 1;
    fprintf(f, "set label %d t_base_is", id++);
    vs_gp_put_at(f, W, H, x, y);
    fputs(" left point pt 6 ps 1.4 lw 1 lc rgb vs_grey offset 1.3, 0 "
          "noenhanced\n", f);
    y -= (double)p->key_lines[0] * PC_KEY_LINE + PC_KEY_GAP;
    if (c->K > 0) {
        fprintf(f, "set label %d t_variant", id++);
        vs_gp_put_at(f, W, H, x, y);
        fputs(" left point pt 7 ps 1.4 lc rgb vs_ink offset 1.3, 0 "
              "noenhanced\n", f);
        y -= PC_KEY_LINE + PC_KEY_GAP;
    }
    if (p->need_line) {
        fprintf(f, "set arrow %d from screen ", id);
        vs_gp_put_num(f, (x - 0.4) / W);
        fputs(", screen ", f);
        vs_gp_put_num(f, y / H);
        fputs(" to screen ", f);
        vs_gp_put_num(f, (x + 0.15) / W);
        fputs(", screen ", f);
        vs_gp_put_num(f, y / H);
        fputs(" nohead dt 2 lw 1.2 lc rgb vs_ink\n", f);
        fprintf(f, "set label %d t_need", id++);
        vs_gp_put_at(f, W, H, x, y);
        fputs(" left offset 1.3, 0 noenhanced\n", f);
    } else {
        fprintf(f, "set label %d t_need", id++);
        vs_gp_put_at(f, W, H, x, y);
        fputs(" left point pt 2 ps 0.9 lw 1 lc rgb vs_ink offset 1.3, 0 "
              "noenhanced\n", f);
    }
    y -= (double)p->key_lines[2] * PC_KEY_LINE + PC_KEY_GAP;
    /* Dot sizes: the text, then two rings with their numbers. */
    fprintf(f, "set label %d t_size", id++);
    vs_gp_put_at(f, W, H, x - 0.35, y);
    fputs(" left noenhanced\n", f);
    double sx = x - 0.35 + 1.15 * vs_gp_text_cm(c->L->pc_size, 8) + 0.8;
    double big = pc_round_listed(p->maxl);
    double small = pc_round_listed(p->maxl / 5);
    double sizes[2] = {small, big};
    for (int k = 0; k < 2 && p->maxl > 0; k++) {
        char num[64], text[96];
        vs_gp_format_number(sizes[k], 0, c->g.sv, num, sizeof num);
        vs_gp_fill(text, sizeof text, c->L->pc_listed, num);
        fprintf(f, "set label %d ", id++);
        vs_gp_put_q(&c->g, f, text);
        vs_gp_put_at(f, W, H, sx, y);
        fputs(" left point pt 6 ps ", f);
        vs_gp_put_num(f, pc_dot(p, sizes[k]));
        fputs(" lw 1 lc rgb vs_grey offset 1.3, 0 noenhanced\n", f);
        sx += 1.15 * vs_gp_text_cm(text, 8) + 1.4;
        if (k == 0 && small == big)
            break;
    }
    y -= PC_KEY_LINE + PC_KEY_GAP;
    fprintf(f, "set label %d t_named", id++);
    vs_gp_put_at(f, W, H, x - 0.35, y);
    fputs(" left noenhanced\nplot NaN notitle\nunset multiplot\n", f);
}

static void write_per_capita(ctx *c)
{
    pc_page p;
    memset(&p, 0, sizeof p);
    double lo, hi;
    if (!pc_data(c, &p, &lo, &hi))
        goto done;
    pc_layout(c, &p);
    double W = p.W, H = p.H;
    if (lo > hi)
        lo = 0, hi = 1;
    pad(&lo, &hi, 0.03);
    vs_gp_axis ay, ax;
    vs_gp_axis_fit(&ay, lo, hi, 5, 0);
    vs_gp_axis_fit_room(c->g.sv, &ax, p.clo, p.chi, p.cw - 1.45, 7, 0);
    p.ylo = ay.lo, p.yhi = ay.hi;

    FILE *f = script_begin(c, "per_capita",
                 "funding per listed person against CNI, one panel per variant",
                 "chart_per_capita.csv", W, H);
    if (!f)
        goto done;
    pc_texts(c, f, &p);
    fputs("\n# Columns of chart_per_capita.csv: 3 variant number, 4 colour, "
          "5 cni,\n# 6 listed, 7 SEK per listed person, 8 point size.\n", f);
    fputs("set multiplot\n", f);
    vs_gp_put_titles(f, W, H);
    vs_gp_put_axis(&c->g, f, "x", &ax);
    vs_gp_put_axis(&c->g, f, "y", &ay);
    fputs("set tics font ',7'\n", f);
    /* Axis titles once for the page, as labels in the margins; they are
     * unset after the first panel so they are drawn once. */
    double panels_bottom = H - p.title_h - (double)p.rows * p.cell;
    fputs("set label 1 t_y", f);
    vs_gp_put_at(f, W, H, 0.45, (H - p.title_h + panels_bottom) / 2);
    fputs(" center rotate by 90 noenhanced\nset label 2 t_x", f);
    vs_gp_put_at(f, W, H, (p.left + W) / 2, panels_bottom - 0.3);
    fputs(" center noenhanced\n", f);
    pc_panels(c, f, &p);

    pc_key(c, f, &p);
done:
    free(p.slope);
    free(p.level);
}

/* ------------------------------------------------------------------ */
/* The output set                                                      */

static const char *const chart_names[] = {"allocation", "concentration",
                                          "metrics", "per_capita"};
#define N_CHARTS (sizeof chart_names / sizeof chart_names[0])

typedef struct ranked {
    double cni;
    size_t i;
} ranked;

static int by_cni(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->cni != y->cni)
        return x->cni < y->cni ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

int vs_charts_write(const vs_scenario *sc, const vs_results *res,
                    const char *dir, vs_outset *set, vs_gp_list *list,
                    vs_err *err)
{
    int st = vs_gp_check_names(sc, err);
    if (st != VS_OK)
        return st;
    if (res->n_centres == 0 || res->n_variants == 0)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "no centres or variants to chart");

    ctx c;
    memset(&c, 0, sizeof c);
    vs_gp_init(&c.g, dir, set, strcmp(sc->lang, "sv") == 0, list, err);
    c.sc = sc;
    c.res = res;
    c.L = c.g.sv ? &lang_sv : &lang_en;
    c.V = res->n_variants;
    c.C = res->n_centres;
    c.base = (size_t)sc->baseline;
    c.K = c.V - 1;
    snprintf(c.size_what, sizeof c.size_what, "%zu variants and %zu centres",
             c.V, c.C);
    c.order = malloc(c.C * sizeof *c.order);
    c.slot = malloc(c.V * sizeof *c.slot);
    ranked *rk = malloc(c.C * sizeof *rk);
    if (!c.order || !c.slot || !rk) {
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < c.C; i++)
        rk[i] = (ranked){res->point_cni[i], i};
    qsort(rk, c.C, sizeof *rk, by_cni);
    for (size_t i = 0; i < c.C; i++)
        c.order[i] = rk[i].i;
    /* The baseline is black (linetype 1); the others take the palette in
     * file order, the same colour in every chart. */
    for (size_t v = 0, j = 0; v < c.V; v++)
        c.slot[v] = v == c.base ? 1 : 2 + (int)(j++ % 7);

    FILE *f = vs_gp_open(&c.g, "style.gp");
    if (f)
        fputs(vs_gp_style(), f);
    write_allocation(&c);
    write_concentration(&c);
    write_metrics(&c);
    write_per_capita(&c);
    st = c.g.st;

    /* Images from an earlier run into this folder would show old numbers
     * beside the new tables: remove ours (and only ours), at the commit. */
    if (st == VS_OK)
        st = vs_gp_remove_old(set, dir, chart_names, N_CHARTS, 0, err);
done:
    free(rk);
    free(c.order);
    free(c.slot);
    return st;
}

int vs_charts_render_folder(const char *dir, const char *formats, vs_err *err)
{
    vs_gp_list list;
    vs_gp_list_init(&list);
    for (size_t k = 0; k < N_CHARTS; k++)
        snprintf(list.names[list.n++], sizeof list.names[0], "%s",
                 chart_names[k]);
    return vs_gp_render(dir, &list, formats, err);
}
