/* cmd_sensitivity.c: `vardsim sensitivity FILE [options]`: which uncertain
 * input moves which metric (tornado and Sobol indices). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vardsim/load.h"
#include "analysis/sensitivity.h"
#include "out/sensitivity_write.h"
#include "out/warnings.h"

typedef struct sens_opts {
    vs_cli_common c; /* iterations: the Sobol base sample N */
    const char *file;
    int bootstrap;
    int xlsx; /* --xlsx: results.xlsx */
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

static int sens_compute(vs_cli_job *j, vs_scenario *sc, vs_err *err)
{
    sens_job *s = j->cmd;
    vs_sensitivity_opts so;
    memset(&so, 0, sizeof so);
    so.seed = vs_cli_seed(j->c, sc);
    so.n = j->c->iterations;
    so.bootstrap = s->o->bootstrap;
    so.threads = j->c->threads;
    so.progress = vs_cli_progress_show;
    so.progress_ctx = &j->progress;
    so.stop = &vs_cli_interrupted;
    return vs_sensitivity_run(sc, &so, &s->res, err);
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

int vs_cmd_sensitivity(int argc, char **argv)
{
    sens_opts o;
    int rc = parse_sensitivity(argc, argv, &o);
    if (rc != EXIT_DONE) {
        vs_cli_common_free(&o.c);
        return rc;
    }
    sens_job s = {&o, NULL};
    vs_cli_job j = {&o.c, o.file, NULL, NULL, {0}, {0}, &s, 0, sens_compute,
                    sens_write, sens_after, sens_summary, sens_free, NULL};
    rc = vs_cli_job_main(&j, argc, argv, "-sensitivity");
    vs_cli_common_free(&o.c);
    return rc;
}
