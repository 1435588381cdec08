/* main.c: the vardsim command line.  Argument parsing and subcommands
 * only: every piece of work is a library call. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "vardsim/load.h"
#include "vardsim/report.h"
#include "vardsim/sim.h"

#ifndef VS_VERSION
#define VS_VERSION "0.0.0"
#endif

enum { EXIT_DONE = 0, EXIT_RUN = 1, EXIT_USAGE = 2 };

/* The one piece of process-wide state: a signal handler can only reach a
 * static flag.  The simulator polls it between blocks. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static const char usage_text[] =
    "usage:\n"
    "  vardsim check SCENARIO.cfg                  validate and summarise\n"
    "  vardsim run SCENARIO.cfg... [-o DIR] [-n N] [--seed S] [--threads T]\n"
    "              [--precision R] [--csv sv] [--draws] [--quiet]\n"
    "  vardsim --help | --version\n"
    "\n"
    "run writes metrics.csv, centres.csv and manifest.txt into DIR (default\n"
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
    "  --quiet         no progress bar\n"
    "\n"
    "exit status: 0 done, 1 the run failed, 2 bad usage or bad scenario\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vardsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'vardsim --help'.\n");
    return EXIT_USAGE;
}

static int exit_for(int status)
{
    return status == VS_EINPUT ? EXIT_USAGE : EXIT_RUN;
}

static void print_err(const vs_err *err)
{
    if (err->log)
        fputs(err->log, stderr);
    else if (err->count)
        fprintf(stderr, "%s\n", err->msg);
}

/* Strict number parsing for options. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* ---- check ---------------------------------------------------------- */

static void describe_rule(const vs_scenario *sc, const vs_rule *r)
{
    printf("      %s", vs_rule_type_name(r->type));
    if (strcmp(r->id, vs_rule_type_name(r->type)) != 0)
        printf(" '%s'", r->id);
    int pot = r->pot != VS_NONE ? r->pot : r->amount;
    if (pot != VS_NONE) {
        const vs_param *p = &sc->params[pot];
        char buf[128];
        vs_dist_format(&p->dist, buf, sizeof buf);
        printf(" %s %s SEK", r->pot != VS_NONE ? "pot" : "amount", buf);
    }
    if (r->type == VS_RULE_CNI_THRESHOLD && r->threshold != VS_NONE)
        printf(", cni > %g, split %s", vs_dist_point(&sc->params[r->threshold].dist),
               vs_split_name(r->split));
    if (r->type == VS_RULE_GRANT)
        printf(" to %zu centres", r->n_grants);
    if (r->type == VS_RULE_CUT)
        printf(", method %s", vs_cut_method_name(r->method));
    if (r->type == VS_RULE_LIMIT)
        printf(" relative to %s", sc->variants[r->relative_to].id);
    printf("\n");
}

static int cmd_check(int argc, char **argv)
{
    if (argc != 2)
        return usage_error("check takes one scenario file%s", "");
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    int st = vs_load_file(argv[1], &sc, &err);
    if (st != VS_OK) {
        print_err(&err);
        vs_err_free(&err);
        return exit_for(st);
    }
    double listed = 0, lo = INFINITY, hi = -INFINITY;
    size_t high = 0;
    for (size_t i = 0; i < sc->n_centres; i++) {
        listed += sc->centres[i].listed;
        lo = fmin(lo, sc->centres[i].cni);
        hi = fmax(hi, sc->centres[i].cni);
        high += sc->centres[i].cni > sc->high_need_cni;
    }
    size_t uncertain = 0;
    for (size_t p = 0; p < sc->n_params; p++)
        uncertain += sc->params[p].dist.kind != VS_DIST_FIXED;
    printf("%s: ok\n", sc->file);
    printf("scenario:  %s\n", sc->name);
    if (sc->region_name)
        printf("region:    %s\n", sc->region_name);
    printf("centres:   %zu, %.0f listed, CNI %g to %g, %zu above %g\n",
           sc->n_centres, listed, lo, hi, high, sc->high_need_cni);
    printf("uncertain: %zu numbers, %zu per-centre noise groups\n", uncertain,
           sc->n_noise);
    printf("runs:      %ld iterations, seed %llu, labels %s\n", sc->iterations,
           (unsigned long long)sc->seed, sc->lang);
    printf("variants:  %zu (baseline %s)\n", sc->n_variants,
           sc->variants[sc->baseline].id);
    for (size_t v = 0; v < sc->n_variants; v++) {
        const vs_variant *var = &sc->variants[v];
        printf("  %s: %s", var->id, var->name);
        if (var->extends != VS_NONE)
            printf(" (extends %s)", sc->variants[var->extends].id);
        printf("\n");
        for (size_t r = 0; r < var->n_rules; r++)
            describe_rule(sc, &var->rules[r]);
    }
    vs_scenario_free(sc);
    vs_err_free(&err);
    return EXIT_DONE;
}

/* ---- run ------------------------------------------------------------ */

typedef struct run_opts {
    const char *out_dir;
    long iterations; /* -1: the scenario's */
    int have_seed;
    uint64_t seed;
    int threads;
    double precision;
    int swedish_csv, draws, quiet;
    const char **files;
    int n_files;
} run_opts;

typedef struct progress {
    int enabled;
    double t0;
    const char *label;
} progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void show_progress(void *ctx, long done, long total)
{
    progress *p = ctx;
    if (!p->enabled || total <= 0)
        return;
    double el = now_s() - p->t0, rate = el > 0 ? done / el : 0;
    double left = rate > 0 ? (total - done) / rate : 0;
    int width = 30, fill = (int)(width * (double)done / (double)total);
    fprintf(stderr, "\r%s [", p->label);
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %ld/%ld  %.0f it/s  %.0f s left ", done, total, rate, left);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}

static int parse_run(int argc, char **argv, run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->iterations = -1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cores > 0 ? (int)cores : 1;
    o->files = calloc((size_t)argc, sizeof *o->files);
    if (!o->files)
        return EXIT_RUN;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE() \
    do { \
        if (!val) \
            return usage_error("option %s needs a value", a); \
        i++; \
    } while (0)
        if (strcmp(a, "-o") == 0) {
            NEED_VALUE();
            o->out_dir = val;
        } else if (strcmp(a, "-n") == 0) {
            NEED_VALUE();
            if (parse_long(val, 0, 100000000L, &o->iterations) != 0)
                return usage_error("-n needs a whole number from 0 to 100000000, not '%s'", val);
        } else if (strcmp(a, "--seed") == 0) {
            NEED_VALUE();
            if (parse_u64(val, &o->seed) != 0)
                return usage_error("--seed needs a whole number >= 0, not '%s'", val);
            o->have_seed = 1;
        } else if (strcmp(a, "--threads") == 0) {
            long t;
            NEED_VALUE();
            if (parse_long(val, 1, 256, &t) != 0)
                return usage_error("--threads needs a whole number from 1 to 256, not '%s'", val);
            o->threads = (int)t;
        } else if (strcmp(a, "--precision") == 0) {
            NEED_VALUE();
            if (parse_double(val, &o->precision) != 0 || !(o->precision > 0))
                return usage_error("--precision needs a number above 0, not '%s'", val);
        } else if (strcmp(a, "--csv") == 0) {
            NEED_VALUE();
            if (strcmp(val, "sv") != 0)
                return usage_error("--csv takes 'sv', not '%s'", val);
            o->swedish_csv = 1;
        } else if (strcmp(a, "--draws") == 0) {
            o->draws = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else {
            o->files[o->n_files++] = a;
        }
#undef NEED_VALUE
    }
    if (o->n_files == 0)
        return usage_error("run needs a scenario file%s", "");
    return EXIT_DONE;
}

/* out/<file name without folder and .cfg> */
static void default_dir(const char *file, char *buf, size_t n)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
        len -= 4;
    snprintf(buf, n, "%.*s", (int)len, base);
}

static char *join_argv(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *s = malloc(n), *p = s;
    if (!s)
        return NULL;
    for (int i = 0; i < argc; i++)
        p += sprintf(p, "%s%s", i ? " " : "", argv[i]);
    return s;
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
    if (st != VS_OK)
        goto done;

    vs_sim_opts so;
    memset(&so, 0, sizeof so);
    so.seed = o->have_seed ? o->seed : sc->seed;
    so.iterations = o->iterations >= 0 ? o->iterations : sc->iterations;
    so.threads = o->threads;
    so.precision = o->precision;
    progress pr = {!o->quiet && isatty(STDERR_FILENO), now_s(), file};
    so.progress = show_progress;
    so.progress_ctx = &pr;
    so.stop = &interrupted;
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
    if (interrupted) {
        st = vs_err_set(&err, VS_EINTR, NULL, 0, "interrupted: no output written");
        goto done;
    }
    st = vs_outset_commit(&set, &err);
    if (st == VS_OK && !o->quiet)
        fprintf(stderr, "%s: %ld iterations in %.2f s, wrote %s/\n", file,
                res->iterations, res->wall_seconds, dir);
done:
    if (st != VS_OK)
        print_err(&err);
    vs_outset_free(&set);
    vs_results_free(res);
    vs_scenario_free(sc);
    vs_err_free(&err);
    return st;
}

static int cmd_run(int argc, char **argv)
{
    run_opts o;
    int rc = parse_run(argc, argv, &o);
    if (rc != EXIT_DONE) {
        free(o.files);
        return rc;
    }
    char *cmdline = join_argv(argc, argv);
    int worst = VS_OK;
    for (int i = 0; i < o.n_files && !interrupted; i++) {
        char name[1024], dir[4096];
        default_dir(o.files[i], name, sizeof name);
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
    if (interrupted && worst == VS_OK)
        worst = VS_EINTR;
    return worst == VS_OK ? EXIT_DONE : exit_for(worst);
}

/* ---- dispatch ------------------------------------------------------- */

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
} command;

static const command commands[] = {
    {"check", cmd_check},
    {"run", cmd_run},
};

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; every status is checked instead. */
    gsl_set_error_handler_off();
    if (argc < 2)
        return usage_error("no command given%s", "");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        return EXIT_DONE;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vardsim %s\n", VS_VERSION);
        return EXIT_DONE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int rc = -1;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            rc = commands[i].fn(argc - 1, argv + 1);
    if (rc < 0)
        return usage_error("unknown command '%s'", argv[1]);
    /* A full disk on stdout is an error too. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "vardsim: cannot write to standard output\n");
        return EXIT_RUN;
    }
    return rc;
}
