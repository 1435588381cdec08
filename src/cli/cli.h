/* cli.h: what the vardsim subcommands share (src/cli/). */
#ifndef VARDSIM_CLI_H
#define VARDSIM_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vardsim/error.h"
#include "vardsim/provenance.h"

/* EXIT_STRICT: --strict and at least one warning, after writing every
 * output; 1 and 2 outrank it. */
enum { EXIT_DONE = 0, EXIT_RUN = 1, EXIT_USAGE = 2, EXIT_STRICT = 3 };

/* Raised by SIGINT/SIGTERM (main.c); the simulator polls it between blocks.
 * The one piece of process-wide state: a signal handler can reach nothing
 * else. */
extern volatile sig_atomic_t vs_cli_interrupted;

/* The output set being written, if any (set by the command, read by the
 * signal handler).  SIGINT and SIGTERM end the process at once in every
 * phase, loading included (libconfig's parse cannot be interrupted any
 * other way): the handler removes this set's temporaries and lock, says
 * so and exits 1.  See main.c. */
struct vs_outset;
extern struct vs_outset *volatile vs_cli_active_set;

/* Print "vardsim: MESSAGE" and a hint to standard error; returns 2. */
int vs_cli_usage_error(const char *fmt, const char *arg);

/* Exit status for a library status: 2 for VS_EINPUT, else 1. */
int vs_cli_exit_for(int status);

/* Print every recorded problem to standard error. */
void vs_cli_print_err(const vs_err *err);

/* Strict option parsing: 0 on success, -1 on junk or out of range. */
int vs_cli_parse_long(const char *s, long lo, long hi, long *out);
int vs_cli_parse_u64(const char *s, uint64_t *out);
int vs_cli_parse_double(const char *s, double *out);

struct vs_scenario;

/* The options run, sweep and sensitivity share, parsed in one place. */
typedef struct vs_cli_common {
    const char *out_dir;  /* -o, or NULL */
    long iterations;      /* -n, or the default given to init */
    long max_iterations;  /* upper bound of -n */
    int have_seed;        /* --seed given */
    uint64_t seed;
    int threads;          /* --threads, default: all cores */
    int swedish_csv;      /* --csv sv */
    int quiet;            /* --quiet */
    int strict;           /* --strict: any warning makes the exit status 3 */
    int allow_render;     /* does the command take --render? */
    const char *render;   /* --render list, or NULL */
    const char **sets;    /* --set PATH=VALUE, in order */
    int n_sets;
    long shard_k, shard_n; /* --shard K/N (0/0: not sharded) */
    const char *partial_dir; /* --partial DIR */
} vs_cli_common;

/* Defaults; `sets` gets room for argc entries (free with _free). */
int vs_cli_common_init(vs_cli_common *c, int argc, long default_iterations,
                       long max_iterations, int allow_render);
void vs_cli_common_free(vs_cli_common *c);

/* If argv[*i] is a shared option, take it (and its value, advancing *i)
 * and return 1; return 0 when it is not one of them, and -1 after printing
 * a usage error (exit 2). */
int vs_cli_common_option(int argc, char **argv, int *i, vs_cli_common *c);

/* Parse argv[1..]: the shared options into c, every other word through
 * `own` (at argv[*i]; it may take a value, advancing *i), which returns
 * EXIT_DONE or the exit status of a usage error.  Returns EXIT_DONE or
 * that status. */
typedef int (*vs_cli_arg_fn)(int argc, char **argv, int *i, void *ctx);
int vs_cli_parse_args(int argc, char **argv, vs_cli_common *c,
                      vs_cli_arg_fn own, void *ctx);

/* Load `file` and apply every --set.  Returns VS_OK, or VS_EINPUT for an
 * unreadable or bad scenario or a bad --set (exit 2), with err filled. */
int vs_cli_load(const vs_cli_common *c, const char *file,
                struct vs_scenario **sc, vs_err *err);

/* The output folder: -o, else out/<stem><suffix> ("" or "-sweep"). */
void vs_cli_out_dir(const vs_cli_common *c, const char *file,
                    const char *suffix, char *buf, size_t n);

/* A progress bar on standard error (only when it is a terminal and the
 * user did not ask for quiet). */
typedef struct vs_cli_progress {
    int enabled;
    double t0;
    const char *label;
} vs_cli_progress;

void vs_cli_progress_init(vs_cli_progress *p, const char *label, int quiet);
/* vs_progress_fn-compatible callback: ctx is a vs_cli_progress. */
void vs_cli_progress_show(void *ctx, long done, long total);

/* The seed and iterations of a run: the option's, else the scenario's. */
uint64_t vs_cli_seed(const vs_cli_common *c, const struct vs_scenario *sc);
long vs_cli_iterations(const vs_cli_common *c, const struct vs_scenario *sc);

/* One command's run of one scenario (job.c): the skeleton run, sweep and
 * sensitivity share.  vs_cli_job_run loads `file` and applies --set,
 * records the invocation (command line, --set values, the file's SHA-256)
 * in `invocation`, calls run, creates `dir`, calls write (every file into
 * one set, chart scripts recorded in the list), commits unless
 * interrupted, renders with --render, calls after and summary, and reports
 * a problem or an interrupt ("FILE: interrupted: no output written") on
 * standard error.  Returns the library status. */
struct vs_outset;
struct vs_gp_list;
struct vs_pbuf;
typedef struct vs_cli_job vs_cli_job;
struct vs_cli_job {
    const vs_cli_common *c;
    const char *file;          /* the scenario */
    const char *dir;           /* the output folder */
    const char *command_line;  /* for the manifest */
    vs_provenance invocation;  /* filled before run */
    vs_cli_progress progress;  /* ready before run */
    void *cmd;                 /* the command's own state */
    size_t warned;             /* warnings printed (set by after) */
    /* Compute the result (VS_EINTR when interrupted). */
    int (*run)(vs_cli_job *j, struct vs_scenario *sc, vs_err *err);
    /* Open and write every file in `set`; copy j->invocation into the
     * result's provenance first. */
    int (*write)(vs_cli_job *j, const struct vs_scenario *sc,
                 struct vs_outset *set, struct vs_gp_list *charts,
                 vs_err *err);
    /* After the commit and rendering: print the warnings to standard
     * error (even with --quiet) and count them in j->warned (may be
     * NULL). */
    int (*after)(vs_cli_job *j, const struct vs_scenario *sc, vs_err *err);
    /* What to print when done and not --quiet (may be NULL). */
    void (*summary)(vs_cli_job *j, const struct vs_scenario *sc);
    /* Free the result (may be NULL). */
    void (*free)(vs_cli_job *j);
    /* --shard K/N: compute shard K of N's blocks (of *blocks in all) into
     * the payload of its partial result (cmd_merge.c writes it).  NULL:
     * the command takes no --shard. */
    int (*shard)(vs_cli_job *j, struct vs_scenario *sc, long k, long n,
                 long *blocks, struct vs_pbuf *payload, vs_err *err);
};
int vs_cli_job_run(vs_cli_job *j);

/* The frame vs_cli_job_run and a shard (cmd_merge.c) share: load j->file
 * and apply --set, record the invocation with `command_line`, make the
 * progress line ready, call body, then report a problem or an interrupt
 * on standard error and free the result and the scenario.  Returns body's
 * status (or the load's). */
typedef int (*vs_cli_job_body)(vs_cli_job *j, struct vs_scenario *sc,
                               void *ctx, vs_err *err);
int vs_cli_job_frame(vs_cli_job *j, const char *command_line,
                     vs_cli_job_body body, void *ctx);

/* Blocks [*b0, *b1) of shard K of N over M blocks:
 * floor((K-1) M / N) .. floor(K M / N) - 1 (docs/partial-format.md). */
void vs_cli_shard_range(long m, long k, long n, long *b0, long *b1);

/* vs_cli_job_main with --shard: load, compute the shard through j->shard
 * and write DIR/partial-K-of-N.vsp (cmd_merge.c).  An exit status: a
 * partial never exits 3 (merge applies --strict). */
int vs_cli_shard_main(vs_cli_job *j, int argc, char **argv);

/* The partial results `merge` found, in shard order (cmd_merge.c). */
typedef struct vs_cli_partials {
    size_t n;                     /* shards: N */
    char **paths;                 /* paths[K - 1] */
    struct vs_partial_head *heads;/* heads[K - 1] */
} vs_cli_partials;

/* Read every partial of p (a run's) against the loaded scenario and join
 * them into the results of the whole run.  VS_EINPUT (exit 2) with a
 * message naming the file when one does not fit. */
struct vs_results;
int vs_cli_merge_sim(const vs_cli_partials *p, const struct vs_scenario *sc,
                     const vs_provenance *invocation, uint64_t seed,
                     long iterations, int threads, struct vs_results **out,
                     vs_err *err);

/* The same for a sweep: r is the sweep computed for no point (every
 * other field filled); each partial's points are read into it. */
struct vs_sweep_result;
int vs_cli_merge_sweep(const vs_cli_partials *p, const vs_provenance *invocation,
                       struct vs_sweep_result *r, vs_err *err);

/* `run` (`sweep`) of the merged partials: argv as the shards were given
 * it (bar --shard, --partial, --threads), plus -o OUT. */
int vs_cmd_run_merged(int argc, char **argv, const vs_cli_partials *p);
int vs_cmd_sweep_merged(int argc, char **argv, const vs_cli_partials *p);
int vs_cmd_sensitivity_merged(int argc, char **argv, const vs_cli_partials *p);

/* The same for a sensitivity analysis of N base rows of per_row values:
 * every partial's rows into f (N x per_row), its shortfalls added into
 * kinds and draws (n_rules each). */
int vs_cli_merge_sens(const vs_cli_partials *p, const vs_provenance *invocation,
                      long n, size_t per_row, double *f, size_t n_rules,
                      unsigned *kinds, long *draws, vs_err *err);

/* vs_cli_job_run for a command of one scenario: the command line from
 * argv, the folder from -o or out/<stem><suffix>; returns the exit
 * status (EXIT_STRICT with --strict when a warning was printed). */
int vs_cli_job_main(vs_cli_job *j, int argc, char **argv, const char *suffix);

/* The scenario file name without folder and .cfg, into buf. */
void vs_cli_stem(const char *file, char *buf, size_t n);

/* 0 when the stem of `file` can name an output folder; otherwise -1 after
 * printing why (empty, ".", "..", hidden, or a control character: each
 * would write somewhere the user did not mean). */
int vs_cli_check_stem(const char *file);

/* Lock `dir` for `set` (vs_outset_begin) and make the set the one the
 * signal handler cleans up.  When another process holds the folder, the
 * message ends with "; " and `if_busy`: what the user of this command
 * can do (a run can take another folder with -o, a report cannot). */
int vs_cli_begin_output(struct vs_outset *set, const char *dir,
                        const char *cmdline, const char *if_busy,
                        vs_err *err);

/* if_busy of the commands that compute into a folder (run, sweep,
 * sensitivity, and merge, which takes -o too). */
#define VS_CLI_BUSY_COMPUTE "wait for it to finish or choose another folder with -o"

/* No set for the handler any more, then vs_outset_free (which also
 * unlocks the folder). */
void vs_cli_end_output(struct vs_outset *set);

/* argv joined by spaces (for the manifest); caller frees. */
char *vs_cli_join_argv(int argc, char **argv);

/* The side-by-side tables `run` prints to `f` (summary.c). */
struct vs_results;
void vs_cli_print_summary(FILE *f, const struct vs_scenario *sc,
                          const struct vs_results *res);

/* The committee report of output folder `dir` (and report.pdf with
 * `pdf`): an exit status.  `run --report` calls it after its commit. */
int vs_cli_report(const char *dir, int pdf, int quiet);
/* The same, first writing the allocation chart again with `charts` (the
 * report's --variants/--all-centres; NULL: as the run wrote it). */
struct vs_charts_opts;
int vs_cli_report_opts(const char *dir, int pdf, int quiet,
                       const struct vs_charts_opts *charts);

/* Write `len` bytes of `text` to `path` atomically (a temporary file in
 * the same folder, renamed when complete).  Returns VS_OK, or VS_EIO /
 * VS_ENOMEM with err. */
int vs_cli_write_file(const char *path, const char *text, size_t len,
                      vs_err *err);

int vs_cmd_check(int argc, char **argv);
int vs_cmd_diff(int argc, char **argv);
int vs_cmd_import(int argc, char **argv);
int vs_cmd_init(int argc, char **argv);
int vs_cmd_merge(int argc, char **argv);
int vs_cmd_report(int argc, char **argv);
int vs_cmd_run(int argc, char **argv);
int vs_cmd_sensitivity(int argc, char **argv);
int vs_cmd_sweep(int argc, char **argv);

#endif
