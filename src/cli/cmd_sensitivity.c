/* cmd_sensitivity.c: `vardsim sensitivity FILE [options]`: which uncertain
 * input moves which metric (tornado and Sobol indices). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vardsim/load.h"
#include "analysis/sensitivity.h"
#include "out/warnings.h"
#include "out/sensitivity_write.h"

typedef struct sens_opts {
    vs_cli_common c; /* iterations: the Sobol base sample N */
    const char *file;
    int bootstrap;
} sens_opts;

static int parse_sensitivity(int argc, char **argv, sens_opts *o)
{
    memset(o, 0, sizeof *o);
    o->bootstrap = VS_SENSITIVITY_DEFAULT_BOOTSTRAP;
    /* -n is the Sobol sample: N (inputs + 2) evaluations, every one kept
     * for the bootstrap (8 bytes x variants x 10 statistics each), so N is
     * capped where that stays a few hundred MB. */
    if (vs_cli_common_init(&o->c, argc, VS_SENSITIVITY_DEFAULT_N, 100000L, 0) != 0)
        return EXIT_RUN;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = vs_cli_common_option(argc, argv, &i, &o->c);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(a, "--bootstrap") == 0) {
            long x;
            if (i + 1 >= argc)
                return vs_cli_usage_error("option %s needs a value", a);
            const char *val = argv[++i];
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
    }
    if (!o->file)
        return vs_cli_usage_error("sensitivity needs a scenario file%s", "");
    return EXIT_DONE;
}

int vs_cmd_sensitivity(int argc, char **argv)
{
    sens_opts o;
    int rc = parse_sensitivity(argc, argv, &o);
    if (rc != EXIT_DONE) {
        vs_cli_common_free(&o.c);
        return rc;
    }

    size_t warned = 0; /* warnings printed (for --strict) */
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    vs_sensitivity_result *res = NULL;
    vs_outset set;
    vs_outset_init(&set);
    char *cmdline = vs_cli_join_argv(argc, argv);
    char dir[4096];
    vs_cli_out_dir(&o.c, o.file, "-sensitivity", dir, sizeof dir);

    int st = vs_cli_load(&o.c, o.file, &sc, &err);
    if (st != VS_OK)
        goto done;
    vs_sensitivity_opts so;
    memset(&so, 0, sizeof so);
    so.seed = o.c.have_seed ? o.c.seed : sc->seed;
    so.n = o.c.iterations;
    so.bootstrap = o.bootstrap;
    so.threads = o.c.threads;
    vs_cli_progress pr;
    vs_cli_progress_init(&pr, o.file, o.c.quiet);
    so.progress = vs_cli_progress_show;
    so.progress_ctx = &pr;
    so.stop = &vs_cli_interrupted;
    if ((st = vs_sensitivity_run(sc, &so, &res, &err)) != VS_OK)
        goto done;

    if ((st = vs_output_mkdir(dir, &err)) != VS_OK)
        goto done;
    vs_sensitivity_write_opts wo = {dir, o.c.swedish_csv, cmdline, so.seed};
    if ((st = vs_sensitivity_write(sc, res, &wo, &set, NULL, &err)) != VS_OK)
        goto done;
    if (vs_cli_interrupted) {
        st = vs_err_set(&err, VS_EINTR, NULL, 0, "interrupted");
        goto done;
    }
    st = vs_outset_commit(&set, &err);
    if (st == VS_OK) {
        vs_warn_src w = vs_warn_src_of_sensitivity(sc, res);
        warned = vs_warnings_print(stderr, NULL, &w);
    }
    if (st == VS_OK && !o.c.quiet)
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
    vs_cli_common_free(&o.c);
    if (st != VS_OK)
        return vs_cli_exit_for(st);
    return o.c.strict && warned > 0 ? EXIT_STRICT : EXIT_DONE;
}
