/* cmd_run.c: `vardsim run FILE... [options]`: simulate and write tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/plan.h"
#include "cli.h"
#include "engine/sim.h"
#include "out/partial.h"
#include "out/charts.h"
#include "out/charts_plan.h"
#include "out/plan_write.h"
#include "out/gp.h"
#include "out/report_html.h"
#include "out/xlsx.h"
#include "vardsim/load.h"
#include "vardsim/override.h"
#include "vardsim/report.h"
#include "vardsim/sim.h"

typedef struct run_opts {
    vs_cli_common c; /* iterations -1: the scenario's */
    double precision;
    int draws;
    int xlsx; /* --xlsx: results.xlsx */
    int report, pdf; /* --report, --pdf */
    vs_charts_opts charts; /* --variants, --all-centres */
    const char **files;
    int n_files;
    const vs_cli_partials *merge; /* merge: the shards' partials */
} run_opts;

/* One word of the command line that is not a shared option. */
static int run_arg(int argc, char **argv, int *i, void *ctx)
{
    run_opts *o = ctx;
    const char *a = argv[*i];
    if (strcmp(a, "--precision") == 0) {
        if (*i + 1 >= argc)
            return vs_cli_usage_error("option %s needs a value", a);
        const char *val = argv[++*i];
        if (vs_cli_parse_double(val, &o->precision) != 0 || !(o->precision > 0))
            return vs_cli_usage_error("--precision needs a number above 0, not '%s'", val);
    } else if (strcmp(a, "--draws") == 0) {
        o->draws = 1;
    } else if (strcmp(a, "--xlsx") == 0) {
        o->xlsx = 1;
    } else if (strcmp(a, "--report") == 0) {
        o->report = 1;
    } else if (strcmp(a, "--pdf") == 0) {
        o->report = o->pdf = 1;
    } else if (strcmp(a, "--variants") == 0) {
        if (*i + 1 >= argc)
            return vs_cli_usage_error("option %s needs a value", a);
        o->charts.variants = argv[++*i];
    } else if (strcmp(a, "--all-centres") == 0) {
        o->charts.all_centres = 1;
    } else if (a[0] == '-' && a[1] != '\0') {
        return vs_cli_usage_error("unknown option '%s'", a);
    } else {
        o->files[o->n_files++] = a;
    }
    return EXIT_DONE;
}

static int parse_run(int argc, char **argv, run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->files = calloc((size_t)argc, sizeof *o->files);
    if (vs_cli_common_init(&o->c, argc, -1, VS_SIM_MAX_ITERATIONS, 1) != 0 || !o->files)
        return EXIT_RUN;
    int rc = vs_cli_parse_args(argc, argv, &o->c, run_arg, o);
    if (rc != EXIT_DONE)
        return rc;
    if (o->n_files == 0)
        return vs_cli_usage_error("run needs a scenario file%s", "");
    return EXIT_DONE;
}

/* One scenario's run (a vs_cli_job's state). */
typedef struct run_job {
    const run_opts *o;
    vs_results *res;
    vs_plan_results *plan; /* when the scenario has a plan */
    char *plan_warn;       /* the plan's warning lines (NULL: none) */
} run_job;

/* The simulation's options from the command line. */
static void sim_opts(vs_cli_job *j, const vs_scenario *sc, vs_sim_opts *so)
{
    run_job *r = j->cmd;
    memset(so, 0, sizeof *so);
    so->seed = vs_cli_seed(j->c, sc);
    so->iterations = vs_cli_iterations(j->c, sc);
    so->threads = j->c->threads;
    so->precision = r->o->precision;
    so->keep_draws = r->o->draws; /* draws.csv needs every row */
    so->progress = vs_cli_progress_show;
    so->progress_ctx = &j->progress;
    so->stop = &vs_cli_interrupted;
}

/* Plans (docs/scenario-format.md, "Years") run on the whole run's draws;
 * they are not split into shards (yet): refused with a message. */
static int refuse_plan(const vs_scenario *sc, vs_err *err)
{
    if (!sc->plan)
        return VS_OK;
    return vs_err_set(err, VS_EINPUT, sc->file, 0,
                      "a scenario with a plan cannot be split into shards: "
                      "run it whole (without --shard)");
}

/* --shard K/N: the point estimate and the shard's blocks, as a partial's
 * payload. */
static int run_shard(vs_cli_job *j, vs_scenario *sc, long k, long n,
                     long *blocks, vs_pbuf *payload, vs_err *err)
{
    run_job *r = j->cmd;
    if (r->o->precision > 0)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "--precision cannot be used with --shard: a shard "
                          "cannot know when the whole run is precise enough");
    int st = refuse_plan(sc, err);
    if (st != VS_OK)
        return st;
    vs_sim_opts so;
    sim_opts(j, sc, &so);
    *blocks = vs_sim_blocks(so.iterations);
    long b0, b1;
    vs_cli_shard_range(*blocks, k, n, &b0, &b1);
    vs_sim_acc *a = NULL;
    if ((st = vs_sim_compute(sc, &so, b0, b1, &a, err)) != VS_OK)
        return st;
    vs_partial_put_acc(payload, a);
    vs_sim_acc_free(a);
    return payload->failed ? vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory") : VS_OK;
}

static int run_compute(vs_cli_job *j, vs_scenario *sc, vs_err *err)
{
    run_job *r = j->cmd;
    /* A --variants id the scenario lacks is bad usage: say so before the
     * simulation, not after it. */
    int st = vs_charts_check_variants(sc, r->o->charts.variants, err);
    if (st != VS_OK)
        return st;
    vs_sim_opts so;
    sim_opts(j, sc, &so);
    if (r->o->merge) {
        if ((st = refuse_plan(sc, err)) != VS_OK)
            return st;
        st = vs_cli_merge_sim(r->o->merge, sc, &j->invocation, so.seed,
                              so.iterations, so.threads, &r->res, err);
    } else
        st = vs_sim_run(sc, &so, &r->res, err);
    if (st != VS_OK || !sc->plan)
        return st;
    /* The plan on the run's own draws: the same seed and the iterations
     * the run took (--precision may stop it early).  Its warnings join
     * the run's: warnings.txt, the manifest's count, standard error and
     * --strict. */
    so.iterations = r->res->iterations;
    if ((st = vs_plan_run(sc, &so, &r->plan, err)) != VS_OK)
        return st;
    if (!(r->plan_warn = vs_plan_warnings(sc, r->plan)))
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    return VS_OK;
}

/* The tables, then the chart scripts into the same set, so they appear
 * together. */
static int run_write(vs_cli_job *j, const vs_scenario *sc, vs_outset *set,
                     vs_gp_list *charts, vs_err *err)
{
    run_job *r = j->cmd;
    vs_provenance_copy_invocation(&r->res->prov, &j->invocation);
    vs_report_opts ro = {j->dir, j->c->swedish_csv, r->o->draws,
                         r->o->precision, r->plan_warn};
    int st = vs_report_write(sc, r->res, &ro, set, err);
    if (st == VS_OK && r->o->xlsx)
        st = vs_xlsx_write_run(sc, r->res, r->plan, &ro, set, err);
    if (st == VS_OK)
        st = vs_charts_write(sc, r->res, &r->o->charts, j->dir, set,
                             charts, err);
    if (st == VS_OK && r->plan &&
        (st = vs_plan_write(sc, r->plan, j->dir, j->c->swedish_csv, set,
                            err)) == VS_OK)
        st = vs_plan_chart_write(sc, r->plan, j->dir, set, charts, err);
    return st;
}

/* The report reads the committed folder, as `vardsim report` does. */
static int run_after(vs_cli_job *j, const vs_scenario *sc, vs_err *err)
{
    run_job *r = j->cmd;
    int st = VS_OK;
    if (r->o->report)
        st = vs_report_html_write(j->dir, sc, err);
    if (st == VS_OK && r->o->pdf)
        st = vs_report_html_pdf(j->dir, err);
    vs_report_opts ro = {j->dir, j->c->swedish_csv, r->o->draws,
                         r->o->precision, r->plan_warn};
    if (st == VS_OK)
        j->warned = vs_report_print_warnings(sc, r->res, &ro, stderr);
    return st;
}

static void run_summary(vs_cli_job *j, const vs_scenario *sc)
{
    run_job *r = j->cmd;
    vs_cli_print_summary(stdout, sc, r->res);
    char *text = r->plan ? vs_plan_summary_text(sc, r->plan) : NULL;
    if (text)
        fprintf(stdout, "\n%s", text);
    free(text);
    fprintf(stderr, "%s: %ld iterations in %.2f s, wrote %s/\n", j->file,
            r->res->iterations, r->res->wall_seconds, j->dir);
}

static void run_free(vs_cli_job *j)
{
    run_job *r = j->cmd;
    vs_results_free(r->res);
    vs_plan_results_free(r->plan);
    free(r->plan_warn);
    r->res = NULL;
    r->plan = NULL;
    r->plan_warn = NULL;
}

/* Simulate `file` into `dir`.  Returns a library status; *warned is set
 * to the number of warnings printed (standard error, even with --quiet). */
static int run_one(const run_opts *o, const char *file, const char *dir,
                   const char *cmdline, size_t *warned)
{
    run_job r = {o, NULL, NULL, NULL};
    vs_cli_job j = {&o->c, file, dir, cmdline, {0}, {0}, &r, 0, run_compute,
                    run_write, run_after, run_summary, run_free, run_shard};
    int st = vs_cli_job_run(&j);
    *warned = j.warned;
    return st;
}

/* Where file's output goes: -o itself for one file, else a folder named
 * after the file inside -o (or out/). */
static void out_dir(const run_opts *o, const char *file, char *buf, size_t n)
{
    char name[1024];
    vs_cli_stem(file, name, sizeof name);
    if (o->n_files == 1 && o->c.out_dir)
        snprintf(buf, n, "%s", o->c.out_dir);
    else
        snprintf(buf, n, "%s/%s", o->c.out_dir ? o->c.out_dir : "out", name);
}

/* Before anything runs: every folder name made from a file name must be
 * a plain name, and no two files may share one.  Two files with one stem
 * are refused rather than given made-up distinct folders (s, s-2): which
 * folder held which file would then depend on the order of the
 * arguments, and the second run would still look like the first one's
 * result to whoever opens DIR/s. */
static int check_stems(const run_opts *o)
{
    if (o->n_files == 1 && o->c.out_dir)
        return EXIT_DONE; /* -o names the folder: the stem is not used */
    for (int i = 0; i < o->n_files; i++) {
        if (vs_cli_check_stem(o->files[i]) != 0)
            return EXIT_USAGE;
        char a[1024], b[1024];
        vs_cli_stem(o->files[i], a, sizeof a);
        for (int j = 0; j < i; j++) {
            vs_cli_stem(o->files[j], b, sizeof b);
            if (strcmp(a, b) != 0)
                continue;
            char dir[4096];
            out_dir(o, o->files[i], dir, sizeof dir);
            fprintf(stderr, "vardsim: %s and %s would both write %s/ (one "
                            "folder per file name): rename one of them or run "
                            "them one at a time with -o\n",
                    o->files[j], o->files[i], dir);
            return EXIT_USAGE;
        }
    }
    return EXIT_DONE;
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
    if (o.c.shard_n > 0 || o.c.partial_dir) {
        if (o.n_files != 1)
            rc = vs_cli_usage_error("--shard takes one scenario file%s", "");
        else {
            run_job r = {&o, NULL, NULL, NULL};
            vs_cli_job j = {&o.c, o.files[0], NULL, NULL, {0}, {0}, &r, 0, run_compute,
                            run_write, run_after, run_summary, run_free, run_shard};
            rc = vs_cli_shard_main(&j, argc, argv);
        }
        free(o.files);
        vs_cli_common_free(&o.c);
        return rc;
    }
    if ((rc = check_stems(&o)) != EXIT_DONE) {
        free(o.files);
        vs_cli_common_free(&o.c);
        return rc;
    }
    char *cmdline = vs_cli_join_argv(argc, argv);
    int worst = VS_OK;
    size_t warned = 0;
    for (int i = 0; i < o.n_files && !vs_cli_interrupted; i++) {
        char dir[4096];
        out_dir(&o, o.files[i], dir, sizeof dir);
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

int vs_cmd_run_merged(int argc, char **argv, const vs_cli_partials *p)
{
    run_opts o;
    int rc = parse_run(argc, argv, &o);
    if (rc == EXIT_DONE && o.n_files != 1)
        rc = vs_cli_usage_error("merge: the partials name %s scenario files", "several");
    if (rc != EXIT_DONE) {
        free(o.files);
        vs_cli_common_free(&o.c);
        return rc;
    }
    o.merge = p;
    size_t warned = 0;
    char *cmdline = vs_cli_join_argv(argc, argv);
    int st = run_one(&o, o.files[0], o.c.out_dir, cmdline, &warned);
    free(cmdline);
    free(o.files);
    vs_cli_common_free(&o.c);
    if (st != VS_OK)
        return vs_cli_exit_for(st);
    return o.c.strict && warned > 0 ? EXIT_STRICT : EXIT_DONE;
}
