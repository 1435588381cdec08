/* cmd_sweep.c: `vardsim sweep FILE --over PATH=FROM:TO:STEP [options]`:
 * the whole simulation at every point of a grid of values, one table and
 * charts of the metrics against the swept values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "out/gp.h"
#include "out/sweep_write.h"
#include "out/warnings.h"
#include "vardsim/load.h"
#include "vardsim/metrics.h"
#include "vardsim/override.h"
#include "analysis/sweep.h"

typedef struct sweep_opts {
    vs_cli_common c; /* iterations -1: the scenario's */
    const char *file;
    vs_sweep_axis *axes; /* --over, in order (the first outermost) */
    size_t n_axes;
} sweep_opts;

static void free_opts(sweep_opts *o)
{
    for (size_t a = 0; a < o->n_axes; a++)
        vs_sweep_axis_free(&o->axes[a]);
    free(o->axes);
    vs_cli_common_free(&o->c);
}

static int parse_sweep(int argc, char **argv, sweep_opts *o)
{
    memset(o, 0, sizeof *o);
    o->axes = calloc((size_t)argc, sizeof *o->axes);
    if (vs_cli_common_init(&o->c, argc, -1, 100000000L, 1) != 0 || !o->axes) {
        fprintf(stderr, "vardsim: out of memory\n");
        return EXIT_RUN;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = vs_cli_common_option(argc, argv, &i, &o->c);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(a, "--over") == 0) {
            if (i + 1 >= argc)
                return vs_cli_usage_error("option %s needs a value", a);
            const char *val = argv[++i];
            vs_err err;
            vs_err_init(&err);
            int st = vs_sweep_axis_parse(val, &o->axes[o->n_axes], &err);
            if (st == VS_OK)
                o->n_axes++;
            else
                fprintf(stderr, "vardsim: --over %s: %s\nTry 'vardsim --help'.\n",
                        val, err.msg);
            vs_err_free(&err);
            if (st != VS_OK)
                return vs_cli_exit_for(st);
        } else if (a[0] == '-' && a[1] != '\0') {
            return vs_cli_usage_error("unknown option '%s'", a);
        } else if (o->file) {
            return vs_cli_usage_error("sweep takes one scenario file, not also '%s'", a);
        } else {
            o->file = a;
        }
    }
    if (!o->file)
        return vs_cli_usage_error("sweep needs a scenario file%s", "");
    if (o->n_axes == 0)
        return vs_cli_usage_error("sweep needs --over PATH=FROM:TO:STEP (or "
                                  "PATH=v1,v2,...)%s", "");
    return EXIT_DONE;
}

/* For a one-way sweep, the means of four metrics along the sweep for each
 * variant the sweep moves (the whole table is in sweep.csv). */
static void print_summary(FILE *f, const vs_scenario *sc,
                          const vs_sweep_result *r)
{
    static const int shown[] = {VS_M_CI_NEED, VS_M_DISSIMILARITY,
                                VS_M_HIGH_NEED_SHARE, VS_M_MAX_LOSS};
    if (r->n_axes != 1)
        return;
    size_t nv = r->n_variants;
    for (size_t v = 0; v < nv; v++) {
        int moves = 0;
        for (size_t p = 1; p < r->n_points && !moves; p++)
            for (size_t k = 0; k < 4; k++) {
                double a = r->stats[v * VS_STAT_COUNT + (size_t)shown[k]].mean;
                double b = r->stats[(p * nv + v) * VS_STAT_COUNT + (size_t)shown[k]].mean;
                if (!(a == b || (isnan(a) && isnan(b))))
                    moves = 1;
            }
        if (!moves)
            continue;
        fprintf(f, "\n%s: %s (means)\n", sc->variants[v].id, sc->variants[v].name);
        fprintf(f, "  %-14s", "value");
        for (size_t k = 0; k < 4; k++)
            fprintf(f, " %16s", vs_metric_name((vs_metric)shown[k]));
        fputc('\n', f);
        for (size_t p = 0; p < r->n_points; p++) {
            fprintf(f, "  %-14.10g", r->x[p]);
            for (size_t k = 0; k < 4; k++) {
                double y = r->stats[(p * nv + v) * VS_STAT_COUNT + (size_t)shown[k]].mean;
                if (isnan(y))
                    fprintf(f, " %16s", "");
                else
                    fprintf(f, " %16.6g", y);
            }
            fputc('\n', f);
        }
    }
}

int vs_cmd_sweep(int argc, char **argv)
{
    sweep_opts o;
    int rc = parse_sweep(argc, argv, &o);
    if (rc != EXIT_DONE) {
        free_opts(&o);
        return rc;
    }
    size_t warned = 0; /* warnings printed (for --strict) */
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    vs_sweep_result *res = NULL;
    vs_outset set;
    vs_outset_init(&set);
    char *cmdline = vs_cli_join_argv(argc, argv);
    char dir[4096];
    vs_cli_out_dir(&o.c, o.file, "-sweep", dir, sizeof dir);

    int st = vs_cli_load(&o.c, o.file, &sc, &err);
    if (st != VS_OK)
        goto done;

    vs_sweep_opts so;
    memset(&so, 0, sizeof so);
    so.seed = o.c.have_seed ? o.c.seed : sc->seed;
    so.iterations = o.c.iterations >= 0 ? o.c.iterations : sc->iterations;
    so.threads = o.c.threads;
    vs_cli_progress pr;
    vs_cli_progress_init(&pr, o.file, o.c.quiet);
    so.progress = vs_cli_progress_show;
    so.progress_ctx = &pr;
    so.stop = &vs_cli_interrupted;
    if ((st = vs_sweep_run(sc, o.axes, o.n_axes, &so, &res, &err)) != VS_OK)
        goto done;

    if ((st = vs_output_mkdir(dir, &err)) != VS_OK)
        goto done;
    vs_sweep_write_opts wo = {dir, o.c.swedish_csv, cmdline, so.seed, o.c.sets,
                              (size_t)o.c.n_sets};
    vs_gp_list charts;
    vs_gp_list_init(&charts);
    if ((st = vs_sweep_write(sc, res, &wo, &set, &charts, &err)) != VS_OK)
        goto done;
    if (vs_cli_interrupted) {
        st = VS_EINTR;
        goto done;
    }
    st = vs_outset_commit(&set, &err);
    /* Images need the committed data and scripts; a gnuplot failure is
     * exit 1 and leaves the tables in place. */
    if (st == VS_OK && o.c.render)
        st = vs_gp_render(dir, &charts, o.c.render, &err);
    if (st == VS_OK)
        warned = vs_warnings_sweep(stderr, sc, res);
    if (st == VS_OK && !o.c.quiet) {
        print_summary(stdout, sc, res);
        fprintf(stderr, "%s: %zu points x %ld iterations in %.2f s, wrote %s/\n",
                o.file, res->n_points, res->iterations, res->wall_seconds, dir);
    }
done:
    if (st == VS_EINTR)
        fprintf(stderr, "vardsim: interrupted: no output written\n");
    else if (st != VS_OK)
        vs_cli_print_err(&err);
    vs_outset_free(&set);
    vs_sweep_free(res);
    vs_scenario_free(sc);
    vs_err_free(&err);
    free(cmdline);
    free_opts(&o);
    if (st != VS_OK)
        return vs_cli_exit_for(st);
    return o.c.strict && warned > 0 ? EXIT_STRICT : EXIT_DONE;
}
