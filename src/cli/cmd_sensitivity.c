/* cmd_sensitivity.c: `vardsim sensitivity FILE [options]`: which uncertain
 * input moves which metric (tornado and Sobol indices). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vardsim/load.h"
#include "vardsim/sensitivity.h"

typedef struct sens_opts {
    const char *file, *out_dir;
    long n;
    int have_seed;
    uint64_t seed;
    int threads, bootstrap;
    int swedish_csv, quiet;
} sens_opts;

static int parse_sensitivity(int argc, char **argv, sens_opts *o)
{
    memset(o, 0, sizeof *o);
    o->n = VS_SENSITIVITY_DEFAULT_N;
    o->bootstrap = VS_SENSITIVITY_DEFAULT_BOOTSTRAP;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cores > 0 ? (int)cores : 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        int takes_value = strcmp(a, "-o") == 0 || strcmp(a, "-n") == 0 ||
                          strcmp(a, "--seed") == 0 || strcmp(a, "--threads") == 0 ||
                          strcmp(a, "--bootstrap") == 0 || strcmp(a, "--csv") == 0;
        if (takes_value) {
            if (!val)
                return vs_cli_usage_error("option %s needs a value", a);
            i++;
        }
        long x;
        if (strcmp(a, "-o") == 0) {
            o->out_dir = val;
        } else if (strcmp(a, "-n") == 0) {
            /* The Sobol sample: N (inputs + 2) evaluations, every one kept
             * for the bootstrap (8 bytes x variants x 10 statistics each),
             * so N is capped where that stays a few hundred MB. */
            if (vs_cli_parse_long(val, 0, 100000L, &o->n) != 0)
                return vs_cli_usage_error("-n needs a whole number from 0 to 100000, not '%s'", val);
        } else if (strcmp(a, "--seed") == 0) {
            if (vs_cli_parse_u64(val, &o->seed) != 0)
                return vs_cli_usage_error("--seed needs a whole number >= 0, not '%s'", val);
            o->have_seed = 1;
        } else if (strcmp(a, "--threads") == 0) {
            if (vs_cli_parse_long(val, 1, 256, &x) != 0)
                return vs_cli_usage_error("--threads needs a whole number from 1 to 256, not '%s'", val);
            o->threads = (int)x;
        } else if (strcmp(a, "--bootstrap") == 0) {
            if (vs_cli_parse_long(val, 0, 100000L, &x) != 0)
                return vs_cli_usage_error("--bootstrap needs a whole number from 0 to 100000, not '%s'", val);
            o->bootstrap = (int)x;
        } else if (strcmp(a, "--csv") == 0) {
            if (strcmp(val, "sv") != 0)
                return vs_cli_usage_error("--csv takes 'sv', not '%s'", val);
            o->swedish_csv = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return vs_cli_usage_error("unknown option '%s'", a);
        } else if (o->file) {
            return vs_cli_usage_error("sensitivity takes one scenario file, not also '%s'", a);
        } else {
            o->file = a;
        }
    }
    if (!o->file)
        return vs_cli_usage_error("sensitivity needs a scenario file%s", "");
    return EXIT_DONE;
}

int vs_cmd_sensitivity(int argc, char **argv)
{
    sens_opts o;
    int rc = parse_sensitivity(argc, argv, &o);
    if (rc != EXIT_DONE)
        return rc;

    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    vs_sensitivity_result *res = NULL;
    vs_outset set;
    vs_outset_init(&set);
    char *cmdline = vs_cli_join_argv(argc, argv);
    char dir[4096];
    if (o.out_dir) {
        snprintf(dir, sizeof dir, "%s", o.out_dir);
    } else {
        char stem[1024];
        vs_cli_stem(o.file, stem, sizeof stem);
        snprintf(dir, sizeof dir, "out/%s-sensitivity", stem);
    }

    int st = vs_load_file(o.file, &sc, &err);
    if (st != VS_OK) {
        st = VS_EINPUT; /* unreadable or bad scenario: exit 2 */
        goto done;
    }
    vs_sensitivity_opts so;
    memset(&so, 0, sizeof so);
    so.seed = o.have_seed ? o.seed : sc->seed;
    so.n = o.n;
    so.bootstrap = o.bootstrap;
    so.threads = o.threads;
    vs_cli_progress pr;
    vs_cli_progress_init(&pr, o.file, o.quiet);
    so.progress = vs_cli_progress_show;
    so.progress_ctx = &pr;
    so.stop = &vs_cli_interrupted;
    if ((st = vs_sensitivity_run(sc, &so, &res, &err)) != VS_OK)
        goto done;

    if ((st = vs_output_mkdir(dir, &err)) != VS_OK)
        goto done;
    vs_sensitivity_write_opts wo = {dir, o.swedish_csv, cmdline, so.seed};
    if ((st = vs_sensitivity_write(sc, res, &wo, &set, &err)) != VS_OK)
        goto done;
    if (vs_cli_interrupted) {
        st = vs_err_set(&err, VS_EINTR, NULL, 0, "interrupted");
        goto done;
    }
    st = vs_outset_commit(&set, &err);
    if (st == VS_OK && !o.quiet)
        fprintf(stderr, "%s: %zu inputs, %ld evaluations in %.2f s, wrote %s/\n",
                o.file, res->n_inputs, res->evaluations, res->wall_seconds, dir);
done:
    if (st == VS_EINTR) {
        fprintf(stderr, "vardsim: interrupted: no output written\n");
    } else if (st != VS_OK) {
        vs_cli_print_err(&err);
    }
    vs_outset_free(&set);
    vs_sensitivity_free(res);
    vs_scenario_free(sc);
    vs_err_free(&err);
    free(cmdline);
    return st == VS_OK ? EXIT_DONE : vs_cli_exit_for(st);
}
