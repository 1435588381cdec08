/* charts_sensitivity.c: the tornado chart of `vardsim sensitivity`
 * (tornado.dat and tornado.gp; see out/sensitivity_write.h), written with
 * the one gnuplot writer (out/gp.h) in the house style: variant and input
 * names only in single-quoted literals, the data file numbers only.
 *
 * One panel per variant, one scale for every panel (so bars compare
 * across variants), inputs and metrics in words (vs_gp_path_words,
 * vs_gp_metric_words).  The script draws ci_need unless told another
 * metric (`gnuplot -e "metric='gini'" tornado.gp`); for each metric it
 * holds its own axis, with tick labels formatted by vardsim. */
#include "out/sensitivity_write.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/gp.h"
#include "out/warnings.h"
#include "vardsim/metrics.h"
#include "vardsim/report.h"

typedef struct lang {
    const char *title, *low, *high, *undefined, *note, *total, *unalloc;
} lang;

static const lang lang_sv = {
    "Vilken osäker indata påverkar mest?",
    "indata på sin 5:e percentil",
    "indata på sin 95:e percentil",
    "odefinierad",
    "Stapel: måttet när en indata i taget går från sitt punktvärde till sin 5:e eller 95:e percentil, "
    "övriga indata på sina punktvärden.  Streckat: punktskattningen.  Samma skala i alla rutor.",
    "Totalt fördelat", "Ej fördelat",
};

static const lang lang_en = {
    "Which uncertain input matters most?",
    "input at its 5th percentile",
    "input at its 95th percentile",
    "undefined",
    "Bar: the metric when one input at a time moves from its point value to its 5th or 95th percentile, "
    "the other inputs at their point values.  Dashed: the point estimate.  One scale in every panel.",
    "Total allocated", "Unallocated",
};

/* Chart value: money in SEK, shares in per cent, the metric otherwise. */
static double chart_value(int m, double x)
{
    if (m >= VS_M_COUNT)
        return x / 100.0;
    if (vs_gp_metric_share(m))
        return 100 * x;
    return x;
}

static const vs_sensitivity_cell *cell_at(const vs_sensitivity_result *r,
                                          size_t v, int m)
{
    return &r->cells[(v * VS_STAT_COUNT + (size_t)m) * r->n_inputs];
}

/* One number of tornado.dat: an undefined value is '?', the script's
 * missing-data mark (a space-separated file has no empty cell; gnuplot
 * leaves the bar out either way, but no table of ours says nan). */
static void put_dat_num(FILE *f, double v, const char *sep)
{
    if (isfinite(v))
        fprintf(f, "%.17g%s", v, sep);
    else
        fprintf(f, "?%s", sep);
}

/* tornado.dat: numbers only (names stay in the script).  One block per
 * variant and statistic, blocks in the order of sensitivity.csv, each
 * with one line per input sorted by |swing| ascending (undefined first),
 * so the widest bar is drawn on top.  Columns: position, input number
 * (1-based), low, high, point. */
static int write_dat(const vs_sensitivity_result *r, FILE *f)
{
    size_t ni = r->n_inputs;
    size_t *order = malloc((ni ? ni : 1) * sizeof *order);
    if (!order)
        return VS_ENOMEM;
    fputs("# position input low high point\n", f);
    for (size_t v = 0; v < r->n_variants; v++)
        for (int m = 0; m < VS_STAT_COUNT; m++) {
            const vs_sensitivity_cell *x = cell_at(r, v, m);
            /* insertion sort: few inputs, and stable (ties keep input order) */
            for (size_t i = 0; i < ni; i++) {
                double key = isnan(x[i].swing) ? -1 : fabs(x[i].swing);
                size_t k = i;
                while (k > 0) {
                    double prev = isnan(x[order[k - 1]].swing)
                                      ? -1 : fabs(x[order[k - 1]].swing);
                    if (prev <= key)
                        break;
                    order[k] = order[k - 1];
                    k--;
                }
                order[k] = i;
            }
            if (v > 0 || m > 0)
                fputs("\n\n", f);
            for (size_t k = 0; k < ni; k++) {
                const vs_sensitivity_cell *c = &x[order[k]];
                fprintf(f, "%zu %zu ", k, order[k] + 1);
                put_dat_num(f, chart_value(m, c->low), " ");
                put_dat_num(f, chart_value(m, c->high), " ");
                put_dat_num(f, chart_value(m, c->point), "\n");
            }
        }
    free(order);
    return VS_OK;
}

/* A block can be drawn when its point and some input's low and high are
 * defined (gnuplot stops with an error on a block with no valid point). */
static int block_drawable(const vs_sensitivity_result *r, size_t v, int m)
{
    const vs_sensitivity_cell *x = cell_at(r, v, m);
    if (r->n_inputs == 0 || isnan(x[0].point))
        return 0;
    for (size_t i = 0; i < r->n_inputs; i++)
        if (!isnan(x[i].low) && !isnan(x[i].high))
            return 1;
    return 0;
}

/* The page, in cm. */
typedef struct page {
    double W, H, title_h, names_w, row_h, head_h, ph, cell, key_h, note_h;
    size_t name_chars, name_lines, head_chars, head_lines, note_chars;
} page;

static void layout(const vs_scenario *sc, const vs_sensitivity_result *r,
                   int sv, const vs_warn_src *w, page *p)
{
    memset(p, 0, sizeof *p);
    p->W = 16, p->title_h = 1.9, p->names_w = 5.0;
    p->name_chars = vs_gp_chars_in(p->names_w - 0.4, 7);
    p->name_lines = 1;
    for (size_t i = 0; i < r->n_inputs; i++) {
        char words[512];
        vs_gp_path_words(sc, r->inputs[i].name, sv, words, sizeof words);
        size_t n = vs_gp_wrap_lines(words, p->name_chars);
        p->name_lines = n > p->name_lines ? n : p->name_lines;
    }
    p->name_lines = p->name_lines > 2 ? 2 : p->name_lines;
    p->row_h = p->name_lines > 1 ? 0.75 : 0.45;
    p->head_chars = vs_gp_chars_in(p->W - p->names_w - 0.8, 7.5);
    p->head_lines = 1;
    for (size_t v = 0; v < r->n_variants; v++) {
        char mark[400], text[1024];
        vs_warnings_mark(w, v, sv, mark, sizeof mark);
        snprintf(text, sizeof text, "%s%s%s", sc->variants[v].name,
                 *mark ? "  " : "", mark);
        size_t n = vs_gp_wrap_lines(text, p->head_chars);
        p->head_lines = n > p->head_lines ? n : p->head_lines;
    }
    p->head_lines = p->head_lines > 3 ? 3 : p->head_lines;
    p->head_h = 0.25 + 0.38 * (double)p->head_lines;
    p->ph = p->row_h * (double)(r->n_inputs ? r->n_inputs : 1) + 0.2;
    p->cell = p->head_h + p->ph + 0.85; /* and the tick labels */
    const lang *L = sv ? &lang_sv : &lang_en;
    p->note_chars = vs_gp_chars_in(p->W - 1.0, 7);
    size_t nl = vs_gp_wrap_lines(L->note, p->note_chars);
    p->key_h = 0.8, p->note_h = 0.4 + 0.36 * (double)(nl > 3 ? 3 : nl);
    p->H = p->title_h + 0.6 /* axis title */ +
           (double)r->n_variants * p->cell + p->key_h + p->note_h;
}

/* The metric's words and unit for the axis. */
static void metric_axis_text(const vs_scenario *sc, const lang *L, int m,
                             int sv, const char *unit, char *buf, size_t n)
{
    char words[256];
    if (m < VS_M_COUNT)
        vs_gp_metric_words(sc, m, sv, words, sizeof words);
    else
        snprintf(words, sizeof words, "%s (%s)",
                 m == VS_STAT_TOTAL ? L->total : L->unalloc, unit);
    if (m < VS_M_COUNT)
        snprintf(buf, n, "%s, %s", words, vs_gp_better_words(m, sv));
    else
        snprintf(buf, n, "%s", words);
}

/* For each statistic: its axis text, its money divisor and one range over
 * every variant and input (one scale for all panels). */
static void put_metric_axes(vs_gp *g, FILE *f, const vs_scenario *sc,
                            const vs_sensitivity_result *r, const lang *L,
                            const page *p)
{
    for (int m = 0; m < VS_STAT_COUNT; m++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t v = 0; v < r->n_variants; v++) {
            const vs_sensitivity_cell *x = cell_at(r, v, m);
            for (size_t i = 0; i < r->n_inputs; i++) {
                double q[3] = {x[i].low, x[i].high, x[i].point};
                for (int k = 0; k < 3; k++) {
                    double y = chart_value(m, q[k]);
                    if (isfinite(y)) {
                        lo = fmin(lo, y);
                        hi = fmax(hi, y);
                    }
                }
            }
        }
        double div = 1;
        const char *unit = "";
        if (m >= VS_M_COUNT) {
            unit = vs_gp_money_unit(fmax(fabs(lo), fabs(hi)), g->sv, &div);
            lo /= div, hi /= div;
        }
        if (!(lo <= hi))
            lo = 0, hi = 1;
        else {
            double span = hi - lo, pad = span > 0 ? 0.05 * span : 0;
            /* never zoom into rounding: at least 1 % of the magnitude */
            double least = 0.01 * fmax(fabs(lo), fabs(hi));
            if (span < least)
                pad = (least - span) / 2;
            lo -= pad, hi += pad;
        }
        vs_gp_axis ax;
        vs_gp_axis_fit_room(g->sv, &ax, lo, hi, p->W - p->names_w - 0.8, 9,
                            m == VS_M_LOSERS ? 1 : 0);
        char text[512];
        metric_axis_text(sc, L, m, g->sv, unit, text, sizeof text);
        fprintf(f, "if (m == %d) {\n    div = ", m + 1);
        vs_gp_put_num(f, div);
        fputs("\n    t_x = ", f);
        vs_gp_put_q(g, f, text);
        fputs("\n", f);
        vs_gp_put_axis(g, f, "x", &ax);
        fputs("}\n", f);
    }
}

/* tornado.gp */
static void write_gp(vs_gp *g, const vs_scenario *sc,
                     const vs_sensitivity_result *r, FILE *f, const page *p,
                     const vs_warn_src *w)
{
    const lang *L = g->sv ? &lang_sv : &lang_en;
    size_t nv = r->n_variants, ni = r->n_inputs, nb = nv * VS_STAT_COUNT;
    double W = p->W, H = p->H;
    /* `fmt` is the older name of vs_format: gnuplot -e "fmt='svg'". */
    fputs("# tornado.gp: one-at-a-time swings of every uncertain input, one\n"
          "# panel per variant, one scale (written by vardsim sensitivity).\n"
          "#   gnuplot tornado.gp                        PNG of ci_need\n"
          "#   gnuplot -e \"vs_format='svg'; metric='gini'\" tornado.gp\n"
          "# metric: any metric of sensitivity.csv.\n"
          "if (exists('fmt') && !exists('vs_format')) vs_format = fmt\n", f);
    vs_gp_script s = {"tornado", "which uncertain input moves each metric",
                      "tornado.dat", " sensitivity", W, H, 1};
    vs_gp_script_begin(g, f, &s);
    char name[4 * 110 + 1];
    vs_gp_shorten(sc->name ? sc->name : "", 110, name, sizeof name);
    /* tornado.dat is separated by spaces (the style reads CSV). */
    fputs("set datafile separator whitespace\nset datafile missing '?'\n", f);
    vs_gp_assign(g, f, "t_scenario", name);
    vs_gp_assign(g, f, "t_title", L->title);
    vs_gp_assign(g, f, "t_low", L->low);
    vs_gp_assign(g, f, "t_high", L->high);
    vs_gp_assign(g, f, "t_undefined", L->undefined);
    vs_gp_assign_wrapped(g, f, "t_note", L->note, p->note_chars, 3);
    for (size_t v = 0; v < nv; v++) {
        char mark[400], text[1024], var[32];
        vs_warnings_mark(w, v, g->sv, mark, sizeof mark);
        snprintf(text, sizeof text, "%s%s%s", sc->variants[v].name,
                 *mark ? "  " : "", mark);
        snprintf(var, sizeof var, "t_v%zu", v);
        vs_gp_assign_wrapped(g, f, var, text, p->head_chars,
                             (int)p->head_lines);
    }
    fprintf(f, "array input_name[%zu]\n", ni ? ni : 1);
    for (size_t i = 0; i < ni; i++) {
        char words[512], var[48];
        vs_gp_path_words(sc, r->inputs[i].name, g->sv, words, sizeof words);
        snprintf(var, sizeof var, "input_name[%zu]", i + 1);
        vs_gp_assign_wrapped(g, f, var, words, p->name_chars,
                             (int)p->name_lines);
    }

    fputs("\n# Which metric: its number m (1-based, the order of "
          "sensitivity.csv).\nif (!exists('metric')) metric = 'ci_need'\n"
          "metrics = '", f);
    for (int m = 0; m < VS_STAT_COUNT; m++)
        fprintf(f, "%s%s", m ? " " : "", vs_report_stat_name(m));
    fputs("'\nm = 0\n"
          "do for [k = 1:words(metrics)] { if (word(metrics, k) eq metric) { m = k } }\n"
          "if (m == 0) { exit error sprintf('tornado.gp: unknown metric %s', metric) }\n",
          f);
    fprintf(f, "nstat = %d\n", VS_STAT_COUNT);
    fprintf(f, "# per block (variant x metric): drawable, point\narray drawable[%zu] = [", nb);
    for (size_t b = 0; b < nb; b++)
        fprintf(f, "%s%d", b ? ", " : "",
                block_drawable(r, b / VS_STAT_COUNT, (int)(b % VS_STAT_COUNT)));
    fprintf(f, "]\narray point[%zu] = [", nb);
    for (size_t b = 0; b < nb; b++) {
        fputs(b ? ", " : "", f);
        vs_gp_put_num(f, ni ? chart_value((int)(b % VS_STAT_COUNT),
                                          r->cells[b * ni].point)
                            : NAN);
    }
    fputs("]\n\n# Each metric's axis, the same in every panel.\n", f);
    put_metric_axes(g, f, sc, r, L, p);

    fputs("\nset multiplot\n", f);
    vs_gp_put_titles(f, W, H);
    fputs("set label 103 t_x", f);
    vs_gp_put_at(f, W, H, (p->names_w + W) / 2,
                 p->note_h + p->key_h + 0.25);
    fputs(" center noenhanced\n", f);
    fprintf(f, "unset grid\nset grid xtics back lc rgb vs_light\n"
               "set xtics font ',7'\nset ytics scale 0 font '%s'\n"
               "set yrange [-0.6 : %zu - 0.4]\n"
               "set style fill solid 0.9 noborder\n",
            p->name_lines > 1 ? ",6.5" : ",7", ni ? ni : 1);
    for (size_t v = 0; v < nv; v++) {
        double top = H - p->title_h - (double)v * p->cell - p->head_h;
        fprintf(f, "\n# Panel %zu\nb = %zu * nstat + m\n", v + 1, v);
        vs_gp_put_margins(f, W, H, p->names_w, W - 0.5, top - p->ph, top);
        /* The title's last line just above its panel. */
        char mark[400], text[1024];
        vs_warnings_mark(w, v, g->sv, mark, sizeof mark);
        snprintf(text, sizeof text, "%s%s%s", sc->variants[v].name,
                 *mark ? "  " : "", mark);
        size_t lines = vs_gp_wrap_lines(text, p->head_chars);
        lines = lines < p->head_lines ? lines : p->head_lines;
        fprintf(f, "set label 3 t_v%zu", v);
        vs_gp_put_at(f, W, H, p->names_w,
                     top + 0.3 + 0.38 * (double)(lines - 1));
        fputs(" left font ',7.5' noenhanced\nunset arrow 1; unset label 4\n",
              f);
        fputs("if (drawable[b]) {\n"
              "    set arrow 1 from point[b] / div, graph 0 to point[b] / div, "
              "graph 1 nohead dt 2 lw 1 lc rgb vs_ink\n"
              "    plot 'tornado.dat' index (b - 1) using ($5 / div):1:"
              "((($3 < $5) ? $3 : $5) / div):((($3 > $5) ? $3 : $5) / div):"
              "($1 - 0.32):($1 + 0.32):ytic(input_name[int($2)]) with "
              "boxxyerror lc rgb '#0072B2' notitle, \\\n"
              "         '' index (b - 1) using ($5 / div):1:"
              "((($4 < $5) ? $4 : $5) / div):((($4 > $5) ? $4 : $5) / div):"
              "($1 - 0.32):($1 + 0.32) with boxxyerror lc rgb '#E69F00' "
              "notitle\n"
              "} else {\n"
              "    set label 4 t_undefined at graph 0.5, graph 0.5 center "
              "noenhanced\n"
              "    plot NaN notitle\n"
              "}\n", f);
        if (v == 0)
            fputs("unset label 101; unset label 102; unset label 103\n", f);
    }
    fputs("\n# The key and the note.\n", f);
    vs_gp_key_strip(f, W, H, p->note_h, p->note_h + p->key_h, 1);
    fputs("unset label\nset label 1 t_note", f);
    vs_gp_put_at(f, W, H, 0.5, p->note_h - 0.35);
    fputs(" left font ',7' textcolor rgb vs_ink noenhanced\n"
          "plot NaN with boxes fs solid 0.9 lc rgb '#0072B2' title t_low, \\\n"
          "     NaN with boxes fs solid 0.9 lc rgb '#E69F00' title t_high\n"
          "unset multiplot\n", f);
}

int vs_sensitivity_charts_write(const vs_scenario *sc,
                                const vs_sensitivity_result *r,
                                const char *dir, vs_outset *set,
                                vs_gp_list *list, vs_err *err)
{
    int st = vs_gp_check_names(sc, err);
    if (st != VS_OK)
        return st;
    vs_gp g;
    vs_gp_init(&g, dir, set, strcmp(sc->lang, "sv") == 0, list, err);
    FILE *f = vs_gp_open(&g, "tornado.dat");
    if (f && write_dat(r, f) != VS_OK)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    vs_warn_src w = vs_warn_src_of_sensitivity(sc, r);
    page p;
    layout(sc, r, g.sv, &w, &p);
    char what[64];
    snprintf(what, sizeof what, "%zu variants and %zu inputs", r->n_variants,
             r->n_inputs);
    if ((f = vs_gp_open_script(&g, "tornado", p.W, p.H, what)))
        write_gp(&g, sc, r, f, &p, &w);
    /* Images of an earlier analysis would show old numbers. */
    static const char *const names[] = {"tornado"};
    if (g.st == VS_OK)
        g.st = vs_gp_remove_old(set, dir, names, 1, 0, err);
    return g.st;
}
