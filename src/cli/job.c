/* job.c: the steps every command that computes a result shares (see
 * cli.h, vs_cli_job): load the scenario and apply --set, note how the run
 * was asked for, compute, create the folder, write every file into one
 * set, check for an interrupt, commit, render, then the command's own
 * last steps and summary.  Problems and interrupts are reported here, one
 * way for every command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "out/gp.h"
#include "vardsim/output.h"
#include "vardsim/scenario.h"

uint64_t vs_cli_seed(const vs_cli_common *c, const vs_scenario *sc)
{
    return c->have_seed ? c->seed : sc->seed;
}

long vs_cli_iterations(const vs_cli_common *c, const vs_scenario *sc)
{
    return c->iterations >= 0 ? c->iterations : sc->iterations;
}

/* Lock the folder, compute, then write, commit and render.  The folder
 * is locked (and created) before the computation, so a run into a folder
 * another run holds is refused before it spends its time, and stays
 * locked through rendering and the report; a folder made here and never
 * committed to is removed again (vs_outset_free). */
static int compute_and_write(vs_cli_job *j, vs_scenario *sc, vs_err *err)
{
    vs_outset set;
    vs_outset_init(&set);
    vs_gp_list charts;
    vs_gp_list_init(&charts);
    int st = vs_cli_begin_output(&set, j->dir, j->command_line,
                                 VS_CLI_BUSY_COMPUTE, err);
    if (st == VS_OK)
        st = j->run(j, sc, err);
    if (st == VS_OK && (st = j->write(j, sc, &set, &charts, err)) == VS_OK) {
        /* Nothing appears when the user stopped us while writing. */
        if (vs_cli_interrupted)
            st = VS_EINTR;
        else
            st = vs_outset_commit(&set, err);
    }
    /* Images need the committed data and scripts; a gnuplot failure is
     * exit 1 and leaves the tables in place. */
    if (st == VS_OK && j->c->render)
        st = vs_gp_render(j->dir, &charts, j->c->render, err);
    else if (st == VS_OK && charts.n_refused)
        fprintf(stderr, "%s: warning: %s%s\n", j->file, charts.refused,
                vs_gp_list_more(&charts));
    if (st == VS_OK && j->after)
        st = j->after(j, sc, err);
    vs_cli_end_output(&set);
    return st;
}

int vs_cli_job_frame(vs_cli_job *j, const char *command_line,
                     vs_cli_job_body body, void *ctx)
{
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    int st = vs_cli_load(j->c, j->file, &sc, &err);
    if (st == VS_OK) {
        /* The file is hashed as loaded, before a long run. */
        vs_provenance_invocation(&j->invocation, j->file, command_line,
                                 j->c->sets, (size_t)j->c->n_sets);
        vs_cli_progress_init(&j->progress, j->file, j->c->quiet);
        st = body(j, sc, ctx, &err);
    }
    if (st == VS_EINTR)
        fprintf(stderr, "%s: interrupted: no output written\n", j->file);
    else if (st != VS_OK)
        vs_cli_print_err(&err);
    if (j->free)
        j->free(j);
    vs_scenario_free(sc);
    vs_err_free(&err);
    return st;
}

/* A whole run's body: the folder, then the summary on the terminal. */
static int run_body(vs_cli_job *j, vs_scenario *sc, void *ctx, vs_err *err)
{
    (void)ctx;
    int st = compute_and_write(j, sc, err);
    if (st == VS_OK && !j->c->quiet && j->summary)
        j->summary(j, sc);
    return st;
}

int vs_cli_job_run(vs_cli_job *j)
{
    return vs_cli_job_frame(j, j->command_line, run_body, NULL);
}

int vs_cli_job_main(vs_cli_job *j, int argc, char **argv, const char *suffix)
{
    if (j->c->shard_n > 0 || j->c->partial_dir)
        return vs_cli_shard_main(j, argc, argv);
    if (!j->c->out_dir && vs_cli_check_stem(j->file) != 0)
        return EXIT_USAGE;
    char *cmdline = vs_cli_join_argv(argc, argv);
    char dir[4096];
    vs_cli_out_dir(j->c, j->file, suffix, dir, sizeof dir);
    j->dir = dir;
    j->command_line = cmdline;
    int st = vs_cli_job_run(j);
    free(cmdline);
    if (st != VS_OK)
        return vs_cli_exit_for(st);
    return j->c->strict && j->warned > 0 ? EXIT_STRICT : EXIT_DONE;
}
