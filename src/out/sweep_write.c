/* sweep_write.c: sweep.csv, manifest.txt and the charts of a sweep (see
 * out/sweep_write.h). */
#include "out/sweep_write.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "out/manifest.h"
#include "out/warnings.h"
#include "out/xlsx.h"
#include "vardsim/metrics.h"
#include "vardsim/report.h"

/* ------------------------------------------------------------------ */
/* Tables                                                              */

static void write_csv(const vs_scenario *sc, const vs_sweep_result *r,
                      FILE *f, int swedish)
{
    vs_csv c;
    vs_csv_begin(&c, f, swedish);
    for (size_t a = 0; a < r->n_axes; a++)
        vs_csv_text(&c, r->axes[a].path);
    vs_report_metrics_header(&c);
    vs_csv_end_row(&c);
    for (size_t p = 0; p < r->n_points; p++)
        for (size_t v = 0; v < r->n_variants; v++)
            for (int m = 0; m < VS_STAT_COUNT; m++) {
                for (size_t a = 0; a < r->n_axes; a++) {
                    /* 15 digits: the value as typed (vs_sweep_range) */
                    char buf[40];
                    snprintf(buf, sizeof buf, "%.15g", r->x[p * r->n_axes + a]);
                    vs_csv_num_text(&c, buf);
                }
                vs_report_metrics_cells(
                    &c, sc->variants[v].id, m,
                    &r->stats[(p * r->n_variants + v) * VS_STAT_COUNT +
                              (size_t)m]);
                vs_csv_end_row(&c);
            }
}

/* The sweep's own lines of manifest.txt (manifest.c writes the rest). */
typedef struct details {
    const vs_scenario *sc;
    const vs_sweep_result *r;
} details;

static void manifest_details(FILE *f, const void *ctx)
{
    const details *d = ctx;
    const vs_sweep_result *r = d->r;
    for (size_t a = 0; a < r->n_axes; a++) {
        const vs_sweep_axis *ax = &r->axes[a];
        fprintf(f, "over: %s = ", ax->path);
        for (size_t i = 0; i < ax->n; i++)
            fprintf(f, "%s%.15g", i ? ", " : "", ax->values[i]);
        fprintf(f, " (%zu values)\n", ax->n);
    }
    fprintf(f, "points: %zu (the first path outermost), each with the "
               "iterations above and the same seed (common random "
               "numbers)\n", r->n_points);
    fprintf(f, "warnings: %zu (warnings.txt)\n", vs_warnings_sweep(NULL, d->sc, r));
    fprintf(f, "charts: ");
    char name[64];
    size_t k = 0;
    for (; vs_sweep_chart_name(r, k, name, sizeof name); k++)
        fprintf(f, "%s%s.gp", k ? ", " : "", name);
    fprintf(f, "%s\n", k ? "" : "none (charts are drawn for one or two swept "
                                "paths)");
}

/* Remove, at the commit, what an earlier sweep into `dir` may have left
 * that this one does not overwrite: every chart script and image a sweep
 * can write.  Not before: a sweep that fails keeps the earlier one whole. */
static int remove_old(vs_outset *set, const char *dir, vs_err *err)
{
    static const char *const data[] = {"chart_sweep.csv", "chart_heatmap.csv"};
    char names[2 * VS_M_COUNT][64];
    const char *list[2 * VS_M_COUNT];
    for (int m = 0; m < VS_M_COUNT; m++)
        for (int kind = 0; kind < 2; kind++) {
            char *n = names[2 * m + kind];
            snprintf(n, sizeof names[0], "%s_%s", kind ? "heatmap" : "sweep",
                     vs_metric_name((vs_metric)m));
            list[2 * m + kind] = n;
        }
    int st = vs_gp_remove_old(set, dir, list, 2 * VS_M_COUNT, 1, err);
    for (int i = 0; st == VS_OK && i < 2; i++)
        st = vs_outset_remove(set, dir, data[i], err);
    return st;
}

int vs_sweep_write(const vs_scenario *sc, const vs_sweep_result *r,
                   const vs_sweep_write_opts *o, vs_outset *set,
                   vs_gp_list *list, vs_err *err)
{
    int st = vs_gp_check_names(sc, err);
    for (size_t a = 0; st == VS_OK && a < r->n_axes; a++)
        st = vs_gp_check_text(err, "swept path", r->axes[a].path,
                              r->axes[a].path);
    if (st != VS_OK)
        return st;
    if (r->n_variants != sc->n_variants || sc->n_variants == 0)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "the sweep's results do not match the scenario");
    if ((st = remove_old(set, o->dir, err)) != VS_OK)
        return st;

    FILE *f = vs_outset_open(set, o->dir, "sweep.csv", err);
    if (!f)
        return err->code;
    write_csv(sc, r, f, o->swedish_csv);
    if (!(f = vs_outset_open(set, o->dir, "warnings.txt", err)))
        return err->code;
    vs_warnings_sweep(f, sc, r);
    if (!(f = vs_outset_open(set, o->dir, "manifest.txt", err)))
        return err->code;
    details d = {sc, r};
    vs_manifest_write(f, "sweep", sc, &r->prov, o->swedish_csv,
                      manifest_details, &d);
    if (o->xlsx &&
        (st = vs_xlsx_write_sweep(sc, r, o->dir, o->swedish_csv, manifest_details,
                                   &d, set, err)) != VS_OK)
        return st;
    return vs_sweep_charts_write(sc, r, o->dir, set, list, err);
}
