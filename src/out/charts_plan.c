/* charts_plan.c: the plan's trajectory chart.
 *
 * One panel per centre for the centres furthest from target at the start
 * (at most VS_PLAN_CHART_MAX): the point estimate's money year by year as
 * a solid line with points, the target as a dashed line, and the 5-95 %
 * band of the draws in light grey, so it reads in black and white.  The
 * numbers go into plan_chart.csv (one block per panel: numbers only, no
 * scenario text); names reach the script only through the one gnuplot
 * writer's quoting (out/gp.h), as single-quoted gnuplot strings. */
#include "charts_plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/charts.h"

static double distance0(const vs_plan_results *pr, size_t i)
{
    double T = pr->target[i];
    return T > 0 ? fabs(((double)pr->point[i] - T) / T) : -1;
}

int vs_plan_chart_pick(const vs_plan_results *pr, size_t *order, size_t *n)
{
    /* selection of the few largest, by repeated scan: n is small */
    size_t nc = pr->n_centres, k = nc < VS_PLAN_CHART_MAX ? nc : VS_PLAN_CHART_MAX;
    unsigned char *taken = calloc(nc ? nc : 1, 1);
    if (!taken)
        return VS_ENOMEM;
    for (size_t j = 0; j < k; j++) {
        size_t best = nc;
        for (size_t i = 0; i < nc; i++)
            if (!taken[i] && (best == nc || distance0(pr, i) > distance0(pr, best)))
                best = i;
        taken[best] = 1;
        order[j] = best;
    }
    *n = k;
    free(taken);
    return VS_OK;
}

static void put_csv_row(FILE *f, double year, const double *v, int n)
{
    vs_gp_put_cell(f, year);
    for (int k = 0; k < n; k++) {
        fputc(',', f);
        vs_gp_put_cell(f, v[k]);
    }
    fputc('\n', f);
}

typedef struct words {
    const char *title; /* %zu: how many; %s: the centre term, plural */
    const char *axis_year, *alloc, *target, *band, *note, *floor;
    /* a panel's warning line: a floor or a cap binds at the point
     * estimate in these years; the footnote's: the floors or caps were
     * scaled to fit the budget */
    const char *at_floor, *at_cap, *floors_scaled, *caps_scaled;
} words;

/* Each text on one line of the 16 cm page at its size, with a margin
 * (svg_fit.py in tests/cli checks it as a PNG draws it). */
static const words words_sv = {
    "Vägen mot målet: de %zu %s längst från sitt mål",
    "År", "Heldragen linje: tilldelning (punktskattning)", "streckad: mål",
    "grått band: 5–95 % av dragningarna",
    "Mål = årets budget × målmodellens andel.",
    "Golv: minst förra årets belopp × (1 + lägsta tillväxt).",
    "⚠ golvet binder", "⚠ taket binder",
    "⚠ Golven ryms inte i budgeten och skalas ned:",
    "⚠ Taken räcker inte till budgeten och skalas upp:"};
static const words words_en = {
    "Path to target: the %zu %s furthest from theirs",
    "Year", "Solid line: allocation (point estimate)", "dashed: target",
    "grey band: 5–95 % of draws",
    "Target = the year's budget × the target model's share.",
    "Floor: at least last year's amount × (1 + minimum growth).",
    "⚠ floor binds", "⚠ cap binds",
    "⚠ The floors exceed the budget and are scaled down:",
    "⚠ The caps fall short of the budget and are scaled up:"};

/* A tic step near a quarter of the range: 1, 2, 2.5 or 5 times a power
 * of ten, so a panel shows four or five labels. */
static double tic_step(double range)
{
    if (!(range > 0))
        return 1;
    double raw = range / 4, p = pow(10, floor(log10(raw))), m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

static int write_data(const vs_plan_results *pr, const size_t *order,
                      size_t k, double div, FILE *f)
{
    size_t nc = pr->n_centres;
    for (size_t j = 0; j < k; j++) {
        if (j > 0)
            fputs("\n\n", f); /* gnuplot's index separator */
        for (size_t t = 0; t <= pr->years; t++) {
            size_t c = t * nc + order[j];
            double v[4] = {(double)pr->point[c] / 100 / div,
                           pr->target[c] / 100 / div, pr->p05[c] / 100 / div,
                           pr->p95[c] / 100 / div};
            put_csv_row(f, (double)(pr->first_year - 1 + (long)t), v, 4);
        }
    }
    return VS_OK;
}

/* `what` followed by the years (first_year + t - 1) in which
 * has(t) holds, as runs: "⚠ ... 2024–2026, 2028"; "" when there is none. */
static void years_text(const vs_plan_results *pr, const char *what,
                       int (*has)(const vs_plan_results *, size_t, size_t),
                       size_t i, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t t = 1; t <= pr->years; t++) {
        if (!has(pr, t, i) || (t > 1 && has(pr, t - 1, i)))
            continue; /* not the start of a run */
        size_t e = t;
        while (e < pr->years && has(pr, e + 1, i))
            e++;
        long y0 = pr->first_year - 1 + (long)t, y1 = pr->first_year - 1 + (long)e;
        int k = len == 0 ? snprintf(buf, n, "%s %ld", what, y0)
                         : snprintf(buf + len, n - len, ", %ld", y0);
        if (k > 0 && (size_t)k < n - len)
            len += (size_t)k;
        if (e > t && len < n) {
            k = snprintf(buf + len, n - len, "–%ld", y1);
            if (k > 0 && (size_t)k < n - len)
                len += (size_t)k;
        }
        t = e;
    }
}

static int at_floor(const vs_plan_results *pr, size_t t, size_t i)
{
    return (pr->point_bind[t * pr->n_centres + i] & VS_PLAN_AT_FLOOR) != 0;
}
static int at_cap(const vs_plan_results *pr, size_t t, size_t i)
{
    return (pr->point_bind[t * pr->n_centres + i] & VS_PLAN_AT_CAP) != 0;
}
static int floors_scaled(const vs_plan_results *pr, size_t t, size_t i)
{
    (void)i;
    return (pr->point_flags[t] & VS_PLAN_FLOORS_SCALED) != 0;
}
static int caps_scaled(const vs_plan_results *pr, size_t t, size_t i)
{
    (void)i;
    return (pr->point_flags[t] & VS_PLAN_CAPS_SCALED) != 0;
}

/* What the script says, worked out before it is written. */
typedef struct chart {
    const vs_scenario *sc;
    const vs_plan_results *pr;
    const words *W;
    size_t order[VS_PLAN_CHART_MAX], k; /* the centres shown, by panel */
    const char *unit;                   /* kr, tkr or MSEK, every panel */
    double div;                         /* SEK per unit */
    /* per panel: the years its floor / its cap binds at the point
     * estimate ("" when never); for the chart: the years the floors /
     * caps were scaled to fit the budget */
    char warn[VS_PLAN_CHART_MAX][2][160], scaled[2][160];
    size_t title_chars; /* a panel title's width */
    double extra, notes; /* cm added for title lines and footnote lines */
} chart;

/* Each panel's title: the centre's name and the unit, wrapped to the
 * panel's width (two lines at most), then a line per bound that binds at
 * the point estimate, so that a centre the plan cannot move to its target
 * says so where its line is drawn. */
static void chart_texts(chart *c)
{
    const vs_plan_results *pr = c->pr;
    size_t most_lines = 1;
    c->title_chars = vs_gp_chars_in(6.0, 8);
    for (size_t j = 0; j < c->k; j++) {
        years_text(pr, c->W->at_floor, at_floor, c->order[j], c->warn[j][0],
                   sizeof c->warn[j][0]);
        years_text(pr, c->W->at_cap, at_cap, c->order[j], c->warn[j][1],
                   sizeof c->warn[j][1]);
        char head[400];
        snprintf(head, sizeof head, "%s (%s)", c->sc->centres[c->order[j]].name, c->unit);
        size_t lines = vs_gp_wrap_lines(head, c->title_chars);
        lines = lines > 2 ? 2 : lines;
        for (int q = 0; q < 2; q++)
            if (c->warn[j][q][0]) {
                size_t more = vs_gp_wrap_lines(c->warn[j][q], c->title_chars);
                lines += more > 2 ? 2 : more;
            }
        most_lines = lines > most_lines ? lines : most_lines;
    }
    years_text(pr, c->W->floors_scaled, floors_scaled, 0, c->scaled[0], sizeof c->scaled[0]);
    years_text(pr, c->W->caps_scaled, caps_scaled, 0, c->scaled[1], sizeof c->scaled[1]);
    c->extra = 0.4 * (double)(most_lines - 1);
    c->notes = 0.45 * ((c->scaled[0][0] != 0) + (c->scaled[1][0] != 0));
}

/* The script's texts, as gnuplot variables. */
static int put_texts(const chart *c, vs_gp *g, FILE *f)
{
    char title[400];
    snprintf(title, sizeof title, c->W->title, c->k, vs_scenario_centre_term(c->sc, 1));
    vs_gp_assign(g, f, "t_title", title);
    vs_gp_assign(g, f, "t_scenario", c->sc->name ? c->sc->name : "");
    vs_gp_assign(g, f, "t_alloc", c->W->alloc);
    vs_gp_assign(g, f, "t_target", c->W->target);
    vs_gp_assign(g, f, "t_band", c->W->band);
    vs_gp_assign(g, f, "t_year", c->W->axis_year);
    vs_gp_assign(g, f, "t_note", c->W->note);
    vs_gp_assign(g, f, "t_floor", c->W->floor);
    for (int q = 0; q < 2; q++)
        if (c->scaled[q][0])
            vs_gp_assign(g, f, q == 0 ? "t_scaled0" : "t_scaled1", c->scaled[q]);
    for (size_t j = 0; j < c->k; j++) {
        char var[32], head[400];
        snprintf(var, sizeof var, "t_c%zu", j);
        snprintf(head, sizeof head, "%s (%s)", c->sc->centres[c->order[j]].name, c->unit);
        vs_gp_assign_wrapped(g, f, var, head, c->title_chars, 2);
        for (int q = 0; q < 2; q++)
            if (c->warn[j][q][0]) {
                snprintf(var, sizeof var, "t_w%zu_%d", j, q);
                vs_gp_assign_wrapped(g, f, var, c->warn[j][q], c->title_chars, 2);
            }
    }
    return g->st;
}

/* The legend in words under the panels (it reads in black and white, and
 * a key would not fit a half-width panel), then the scaled bounds. */
static void put_footnotes(const chart *c, FILE *f, double w, double h)
{
    fputs("unset key\nset label 104 t_alloc . ', ' . t_target . ', ' . t_band", f);
    vs_gp_put_at(f, w, h, w / 2, 1.2 + c->notes);
    fputs(" center font ',7' noenhanced\n", f);
    fputs("set label 103 t_note", f);
    vs_gp_put_at(f, w, h, w / 2, 0.75 + c->notes);
    fputs(" center font ',7' noenhanced\n", f);
    fputs("set label 105 t_floor", f);
    vs_gp_put_at(f, w, h, w / 2, 0.3 + c->notes);
    fputs(" center font ',7' noenhanced\n", f);
    for (int q = 0, line = 0; q < 2; q++)
        if (c->scaled[q][0]) {
            fprintf(f, "set label %d t_scaled%d", 106 + q, q);
            vs_gp_put_at(f, w, h, w / 2, 0.3 + c->notes - 0.45 * ++line);
            fputs(" center font ',7' noenhanced\n", f);
        }
}

/* One panel per centre: band, target and allocation. */
static void put_panels(const chart *c, FILE *f)
{
    const vs_plan_results *pr = c->pr;
    for (size_t j = 0; j < c->k; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t t = 0; t <= pr->years; t++) {
            size_t i = t * pr->n_centres + c->order[j];
            double v[4] = {(double)pr->point[i], pr->target[i], pr->p05[i], pr->p95[i]};
            for (int q = 0; q < 4; q++) {
                lo = fmin(lo, v[q] / 100 / c->div);
                hi = fmax(hi, v[q] / 100 / c->div);
            }
        }
        fprintf(f, "set title t_c%zu", j);
        for (int q = 0; q < 2; q++)
            if (c->warn[j][q][0])
                fprintf(f, " . \"\\n\" . t_w%zu_%d", j, q);
        fputs("\nset ytics ", f);
        vs_gp_put_num(f, tic_step(hi - lo));
        fputc('\n', f);
        fprintf(f, "plot 'plan_chart.csv' index %zu using 1:4:5 with filledcurves "
                   "fc rgb vs_light title t_band, \\\n"
                   "     '' index %zu using 1:3 with lines dt 2 lw 1.5 lc rgb vs_ink "
                   "title t_target, \\\n"
                   "     '' index %zu using 1:2 with linespoints lt 1 title t_alloc\n",
                j, j, j);
        if (j == 0)
            fputs("unset label 101\nunset label 102\nunset label 103\n"
                  "unset label 104\nunset label 105\nunset label 106\n"
                  "unset label 107\n", f);
    }
    fputs("unset multiplot\n", f);
}

int vs_plan_chart_write(const vs_scenario *sc, const vs_plan_results *pr,
                        const char *dir, vs_outset *set, vs_gp_list *list,
                        vs_err *err)
{
    int sv = strcmp(sc->lang, "sv") == 0;
    chart c = {.sc = sc, .pr = pr, .W = sv ? &words_sv : &words_en};
    if (vs_plan_chart_pick(pr, c.order, &c.k) != VS_OK)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    if (c.k == 0)
        return VS_OK;
    /* one unit for every panel, from the largest amount shown */
    double max_sek = 0;
    for (size_t j = 0; j < c.k; j++)
        for (size_t t = 0; t <= pr->years; t++) {
            size_t i = t * pr->n_centres + c.order[j];
            max_sek = fmax(max_sek, fmax((double)pr->point[i], pr->p95[i]) / 100);
        }
    c.unit = vs_gp_money_unit(max_sek, sv, &c.div);
    chart_texts(&c);

    FILE *d = vs_outset_open(set, dir, "plan_chart.csv", err);
    if (!d)
        return err->code != VS_OK ? err->code : VS_EIO;
    fputs("# year,allocation,target,p05,p95 (", d);
    fputs(c.unit, d);
    fputs("): one block per panel of plan.gp\n", d);
    write_data(pr, c.order, c.k, c.div, d);

    FILE *f = vs_outset_open(set, dir, "plan.gp", err);
    if (!f)
        return err->code != VS_OK ? err->code : VS_EIO;
    if (list && list->n < VS_GP_MAX_CHARTS) /* vs_gp_render draws it */
        snprintf(list->names[list->n++], sizeof list->names[0], "plan");
    double w = 16, rows = (double)((c.k + 1) / 2), top = 2.3 + c.extra;
    double bottom = 2.4 + c.notes, gap = 1.9 + c.extra;
    double h = top + bottom + 4.5 * rows + gap * (rows - 1);
    fputs("# plan.gp: the plan's trajectories towards target.\n"
          "# Written by vardsim; reads style.gp and plan_chart.csv in this folder.\n"
          "# Render inside this folder:  gnuplot plan.gp      (writes plan.png)\n"
          "#   other formats:  gnuplot -e \"vs_format='svg'\" plan.gp   (or 'pdf')\n"
          "if (!exists('vs_format')) vs_format = 'png'\n"
          "if (!exists('vs_output')) vs_output = 'plan.' . vs_format\n"
          "vs_width_cm = ", f);
    vs_gp_put_num(f, w);
    fputs("\nvs_height_cm = ", f);
    vs_gp_put_num(f, h);
    fputs("\nload 'style.gp'\n", f);
    if (sv)
        fputs("set decimalsign ','\n", f);
    fputs("\n# Text from the scenario and labels: single-quoted strings, "
          "which gnuplot\n# prints as they are.\n", f);
    vs_gp g;
    vs_gp_init(&g, dir, set, sv, NULL, err);
    int st = put_texts(&c, &g, f);
    if (st != VS_OK)
        return st;
    vs_gp_put_titles(f, w, h);
    put_footnotes(&c, f, w, h);
    fprintf(f, "set xtics 1 format '%%.0f'\n"
               "set xrange [%ld - 0.3:%ld + 0.3]\n"
               "set multiplot layout %d,2 margins 0.1,0.97,",
            pr->first_year - 1, pr->first_year - 1 + (long)pr->years, (int)rows);
    vs_gp_put_num(f, bottom / h);
    fputc(',', f);
    vs_gp_put_num(f, 1 - top / h);
    fputs(" spacing 0.1,", f);
    vs_gp_put_num(f, gap / h);
    fputc('\n', f);
    put_panels(&c, f);
    return VS_OK;
}
