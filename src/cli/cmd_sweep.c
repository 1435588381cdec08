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
#include "out/partial.h"
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
    int xlsx; /* --xlsx: results.xlsx */
    const vs_cli_partials *merge; /* merge: the shards' partials */
} sweep_opts;

static void free_opts(sweep_opts *o)
{
    for (size_t a = 0; a < o->n_axes; a++)
        vs_sweep_axis_free(&o->axes[a]);
    free(o->axes);
    vs_cli_common_free(&o->c);
}

/* One word of the command line that is not a shared option. */
static int sweep_arg(int argc, char **argv, int *i, void *ctx)
{
    sweep_opts *o = ctx;
    const char *a = argv[*i];
    if (strcmp(a, "--xlsx") == 0) {
        o->xlsx = 1;
    } else if (strcmp(a, "--over") == 0) {
        if (*i + 1 >= argc)
            return vs_cli_usage_error("option %s needs a value", a);
        const char *val = argv[++*i];
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
    return EXIT_DONE;
}

static int parse_sweep(int argc, char **argv, sweep_opts *o)
{
    memset(o, 0, sizeof *o);
    o->axes = calloc((size_t)argc, sizeof *o->axes);
    if (vs_cli_common_init(&o->c, argc, -1, VS_SIM_MAX_ITERATIONS, 1) != 0 || !o->axes) {
        fprintf(stderr, "vardsim: out of memory\n");
        return EXIT_RUN;
    }
    int rc = vs_cli_parse_args(argc, argv, &o->c, sweep_arg, o);
    if (rc != EXIT_DONE)
        return rc;
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
                if (!isfinite(y))
                    fprintf(f, " %16s", "");
                else
                    fprintf(f, " %16.6g", y);
            }
            fputc('\n', f);
        }
    }
}

/* The sweep of one scenario (a vs_cli_job's state). */
typedef struct sweep_job {
    const sweep_opts *o;
    vs_sweep_result *res;
} sweep_job;

static void sweep_opts_of(vs_cli_job *j, const vs_scenario *sc, vs_sweep_opts *so)
{
    memset(so, 0, sizeof *so);
    so->seed = vs_cli_seed(j->c, sc);
    so->iterations = vs_cli_iterations(j->c, sc);
    so->threads = j->c->threads;
    so->progress = vs_cli_progress_show;
    so->progress_ctx = &j->progress;
    so->stop = &vs_cli_interrupted;
}

static int sweep_compute(vs_cli_job *j, vs_scenario *sc, vs_err *err)
{
    sweep_job *w = j->cmd;
    vs_sweep_opts so;
    sweep_opts_of(j, sc, &so);
    /* merge: the sweep of no point (every check, value and name), then
     * the shards' points */
    so.some = w->o->merge != NULL;
    int st = vs_sweep_run(sc, w->o->axes, w->o->n_axes, &so, &w->res, err);
    if (st == VS_OK && w->o->merge)
        st = vs_cli_merge_sweep(w->o->merge, &j->invocation, w->res, err);
    return st;
}

/* --shard K/N: a block is one point of the grid. */
static int sweep_shard(vs_cli_job *j, vs_scenario *sc, long k, long n,
                       long *blocks, vs_pbuf *payload, vs_err *err)
{
    sweep_job *w = j->cmd;
    vs_sweep_opts so;
    sweep_opts_of(j, sc, &so);
    *blocks = (long)vs_sweep_points(w->o->axes, w->o->n_axes);
    long b0, b1;
    vs_cli_shard_range(*blocks, k, n, &b0, &b1);
    so.some = 1;
    so.first = (size_t)b0;
    so.last = (size_t)b1;
    int st = vs_sweep_run(sc, w->o->axes, w->o->n_axes, &so, &w->res, err);
    if (st != VS_OK)
        return st;
    vs_partial_put_sweep(payload, w->res, so.first, so.last);
    return payload->failed ? vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory") : VS_OK;
}

static int sweep_write(vs_cli_job *j, const vs_scenario *sc, vs_outset *set,
                       vs_gp_list *charts, vs_err *err)
{
    sweep_job *w = j->cmd;
    vs_provenance_copy_invocation(&w->res->prov, &j->invocation);
    vs_sweep_write_opts wo = {j->dir, j->c->swedish_csv, w->o->xlsx};
    return vs_sweep_write(sc, w->res, &wo, set, charts, err);
}

static int sweep_after(vs_cli_job *j, const vs_scenario *sc, vs_err *err)
{
    (void)err;
    sweep_job *w = j->cmd;
    j->warned = vs_warnings_sweep(stderr, sc, w->res);
    return VS_OK;
}

static void sweep_summary(vs_cli_job *j, const vs_scenario *sc)
{
    sweep_job *w = j->cmd;
    print_summary(stdout, sc, w->res);
    fprintf(stderr, "%s: %zu points x %ld iterations in %.2f s, wrote %s/\n",
            j->file, w->res->n_points, w->res->iterations,
            w->res->wall_seconds, j->dir);
}

static void sweep_free(vs_cli_job *j)
{
    sweep_job *w = j->cmd;
    vs_sweep_free(w->res);
    w->res = NULL;
}

/* A sweep, run (p NULL) or merged from the partials p: the same job, but
 * a merged one has no shard step. */
static int run_sweep(int argc, char **argv, const vs_cli_partials *p)
{
    sweep_opts o;
    int rc = parse_sweep(argc, argv, &o);
    if (rc != EXIT_DONE) {
        free_opts(&o);
        return rc;
    }
    o.merge = p;
    sweep_job w = {&o, NULL};
    vs_cli_job j = {&o.c, o.file, NULL, NULL, {0}, {0}, &w, 0, sweep_compute,
                    sweep_write, sweep_after, sweep_summary, sweep_free,
                    p ? NULL : sweep_shard};
    rc = vs_cli_job_main(&j, argc, argv, "-sweep");
    free_opts(&o);
    return rc;
}

int vs_cmd_sweep(int argc, char **argv)
{
    return run_sweep(argc, argv, NULL);
}

int vs_cmd_sweep_merged(int argc, char **argv, const vs_cli_partials *p)
{
    return run_sweep(argc, argv, p);
}
