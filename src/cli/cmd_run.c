/* cmd_run.c: `vardsim run FILE... [options]`: simulate and write tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/plan.h"
#include "cli.h"
#include "out/charts_plan.h"
#include "out/plan_write.h"
#include "out/charts.h"
#include "out/gp.h"
#include "out/report_html.h"
#include "vardsim/load.h"
#include "vardsim/override.h"
#include "vardsim/report.h"
#include "vardsim/sim.h"

typedef struct run_opts {
    vs_cli_common c; /* iterations -1: the scenario's */
    double precision;
    int draws;
    int report, pdf; /* --report, --pdf */
    const char **files;
    int n_files;
} run_opts;

static int parse_run(int argc, char **argv, run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->files = calloc((size_t)argc, sizeof *o->files);
    if (vs_cli_common_init(&o->c, argc, -1, 100000000L, 1) != 0 || !o->files)
        return EXIT_RUN;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = vs_cli_common_option(argc, argv, &i, &o->c);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(a, "--precision") == 0) {
            if (i + 1 >= argc)
                return vs_cli_usage_error("option %s needs a value", a);
            const char *val = argv[++i];
            if (vs_cli_parse_double(val, &o->precision) != 0 || !(o->precision > 0))
                return vs_cli_usage_error("--precision needs a number above 0, not '%s'", val);
        } else if (strcmp(a, "--draws") == 0) {
            o->draws = 1;
        } else if (strcmp(a, "--report") == 0) {
            o->report = 1;
        } else if (strcmp(a, "--pdf") == 0) {
            o->report = o->pdf = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return vs_cli_usage_error("unknown option '%s'", a);
        } else {
            o->files[o->n_files++] = a;
        }
    }
    if (o->n_files == 0)
        return vs_cli_usage_error("run needs a scenario file%s", "");
    return EXIT_DONE;
}

/* Simulate `file` into `dir`.  Returns a library status; *warned is set
 * to the number of warnings printed (standard error, even with --quiet). */
static int run_one(const run_opts *o, const char *file, const char *dir,
                   const char *cmdline, size_t *warned)
{
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    vs_results *res = NULL;
    vs_plan_results *plan = NULL;
    char *plan_warn = NULL;
    vs_outset set;
    vs_outset_init(&set);
    int st = vs_cli_load(&o->c, file, &sc, &err);
    if (st != VS_OK)
        goto done;

    vs_sim_opts so;
    memset(&so, 0, sizeof so);
    so.seed = o->c.have_seed ? o->c.seed : sc->seed;
    so.iterations = o->c.iterations >= 0 ? o->c.iterations : sc->iterations;
    so.threads = o->c.threads;
    so.precision = o->precision;
    vs_cli_progress pr;
    vs_cli_progress_init(&pr, file, o->c.quiet);
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
    if (sc->plan) {
        /* The plan on the run's own draws: the same seed and the
         * iterations the run took (--precision may stop it early). */
        vs_sim_opts po = so;
        po.iterations = res->iterations;
        st = vs_plan_run(sc, &po, &plan, &err);
        if (st == VS_EINTR)
            vs_err_set(&err, VS_EINTR, NULL, 0, "interrupted: no output written");
        if (st != VS_OK)
            goto done;
    }

    if ((st = vs_output_mkdir(dir, &err)) != VS_OK)
        goto done;
    /* The plan's warnings join the run's: warnings.txt, the manifest's
     * count, standard error and --strict. */
    plan_warn = plan ? vs_plan_warnings(sc, plan) : NULL;
    if (plan && !plan_warn) {
        st = vs_err_set(&err, VS_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    vs_report_opts ro = {dir, o->c.swedish_csv, o->draws, cmdline, so.seed,
                         so.iterations, o->precision, plan_warn};
    if ((st = vs_report_write(sc, res, &ro, &set, &err)) != VS_OK)
        goto done;
    if (vs_cli_interrupted) {
        st = vs_err_set(&err, VS_EINTR, NULL, 0, "interrupted: no output written");
        goto done;
    }
    /* Chart scripts go into the same set, so they appear with the tables. */
    vs_gp_list charts;
    vs_gp_list_init(&charts);
    if ((st = vs_charts_write(sc, res, dir, &set, &charts, &err)) != VS_OK)
        goto done;
    if (plan && ((st = vs_plan_write(sc, plan, dir, o->c.swedish_csv, &set,
                                     &err)) != VS_OK ||
                 (st = vs_plan_chart_write(sc, plan, dir, &set, &charts, &err)) != VS_OK))
        goto done;
    st = vs_outset_commit(&set, &err);
    /* Images need the committed CSV and scripts; a gnuplot failure is
     * exit 1 and leaves the tables in place. */
    if (st == VS_OK && o->c.render)
        st = vs_gp_render(dir, &charts, o->c.render, &err);
    else if (st == VS_OK && charts.n_refused)
        fprintf(stderr, "%s: warning: %s\
", file, charts.refused);
    /* The report reads the committed folder, as `vardsim report` does. */
    if (st == VS_OK && o->report)
        st = vs_report_html_write(dir, sc, &err);
    if (st == VS_OK && o->pdf)
        st = vs_report_html_pdf(dir, &err);
    if (st == VS_OK)
        *warned = vs_report_print_warnings(sc, res, &ro, stderr);
    if (st == VS_OK && !o->c.quiet) {
        vs_cli_print_summary(stdout, sc, res);
        char *text = plan ? vs_plan_summary_text(sc, plan) : NULL;
        if (text)
            fprintf(stdout, "\n%s", text);
        free(text);
        fprintf(stderr, "%s: %ld iterations in %.2f s, wrote %s/\n", file,
                res->iterations, res->wall_seconds, dir);
    }
done:
    if (st != VS_OK)
        vs_cli_print_err(&err);
    vs_outset_free(&set);
    vs_plan_results_free(plan);
    free(plan_warn);
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
        vs_cli_common_free(&o.c);
        return rc;
    }
    char *cmdline = vs_cli_join_argv(argc, argv);
    int worst = VS_OK;
    size_t warned = 0;
    for (int i = 0; i < o.n_files && !vs_cli_interrupted; i++) {
        char name[1024], dir[4096];
        vs_cli_stem(o.files[i], name, sizeof name);
        if (o.n_files == 1 && o.c.out_dir)
            snprintf(dir, sizeof dir, "%s", o.c.out_dir);
        else
            snprintf(dir, sizeof dir, "%s/%s", o.c.out_dir ? o.c.out_dir : "out", name);
        size_t w = 0;
        int st = run_one(&o, o.files[i], dir, cmdline, &w);
        warned += w;
        if (st != VS_OK && (worst == VS_OK || worst == VS_EINPUT))
            worst = st;
    }
    free(cmdline);
    free(o.files);
    vs_cli_common_free(&o.c);
    if (vs_cli_interrupted && worst == VS_OK)
        worst = VS_EINTR;
    if (worst != VS_OK)
        return vs_cli_exit_for(worst);
    return o.c.strict && warned > 0 ? EXIT_STRICT : EXIT_DONE;
}
