/* sensitivity_write.c: sensitivity.csv, manifest.txt and the tornado of
 * `vardsim sensitivity` (see out/sensitivity_write.h). */
#include "out/sensitivity_write.h"

#include <math.h>
#include <stdio.h>

#include "out/manifest.h"
#include "out/warnings.h"
#include "out/xlsx.h"
#include "vardsim/metrics.h"
#include "vardsim/report.h"

static void write_csv(const vs_scenario *sc, const vs_sensitivity_result *r,
                      vs_csv *c)
{
    static const char *const head[] = {
        "variant", "metric", "input", "point", "low",   "high",  "swing",
        "s1",      "s1_lo",  "s1_hi", "st",    "st_lo", "st_hi"};
    for (size_t k = 0; k < sizeof head / sizeof *head; k++)
        vs_csv_num_text(c, head[k]);
    vs_csv_end_row(c);
    for (size_t v = 0; v < r->n_variants; v++)
        for (int m = 0; m < VS_STAT_COUNT; m++)
            for (size_t i = 0; i < r->n_inputs; i++) {
                const vs_sensitivity_cell *x =
                    &r->cells[(v * VS_STAT_COUNT + (size_t)m) * r->n_inputs + i];
                double tornado[4] = {x->point, x->low, x->high, x->swing};
                double sobol[6] = {x->sobol.s1, x->sobol.s1_lo, x->sobol.s1_hi,
                                   x->sobol.st, x->sobol.st_lo, x->sobol.st_hi};
                vs_csv_text(c, sc->variants[v].id);
                vs_csv_text(c, vs_report_stat_name(m));
                vs_csv_text(c, r->inputs[i].name);
                for (int k = 0; k < 4; k++) {
                    if (m >= VS_M_COUNT)
                        vs_csv_money_d(c, tornado[k]); /* SEK, two decimals */
                    else
                        vs_csv_num(c, tornado[k]);
                }
                for (int k = 0; k < 6; k++)
                    vs_csv_num(c, sobol[k]);
                vs_csv_end_row(c);
            }
}

/* The analysis's own lines of manifest.txt (manifest.c writes the rest). */
typedef struct details {
    const vs_scenario *sc;
    const vs_sensitivity_result *r;
} details;

static void manifest_details(FILE *f, const void *ctx)
{
    const details *d = ctx;
    const vs_sensitivity_result *r = d->r;
    fprintf(f, "inputs: %zu\n", r->n_inputs);
    fprintf(f, "sobol_n: %ld\n", r->n);
    fprintf(f, "sobol_sampling: %s\n",
            r->n == 0 ? "none (-n 0: tornado only)"
            : r->quasi_random
                ? "gsl_qrng_sobol quasi-random sequence, A and B in separate dimensions"
                : "pseudo-random u hashed from (seed, row, matrix, input name): "
                  "more param inputs than gsl_qrng_sobol's 40 dimensions allow");
    fprintf(f, "sobol_estimators: S1 Saltelli (2010) with f_B centred, "
               "ST Jansen (1999), V over f_A and f_B (divided by 2N)\n");
    fprintf(f, "bootstrap: %d resamples, 2.5 %% and 97.5 %% percentiles (type 7)\n",
            r->bootstrap);
    fprintf(f, "tornado: params at u = %.2f and %.2f; noise groups p05 and p95 "
               "over %d draws each\n",
            VS_SENSITIVITY_LOW_U, VS_SENSITIVITY_HIGH_U, r->tornado_reps);
    fprintf(f, "evaluations: %ld\n", r->evaluations);
    vs_warn_src w = vs_warn_src_of_sensitivity(d->sc, r);
    fprintf(f, "warnings: %zu (warnings.txt)\n", vs_warnings_print(NULL, NULL, &w));
}

int vs_sensitivity_write(const vs_scenario *sc, const vs_sensitivity_result *r,
                         const vs_sensitivity_write_opts *o, vs_outset *set,
                         vs_gp_list *list, vs_err *err)
{
    FILE *f = vs_outset_open(set, o->dir, "sensitivity.csv", err);
    if (!f)
        return err->code;
    vs_csv c;
    vs_csv_begin(&c, f, o->swedish_csv);
    write_csv(sc, r, &c);
    int st = vs_sensitivity_charts_write(sc, r, o->dir, set, list, err);
    if (st != VS_OK)
        return st;
    if (!(f = vs_outset_open(set, o->dir, "warnings.txt", err)))
        return err->code;
    vs_warn_src w = vs_warn_src_of_sensitivity(sc, r);
    vs_warnings_print(f, NULL, &w);
    if (!(f = vs_outset_open(set, o->dir, "manifest.txt", err)))
        return err->code;
    details d = {sc, r};
    vs_manifest_write(f, "sensitivity", sc, &r->prov, o->swedish_csv,
                      manifest_details, &d);
    if (o->xlsx)
        return vs_xlsx_write_sensitivity(sc, r, o->dir, o->swedish_csv,
                                         manifest_details, &d, set, err);
    return VS_OK;
}
