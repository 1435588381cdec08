/* charts_sensitivity.c: the tornado chart of `vardsim sensitivity`
 * (tornado.dat and tornado.gp; see out/sensitivity_write.h), written with
 * the one gnuplot writer (out/gp.h): variant and input names only in
 * single-quoted literals, the data file numbers only. */
#include "out/sensitivity_write.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/gp.h"
#include "vardsim/metrics.h"
#include "vardsim/report.h"

/* Chart value: SEK for money, the metric itself otherwise. */
static double chart_value(int m, double x)
{
    return m >= VS_M_COUNT ? x / 100.0 : x;
}

/* tornado.dat: numbers only (names stay in the script).  One block per
 * variant and statistic, blocks in the order of sensitivity.csv, each
 * with one line per input sorted by |swing| ascending (undefined first),
 * so the widest bar is drawn on top.  Columns: position, input number
 * (1-based), low, high, point. */
static int write_dat(const vs_sensitivity_result *r, FILE *f)
{
    size_t ni = r->n_inputs;
    size_t *order = malloc(ni * sizeof *order);
    if (!order)
        return VS_ENOMEM;
    fputs("# position input low high point\n", f);
    for (size_t v = 0; v < r->n_variants; v++)
        for (int m = 0; m < VS_STAT_COUNT; m++) {
            const vs_sensitivity_cell *x =
                &r->cells[(v * VS_STAT_COUNT + (size_t)m) * ni];
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
                fprintf(f, "%zu %zu %.17g %.17g %.17g\n", k, order[k] + 1,
                        chart_value(m, c->low), chart_value(m, c->high),
                        chart_value(m, c->point));
            }
        }
    free(order);
    return VS_OK;
}

/* A block can be drawn when its point and some input's low and high are
 * defined (gnuplot stops with an error on a block with no valid point). */
static int block_drawable(const vs_sensitivity_result *r, size_t v, int m)
{
    const vs_sensitivity_cell *x =
        &r->cells[(v * VS_STAT_COUNT + (size_t)m) * r->n_inputs];
    if (isnan(x[0].point))
        return 0;
    for (size_t i = 0; i < r->n_inputs; i++)
        if (!isnan(x[i].low) && !isnan(x[i].high))
            return 1;
    return 0;
}

/* tornado.gp: the names in arrays (quoted by the gnuplot writer), the
 * numbers of each block, and the panels.  Its own terminal setup (a page
 * of 1000 pixels by `height`) until it follows the house style. */
static void write_gp(vs_gp *g, const vs_scenario *sc,
                     const vs_sensitivity_result *r, FILE *f, int height)
{
    int sv = g->sv;
    size_t nv = r->n_variants, ni = r->n_inputs, nb = nv * VS_STAT_COUNT;
    /* Comments hold no scenario text: only quoted strings do. */
    fputs("# tornado.gp: one-at-a-time swings of every uncertain input, one\n"
          "# panel per variant (written by vardsim sensitivity).  Run it in\n"
          "# this folder; it reads tornado.dat:\n"
          "#   gnuplot tornado.gp                           PNG of ci_need\n"
          "#   gnuplot -e \"fmt='svg'; metric='gini'\" tornado.gp\n"
          "# fmt: png, svg or pdf.  metric: any metric of sensitivity.csv.\n"
          "# Bars run from the point estimate to the value with the input at\n"
          "# its 5 % and 95 % quantiles (a noise group: the metric's p05 and\n"
          "# p95 over draws of that group alone).\n",
          f);
    /* vs_format and vs_output are what vardsim --render passes to every
     * chart script (out/gp.h, vs_gp_render). */
    fputs("if (exists(\"vs_format\")) fmt = vs_format\n"
          "if (!exists(\"fmt\")) fmt = 'png'\n"
          "if (!exists(\"metric\")) metric = 'ci_need'\n", f);
    fputs("metrics = '", f);
    for (int m = 0; m < VS_STAT_COUNT; m++)
        fprintf(f, "%s%s", m ? " " : "", vs_report_stat_name(m));
    fputs("'\n", f);
    fputs("m = 0\n"
          "do for [k = 1:words(metrics)] { if (word(metrics, k) eq metric) { m = k } }\n"
          "if (m == 0) { exit error sprintf('tornado.gp: unknown metric %s', metric) }\n",
          f);
    fprintf(f, "nv = %zu\nni = %zu\nnstat = %d\n", nv, ni, VS_STAT_COUNT);
    fprintf(f, "array variant_name[%zu] = [", nv);
    for (size_t v = 0; v < nv; v++) {
        if (v)
            fputs(", ", f);
        vs_gp_put_q(g, f, sc->variants[v].name);
    }
    fprintf(f, "]\narray input_name[%zu] = [", ni);
    for (size_t i = 0; i < ni; i++) {
        if (i)
            fputs(", ", f);
        vs_gp_put_q(g, f, r->inputs[i].name);
    }
    fprintf(f, "]\n# per block (variant x metric): drawable, point\narray drawable[%zu] = [", nb);
    for (size_t b = 0; b < nb; b++)
        fprintf(f, "%s%d", b ? ", " : "",
                block_drawable(r, b / VS_STAT_COUNT, (int)(b % VS_STAT_COUNT)));
    fprintf(f, "]\narray point[%zu] = [", nb);
    for (size_t b = 0; b < nb; b++) {
        const vs_sensitivity_cell *x = &r->cells[b * ni];
        double p = chart_value((int)(b % VS_STAT_COUNT), x->point);
        if (isnan(p))
            fprintf(f, "%sNaN", b ? ", " : "");
        else
            fprintf(f, "%s%.17g", b ? ", " : "", p);
    }
    fputs("]\n", f);
    fprintf(f,
            "height = %d\n"
            "if (fmt eq 'png') {\n"
            "    set terminal pngcairo size 1000, height font 'DejaVu Sans,10' noenhanced\n"
            "} else { if (fmt eq 'svg') {\n"
            "    set terminal svg size 1000, height font 'DejaVu Sans,10' noenhanced\n"
            "} else { if (fmt eq 'pdf') {\n"
            "    set terminal pdfcairo size 10in, (height / 100.0) * 1in font 'DejaVu Sans,9' noenhanced\n"
            "} else {\n"
            "    exit error sprintf('tornado.gp: fmt must be png, svg or pdf, not %%s', fmt)\n"
            "} } }\n"
            "set output (exists(\"vs_output\") ? vs_output : 'tornado.' . fmt)\n",
            height);
    if (sv)
        fputs("set decimalsign ','\n", f);
    fprintf(f,
            "unit = (m > %d) ? ' (SEK)' : ''\n"
            "low_title = %s\n"
            "high_title = %s\n"
            "lo(a, b) = a < b ? a : b\n"
            "hi(a, b) = a > b ? a : b\n"
            "set multiplot layout nv, 1 title metric . unit\n"
            "set style fill solid 0.85 border -1\n"
            "set ytics scale 0\n"
            "set grid xtics\n"
            "set rmargin 18\n"
            "set key at screen 0.99, screen 0.99 right top\n"
            "set yrange [-0.6 : ni - 0.4]\n"
            "do for [v = 1:nv] {\n"
            "    b = (v - 1) * nstat + m\n"
            "    set title variant_name[v]\n"
            "    unset arrow\n"
            "    unset label\n"
            "    if (v > 1) { unset key }\n"
            "    if (drawable[b]) {\n"
            "        set autoscale x\n"
            "        set arrow from point[b], graph 0 to point[b], graph 1 nohead dt 2 lc rgb '#444444'\n"
            "        plot 'tornado.dat' index (b - 1) using 5:1:(lo($3, $5)):(hi($3, $5)):($1 - 0.35):($1 + 0.35):ytic(input_name[int($2)]) \\\n"
            "                 with boxxyerror lc rgb '#4477aa' title low_title, \\\n"
            "             '' index (b - 1) using 5:1:(lo($4, $5)):(hi($4, $5)):($1 - 0.35):($1 + 0.35) \\\n"
            "                 with boxxyerror lc rgb '#ee6677' title high_title\n"
            "    } else {\n"
            "        set xrange [0:1]\n"
            "        set ytics ('' 0)\n"
            "        set label 1 %s at graph 0.5, graph 0.5 center\n"
            "        plot NaN notitle\n"
            "        set ytics autofreq\n"
            "    }\n"
            "}\n"
            "unset multiplot\n",
            VS_M_COUNT, sv ? "'låg (5 %)'" : "'low (5 %)'",
            sv ? "'hög (95 %)'" : "'high (95 %)'",
            sv ? "'odefinierad'" : "'undefined'");
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
    /* The page is 1000 pixels wide at 100 per inch (10 inches in PDF). */
    int height = 40 + (70 + 26 * (int)r->n_inputs) * (int)r->n_variants;
    char what[64];
    snprintf(what, sizeof what, "%zu variants and %zu inputs", r->n_variants,
             r->n_inputs);
    if ((f = vs_gp_open_script(&g, "tornado", 25.4, height * 0.0254, what)))
        write_gp(&g, sc, r, f, height);
    /* Images of an earlier analysis would show old numbers. */
    static const char *const names[] = {"tornado"};
    if (g.st == VS_OK)
        g.st = vs_gp_remove_old(set, dir, names, 1, 0, err);
    return g.st;
}
