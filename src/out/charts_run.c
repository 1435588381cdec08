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

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/eval.h"
#include "model/centre_index.h"
#include "model/need.h"
#include "out/gp.h"
#include "out/warnings.h"
#include "util/csv_read.h"
#include "util/file.h"
#include "vardsim/metrics.h"

/* ------------------------------------------------------------------ */
/* Fixed text in both languages                                        */

typedef struct lang {
    const char *only_baseline;
    /* allocation */
    const char *alloc_title /* %s: the centre term */, *baseline_is, *cni, *above,
        *below; /* %s: the high-need threshold */
    /* concentration (the rest of its words: conc_text) */
    const char *conc_title, *conc_x, *base_suffix;
    /* metrics */
    const char *met_title, *met_note, *met_base, *met_p_head, *met_same,
        *met_same_note; /* %s: the centre term */
    /* per capita */
    const char *pc_title, *pc_y, *pc_base, *pc_variant, *pc_need, *pc_size,
        *pc_need_as, /* %s: the declared need */
        *pc_listed,  /* %s: a number of listed persons */
        *pc_named,   /* %s: the centre term, plural */
        *pc_all_level, /* a panel where no centre is beyond rounding */
        /* with a declared need: x is the need-proportional level */
        *pc_title_level, *pc_x_level,
        *pc_diag; /* %s: the declared need */
} lang;

static const lang lang_sv = {
    "Scenariot har bara jämförelsealternativet: inget att jämföra.",
    "Förändring per %s mot jämförelsealternativet",
    "Jämförelsealternativ: ",
    "CNI",
    "\xe2\x86\x91 CNI > %s",
    "\xe2\x86\x93 CNI \xe2\x89\xa4 %s",
    "Koncentrationskurvor: följer pengarna behovet?",
    "Kumulativ andel av listade (%), ordnade efter CNI, lägst först",
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
    "Namn: högst tre %s, de längst från sin behovsproportionella nivå (ringade); en skillnad under 1 kr räknas som avrundning",
    "alla på behovsnivån",
    "Finansiering per listad och år mot behovet",
    "Behovsproportionell nivå (kr per listad och år)",
    "Diagonalen: finansiering lika med behovsproportionell nivå, samma summa fördelad efter behov (ovanför: mer än behovet); %s",
};

static const lang lang_en = {
    "The scenario has only the baseline: nothing to compare.",
    "Change per %s against the baseline",
    "Baseline: ",
    "CNI",
    "\xe2\x86\x91 CNI > %s",
    "\xe2\x86\x93 CNI \xe2\x89\xa4 %s",
    "Concentration curves: does the money follow need?",
    "Cumulative share of listed persons (%), by CNI, lowest first",
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
    "Names: at most three %s, those furthest from their need-proportional level (ringed); a gap under 1 SEK counts as rounding",
    "all on the need level",
    "Funding per listed person and year against need",
    "Need-proportional level (SEK per listed person and year)",
    "Diagonal: funding equal to the need-proportional level, the same total split by need (above it: more than need); %s",
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
    const vs_charts_opts *opts; /* may be NULL */
    vs_warn_src warn;   /* each variant's warning mark */
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

/* The allocation chart's own words (docs/outputs.md, "Charts"). */
typedef struct alloc_text {
    const char *axis;  /* %s: the panel's unit */
    const char *total; /* "Total" */
    const char *unchanged; /* a total change of 0 öre */
    const char *of;    /* "%zu of %zu %s change" (%s: the centre term,
                          plural) */
    const char *none;  /* a variant that changes no centre (%s: the term) */
    const char *gain, *loss, *whisker, *note;
} alloc_text;

static const alloc_text alloc_sv = {
    "Förändring mot jämförelsealternativet (%s)",
    "Summa",
    "0 kr (oförändrad)",
    "%zu av %zu %s får en annan summa",
    "Ingen %s får en annan summa vid punktskattningen.",
    "Ökning (fylld stapel)",
    "Minskning (randig stapel)",
    "5\xe2\x80\x93" "95 % av förändringen över dragningarna",
    "Siffrorna till höger: förändringen vid punktskattningen och, inom "
    "parentes, i procent av jämförelsealternativets belopp.  Strecket: där 90 % av "
    "förändringarna hamnar över simuleringens dragningar (samma slumptal "
    "för alla alternativ); visas där stapeln finns eller intervallet inte "
    "rymmer 0.  Varje ruta har sin egen skala.",
};

static const alloc_text alloc_en = {
    "Change against the baseline (%s)",
    "Total",
    "0 SEK (unchanged)",
    "%zu of %zu %s get a different amount",
    "No %s gets a different amount at the point estimate.",
    "Increase (solid bar)",
    "Decrease (striped bar)",
    "5\xe2\x80\x93" "95 % of the change over the draws",
    "The figures on the right: the change at the point estimate and, in "
    "brackets, in per cent of the baseline's amount.  The whisker: where 90 % of the "
    "changes fall over the simulation's draws (the same random numbers for "
    "every variant); shown where the bar exists or the interval excludes "
    "0.  Each panel has its own scale.",
};

/* One panel: a variant and the centres it shows, bottom to top. */
typedef struct alloc_panel {
    size_t v, n;       /* variant; rows shown */
    size_t *rows;      /* centre indices, CNI ascending (top = highest) */
    size_t n_low;      /* rows at or below the high-need threshold */
    double div;        /* SEK per axis unit */
    const char *unit;
    int dec;           /* decimals of the value labels */
    vs_gp_axis ax;
    size_t name_lines, mark_lines; /* the head: the name, the total, the
                                      warning */
    double head_h;
    double y0, y1;     /* plot area, cm from the bottom of the page */
    char mark[256];
} alloc_panel;

typedef struct alloc_page {
    const alloc_text *T;
    alloc_panel *p;
    size_t n;          /* panels */
    double W, H, left, right, row, foot_h, note_lines, name_chars;
    double val_w;      /* the column of values right of the plot */
    double font;       /* points of the rows' labels and values */
    char above[96], below[96];
} alloc_page;

static vs_ore alloc_change(const ctx *c, size_t v, size_t i)
{
    return cstat(c, v, i)->point - cstat(c, c->base, i)->point;
}

/* A whisker only where it means something: the bar exists, or the
 * interval of the change over the draws does not hold 0 (docs/outputs.md). */
static int alloc_whisker(const ctx *c, size_t v, size_t i)
{
    const vs_centre_stat *s = cstat(c, v, i);
    if (!isfinite(s->change_p05) || !isfinite(s->change_p95))
        return 0;
    return alloc_change(c, v, i) != 0 || s->change_p05 > 0 ||
           s->change_p95 < 0;
}

/* The change in per cent of the baseline's amount (NaN without one). */
static double alloc_pct(const ctx *c, size_t v, size_t i)
{
    vs_ore b = cstat(c, c->base, i)->point;
    return b != 0 ? 100.0 * (double)alloc_change(c, v, i) / (double)b : NAN;
}

/* v with `decimals` and a sign: "+1 234", "−667" (U+2212), "0" when it
 * rounds to zero. */
static void alloc_signed(const ctx *c, double v, int decimals, char *buf,
                         size_t n)
{
    char num[60];
    double scale = pow(10, decimals);
    if (round(fabs(v) * scale) == 0) {
        fmt_num(c, 0, 0, buf, n);
        return;
    }
    fmt_num(c, v, decimals, num, sizeof num);
    snprintf(buf, n, "%s%s", v > 0 ? "+" : "", num);
}

/* The decimals a per cent needs: one, two below 0.1 %. */
static int pct_decimals(double q)
{
    return fabs(q) < 0.095 ? 2 : 1;
}

/* "+1 234 (+4,6 %)": the value in the panel's unit and its per cent. */
static void alloc_value_label(const ctx *c, const alloc_panel *p, size_t i,
                              char *buf, size_t n)
{
    char num[72], pct[72];
    alloc_signed(c, (double)alloc_change(c, p->v, i) / 100.0 / p->div, p->dec,
                 num, sizeof num);
    double q = alloc_pct(c, p->v, i);
    if (!isfinite(q)) {
        snprintf(buf, n, "%s", num);
        return;
    }
    alloc_signed(c, q, pct_decimals(q), pct, sizeof pct);
    snprintf(buf, n, "%s (%s %%)", num, pct);
}

/* The panels: the variants of --variants (in its order) or every variant
 * but the baseline (file order); in each the centres whose point change is
 * not 0 öre (every centre with --all-centres).  Returns 0 when out of
 * memory (recorded). */
static int alloc_panels(ctx *c, alloc_page *pg)
{
    const vs_charts_opts *o = c->opts;
    size_t *vs = calloc(c->V + 1, sizeof *vs);
    if (!vs)
        goto oom;
    pg->n = 0;
    if (o && o->variants && *o->variants) {
        /* ids were checked before the run (vs_charts_check_variants) */
        const char *s = o->variants;
        while (*s) {
            size_t len = strcspn(s, ",");
            for (size_t v = 0; v < c->V; v++)
                if (v != c->base && strlen(c->sc->variants[v].id) == len &&
                    strncmp(c->sc->variants[v].id, s, len) == 0) {
                    int dup = 0;
                    for (size_t k = 0; k < pg->n; k++)
                        dup |= vs[k] == v;
                    if (!dup && pg->n < c->V)
                        vs[pg->n++] = v;
                }
            s += len + (s[len] == ',');
        }
    } else {
        for (size_t v = 0; v < c->V; v++)
            if (v != c->base)
                vs[pg->n++] = v;
    }
    pg->p = calloc(pg->n ? pg->n : 1, sizeof *pg->p);
    if (!pg->p)
        goto oom;
    for (size_t k = 0; k < pg->n; k++) {
        alloc_panel *p = &pg->p[k];
        p->v = vs[k];
        if (!(p->rows = malloc((c->C ? c->C : 1) * sizeof *p->rows)))
            goto oom;
        for (size_t r = 0; r < c->C; r++) {
            size_t i = c->order[r];
            if ((o && o->all_centres) || alloc_change(c, p->v, i) != 0) {
                p->rows[p->n++] = i;
                p->n_low += !(c->res->point_cni[i] > c->sc->high_need_cni);
            }
        }
    }
    free(vs);
    return 1;
oom:
    free(vs);
    vs_gp_fail(&c->g, vs_err_set(c->g.err, VS_ENOMEM, NULL, 0, "out of memory"));
    return 0;
}

/* chart_allocation.csv: every variant but the baseline and every centre
 * (by CNI, lowest first), whether shown or not: panel (0 = top; -1 not
 * shown), row in the panel (1 = bottom), the change and its 5th and 95th
 * percentiles over the draws in SEK, whisker drawn (1/0), per cent of the
 * baseline's amount. */
static int alloc_data(ctx *c, const alloc_page *pg)
{
    char buf[160];
    /* row_of[i]: centre i's row in the variant's panel (0: not shown); a
     * search of the panel's rows per centre was quadratic, 49 s of a run
     * of 100,000 centres. */
    long *row_of = malloc((c->C ? c->C : 1) * sizeof *row_of);
    if (!row_of) {
        vs_gp_fail(&c->g, vs_err_set(c->g.err, VS_ENOMEM, NULL, 0, "out of memory"));
        return 0;
    }
    FILE *d = vs_gp_open(&c->g, "chart_allocation.csv");
    if (!d) {
        free(row_of);
        return 0;
    }
    fputs("variant,centre,v,panel,row,change,change_p05,change_p95,whisker,"
          "change_pct\n", d);
    for (size_t v = 0; v < c->V; v++) {
        if (v == c->base)
            continue;
        const alloc_panel *p = NULL;
        long panel = -1;
        for (size_t k = 0; k < pg->n; k++)
            if (pg->p[k].v == v)
                p = &pg->p[k], panel = (long)k;
        memset(row_of, 0, c->C * sizeof *row_of);
        for (size_t q = 0; p && q < p->n; q++)
            row_of[p->rows[q]] = (long)q + 1;
        for (size_t r = 0; r < c->C; r++) {
            size_t i = c->order[r];
            long row = row_of[i] ? row_of[i] : -1;
            const vs_centre_stat *s = cstat(c, v, i);
            vs_gp_put_id(d, c->sc->variants[v].id);
            fputc(',', d);
            vs_gp_put_id(d, c->sc->centres[i].id);
            fprintf(d, ",%zu,%ld,", v, row > 0 ? panel : -1L);
            vs_gp_put_cell(d, row > 0 ? (double)row : NAN);
            fprintf(d, ",%s,", vs_money_format(alloc_change(c, v, i), '.', buf,
                                               sizeof buf));
            vs_gp_put_cell(d, ore_to_sek(s->change_p05));
            fputc(',', d);
            vs_gp_put_cell(d, ore_to_sek(s->change_p95));
            fprintf(d, ",%d,", alloc_whisker(c, v, i));
            vs_gp_put_cell(d, alloc_pct(c, v, i));
            fputc('\n', d);
        }
    }
    free(row_of);
    return 1;
}

/* Tick label "name  CNI" of centre i. */
static void alloc_tick(const ctx *c, size_t i, int cni_d, char *buf, size_t n)
{
    char name[4 * 40 + 1], num[64];
    vs_gp_shorten(c->sc->centres[i].name, 40, name, sizeof name);
    fmt_num(c, c->res->point_cni[i], cni_d, num, sizeof num);
    snprintf(buf, n, "%s  %s", name, num);
}

/* Each panel's scale: the unit (kr below 10 000 SEK, else tkr: a cut of
 * millions per centre still reads in whole tkr), the range of its bars
 * and shown whiskers with 0, and tidy ticks.  The values are printed in a
 * column beside the panel, not beside the bars: labels beside bars of
 * both signs in a 4 to 6 cm plot would take most of its width (a panel
 * of Västerbotten's plan needed 7 times its bars' span). */
/* Row i's outer end in axis units: its bar's end, or its whisker's when
 * that reaches further on the bar's side. */
static double alloc_end(const ctx *c, const alloc_panel *p, size_t i)
{
    const vs_centre_stat *s = cstat(c, p->v, i);
    double x = (double)alloc_change(c, p->v, i) / 100.0 / p->div;
    if (!alloc_whisker(c, p->v, i))
        return x;
    return x < 0 ? fmin(x, s->change_p05 / 100.0 / p->div)
                 : fmax(x, s->change_p95 / 100.0 / p->div);
}

static void alloc_unit(const ctx *c, alloc_panel *p)
{
    double m = 0;
    for (size_t q = 0; q < p->n; q++) {
        size_t i = p->rows[q];
        const vs_centre_stat *s = cstat(c, p->v, i);
        m = fmax(m, fabs((double)alloc_change(c, p->v, i) / 100.0));
        if (alloc_whisker(c, p->v, i))
            m = fmax(m, fmax(fabs(s->change_p05), fabs(s->change_p95)) / 100.0);
    }
    p->div = m < 1e4 ? 1 : 1e3;
    p->unit = m < 1e4 ? (c->g.sv ? "kr" : "SEK") : (c->g.sv ? "tkr" : "kSEK");
    p->dec = m / p->div < 1 ? 2 : m / p->div < 10 ? 1 : 0;
}

static void alloc_scale(ctx *c, const alloc_page *pg, alloc_panel *p)
{
    double lo = 0, hi = 0;
    for (size_t q = 0; q < p->n; q++) {
        double e = alloc_end(c, p, p->rows[q]);
        lo = fmin(lo, e);
        hi = fmax(hi, e);
    }
    pad(&lo, &hi, 0.04);
    vs_gp_axis_fit_room(c->g.sv, &p->ax, lo, hi, pg->right - pg->left, 7, 0);
}

/* Page layout in cm, from the top: titles, then each panel (its head,
 * its rows, its axis), then the key and the note. */
static void alloc_layout(ctx *c, alloc_page *pg, double label_w)
{
    char thr[64];
    fmt_num(c, c->sc->high_need_cni, vs_gp_short_decimals(c->sc->high_need_cni),
            thr, sizeof thr);
    vs_gp_fill(pg->above, sizeof pg->above, c->L->above, thr);
    vs_gp_fill(pg->below, sizeof pg->below, c->L->below, thr);
    pg->W = 16;
    pg->left = fmin(fmax(label_w + 0.5, 2.5), 8.0);
    int split = 0;
    for (size_t k = 0; k < pg->n; k++)
        split |= pg->p[k].n_low > 0 && pg->p[k].n_low < pg->p[k].n;
    pg->right = pg->W - 0.5;
    /* each panel's unit first: the value labels depend on it */
    pg->val_w = 0;
    for (size_t k = 0; k < pg->n; k++) {
        alloc_panel *p = &pg->p[k];
        char lab[160];
        alloc_unit(c, p);
        snprintf(lab, sizeof lab, "%s (%%)", p->unit);
        pg->val_w = fmax(pg->val_w, vs_gp_text_cm(lab, 7));
        for (size_t q = 0; q < p->n; q++) {
            alloc_value_label(c, p, p->rows[q], lab, sizeof lab);
            pg->val_w = fmax(pg->val_w, vs_gp_text_cm(lab, 7));
        }
    }
    pg->val_w += 0.5;
    pg->right -= pg->val_w;
    if (split) /* the threshold's two labels in the right margin */
        pg->right -= fmax(vs_gp_text_cm(pg->above, 7),
                          vs_gp_text_cm(pg->below, 7)) + 0.3;
    pg->name_chars = (double)vs_gp_chars_in(pg->W - 1.0, 8.5);
    pg->note_lines = (double)vs_gp_wrap_lines(pg->T->note,
                                              vs_gp_chars_in(pg->W - 1.0, 7));
    pg->foot_h = 0.3 + 0.36 * pg->note_lines + 0.65 /* baseline */ +
                 3 * 0.45 + 0.3 /* key */;
    double y = 1.7; /* from the top */
    for (size_t k = 0; k < pg->n; k++) {
        alloc_panel *p = &pg->p[k];
        alloc_scale(c, pg, p);
        size_t name_lines = vs_gp_wrap_lines(c->sc->variants[p->v].name,
                                             (size_t)pg->name_chars);
        if (name_lines > 3)
            name_lines = 3;
        vs_warnings_mark(&c->warn, p->v, c->g.sv, p->mark, sizeof p->mark);
        size_t mark_lines = p->mark[0]
            ? vs_gp_wrap_lines(p->mark, vs_gp_chars_in(pg->W - 1.0, 7.5)) : 0;
        if (mark_lines > 3)
            mark_lines = 3;
        p->name_lines = name_lines, p->mark_lines = mark_lines;
        p->head_h = 0.45 * (double)name_lines + 0.4 * (double)(1 + mark_lines) +
                    0.65; /* and the CNI column's head */
        y += p->head_h;
        p->y1 = y;
        y += pg->row * (double)(p->n ? p->n : 2);
        p->y0 = y;
        y += 1.55; /* tick labels, the axis title and a gap */
    }
    pg->H = y + pg->foot_h;
    /* from the bottom */
    for (size_t k = 0; k < pg->n; k++) {
        pg->p[k].y0 = pg->H - pg->p[k].y0;
        pg->p[k].y1 = pg->H - pg->p[k].y1;
    }
}

/* Panel p's total line: "Summa -2,0 MSEK (-0,2 %); 3 av 37 hälsocentraler
 * får en annan summa" (or "... 0 kr (oförändrad); ..."), into buf. */
static void alloc_total_text(ctx *c, const alloc_panel *p, const alloc_text *T,
                             char *buf, size_t n)
{
    /* The variant's total change, in MSEK from a million on. */
    /* Sums in öre (a total of 0 must read as 0, not as a double's
     * rounding); the baseline's total as a double (only for the per cent). */
    vs_ore tot_ore = 0;
    double tb = 0;
    for (size_t i = 0; i < c->C; i++) {
        if (__builtin_add_overflow(tot_ore, alloc_change(c, p->v, i), &tot_ore))
            tot_ore = 0; /* beyond any budget: the sim refuses such totals */
        tb += (double)cstat(c, c->base, i)->point / 100.0;
    }
    double tot = (double)tot_ore / 100.0;
    double tdiv;
    const char *tunit = vs_gp_money_unit(tot, c->g.sv, &tdiv);
    char of[160], num[64], pct[64];
    size_t changed = 0;
    for (size_t i = 0; i < c->C; i++)
        changed += alloc_change(c, p->v, i) != 0;
    snprintf(of, sizeof of, T->of, changed, c->C,
             vs_scenario_centre_term(c->sc, 1));
    if (tot_ore == 0) {
        snprintf(buf, n, "%s %s; %s", T->total, T->unchanged, of);
    } else {
        double x = tot / tdiv; /* öre-sized totals keep their öre */
        alloc_signed(c, x, fabs(x) < 1 ? 2 : fabs(x) < 100 ? 1 : 0, num,
                     sizeof num);
        int k2 = snprintf(buf, n, "%s %s %s", T->total, num, tunit);
        double q = tb != 0 ? 100 * tot / tb : 0;
        if (round(fabs(q) * 100) > 0 && k2 > 0 && (size_t)k2 < n) {
            alloc_signed(c, q, pct_decimals(q), pct, sizeof pct);
            snprintf(buf + k2, n - (size_t)k2, " (%s %%)", pct);
        }
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "; %s", of);
    }
}

/* Panel k: its head (name, total, warning), rows, bars, whiskers and
 * value labels. */
static void alloc_panel_write(ctx *c, FILE *f, const alloc_page *pg, size_t k,
                              int cni_d)
{
    const alloc_panel *p = &pg->p[k];
    const alloc_text *T = pg->T;
    double W = pg->W, H = pg->H;
    char buf[512], var[32];
    fprintf(f, "\n# Panel %zu: variant %zu\n", k + 1, p->v);
    snprintf(var, sizeof var, "t_panel%zu", k);
    vs_gp_assign_wrapped(&c->g, f, var, c->sc->variants[p->v].name,
                         (size_t)pg->name_chars, 3);
    alloc_total_text(c, p, T, buf, sizeof buf);
    snprintf(var, sizeof var, "t_total%zu", k);
    vs_gp_assign(&c->g, f, var, buf);
    if (p->mark[0]) {
        snprintf(var, sizeof var, "t_mark%zu", k);
        vs_gp_assign_wrapped(&c->g, f, var, p->mark,
                             vs_gp_chars_in(W - 1.0, 7.5), 3);
    }
    snprintf(buf, sizeof buf, T->axis, p->unit);
    vs_gp_assign(&c->g, f, "t_axis", buf);

    vs_gp_put_margins(f, W, H, pg->left, pg->right, p->y0, p->y1);
    /* Multi-line labels hang from their first line. */
    double top = p->y1 + p->head_h, nl = (double)p->name_lines;
    fprintf(f, "set label 10 t_panel%zu", k);
    vs_gp_put_at(f, W, H, 0.5, top - 0.3);
    fputs(" left font ',8.5' noenhanced\n", f);
    fprintf(f, "set label 11 t_total%zu", k);
    vs_gp_put_at(f, W, H, 0.5, top - 0.3 - 0.45 * nl);
    fputs(" left font ',7.5' noenhanced\n", f);
    if (p->mark[0]) {
        /* The warning in the panel's head, in the losses' colour and
         * with its sign and word, which survive grey-scale print. */
        fprintf(f, "set label 12 t_mark%zu", k);
        vs_gp_put_at(f, W, H, 0.5, top - 0.3 - 0.45 * nl - 0.4);
        fputs(" left font ',7.5' textcolor lt 6 noenhanced\n", f);
    } else {
        fputs("unset label 12\n", f);
    }
    fputs("set xlabel t_axis noenhanced offset 0, 0.3\n", f);
    vs_gp_put_axis(&c->g, f, "x", &p->ax);
    if (p->n == 0) {
        fputs("set yrange [0:1]\nunset ytics\nunset label 1\nunset arrow 1\n"
              "unset label 2\nunset label 3\nset label 4 ", f);
        vs_gp_fill(buf, sizeof buf, T->none, vs_scenario_centre_term(c->sc, 0));
        vs_gp_put_q(&c->g, f, buf);
        fputs(" at graph 0.5, graph 0.5 center font ',7.5' noenhanced\n"
              "plot NaN notitle\nunset label 4\n", f);
        return;
    }
    fprintf(f, "set yrange [0.5:%zu.5]\n", p->n);
    fputs("set ytics scale 0 font ',", f);
    vs_gp_put_num(f, pg->font);
    fputs("' noenhanced (", f);
    for (size_t q = 0; q < p->n; q++) {
        if (q)
            fputs(", \\\n  ", f);
        alloc_tick(c, p->rows[q], cni_d, buf, sizeof buf);
        vs_gp_put_tic(&c->g, f, buf, (double)(q + 1));
    }
    fputs(")\n", f);
    fputs("set label 1 t_cni at graph 0, graph 1 offset -0.9, 0.55 right "
          "font ',7' noenhanced\n", f);
    if (p->n_low > 0 && p->n_low < p->n) {
        /* across the plot (not through the values), named right of them */
        double xe = (pg->right + pg->val_w) / W, xl = xe + 0.2 / W;
        fprintf(f, "set arrow 1 from graph 0, first %zu.5 to graph 1, first "
                   "%zu.5 nohead dt 2 lc rgb vs_grey\n", p->n_low, p->n_low);
        fputs("set label 2 t_above at screen ", f);
        vs_gp_put_num(f, xl);
        fprintf(f, ", first %zu.5 offset 0, 0.55 left font ',7' "
                   "textcolor rgb vs_grey noenhanced\n", p->n_low);
        fputs("set label 3 t_below at screen ", f);
        vs_gp_put_num(f, xl);
        fprintf(f, ", first %zu.5 offset 0, -0.55 left font ',7' "
                   "textcolor rgb vs_grey noenhanced\n", p->n_low);
    } else {
        fputs("unset arrow 1; unset label 2; unset label 3\n", f);
    }
    /* The values in a column right of the plot, one per row, right
     * aligned, under a head naming the unit. */
    snprintf(buf, sizeof buf, "%s (%%)", p->unit);
    fputs("set label 5 ", f);
    vs_gp_put_q(&c->g, f, buf);
    fputs(" at screen ", f);
    vs_gp_put_num(f, (pg->right + pg->val_w) / W);
    fputs(", graph 1 offset 0, 0.55 right font ',7' noenhanced\n", f);
    for (size_t q = 0; q < p->n; q++) {
        alloc_value_label(c, p, p->rows[q], buf, sizeof buf);
        fprintf(f, "set label %zu ", 1000 + q);
        vs_gp_put_q(&c->g, f, buf);
        fputs(" at screen ", f);
        vs_gp_put_num(f, (pg->right + pg->val_w) / W);
        fprintf(f, ", first %zu right font ',", q + 1);
        vs_gp_put_num(f, pg->font);
        fputs("' textcolor rgb vs_ink noenhanced\n", f);
    }
    fputs("U = ", f);
    vs_gp_put_num(f, p->div);
    fprintf(f, "  # SEK per axis unit\nK = %zu  # this panel\n", k);
    fputs("plot 'chart_allocation.csv' skip 1 using ($4 == K && $6 > 0 ? "
          "$6 / U : NaN):5:(0):($6 / U):($5 - 0.3):($5 + 0.3) with "
          "boxxyerror fs solid 1.0 noborder lt 5 notitle, \\\n"
          "  '' skip 1 using ($4 == K && $6 < 0 ? $6 / U : NaN):5:($6 / U):(0):"
          "($5 - 0.3):($5 + 0.3) with boxxyerror fs pattern 4 border lt 6 "
          "lt 6 notitle, \\\n"
          "  '' skip 1 using ($4 == K && $9 == 1 ? $6 / U : NaN):5:($7 / U):"
          "($8 / U) with xerrorbars lc rgb vs_ink lw 0.8 pt 7 ps 0 notitle\n",
          f);
    for (size_t q = 0; q < p->n; q++)
        fprintf(f, "unset label %zu\n", 1000 + q);
}

int vs_charts_check_variants(const vs_scenario *sc, const char *list,
                             vs_err *err)
{
    if (!list || !*list)
        return VS_OK;
    for (const char *s = list;;) {
        size_t len = strcspn(s, ",");
        int found = -1;
        for (size_t v = 0; v < sc->n_variants; v++)
            if (strlen(sc->variants[v].id) == len &&
                strncmp(sc->variants[v].id, s, len) == 0)
                found = (int)v;
        if (found == sc->baseline)
            return vs_err_set(err, VS_EINPUT, NULL, 0,
                              "--variants: '%.*s' is the baseline: the "
                              "allocation chart shows changes against it",
                              (int)len, s);
        if (found < 0) {
            char names[512];
            size_t k = 0;
            names[0] = '\0';
            for (size_t v = 0; v < sc->n_variants && k < sizeof names; v++)
                if ((int)v != sc->baseline)
                    k += (size_t)snprintf(names + k, sizeof names - k, "%s%s",
                                          k ? ", " : "", sc->variants[v].id);
            if (len == 0)
                return vs_err_set(err, VS_EINPUT, NULL, 0,
                                  "--variants: an empty id in '%s' (ids "
                                  "between commas: %s)", list, names);
            return vs_err_set(err, VS_EINPUT, NULL, 0,
                              "--variants: no variant '%.*s' in %s (its "
                              "variants: %s)", (int)len, s,
                              sc->file ? sc->file : "the scenario", names);
        }
        if (!s[len])
            return VS_OK;
        s += len + 1;
    }
}

static void write_allocation(ctx *c)
{
    alloc_page pg;
    memset(&pg, 0, sizeof pg);
    pg.T = c->g.sv ? &alloc_sv : &alloc_en;
    if (!alloc_panels(c, &pg))
        goto done;
    if (!alloc_data(c, &pg))
        goto done;
    /* The labels' room: the longest tick label of any panel. */
    int cni_d = cni_decimals(c);
    double label_w = 0;
    char buf[512];
    for (size_t k = 0; k < pg.n; k++)
        for (size_t q = 0; q < pg.p[k].n; q++) {
            alloc_tick(c, pg.p[k].rows[q], cni_d, buf, sizeof buf);
            label_w = fmax(label_w, vs_gp_text_cm(buf, 7));
        }
    /* Rows of 0.42 cm (7 pt labels); a page that would pass the tallest
     * one vardsim draws takes rows down to 0.25 cm and smaller labels
     * first, so that a national scenario's variant (1 150 centres) is
     * still drawn. */
    size_t rows = 0;
    for (size_t k = 0; k < pg.n; k++)
        rows += pg.p[k].n ? pg.p[k].n : 2;
    pg.row = 0.42, pg.font = 7;
    alloc_layout(c, &pg, label_w);
    if (pg.H > VS_GP_MAX_PAGE_CM - 5 && rows > 0) {
        double fixed = pg.H - pg.row * (double)rows;
        pg.row = fmax(0.25, (VS_GP_MAX_PAGE_CM - 5 - fixed) / (double)rows);
        pg.font = fmax(4.5, fmin(7, pg.row * 16.7));
        alloc_layout(c, &pg, label_w);
    }
    double W = pg.W, H = pg.H;
    FILE *f = script_begin(c, "allocation",
                 "change in allocation per centre against the baseline, one "
                 "panel per variant", "chart_allocation.csv", W, H);
    if (!f)
        goto done;
    const alloc_text *T = pg.T;
    vs_gp_fill(buf, sizeof buf, c->L->alloc_title,
               vs_scenario_centre_term(c->sc, 0));
    vs_gp_assign(&c->g, f, "t_title", buf);
    vs_gp_assign(&c->g, f, "t_baseline_is", c->L->baseline_is);
    vs_gp_assign(&c->g, f, "t_cni", c->L->cni);
    vs_gp_assign(&c->g, f, "t_above", pg.above);
    vs_gp_assign(&c->g, f, "t_below", pg.below);
    vs_gp_assign(&c->g, f, "t_gain", T->gain);
    vs_gp_assign(&c->g, f, "t_loss", T->loss);
    vs_gp_assign(&c->g, f, "t_whisker", T->whisker);
    vs_gp_assign_wrapped(&c->g, f, "t_note", T->note,
                         vs_gp_chars_in(W - 1.0, 7), 8);
    fputs("\n# Columns of chart_allocation.csv: 3 variant number, 4 panel "
          "(-1: not shown),\n# 5 row, 6 change (SEK), 7-8 its 5th and 95th "
          "percentiles, 9 whisker drawn,\n# 10 change in per cent.\n", f);
    fputs("set multiplot\n", f);
    vs_gp_put_titles(f, W, H);
    fputs("unset grid\nset grid xtics back lc rgb vs_light\n"
          "set yzeroaxis lt -1 lc rgb vs_ink lw 1\nset tics font ',7'\n"
          "set style textbox opaque noborder margins 0.3, 0.1\n", f);
    if (pg.n == 0) {
        vs_gp_put_margins(f, W, H, 1, W - 1, pg.foot_h + 1, H - 2);
        fputs("unset xtics; unset ytics; set xrange [0:1]; set yrange [0:1]\n"
              "set label 4 ", f);
        vs_gp_put_q(&c->g, f, c->L->only_baseline);
        fputs(" at graph 0.5, graph 0.5 center noenhanced\n"
              "plot NaN notitle\n", f);
    }
    for (size_t k = 0; k < pg.n; k++) {
        alloc_panel_write(c, f, &pg, k, cni_d);
        if (k == 0)
            fputs("unset label 101; unset label 102\n", f);
    }
    fputs("\n# The key and the note.\n", f);
    vs_gp_key_strip(f, W, H, 0.3 + 0.36 * pg.note_lines + 0.65,
                    pg.foot_h - 0.1, 3);
    fputs("unset label\nset label 103 t_baseline_is . t_baseline", f);
    vs_gp_put_at(f, W, H, 0.5, 0.3 + 0.36 * pg.note_lines + 0.2);
    fputs(" left font ',7' noenhanced\nset label 104 t_note", f);
    vs_gp_put_at(f, W, H, 0.5, 0.3 + 0.36 * pg.note_lines - 0.15);
    fputs(" left font ',7' noenhanced\n", f);
    /* Only what the chart shows has a key entry. */
    int gains = 0, losses = 0, whiskers = 0;
    for (size_t k = 0; k < pg.n; k++)
        for (size_t q = 0; q < pg.p[k].n; q++) {
            size_t i = pg.p[k].rows[q];
            vs_ore d = alloc_change(c, pg.p[k].v, i);
            gains |= d > 0;
            losses |= d < 0;
            whiskers |= alloc_whisker(c, pg.p[k].v, i);
        }
    const char *sep = "plot ";
    if (gains) {
        fprintf(f, "%sNaN with boxes fs solid 1.0 noborder lt 5 title t_gain", sep);
        sep = ", \\\n  ";
    }
    if (losses) {
        fprintf(f, "%sNaN with boxes fs pattern 4 border lt 6 lt 6 title t_loss",
                sep);
        sep = ", \\\n  ";
    }
    if (whiskers) {
        fprintf(f, "%sNaN with lines lc rgb vs_ink lw 0.8 title t_whisker", sep);
        sep = ", \\\n  ";
    }
    fputs(sep[0] == 'p' ? "plot NaN notitle\n" : "\n", f);
    fputs("unset multiplot\n", f);
done:
    for (size_t k = 0; pg.p && k < pg.n; k++)
        free(pg.p[k].rows);
    free(pg.p);
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

/* The concentration chart's own words. */
typedef struct conc_text {
    const char *y, *note, *idx_title, *idx_axis, *idx_note,
        *idx_note_nan;
} conc_text;

static const conc_text conc_sv = {
    "Förskjutning (procentenheter)",
    "Kurvan: hur mycket mindre av pengarna (i procentenheter) än i "
    "jämförelsealternativet som går till de listade med lägst CNI, upp till "
    "varje andel av de listade.  Över 0: pengarna flyttas mot högre CNI.  "
    "Under 0: mot lägre.  0: som jämförelsealternativet.",
    "Förändring i koncentrationsindex (pengar per listad efter CNI)",
    "Förändring mot jämförelsealternativet (indexenheter)",
    "Över 0: mer pengar per listad till högre CNI.  Jämförelsealternativet "
    "har %s; om pengarna följde behovet (listade × CNI) vore indexet %s.",
    "Över 0: mer pengar per listad till högre CNI.",
};

static const conc_text conc_en = {
    "Shift (percentage points)",
    "The curve: how much less of the money (in percentage points) than under "
    "the baseline goes to the listed persons with the lowest CNI, up to each "
    "share of the listed.  Above 0: the money moves towards higher CNI.  "
    "Below 0: towards lower.  0: as under the baseline.",
    "Change in the concentration index (money per person by CNI)",
    "Change against the baseline (index units)",
    "Above 0: more money per person to higher CNI.  The baseline has %s; if "
    "the money followed need (listed × CNI) the index would be %s.",
    "Above 0: more money per person to higher CNI.",
};

/* Decimals that show three significant digits of v (0 to 6). */
static int sig3(double v)
{
    double m = fabs(v);
    return m > 0 && isfinite(m) ? (int)fmin(6, fmax(0, 2 - floor(log10(m)))) : 3;
}

/* A row of the index panel, in cm: the name, and the bar under it. */
#define CONC_ROW 0.9

/* Line and point types per variant (the j-th shown), so that the curves
 * stay apart in grey-scale print: dash pattern and marker differ. */
static int conc_dt(size_t j) { return (int)(j % 5) + 1; }
static int conc_pt(size_t j)
{
    static const int pt[] = {7, 5, 9, 11, 13, 4, 6, 8};
    return pt[j % (sizeof pt / sizeof pt[0])];
}

/* Layout in cm, from the top: titles, the note, the shift panel, its
 * key (and the warnings of the variants in it), the index panel and its
 * note. */
typedef struct conc_page {
    double W, left, right, H;
    double note_h, shift_y0, shift_y1, key_y0, key_y1, idx_y0, idx_y1;
    size_t note_lines, idx_note_lines, warned_lines, idx_label_chars;
    double idx_dec;
} conc_page;

/* The concentration index (ci_need) of variant v and its change against
 * the baseline at the point estimate, as metrics.csv has them. */
static double conc_ci(const ctx *c, size_t v)
{
    return c->res->stats[v * VS_STAT_COUNT + VS_M_CI_NEED].point;
}

/* Variant v's change in the index against the baseline; a change below
 * 1e-9 is a double's rounding of the same shares (a proportional cut
 * gives -2e-12) and reads as 0, not as a striped sliver. */
static double conc_change(const ctx *c, size_t v)
{
    double d = conc_ci(c, v) - conc_ci(c, c->base);
    return fabs(d) <= 1e-9 ? 0 : d;
}

/* "Name: ⚠ Warning: ..." for a variant of the key with a warning; 0 when
 * it has none. */
static int conc_warned(const ctx *c, size_t v, char *buf, size_t n)
{
    char mark[256];
    if (v == c->base ||
        !vs_warnings_mark(&c->warn, v, c->g.sv, mark, sizeof mark)[0])
        return 0;
    snprintf(buf, n, "%s: %s", c->sc->variants[v].name, mark);
    return 1;
}

static void conc_layout(ctx *c, conc_page *p, const conc_text *T,
                        double *ilo, double *ihi)
{
    p->W = 16, p->left = 2.0, p->right = p->W - 0.5;
    p->note_lines = vs_gp_wrap_lines(T->note, vs_gp_chars_in(p->W - 1.0, 7));
    p->note_h = 0.36 * (double)p->note_lines + 0.3;
    p->warned_lines = 0;
    for (size_t v = 0; v < c->V; v++) {
        char line[640];
        if (conc_warned(c, v, line, sizeof line))
            p->warned_lines += vs_gp_wrap_lines(line, vs_gp_chars_in(p->W - 1.0, 7));
    }
    p->idx_label_chars = 36; /* the index panel's names at the left */
    p->idx_note_lines = 2;
    double y = 2.0; /* from the top: the titles */
    y += p->note_h;
    p->shift_y1 = y;
    y += 7.5;
    p->shift_y0 = y;
    y += 1.3; /* ticks and the axis title */
    p->key_y1 = y;
    y += 0.45 * (double)(c->K + 1) + 0.36 * (double)p->warned_lines + 0.2;
    p->key_y0 = y;
    y += 0.9; /* the index panel's title */
    p->idx_y1 = y;
    y += CONC_ROW * (double)(c->K ? c->K : 1) + 0.1;
    p->idx_y0 = y;
    y += 1.6 + 0.42 * (double)(p->idx_note_lines + 1) + 0.2; /* and the
                                                     baseline's name */
    p->H = y;
    p->shift_y0 = p->H - p->shift_y0, p->shift_y1 = p->H - p->shift_y1;
    p->key_y0 = p->H - p->key_y0, p->key_y1 = p->H - p->key_y1;
    p->idx_y0 = p->H - p->idx_y0, p->idx_y1 = p->H - p->idx_y1;
    /* the index changes' range, with room for their labels */
    double m = 0;
    *ilo = 0, *ihi = 0;
    for (size_t v = 0; v < c->V; v++)
        if (v != c->base && isfinite(conc_change(c, v))) {
            double d = conc_change(c, v);
            *ilo = fmin(*ilo, d);
            *ihi = fmax(*ihi, d);
            m = fmax(m, fabs(d));
        }
    p->idx_dec = sig3(m);
}

/* The curves of the shift against the baseline, one per variant. */
static void conc_shift_panel(ctx *c, FILE *f, const conc_page *p, double lo,
                             double hi)
{
    double W = p->W, H = p->H;
    /* Never zoom into a double's rounding: at least 0.01 points. */
    double m = fmax(fmax(fabs(lo), fabs(hi)), 0.005);
    lo = fmin(lo, -0.05 * m), hi = fmax(hi, 0.05 * m);
    if (hi - lo < 0.01)
        lo -= 0.005, hi += 0.005;
    pad(&lo, &hi, 0.08);
    vs_gp_axis sh, pct;
    vs_gp_axis_fit(&sh, lo, hi, 5, 0);
    vs_gp_axis_fit(&pct, 0, 100, 5, 0);
    vs_gp_put_margins(f, W, H, p->left, p->right, p->shift_y0, p->shift_y1);
    vs_gp_put_axis(&c->g, f, "x", &pct);
    vs_gp_put_axis(&c->g, f, "y", &sh);
    fputs("set ylabel t_y offset 0.5, 0 noenhanced\n"
          "set xlabel t_x noenhanced offset 0, 0.3\n"
          "set xzeroaxis lt -1 lc rgb vs_ink lw 1\n", f);
    fputs("set key", f);
    vs_gp_put_at(f, W, H, 0.5, p->key_y1);
    fprintf(f, " left top Left reverse vertical maxrows %zu noenhanced "
               "samplen 4\n", c->K + 1);
    if (c->K == 0) {
        fputs("set label 2 ", f);
        vs_gp_put_q(&c->g, f, c->L->only_baseline);
        fputs(" at graph 0.5, graph 0.5 center noenhanced\nplot NaN notitle\n",
              f);
        return;
    }
    fputs("plot ", f);
    size_t j = 0;
    for (size_t v = 0; v < c->V; v++) {
        if (v == c->base)
            continue;
        char mark[256];
        int warned = vs_warnings_mark(&c->warn, v, c->g.sv, mark,
                                      sizeof mark)[0] != '\0';
        fprintf(f, "%s'chart_curves.csv' skip 1 using 4:%zu with linespoints "
                   "lt %d dt %d pt %d ps 0.7 pi -4 lw 2 title t_v%zu%s",
                j ? ", \\\n  " : "", 6 + c->V + j, c->slot[v], conc_dt(j),
                conc_pt(j), v, warned ? " . t_warn_sign" : "");
        j++;
    }
    fputc('\n', f);
}

/* The change in the concentration index per variant: bars with their
 * values, gains solid and losses striped as in the allocation chart; the
 * variant's whole name above its bar. */
static void conc_index_panel(ctx *c, FILE *f, const conc_page *p,
                             double lo, double hi)
{
    double W = p->W, H = p->H;
    char buf[320];
    if (c->K == 0)
        return;
    double vw = 0;
    for (size_t v = 0; v < c->V; v++) {
        if (v == c->base)
            continue;
        alloc_signed(c, conc_change(c, v), (int)p->idx_dec,
                     buf, sizeof buf);
        vw = fmax(vw, vs_gp_text_cm(buf, 7));
    }
    double left = 1.0, right = p->right - 0.4, pw = right - left;
    double span = hi - lo > 0 ? hi - lo : 1e-3;
    /* each side that holds a bar gets room for a label */
    double room = (vw + 0.5) / pw;
    if (room < 0.45) {
        double s = span / (1 - room * ((lo < 0) + (hi > 0)));
        if (lo < 0)
            lo -= room * s;
        if (hi > 0)
            hi += room * s;
    }
    if (!(hi > lo))
        lo = -1e-3, hi = 1e-3;
    vs_gp_axis ax;
    vs_gp_axis_fit_room(c->g.sv, &ax, lo, hi, pw, 7, 0);
    fputs("\n# The change in the concentration index.\n", f);
    vs_gp_put_margins(f, W, H, left, right, p->idx_y0, p->idx_y1);
    fputs("unset label 1; unset key; unset xzeroaxis; unset ytics\n"
          "set yzeroaxis lt -1 lc rgb vs_ink lw 1\n"
          "set style textbox opaque noborder margins 0.5, 0.2\n"
          "set ylabel ''\nset xlabel t_idx_axis noenhanced offset 0, 0.3\n"
          "set label 3 t_idx_title", f);
    vs_gp_put_at(f, W, H, 0.5, p->idx_y1 + 0.45);
    fputs(" left font ',8.5' noenhanced\nset label 4 t_idx_note", f);
    vs_gp_put_at(f, W, H, 0.5, p->idx_y0 - 1.65);
    fputs(" left font ',7' noenhanced\nset label 6 t_baseline_is . t_baseline", f);
    vs_gp_put_at(f, W, H, 0.5,
                 p->idx_y0 - 1.65 - 0.42 * (double)p->idx_note_lines);
    fputs(" left font ',7' noenhanced\n", f);
    vs_gp_put_axis(&c->g, f, "x", &ax);
    fprintf(f, "set yrange [0.5:%zu.5]\n", c->K);
    size_t j = 0;
    for (size_t v = 0; v < c->V; v++) {
        if (v == c->base)
            continue;
        double y = (double)(c->K - j), d = conc_change(c, v);
        fprintf(f, "set label %zu t_v%zu at graph 0, first ", 200 + j, v);
        vs_gp_put_num(f, y + 0.22);
        fputs(" left offset 0.4, 0 front boxed font ',7' noenhanced\n", f);
        if (isfinite(d)) {
            alloc_signed(c, d, (int)p->idx_dec, buf, sizeof buf);
            fprintf(f, "set label %zu ", 1000 + j);
            vs_gp_put_q(&c->g, f, buf);
            fputs(" at first ", f);
            vs_gp_put_num(f, d);
            fputs(", first ", f);
            vs_gp_put_num(f, y - 0.2);
            fprintf(f, " %s font ',7' textcolor rgb vs_ink noenhanced\n",
                    d < 0 ? "right offset -0.6, 0" : "left offset 0.6, 0");
        }
        j++;
    }
    fputs("plot 'chart_concentration.csv' skip 1 using ($5 > 0 ? $5 : NaN):3:"
          "(0):5:($3 - 0.4):($3 - 0.02) with boxxyerror fs solid 1.0 noborder "
          "lt 5 notitle, \\\n"
          "  '' skip 1 using ($5 < 0 ? $5 : NaN):3:5:(0):($3 - 0.4):($3 - 0.02) "
          "with boxxyerror fs pattern 4 border lt 6 lt 6 notitle\n", f);
}

/* chart_concentration.csv: per variant but the baseline, its row in the
 * index panel (1 = bottom), its concentration index (ci_need) and the
 * change against the baseline, at the point estimate. */
static int conc_index_data(ctx *c)
{
    FILE *d = vs_gp_open(&c->g, "chart_concentration.csv");
    if (!d)
        return 0;
    fputs("variant,v,row,ci_need,ci_change\n", d);
    size_t j = 0;
    for (size_t v = 0; v < c->V; v++) {
        if (v == c->base)
            continue;
        vs_gp_put_id(d, c->sc->variants[v].id);
        fprintf(d, ",%zu,%zu,", v, c->K - j);
        vs_gp_put_cell(d, conc_ci(c, v));
        fputc(',', d);
        vs_gp_put_cell(d, conc_change(c, v));
        fputc('\n', d);
        j++;
    }
    return 1;
}

static void write_concentration(ctx *c)
{
    double lo, hi, ilo, ihi;
    if (!conc_data(c, &lo, &hi) || !conc_index_data(c))
        return;
    const conc_text *T = c->g.sv ? &conc_sv : &conc_en;
    conc_page p;
    memset(&p, 0, sizeof p);
    conc_layout(c, &p, T, &ilo, &ihi);
    double W = p.W, H = p.H;
    FILE *f = script_begin(c, "concentration",
                 "where the money moves along the CNI ranking, and the change "
                 "in the concentration index", "chart_curves.csv and "
                 "chart_concentration.csv", W, H);
    if (!f)
        return;
    char buf[640], a[72], b[72];
    vs_gp_assign(&c->g, f, "t_title", c->L->conc_title);
    vs_gp_assign(&c->g, f, "t_x", c->L->conc_x);
    vs_gp_assign(&c->g, f, "t_y", T->y);
    vs_gp_assign_wrapped(&c->g, f, "t_note", T->note,
                         vs_gp_chars_in(W - 1.0, 7), (int)p.note_lines);
    vs_gp_assign(&c->g, f, "t_idx_title", T->idx_title);
    vs_gp_assign(&c->g, f, "t_idx_axis", T->idx_axis);
    vs_gp_assign(&c->g, f, "t_baseline_is", c->L->baseline_is);
    vs_gp_assign(&c->g, f, "t_warn_sign", " \xe2\x9a\xa0");
    /* The baseline's index and the one that need would give: the scale
     * against which a change reads (hi = ci_need - the index of CNI). */
    double cb = conc_ci(c, c->base);
    double cn = cb - c->res->stats[c->base * VS_STAT_COUNT + VS_M_HI].point;
    if (isfinite(cb) && isfinite(cn)) {
        fmt_num(c, cb, sig3(cb), a, sizeof a);
        fmt_num(c, cn, sig3(cn), b, sizeof b);
        snprintf(buf, sizeof buf, T->idx_note, a, b);
    } else {
        snprintf(buf, sizeof buf, "%s", T->idx_note_nan);
    }
    vs_gp_assign_wrapped(&c->g, f, "t_idx_note", buf,
                         vs_gp_chars_in(W - 1.0, 7), (int)p.idx_note_lines);
    fputs("\n# Columns of chart_curves.csv: 4 cumulative share of listed (%), "
          "5 of need,\n# 6 onwards of money per variant, then the shifts "
          "(percentage points).\n", f);
    fputs("set multiplot\n", f);
    vs_gp_put_titles(f, W, H);
    fputs("set label 5 t_note", f);
    vs_gp_put_at(f, W, H, 0.5, H - 1.75);
    fputs(" left font ',7' noenhanced\nset tics font ',7'\n", f);
    conc_shift_panel(c, f, &p, lo, hi);
    fputs("unset label 101; unset label 102; unset label 5\n", f);
    /* The warnings of the variants in the key, under it. */
    double wy = p.key_y0 + 0.36 * (double)p.warned_lines - 0.1;
    size_t k = 0;
    for (size_t v = 0; v < c->V; v++) {
        char var[32];
        if (!conc_warned(c, v, buf, sizeof buf))
            continue;
        size_t chars = vs_gp_chars_in(W - 1.0, 7);
        snprintf(var, sizeof var, "t_warned%zu", k);
        vs_gp_assign_wrapped(&c->g, f, var, buf, chars, 20);
        fprintf(f, "set label %zu %s", 20 + k, var);
        vs_gp_put_at(f, W, H, 0.5, wy);
        fputs(" left font ',7' textcolor lt 6 noenhanced\n", f);
        wy -= 0.36 * (double)vs_gp_wrap_lines(buf, chars);
        k++;
    }
    conc_index_panel(c, f, &p, ilo, ihi);
    fputs("unset multiplot\n", f);
}

/* ------------------------------------------------------------------ */
/* 3. metrics: each equity metric per variant, point and interval      */

/* Metrics that are shares are shown in per cent, one whose values are
 * all tiny in units of a power of ten (vs_gp_metric_power: its title
 * says so); *power gets the power (0 for none) when power is not NULL. */
static double metric_scale(const ctx *c, int m, int *power)
{
    if (power)
        *power = 0;
    if (vs_gp_metric_share(m))
        return 100;
    double most = 0;
    for (size_t v = 0; v < c->V; v++) {
        const vs_stat *s = &c->res->stats[v * VS_STAT_COUNT + (size_t)m];
        double x[3] = {s->point, s->p05, s->p95};
        for (int q = 0; q < 3; q++) {
            double y = fabs(vs_gp_metric_shown(m, x[q]));
            if (isfinite(y))
                most = fmax(most, y);
        }
    }
    int e = vs_gp_metric_power(m, most);
    if (power)
        *power = e;
    return e ? pow(10, -e) : 1;
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

/* chart_metrics.csv: values as shown (shares in per cent, rounding as 0:
 * vs_gp_metric_shown).  Returns 0
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
            double k = metric_scale(c, m, NULL);
            fprintf(d, "%s,", vs_metric_name((vs_metric)m));
            vs_gp_put_id(d, c->sc->variants[v].id);
            fprintf(d, ",%d,%zu,%d,%zu,", m, v, c->slot[v], V - v);
            vs_gp_put_cell(d, k * vs_gp_metric_shown(m, s->point));
            fputc(',', d);
            vs_gp_put_cell(d, k * vs_gp_metric_shown(m, s->p05));
            fputc(',', d);
            vs_gp_put_cell(d, k * vs_gp_metric_shown(m, s->p95));
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
    double lo = INFINITY, hi = -INFINITY, k = metric_scale(c, m, NULL);
    for (size_t v = 0; v < c->V; v++) {
        const vs_stat *s = &c->res->stats[v * VS_STAT_COUNT + (size_t)m];
        double x[3] = {vs_gp_metric_shown(m, s->point),
                       vs_gp_metric_shown(m, s->p05),
                       vs_gp_metric_shown(m, s->p95)};
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
    double W = p->W, H = p->H, k = metric_scale(c, m, NULL), lo, hi;
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
        int power;
        (void)metric_scale(c, m, &power);
        if (power != 0)
            vs_gp_power_words(power, buf + strlen(buf), sizeof buf - strlen(buf));
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
    unsigned char *at_level; /* per variant: no centre beyond rounding of
                                its level (pc_off_level) */
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
#define PC_RIGHT 0.7     /* cm from a panel's right edge to its cell's */
#define PC_KEY_GAP 0.12  /* cm between its entries */

/* The size of a dot for `listed` persons (column 8 of the data). */
static double pc_dot(const pc_page *p, double listed)
{
    return p->maxl > 0 ? 0.2 + 1.5 * sqrt(listed / p->maxl) : 1;
}

/* How far centre i is from its need-proportional level in variant v,
 * relative to the level, or -1 when the distance is rounding: the money
 * is within PC_ROUNDING_KR of the level's amount, or within 1e-9 of it
 * for a centre of more than 1 000 MSEK (docs/outputs.md, "Charts").
 * Each rule rounds a centre's amount to the öre once, so a variant whose
 * rules pay exactly by the declared need leaves each centre a few öre
 * off (a relative distance of order 1e-10 for 36 MSEK); 1 kr is far
 * above that and far below anything the chart can show. */
#define PC_ROUNDING_KR 1.0
static double pc_off_level(const ctx *c, const pc_page *p, size_t v,
                           size_t i)
{
    double l = c->res->point_listed[i], lv = p->level[v * c->C + i];
    if (!(l > 0) || !(lv > 0))
        return -1;
    double gap = fabs((double)cstat(c, v, i)->point / 100.0 - lv * l);
    if (!(gap > fmax(PC_ROUNDING_KR, 1e-9 * lv * l)))
        return -1;
    return gap / (lv * l);
}

/* The x of centre i's dot in variant v's panel: its CNI, or with a
 * declared need its need-proportional level (the need line is then the
 * diagonal, whatever the need's mix of age and CNI). */
static double pc_x(const ctx *c, const pc_page *p, size_t v, size_t i)
{
    return p->need_line ? c->res->point_cni[i] : p->level[v * c->C + i];
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
    p->at_level = calloc(V, 1);
    if (!slope || !p->level || !p->at_level) {
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
        p->at_level[v] = 1;
        for (size_t i = 0; i < C; i++)
            if (pc_off_level(c, p, v, i) >= 0)
                p->at_level[v] = 0;
    }
    *lo_out = lo, *hi_out = hi;
    return 1;
}

/* Panel v's title: the variant's name, its warning, if any, and, when
 * every centre is at its level, that (no name would stand out). */
static void pc_panel_title(const ctx *c, const pc_page *p, size_t v,
                           char *buf, size_t n)
{
    char mark[400];
    vs_warn_src w = vs_warn_src_of(c->sc, c->res);
    vs_warnings_mark(&w, v, c->g.sv, mark, sizeof mark);
    /* A panel is narrow: the reason, without the amounts (the metrics
     * chart's key and warnings.txt have them). */
    char *amounts = strstr(mark, " (");
    if (amounts)
        *amounts = '\0';
    snprintf(buf, n, "%s%s%s%s%s%s", c->sc->variants[v].name,
             *mark ? "  " : "", mark, p->at_level[v] ? " (" : "",
             p->at_level[v] ? c->L->pc_all_level : "",
             p->at_level[v] ? ")" : "");
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
        vs_gp_fill(p->need_text, sizeof p->need_text, c->L->pc_diag, need);
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
        char text[1024];
        pc_panel_title(c, p, v, text, sizeof text);
        size_t n = vs_gp_wrap_lines(text, p->title_chars);
        p->title_lines = n > p->title_lines ? n : p->title_lines;
    }
    if (p->title_lines > 6)
        p->title_lines = 6;
    p->head_h = 1.15 + 0.35 * (double)(p->title_lines - 2);
    p->cell = p->head_h + p->ph + 0.9; /* and the tick labels */
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
    vs_gp_assign(&c->g, f, "t_title",
                 p->need_line ? c->L->pc_title : c->L->pc_title_level);
    vs_gp_assign(&c->g, f, "t_y", c->L->pc_y);
    vs_gp_assign(&c->g, f, "t_x", p->need_line ? c->L->cni : c->L->pc_x_level);
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
        char text[1024];
        pc_panel_title(c, p, v, text, sizeof text);
        snprintf(var, sizeof var, "t_panel%zu", v);
        vs_gp_assign_wrapped(&c->g, f, var, text, p->title_chars,
                             (int)p->title_lines);
    }
}

/* `name` without a centre term at its end ("Mariehems hälsocentral"),
 * before a last part in brackets ("Bolidens hälsocentral (med Jörn)" ->
 * "Bolidens (med Jörn)") or, with "en", at its start ("Vårdcentralen
 * Ryd"): the scenario's term or the usual Swedish ones (an English chart
 * of Swedish names), when something is left; else the name. */
static const char *pc_bare_name(const vs_scenario *sc, const char *name,
                                char *buf, size_t n)
{
    const char *terms[] = {vs_scenario_centre_term(sc, 0),
                           "h\xc3\xa4lsocentral", "v\xc3\xa5rdcentral"};
    const char *br = strrchr(name, '(');
    size_t ln = br && br > name + 1 && br[-1] == ' ' && strchr(br, ')')
                    ? (size_t)(br - name - 1)
                    : strlen(name); /* the name before its brackets */
    for (size_t k = 0; k < sizeof terms / sizeof *terms; k++) {
        const char *term = terms[k];
        size_t lt = strlen(term);
        char cap[4 * 40 + 8];
        vs_gp_capital(term, cap, sizeof cap);
        size_t lc = strlen(cap);
        if (ln > lt + 1 && name[ln - lt - 1] == ' ' &&
            strncmp(name + ln - lt, term, lt) == 0) {
            snprintf(buf, n, "%.*s%s", (int)(ln - lt - 1), name, name + ln);
            return buf;
        }
        if (ln > lc + 3 && strncmp(name, cap, lc) == 0 &&
            strncmp(name + lc, "en ", 3) == 0) {
            snprintf(buf, n, "%s", name + lc + 3);
            return buf;
        }
    }
    return name;
}

/* `name` without a last part in brackets ("Bolidens (med Jörn)" ->
 * "Bolidens"), when something is left; else the name. */
static const char *pc_unbracketed(const char *name, char *buf, size_t n)
{
    const char *br = strrchr(name, '(');
    if (!br || br < name + 2 || br[-1] != ' ' || !strchr(br, ')'))
        return name;
    snprintf(buf, n, "%.*s", (int)(br - name - 1), name);
    return buf;
}

/* The centres that stand out in variant v's panel: at most the three
 * furthest from their need-proportional level (relative to it), of
 * those beyond rounding (pc_off_level), into best; returns how many. */
#define PC_NAMED 3
static int pc_outliers(const ctx *c, const pc_page *p, size_t v,
                       size_t best[PC_NAMED])
{
    double dev[PC_NAMED];
    int n = 0;
    for (size_t i = 0; i < c->C; i++) {
        double d = pc_off_level(c, p, v, i);
        if (d < 0)
            continue;
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
    return n;
}

/* Centre i's name as a panel label, form k = 0, 1, ... (shorter each
 * time; 0 when there is no form k): as much of the name as fits in 60 %
 * of the panel (32 characters at most), in a narrow panel without the
 * centre term ("Mariehems hälsocentral" -> "Mariehems"), which the key
 * names; then without the term; without its last part in brackets; and
 * that at 2/3 and 1/3 of the characters. */
static int pc_name_form(const ctx *c, size_t i, double pw_cm, int k,
                        char *buf, size_t n)
{
    if (k > 4)
        return 0;
    size_t fit = vs_gp_chars_in(0.6 * pw_cm, 6);
    fit = fit < 10 ? 10 : fit > 32 ? 32 : fit;
    char bare[256], plain[256];
    const char *full = c->sc->centres[i].name;
    const char *b = pc_bare_name(c->sc, full, bare, sizeof bare);
    const char *u = pc_unbracketed(b, plain, sizeof plain);
    const char *forms[] = {1.1 * vs_gp_text_cm(full, 6) > 0.6 * pw_cm ? b
                                                                      : full,
                           b, u, u, u};
    static const size_t thirds[] = {3, 3, 3, 2, 1};
    size_t chars = fit * thirds[k] / 3;
    vs_gp_shorten(forms[k], chars < 6 ? 6 : chars, buf, n);
    return 1;
}

/* Where the names of a panel go, in cm from its bottom left corner. */
typedef struct pc_spots {
    double box[PC_NAMED][4]; /* the names placed: x0, x1, y0, y1 */
    int n;
    double *dot;             /* 3 per dot: x, y, radius */
    size_t dots;
    double page_lo, page_hi; /* the page, in the panel's cm */
    double pw, ph;
} pc_spots;

/* A name of w cm beside the dot at (px, py), `gap` away, at try t (0..13:
 * the side `pref` first, then the other, on its dot's line, then a line
 * up or down, ...) into b; whether it is on the page, prints over no name
 * placed before, and, with `strict`, stays in the panel and off every
 * dot but its own (`own`). */
static int pc_try(const pc_spots *s, double px, double py, double gap,
                  double w, int pref, int t, int strict, size_t own,
                  double b[4], int *side, double *dy)
{
    static const double dys[] = {0, 0.28, -0.28, 0.56, -0.56, 0.84, -0.84};
    int sd = t % 2 ? !pref : pref; /* near first, either side */
    double d = dys[t / 2];
    b[0] = sd ? px - gap - w : px + gap, b[1] = b[0] + w;
    b[2] = py + d - 0.13, b[3] = py + d + 0.13;
    *side = sd, *dy = d;
    int fits = b[0] >= s->page_lo && b[1] <= s->page_hi;
    if (strict)
        fits = fits && b[0] >= -0.2 && b[1] <= s->pw + 0.2 && b[2] >= 0 &&
               b[3] <= s->ph;
    for (int k = 0; k < s->n && fits; k++)
        fits = b[1] < s->box[k][0] || b[0] > s->box[k][1] ||
               b[3] < s->box[k][2] || b[2] > s->box[k][3];
    for (size_t j = 0; j < s->dots && fits && strict > 1; j++) {
        const double *o = s->dot + 3 * j;
        if (j % (s->dots / 2) == own)
            continue;
        double cx = fmin(fmax(o[0], b[0]), b[1]);
        double cy = fmin(fmax(o[1], b[2]), b[3]);
        fits = (cx - o[0]) * (cx - o[0]) + (cy - o[1]) * (cy - o[1]) >
               o[2] * o[2];
    }
    return fits;
}

/* Name the centres that stand out in variant v's panel (its left edge
 * x0 cm from the page's, pw_cm wide).  Each name beside its dot, placed
 * in centimetres (then in data units): towards the middle of the panel
 * first, else the other side, a line up or down, at the first place
 * where it stays in the panel and prints over no dot and no name placed
 * before it; failing every place, a shorter form of the name
 * (pc_name_form); failing all, the same over dots; then anywhere on the
 * page that prints over no other name; the page is never left.  The
 * dots are ringed by the plot (pc_panels).  Returns how many labels
 * (20, 21, ...) were set. */
static int pc_names(ctx *c, FILE *f, const pc_page *p, size_t v, double x0,
                    double pw_cm, size_t best[PC_NAMED])
{
    int n = pc_outliers(c, p, v, best);
    double xs = (p->chi - p->clo) / pw_cm, ys = (p->yhi - p->ylo) / p->ph;
    pc_spots s = {.page_lo = 0.1 - x0, .page_hi = p->W - 0.1 - x0,
                  .pw = pw_cm, .ph = p->ph};
    s.dot = n > 0 ? malloc(6 * c->C * sizeof *s.dot) : NULL;
    if (s.dot) { /* this variant's dots, then the baseline's rings */
        s.dots = 2 * c->C;
        for (size_t j = 0; j < s.dots; j++) {
            size_t i = j % c->C, u = j < c->C ? v : c->base;
            double l = c->res->point_listed[i];
            double y = l > 0 ? (double)cstat(c, u, i)->point / 100.0 / l : NAN;
            s.dot[3 * j] = (pc_x(c, p, u, i) - p->clo) / xs;
            s.dot[3 * j + 1] = isfinite(y) ? (y - p->ylo) / ys : -1e9;
            s.dot[3 * j + 2] = 0.04 + 0.055 * pc_dot(p, l);
        }
    }
    for (int q = 0; q < n; q++) {
        size_t i = best[q];
        char name[4 * 32 + 1], form[4 * 32 + 1];
        double x = pc_x(c, p, v, i);
        double y = (double)cstat(c, v, i)->point / 100.0 /
                   c->res->point_listed[i];
        double px = (x - p->clo) / xs, py = (y - p->ylo) / ys;
        double gap = 0.2 + 0.07 * pc_dot(p, c->res->point_listed[i]);
        int pref = x > (p->clo + p->chi) / 2; /* 1: the name on the left */
        int side = pref, found = 0;
        double dy = 0, b[4];
        name[0] = '\0';
        for (int strict = 2; strict >= 0 && !found; strict--)
            for (int k = 0; !found && pc_name_form(c, i, pw_cm, k, form,
                                                   sizeof form); k++) {
                if (strict == 0 && pc_name_form(c, i, pw_cm, k + 1, name,
                                                sizeof name))
                    continue; /* on the page anywhere: the shortest */
                double w = 1.1 * vs_gp_text_cm(form, 6);
                for (int t = 0; t < 14 && !found; t++) {
                    int sd;
                    double d;
                    found = pc_try(&s, px, py, gap, w, pref, t, strict, i, b,
                                   &sd, &d);
                    if (found || (strict == 0 && t == 0)) {
                        memcpy(s.box[q], b, sizeof b);
                        snprintf(name, sizeof name, "%s", form);
                        side = sd, dy = d;
                    }
                }
                /* Nowhere free: on its dot's line, on the side that
                 * stays on the page. */
                if (!found && strict == 0 &&
                    (side ? s.box[q][0] < s.page_lo : s.box[q][1] > s.page_hi))
                    side = !side;
            }
        s.n = q + 1;
        fprintf(f, "set label %d ", 20 + q);
        vs_gp_put_q(&c->g, f, name);
        fputs(" at first ", f);
        vs_gp_put_num(f, x + (side ? -gap : gap) * xs);
        fputs(", first ", f);
        vs_gp_put_num(f, y + dy * ys);
        fprintf(f, " %s font ',6' textcolor rgb vs_ink noenhanced\n",
                side ? "right" : "left");
        /* A name moved up or down points at its dot. */
        if (dy == 0)
            continue;
        fprintf(f, "set arrow %d from first ", 20 + q);
        vs_gp_put_num(f, x + (side ? -gap : gap) * xs * 0.9);
        fputs(", first ", f);
        vs_gp_put_num(f, y + dy * ys);
        fputs(" to first ", f);
        vs_gp_put_num(f, x + (side ? -1 : 1) * 0.12 * xs);
        fputs(", first ", f);
        vs_gp_put_num(f, y);
        fputs(" nohead lw 0.6 lc rgb vs_grey\n", f);
    }
    free(s.dot);
    return n;
}

/* One panel per variant: its need line, its dots, the baseline's rings.
 * A panel ends PC_RIGHT cm before its cell (room for its last tick
 * label, which at the page's edge left the image). */
static void pc_panels(ctx *c, FILE *f, const pc_page *p)
{
    double W = p->W, H = p->H;
    size_t k = 0;
    for (size_t v = 0; v < c->V; v++) {
        if (c->K > 0 && v == c->base)
            continue;
        double col = (double)(k % p->cols), row = (double)(k / p->cols);
        double x0 = p->left + col * p->cw + 1.0;
        double x1 = p->left + (col + 1) * p->cw - PC_RIGHT;
        double top = H - p->title_h - row * p->cell - p->head_h;
        fprintf(f, "\n# Panel %zu\n", k + 1);
        vs_gp_put_margins(f, W, H, x0, x1, top - p->ph, top);
        /* The title's last line just above its panel. */
        char text[1024];
        pc_panel_title(c, p, v, text, sizeof text);
        size_t lines = vs_gp_wrap_lines(text, p->title_chars);
        lines = lines < p->title_lines ? lines : p->title_lines;
        fprintf(f, "set label 3 t_panel%zu", v);
        vs_gp_put_at(f, W, H, x0, top + 0.3 + 0.35 * (double)(lines - 1));
        fputs(" left font ',7.5' noenhanced\n", f);
        size_t best[PC_NAMED];
        int named = pc_names(c, f, p, v, x0, x1 - x0, best);
        fputs("plot ", f);
        /* x: CNI (need = listed x CNI, the line A / N x CNI), or the
         * need-proportional level (column 9; the line is the diagonal) */
        int xc = p->need_line ? 5 : 9;
        if (!p->need_line)
            fputs("x with lines dt 2 lw 1.2 lc rgb vs_ink notitle, \\\n  ", f);
        else if (isfinite(p->slope[v])) {
            vs_gp_put_num(f, p->slope[v]);
            fputs(" * x with lines dt 2 lw 1.2 lc rgb vs_ink notitle, \\\n  ",
                  f);
        }
        if (v != c->base)
            fprintf(f, "'chart_per_capita.csv' skip 1 using ($3 == %zu ? $%d : "
                       "NaN):7:8 with points pt 7 ps variable lt %d notitle, "
                       "\\\n  ", v, xc, c->slot[v]);
        fprintf(f, "'chart_per_capita.csv' skip 1 using ($3 == %zu ? $%d : "
                   "NaN):7:8 with points pt 6 ps variable lw 0.8 lc rgb "
                   "vs_grey notitle", c->base, xc);
        /* The named centres ringed: numbers inline, after the command. */
        if (named > 0)
            fputs(", \\\n  '-' using 1:2:3 with points pt 6 ps variable lw 1 "
                  "lc rgb vs_ink notitle", f);
        fputc('\n', f);
        for (int q = 0; q < named; q++) {
            size_t i = best[q];
            vs_gp_put_num(f, pc_x(c, p, v, i)); /* ',': style.gp */
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
            fprintf(f, "unset label %d; unset arrow %d\n", 20 + q, 20 + q);
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
    {   /* the need line (with a declared need the diagonal); 0.9 cm:
         * long enough to read as a dashed line (0.55 cm showed one dash
         * and a dot) */
        fprintf(f, "set arrow %d from screen ", id);
        vs_gp_put_num(f, (x - 0.75) / W);
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
    /* x: CNI, or with a declared need the need-proportional level on the
     * y axis's scale (the need line is the diagonal) */
    if (p.need_line)
        vs_gp_axis_fit_room(c->g.sv, &ax, p.clo, p.chi, p.cw - 1.0 - PC_RIGHT,
                            7, 0);
    else
        vs_gp_axis_fit_room(c->g.sv, &ax, lo, hi, p.cw - 1.0 - PC_RIGHT, 7, 0);
    p.clo = ax.lo, p.chi = ax.hi; /* as drawn: names are placed in it */
    p.ylo = ay.lo, p.yhi = ay.hi;

    FILE *f = script_begin(c, "per_capita",
                 p.need_line ? "funding per listed person against CNI, one "
                               "panel per variant"
                             : "funding per listed person against its "
                               "need-proportional level, one panel per "
                               "variant",
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
    free(p.at_level);
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

/* The charts of a run (only_alloc: its allocation chart alone). */
static int charts_write(const vs_scenario *sc, const vs_results *res,
                        const vs_charts_opts *opts, const char *dir,
                        vs_outset *set, vs_gp_list *list, int only_alloc,
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
    c.opts = opts;
    c.warn = vs_warn_src_of(sc, res);
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
    if (!only_alloc) {
        write_concentration(&c);
        write_metrics(&c);
        write_per_capita(&c);
    }
    st = c.g.st;

    /* Images from an earlier run into this folder would show old numbers
     * beside the new tables: remove ours (and only ours), at the commit. */
    if (st == VS_OK)
        st = vs_gp_remove_old(set, dir, chart_names, only_alloc ? 1 : N_CHARTS,
                              0, err);
done:
    free(rk);
    free(c.order);
    free(c.slot);
    return st;
}

int vs_charts_write(const vs_scenario *sc, const vs_results *res,
                    const vs_charts_opts *opts, const char *dir,
                    vs_outset *set, vs_gp_list *list, vs_err *err)
{
    return charts_write(sc, res, opts, dir, set, list, 0, err);
}

/* ---- the allocation chart of a folder again (report) --------------- */

/* Öre of a number cell of t (SEK with two decimals: exact). */
static int cell_ore(const vs_csv_table *t, size_t r, int col, vs_ore *out)
{
    double x;
    if (vs_csv_read_number(t, vs_csv_cell(t, r, col), &x) != 0 ||
        !(fabs(x) < 9e13))
        return -1;
    *out = (vs_ore)llround(x * 100);
    return 0;
}

int vs_charts_rewrite_allocation(const vs_scenario *sc, const char *dir,
                                 const vs_charts_opts *opts, vs_outset *set,
                                 vs_err *err)
{
    size_t V = sc->n_variants, C = sc->n_centres, nr = 0;
    char path[4096];
    vs_csv_table ct, at;
    memset(&ct, 0, sizeof ct);
    memset(&at, 0, sizeof at);
    vs_results r;
    memset(&r, 0, sizeof r);
    char *warn = NULL;
    size_t wlen;
    vs_idmap ix;
    vs_idmap_init(&ix);
    for (size_t v = 0; v < V; v++)
        nr += sc->variants[v].n_rules;
    r.n_variants = V, r.n_centres = C, r.iterations = 1000, r.n_rules = nr;
    r.centres = calloc(V * C + 1, sizeof *r.centres);
    r.point_listed = calloc(C + 1, sizeof *r.point_listed);
    r.point_cni = calloc(C + 1, sizeof *r.point_cni);
    r.shortfalls = calloc(nr + 1, sizeof *r.shortfalls);
    r.rule_base = calloc(V + 1, sizeof *r.rule_base);
    int st = VS_OK;
    if (!r.centres || !r.point_listed || !r.point_cni || !r.shortfalls ||
        !r.rule_base) {
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t v = 1; v < V; v++)
        r.rule_base[v] = r.rule_base[v - 1] + sc->variants[v - 1].n_rules;
    for (size_t k = 0; k < V * C; k++)
        r.centres[k].change_p05 = r.centres[k].change_p95 = NAN;
    snprintf(path, sizeof path, "%s/centres.csv", dir);
    if ((st = vs_csv_read_file(path, &ct, err)) != VS_OK)
        goto done;
    int cv = vs_csv_column(&ct, "variant"), cc = vs_csv_column(&ct, "centre"),
        cl = vs_csv_column(&ct, "listed"), cn = vs_csv_column(&ct, "cni"),
        cp = vs_csv_column(&ct, "point");
    if ((st = vs_centre_index_build(sc, &ix, err)) != VS_OK)
        goto done;
    for (size_t row = 1; row < ct.n_rows; row++) {
        int v = vs_scenario_find_variant(sc, vs_csv_cell(&ct, row, cv));
        int i = vs_idmap_get(&ix, vs_csv_cell(&ct, row, cc));
        vs_ore pt;
        if (v < 0 || i < 0 || cl < 0 || cn < 0 || cell_ore(&ct, row, cp, &pt) ||
            vs_csv_read_number(&ct, vs_csv_cell(&ct, row, cl), &r.point_listed[i]) ||
            vs_csv_read_number(&ct, vs_csv_cell(&ct, row, cn), &r.point_cni[i])) {
            st = vs_err_set(err, VS_EINPUT, path, ct.rows[row].line,
                            "not a row of this scenario's centres.csv");
            goto done;
        }
        r.centres[(size_t)v * C + (size_t)i].point = pt;
    }
    snprintf(path, sizeof path, "%s/chart_allocation.csv", dir);
    if ((st = vs_csv_read_file(path, &at, err)) != VS_OK)
        goto done;
    int av = vs_csv_column(&at, "variant"), ac = vs_csv_column(&at, "centre"),
        a5 = vs_csv_column(&at, "change_p05"), a95 = vs_csv_column(&at, "change_p95");
    if (a5 < 0 || a95 < 0) {
        st = vs_err_set(err, VS_EINPUT, path, 1,
                        "no change_p05/change_p95 columns (a folder of an "
                        "older vardsim: run it again)");
        goto done;
    }
    for (size_t row = 1; row < at.n_rows; row++) {
        int v = vs_scenario_find_variant(sc, vs_csv_cell(&at, row, av));
        int i = vs_idmap_get(&ix, vs_csv_cell(&at, row, ac));
        double a, b;
        if (v < 0 || i < 0)
            continue;
        vs_centre_stat *s = &r.centres[(size_t)v * C + (size_t)i];
        if (vs_csv_read_number(&at, vs_csv_cell(&at, row, a5), &a) == 0 &&
            vs_csv_read_number(&at, vs_csv_cell(&at, row, a95), &b) == 0)
            s->change_p05 = a * 100, s->change_p95 = b * 100;
    }
    snprintf(path, sizeof path, "%s/warnings.txt", dir);
    if (vs_file_read(path, 1 << 22, &warn, &wlen) == 0)
        vs_warnings_read(sc, warn, r.shortfalls);
    st = charts_write(sc, &r, opts, dir, set, NULL, 1, err);
done:
    vs_idmap_free(&ix);
    free(warn);
    vs_csv_table_free(&ct);
    vs_csv_table_free(&at);
    free(r.centres);
    free(r.point_listed);
    free(r.point_cni);
    free(r.shortfalls);
    free(r.rule_base);
    return st;
}

