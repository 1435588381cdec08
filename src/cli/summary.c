/* summary.c: the short tables `vardsim run` prints, so an analyst sees the
 * variants side by side without opening the CSV files. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "vardsim/sim.h"

#define COLW 14

/* Width-limited copy of an id for a column head. */
static void head(FILE *f, const char *s)
{
    fprintf(f, " %*.*s", COLW, COLW, s);
}

/* Whole kronor with a space every three digits: "-1 234 567". */
static void kronor(FILE *f, double ore)
{
    char digits[32], out[48];
    if (!isfinite(ore)) { /* undefined: an empty cell */
        fprintf(f, " %*s", COLW, "");
        return;
    }
    double kr = round(ore / 100.0);
    snprintf(digits, sizeof digits, "%.0f", fabs(kr));
    size_t n = strlen(digits), k = 0;
    if (kr < 0)
        out[k++] = '-';
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[k++] = ' ';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    fprintf(f, " %*s", COLW, out);
}

void vs_cli_print_summary(FILE *f, const vs_scenario *sc, const vs_results *res)
{
    size_t nv = sc->n_variants, nc = sc->n_centres, b = (size_t)sc->baseline;
    fprintf(f, "\n%s\n", sc->name);
    fprintf(f, "Point estimates; baseline %s; intervals from %ld draws are in "
               "metrics.csv and centres.csv\n",
            sc->variants[b].id, res->iterations);
    fprintf(f, "%-16s", "metric");
    for (size_t v = 0; v < nv; v++)
        head(f, sc->variants[v].id);
    fputc('\n', f);
    for (int m = 0; m < VS_STAT_COUNT; m++) {
        const char *name = m == VS_STAT_TOTAL     ? "total (kr)"
                           : m == VS_STAT_UNALLOC ? "unallocated"
                                                  : vs_metric_name((vs_metric)m);
        fprintf(f, "%-16s", name);
        for (size_t v = 0; v < nv; v++) {
            double x = res->stats[v * VS_STAT_COUNT + (size_t)m].point;
            if (m >= VS_M_COUNT)
                kronor(f, x);
            else if (!isfinite(x))
                fprintf(f, " %*s", COLW, "");
            else if (m == VS_M_LOSERS)
                fprintf(f, " %*.0f", COLW, x);
            else
                fprintf(f, " %*.4f", COLW, x);
        }
        fputc('\n', f);
    }
    fprintf(f, "\nChange against %s per centre (kr, point estimate)\n",
            sc->variants[b].id);
    fprintf(f, "%-24s %6s", "centre", "cni");
    for (size_t v = 0; v < nv; v++)
        if (v != b)
            head(f, sc->variants[v].id);
    fputc('\n', f);
    for (size_t c = 0; c < nc; c++) {
        fprintf(f, "%-24.24s %6s", sc->centres[c].id, sc->centres[c].cni_text);
        for (size_t v = 0; v < nv; v++)
            if (v != b)
                kronor(f, (double)(res->centres[v * nc + c].point -
                                   res->centres[b * nc + c].point));
        fputc('\n', f);
    }
}
