/* main.c: the vardsim command line.  Argument parsing and subcommands
 * only: every piece of work is a library call. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "vardsim/output.h"
#include "vardsim/version.h"


/* See cli.h: a signal handler can only reach process-wide variables. */
volatile sig_atomic_t vs_cli_interrupted;
vs_outset *volatile vs_cli_active_set;

/* Exit within a moment whatever the phase: waiting for the loader, a
 * worker or a writer to look at a flag took seconds to minutes (or
 * forever, in libconfig's parse).  Nothing of the run is kept: the set's
 * temporaries and lock are removed (async-signal-safe calls only), and
 * a commit is never split, as it runs with these signals blocked. */
static void on_signal(int sig)
{
    (void)sig;
    vs_cli_interrupted = 1;
    const vs_outset *s = vs_cli_active_set;
    int committed = s && s->committed;
    vs_outset_abandon(s);
    static const char none[] = "vardsim: interrupted: no output written\n";
    static const char some[] = "vardsim: interrupted after the tables were "
                               "written: charts and report not finished\n";
    ssize_t w = committed ? write(STDERR_FILENO, some, sizeof some - 1)
                          : write(STDERR_FILENO, none, sizeof none - 1);
    (void)w;
    _exit(EXIT_RUN);
}

static const char usage_text[] =
    "usage:\n"
    "  vardsim check SCENARIO.cfg [--strict]       validate, summarise, warn\n"
    "  vardsim run SCENARIO.cfg... [-o DIR] [-n N] [--seed S] [--threads T]\n"
    "              [--precision R] [--set PATH=VALUE]... [--render png,svg,pdf]\n"
    "              [--csv sv] [--draws] [--xlsx] [--report] [--pdf] [--quiet]\n"
    "              [--strict] [--variants ID,ID...] [--all-centres]\n"
    "  vardsim sweep SCENARIO.cfg --over PATH=FROM:TO:STEP [--over ...] [-o DIR]\n"
    "              [-n N] [--seed S] [--threads T] [--set PATH=VALUE]...\n"
    "              [--render png,svg,pdf] [--csv sv] [--xlsx] [--quiet] [--strict]\n"
    "  vardsim sensitivity SCENARIO.cfg [-o DIR] [-n N] [--seed S] [--threads T]\n"
    "              [--bootstrap B] [--set PATH=VALUE]... [--render png,svg,pdf]\n"
    "              [--csv sv] [--xlsx] [--quiet] [--strict]\n"
    "  vardsim run SCENARIO.cfg --shard K/N --partial DIR [run's options]\n"
    "  vardsim merge DIR... -o OUT                 merge a run's shards\n"
    "  vardsim report OUTDIR [--pdf] [--quiet]     committee report of a run\n"
    "              [--variants ID,ID...] [--all-centres]\n"
    "  vardsim diff OUT_A OUT_B [-o DIR]           what changed between two runs\n"
    "  vardsim import FILE.csv|FILE.xlsx [--sheet NAME] [--pot SEK]\n"
    "              [--centres-only] [-o SCENARIO.cfg]  centres into a scenario\n"
    "  vardsim init [FILE]                         a commented starter scenario\n"
    "  vardsim --help | --version\n"
    "\n"
    "run writes metrics.csv, centres.csv, explain.csv (what each rule gave each\n"
    "centre), warnings.txt and manifest.txt into DIR (default\n"
    "out/<scenario file name without .cfg>; with several files, one folder\n"
    "per file inside DIR).\n"
    "  -n N            Monte Carlo iterations (default: the scenario's)\n"
    "  --seed S        random seed (default: the scenario's)\n"
    "  --threads T     worker threads (default: all cores); results do not\n"
    "                  depend on it\n"
    "  --precision R   draw in blocks of 1000 until every metric's Monte Carlo\n"
    "                  standard error is below R times its mean (at most N)\n"
    "  --csv sv        Swedish Excel CSV: ';', decimal comma, CRLF, BOM\n"
    "  --draws         also write draws.csv (every iteration's metrics)\n"
    "  --xlsx          also write results.xlsx: a summary, a committee table\n"
    "                  per variant, the metrics and centres tables, warnings\n"
    "                  and the manifest as typed Excel cells\n"
    "  --report        also write report.html (see report below)\n"
    "  --pdf           --report, and print it to report.pdf (Chromium)\n"
    "  --render LIST   run gnuplot on the chart scripts (*.gp, always written)\n"
    "                  to make png, svg and/or pdf images\n"
    "  --quiet         no progress bar (warnings still go to standard error)\n"
    "  --strict        any warning (a rule that cannot do what it says, or\n"
    "                  --precision not reached) fails the run: the outputs\n"
    "                  are written, then the exit status is 3\n"
    "  --set PATH=VALUE  change one number after loading (repeatable): PATH is\n"
    "                  region.deficit, VARIANT.RULE.KEY (a rule through the\n"
    "                  variant that defines it; the change reaches every variant\n"
    "                  extending it), VARIANT.RULE.amounts[I], ...tiers[I].KEY or\n"
    "                  uncertainty.GROUP.sigma / .sd; VALUE is a number or a\n"
    "                  distribution: normal(mean,sd), lognormal(median,sigma),\n"
    "                  uniform(min,max), triangular(min,mode,max), pert(...)\n"
    "\n"
    ;

/* Two literals: C11 promises only 4095 characters a literal. */
static const char usage_more[] =
    "sweep runs the simulation at every value of PATH (FROM + i x STEP up to\n"
    "and including TO, or PATH=v1,v2,...; two --over: the whole grid, the\n"
    "first outermost), all on the same seed, and writes sweep.csv (the swept\n"
    "values, then the columns of metrics.csv), manifest.txt and chart scripts\n"
    "into DIR (default out/<scenario file name without .cfg>-sweep); --xlsx\n"
    "also writes results.xlsx (a summary per point and variant, sweep.csv as\n"
    "a sheet, warnings and the manifest).\n"
    "\n"
    "sensitivity writes sensitivity.csv (tornado swings and Sobol indices per\n"
    "variant, metric and uncertain input), tornado.gp and manifest.txt into DIR\n"
    "(default out/<scenario file name without .cfg>-sensitivity); --render\n"
    "draws tornado.png/svg/pdf (of ci_need); --xlsx also writes results.xlsx\n"
    "(swing, S1 and ST per variant and input, sensitivity.csv as a sheet,\n"
    "warnings and the manifest).\n"
    "  -n N            Sobol base sample, N x (inputs + 2) evaluations\n"
    "                  (default 1024; 0: tornado only)\n"
    "  --bootstrap B   resamples for the 95 % intervals of the indices\n"
    "                  (default 200; 0: none)\n"
    "\n"
    "--shard K/N --partial DIR computes shard K of N of a run (its blocks of\n"
    "250 iterations) into DIR/partial-K-of-N.vsp; merge checks the partials\n"
    "belong together and cover 1..N once, then writes the files the whole run\n"
    "would (every option but --shard, --partial and --threads is given to the\n"
    "shards; see docs/partial-format.md and docs/cluster.md).\n"
    "\n"
    "diff compares two run folders: point and mean of every metric and\n"
    "centre per variant that differ (b - a, largest first), as a table and\n"
    "as DIR/diff.csv (default: the current folder).\n"
    "\n"
    "import reads a centre list (CSV with ',' or ';', or an Excel sheet: the\n"
    "first unless --sheet) whose header row names the columns: id, name/namn,\n"
    "listed/listade, cni, age bands such as 0-6 and 80+, and numeric columns\n"
    "(attributes); it writes a scenario with a capitation baseline of --pot\n"
    "SEK to SCENARIO.cfg or standard output (--centres-only: the centres).\n"
    "\n"
    "init writes a starter scenario (every rule type shown, commented out) to\n"
    "FILE, or to standard output; it never replaces an existing file.\n"
    "\n"
    "report writes report.html into OUTDIR (a run's output folder, run from\n"
    "the folder the run was started in): one self-contained page for a\n"
    "committee; --pdf also prints report.pdf on A4 with headless Chromium.\n"
    "\n"
    "exit status: 0 done, 1 the run failed, 2 bad usage or bad scenario,\n"
    "3 warnings with --strict (1 and 2 outrank 3)\n";

/* ---- dispatch ------------------------------------------------------- */

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
} command;

static const command commands[] = {
    {"check", vs_cmd_check},
    {"diff", vs_cmd_diff},
    {"import", vs_cmd_import},
    {"init", vs_cmd_init},
    {"merge", vs_cmd_merge},
    {"report", vs_cmd_report},
    {"run", vs_cmd_run},
    {"sensitivity", vs_cmd_sensitivity},
    {"sweep", vs_cmd_sweep},
};

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; every status is checked instead. */
    gsl_set_error_handler_off();
    if (argc < 2)
        return vs_cli_usage_error("no command given%s", "");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        fputs(usage_more, stdout);
        return EXIT_DONE;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vardsim %s\n", vs_version());
        return EXIT_DONE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* Past a file-size limit (ulimit -f), a write fails with EFBIG, which
     * is reported and cleaned up, instead of killing the process. */
    signal(SIGXFSZ, SIG_IGN);

    int rc = -1;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            rc = commands[i].fn(argc - 1, argv + 1);
    if (rc < 0)
        return vs_cli_usage_error("unknown command '%s'", argv[1]);
    /* A full disk on stdout is an error too. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "vardsim: cannot write to standard output\n");
        return EXIT_RUN;
    }
    return rc;
}
