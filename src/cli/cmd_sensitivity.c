/* cmd_sensitivity.c: `vardsim sensitivity FILE [options]`: which uncertain
 * input moves which metric (tornado and Sobol indices). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "out/partial.h"
#include "vardsim/load.h"
#include "analysis/sensitivity.h"
#include "out/sensitivity_write.h"
#include "out/warnings.h"

typedef struct sens_opts {
    vs_cli_common c; /* iterations: the Sobol base sample N */
    const char *file;
    int bootstrap;
    int xlsx; /* --xlsx: results.xlsx */
    const vs_cli_partials *merge; /* merge: the shards' partials */
} sens_opts;

/* One word of the command line that is not a shared option. */
static int sensitivity_arg(int argc, char **argv, int *i, void *ctx)
{
    sens_opts *o = ctx;
    const char *a = argv[*i];
    if (strcmp(a, "--xlsx") == 0) {
        o->xlsx = 1;
    } else if (strcmp(a, "--bootstrap") == 0) {
        long x;
        if (*i + 1 >= argc)
            return vs_cli_usage_error("option %s needs a value", a);
        const char *val = argv[++*i];
        if (vs_cli_parse_long(val, 0, 100000L, &x) != 0)
            return vs_cli_usage_error("--bootstrap needs a whole number from 0 to 100000, not '%s'", val);
        o->bootstrap = (int)x;
    } else if (a[0] == '-' && a[1] != '\0') {
        return vs_cli_usage_error("unknown option '%s'", a);
    } else if (o->file) {
        return vs_cli_usage_error("sensitivity takes one scenario file, not also '%s'", a);
    } else {
        o->file = a;
    }
    return EXIT_DONE;
}

static int parse_sensitivity(int argc, char **argv, sens_opts *o)
{
    memset(o, 0, sizeof *o);
    o->bootstrap = VS_SENSITIVITY_DEFAULT_BOOTSTRAP;
    /* -n is the Sobol sample: N (inputs + 2) evaluations, every one kept
     * for the bootstrap (8 bytes x variants x 10 statistics each), so N is
     * capped where that stays a few hundred MB. */
    if (vs_cli_common_init(&o->c, argc, VS_SENSITIVITY_DEFAULT_N, 100000L, 1) != 0)
        return EXIT_RUN;
    int rc = vs_cli_parse_args(argc, argv, &o->c, sensitivity_arg, o);
    if (rc != EXIT_DONE)
        return rc;
    if (!o->file)
        return vs_cli_usage_error("sensitivity needs a scenario file%s", "");
    return EXIT_DONE;
}

/* The analysis of one scenario (a vs_cli_job's state). */
typedef struct sens_job {
    const sens_opts *o;
    vs_sensitivity_result *res;
} sens_job;

static void sens_opts_of(vs_cli_job *j, const vs_scenario *sc,
                         vs_sensitivity_opts *so)
{
    sens_job *s = j->cmd;
    memset(so, 0, sizeof *so);
    so->seed = vs_cli_seed(j->c, sc);
    so->n = j->c->iterations;
    so->bootstrap = s->o->bootstrap;
    so->threads = j->c->threads;
    so->progress = vs_cli_progress_show;
    so->progress_ctx = &j->progress;
    so->stop = &vs_cli_interrupted;
}

/* Values per Sobol base row: f(A), f(B) and f(AB_i) of every statistic. */
static int row_size(const vs_scenario *sc, size_t *per_row, size_t *n_rules)
{
    vs_sensitivity_input *in = NULL;
    size_t n = 0;
    if (vs_sensitivity_inputs(sc, &in, &n) != VS_OK)
        return VS_ENOMEM;
    free(in);
    *per_row = (n + 2) * sc->n_variants * VS_STAT_COUNT;
    *n_rules = 0;
    for (size_t v = 0; v < sc->n_variants; v++)
        *n_rules += sc->variants[v].n_rules;
    return VS_OK;
}

/* merge: every shard's Sobol rows, then the analysis from them (the
 * tornado computed here, as the whole analysis does). */
static int sens_merge(vs_cli_job *j, vs_scenario *sc, vs_sensitivity_opts *so,
                      vs_err *err)
{
    sens_job *s = j->cmd;
    size_t per_row, n_rules;
    if (row_size(sc, &per_row, &n_rules) != VS_OK)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    size_t n = so->n > 0 ? (size_t)so->n : 0;
    double *f = calloc(n * per_row > 0 ? n * per_row : 1, sizeof *f);
    unsigned *kinds = calloc(n_rules + 1, sizeof *kinds);
    long *draws = calloc(n_rules + 1, sizeof *draws);
    int st = f && kinds && draws ? VS_OK : vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    if (st == VS_OK)
        st = vs_cli_merge_sens(s->o->merge, &j->invocation, so->n, per_row, f,
                               n_rules, kinds, draws, err);
    so->f_in = f;
    if (st == VS_OK)
        st = vs_sensitivity_run(sc, so, &s->res, err);
    if (st == VS_OK && s->res->n_rules == n_rules)
        for (size_t r = 0; r < n_rules; r++) {
            s->res->shortfalls[r].kinds |= kinds[r];
            s->res->shortfalls[r].draws += draws[r];
        }
    free(f), free(kinds), free(draws);
    return st;
}

static int sens_compute(vs_cli_job *j, vs_scenario *sc, vs_err *err)
{
    sens_job *s = j->cmd;
    vs_sensitivity_opts so;
    sens_opts_of(j, sc, &so);
    if (s->o->merge)
        return sens_merge(j, sc, &so, err);
    return vs_sensitivity_run(sc, &so, &s->res, err);
}

/* --shard K/N: a block is one Sobol base row with its runs; the tornado
 * is the merge's. */
static int sens_shard(vs_cli_job *j, vs_scenario *sc, long k, long n,
                      long *blocks, vs_pbuf *payload, vs_err *err)
{
    sens_job *s = j->cmd;
    vs_sensitivity_opts so;
    sens_opts_of(j, sc, &so);
    size_t per_row, n_rules;
    if (row_size(sc, &per_row, &n_rules) != VS_OK)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    *blocks = so.n;
    long b0, b1;
    vs_cli_shard_range(*blocks, k, n, &b0, &b1);
    so.rows_only = 1;
    so.row_lo = (size_t)b0;
    so.row_hi = (size_t)b1;
    size_t rows = (size_t)(b1 - b0);
    so.f_out = calloc(rows * per_row > 0 ? rows * per_row : 1, sizeof *so.f_out);
    if (!so.f_out)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    int st = vs_sensitivity_run(sc, &so, &s->res, err);
    if (st == VS_OK)
        vs_partial_put_sens(payload, so.n, per_row, so.row_lo, so.row_hi, so.f_out,
                            s->res->n_rules, s->res->shortfalls);
    free(so.f_out);
    if (st == VS_OK && payload->failed)
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    return st;
}

static int sens_write(vs_cli_job *j, const vs_scenario *sc, vs_outset *set,
                      vs_gp_list *charts, vs_err *err)
{
    sens_job *s = j->cmd;
    vs_provenance_copy_invocation(&s->res->prov, &j->invocation);
    vs_sensitivity_write_opts wo = {j->dir, j->c->swedish_csv, s->o->xlsx};
    return vs_sensitivity_write(sc, s->res, &wo, set, charts, err);
}

static int sens_after(vs_cli_job *j, const vs_scenario *sc, vs_err *err)
{
    (void)err;
    sens_job *s = j->cmd;
    vs_warn_src w = vs_warn_src_of_sensitivity(sc, s->res);
    j->warned = vs_warnings_print(stderr, NULL, &w);
    return VS_OK;
}

static void sens_summary(vs_cli_job *j, const vs_scenario *sc)
{
    (void)sc;
    sens_job *s = j->cmd;
    fprintf(stderr, "%s: %zu inputs, %ld evaluations in %.2f s, wrote %s/\n",
            j->file, s->res->n_inputs, s->res->evaluations,
            s->res->wall_seconds, j->dir);
}

static void sens_free(vs_cli_job *j)
{
    sens_job *s = j->cmd;
    vs_sensitivity_free(s->res);
    s->res = NULL;
}

/* A sensitivity analysis, run (p NULL) or merged from the partials p: the
 * same job, but a merged one has no shard step. */
static int run_sensitivity(int argc, char **argv, const vs_cli_partials *p)
{
    sens_opts o;
    int rc = parse_sensitivity(argc, argv, &o);
    if (rc != EXIT_DONE) {
        vs_cli_common_free(&o.c);
        return rc;
    }
    o.merge = p;
    sens_job s = {&o, NULL};
    vs_cli_job j = {&o.c, o.file, NULL, NULL, {0}, {0}, &s, 0, sens_compute,
                    sens_write, sens_after, sens_summary, sens_free,
                    p ? NULL : sens_shard};
    rc = vs_cli_job_main(&j, argc, argv, "-sensitivity");
    vs_cli_common_free(&o.c);
    return rc;
}

int vs_cmd_sensitivity(int argc, char **argv)
{
    return run_sensitivity(argc, argv, NULL);
}

int vs_cmd_sensitivity_merged(int argc, char **argv, const vs_cli_partials *p)
{
    return run_sensitivity(argc, argv, p);
}
