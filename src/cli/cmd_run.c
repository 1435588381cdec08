/* cmd_run.c: `vardsim run FILE... [options]`: simulate and write tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vardsim/charts.h"
#include "vardsim/load.h"
#include "vardsim/override.h"
#include "vardsim/report.h"
#include "vardsim/sim.h"

typedef struct run_opts {
    const char *out_dir;
    long iterations; /* -1: the scenario's */
    int have_seed;
    uint64_t seed;
    int threads;
    double precision;
    int swedish_csv, draws, quiet;
    const char *render; /* "png,svg,pdf" or NULL */
    const char **files;
    int n_files;
    const char **sets; /* --set PATH=VALUE, applied in order */
    int n_sets;
} run_opts;



static int parse_run(int argc, char **argv, run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->iterations = -1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cores > 0 ? (int)cores : 1;
    o->files = calloc((size_t)argc, sizeof *o->files);
    o->sets = calloc((size_t)argc, sizeof *o->sets);
    if (!o->files || !o->sets)
        return EXIT_RUN;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE() \
    do { \
        if (!val) \
            return vs_cli_usage_error("option %s needs a value", a); \
        i++; \
    } while (0)
        if (strcmp(a, "-o") == 0) {
            NEED_VALUE();
            o->out_dir = val;
        } else if (strcmp(a, "-n") == 0) {
            NEED_VALUE();
            if (vs_cli_parse_long(val, 0, 100000000L, &o->iterations) != 0)
                return vs_cli_usage_error("-n needs a whole number from 0 to 100000000, not '%s'", val);
        } else if (strcmp(a, "--seed") == 0) {
            NEED_VALUE();
            if (vs_cli_parse_u64(val, &o->seed) != 0)
                return vs_cli_usage_error("--seed needs a whole number >= 0, not '%s'", val);
            o->have_seed = 1;
        } else if (strcmp(a, "--threads") == 0) {
            long t;
            NEED_VALUE();
            if (vs_cli_parse_long(val, 1, 256, &t) != 0)
                return vs_cli_usage_error("--threads needs a whole number from 1 to 256, not '%s'", val);
            o->threads = (int)t;
        } else if (strcmp(a, "--precision") == 0) {
            NEED_VALUE();
            if (vs_cli_parse_double(val, &o->precision) != 0 || !(o->precision > 0))
                return vs_cli_usage_error("--precision needs a number above 0, not '%s'", val);
        } else if (strcmp(a, "--csv") == 0) {
            NEED_VALUE();
            if (strcmp(val, "sv") != 0)
                return vs_cli_usage_error("--csv takes 'sv', not '%s'", val);
            o->swedish_csv = 1;
        } else if (strcmp(a, "--render") == 0) {
            vs_err ferr;
            NEED_VALUE();
            vs_err_init(&ferr);
            int bad = vs_charts_check_formats(val, &ferr) != VS_OK;
            if (bad)
                vs_cli_usage_error("%s", ferr.msg);
            vs_err_free(&ferr);
            if (bad)
                return EXIT_USAGE;
            o->render = val;
        } else if (strcmp(a, "--set") == 0) {
            NEED_VALUE();
            o->sets[o->n_sets++] = val;
        } else if (strcmp(a, "--draws") == 0) {
            o->draws = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return vs_cli_usage_error("unknown option '%s'", a);
        } else {
            o->files[o->n_files++] = a;
        }
#undef NEED_VALUE
    }
    if (o->n_files == 0)
        return vs_cli_usage_error("run needs a scenario file%s", "");
    return EXIT_DONE;
}

static int run_one(const run_opts *o, const char *file, const char *dir,
                   const char *cmdline)
{
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    vs_results *res = NULL;
    vs_outset set;
    vs_outset_init(&set);
    int st = vs_load_file(file, &sc, &err);
    if (st != VS_OK) {
        st = VS_EINPUT; /* unreadable or bad scenario: exit 2 */
        goto done;
    }
    for (int i = 0; i < o->n_sets; i++)
        if ((st = vs_override_apply(sc, o->sets[i], &err)) != VS_OK)
            goto done; /* a bad path or value: exit 2 */

    vs_sim_opts so;
    memset(&so, 0, sizeof so);
    so.seed = o->have_seed ? o->seed : sc->seed;
    so.iterations = o->iterations >= 0 ? o->iterations : sc->iterations;
    so.threads = o->threads;
    so.precision = o->precision;
    vs_cli_progress pr;
    vs_cli_progress_init(&pr, file, o->quiet);
    so.progress = vs_cli_progress_show;
    so.progress_ctx = &pr;
    so.stop = &vs_cli_interrupted;
    st = vs_sim_run(sc, &so, &res, &err);
    if (st == VS_EINTR) {
        vs_err_set(&err, VS_EINTR, NULL, 0, "interrupted: no output written");
        goto done;
    }
    if (st != VS_OK)
        goto done;

    if ((st = vs_output_mkdir(dir, &err)) != VS_OK)
        goto done;
    vs_report_opts ro = {dir, o->swedish_csv, o->draws, cmdline, so.seed,
                         so.iterations, o->precision};
    if ((st = vs_report_write(sc, res, &ro, &set, &err)) != VS_OK)
        goto done;
    if (vs_cli_interrupted) {
        st = vs_err_set(&err, VS_EINTR, NULL, 0, "interrupted: no output written");
        goto done;
    }
    /* Chart scripts go into the same set, so they appear with the tables. */
    if ((st = vs_charts_write(sc, res, dir, &set, &err)) != VS_OK)
        goto done;
    st = vs_outset_commit(&set, &err);
    /* Images need the committed CSV and scripts; a gnuplot failure is
     * exit 1 and leaves the tables in place. */
    if (st == VS_OK && o->render)
        st = vs_charts_render(dir, o->render, &err);
    if (st == VS_OK && o->precision > 0 && !res->converged)
        fprintf(stderr, "%s: warning: --precision %g not reached within %ld "
                        "iterations (see manifest.txt)\n",
                file, o->precision, res->iterations);
    if (st == VS_OK && !o->quiet) {
        vs_cli_print_summary(stdout, sc, res);
        fprintf(stderr, "%s: %ld iterations in %.2f s, wrote %s/\n", file,
                res->iterations, res->wall_seconds, dir);
    }
done:
    if (st != VS_OK)
        vs_cli_print_err(&err);
    vs_outset_free(&set);
    vs_results_free(res);
    vs_scenario_free(sc);
    vs_err_free(&err);
    return st;
}

int vs_cmd_run(int argc, char **argv)
{
    run_opts o;
    int rc = parse_run(argc, argv, &o);
    if (rc != EXIT_DONE) {
        free(o.files);
        free(o.sets);
        return rc;
    }
    char *cmdline = vs_cli_join_argv(argc, argv);
    int worst = VS_OK;
    for (int i = 0; i < o.n_files && !vs_cli_interrupted; i++) {
        char name[1024], dir[4096];
        vs_cli_stem(o.files[i], name, sizeof name);
        if (o.n_files == 1 && o.out_dir)
            snprintf(dir, sizeof dir, "%s", o.out_dir);
        else
            snprintf(dir, sizeof dir, "%s/%s", o.out_dir ? o.out_dir : "out", name);
        int st = run_one(&o, o.files[i], dir, cmdline);
        if (st != VS_OK && (worst == VS_OK || worst == VS_EINPUT))
            worst = st;
    }
    free(cmdline);
    free(o.files);
    free(o.sets);
    if (vs_cli_interrupted && worst == VS_OK)
        worst = VS_EINTR;
    return worst == VS_OK ? EXIT_DONE : vs_cli_exit_for(worst);
}
