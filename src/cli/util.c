/* util.c: helpers shared by the vardsim subcommands. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "out/gp.h"
#include "vardsim/load.h"
#include "vardsim/output.h"
#include "vardsim/override.h"

int vs_cli_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vardsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'vardsim --help'.\n");
    return EXIT_USAGE;
}

int vs_cli_exit_for(int status)
{
    return status == VS_EINPUT ? EXIT_USAGE : EXIT_RUN;
}

void vs_cli_print_err(const vs_err *err)
{
    if (err->log)
        fputs(err->log, stderr);
    else if (err->count)
        fprintf(stderr, "%s\n", err->msg);
}

int vs_cli_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int vs_cli_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '+')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int vs_cli_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

void vs_cli_progress_init(vs_cli_progress *p, const char *label, int quiet)
{
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->t0 = vs_provenance_clock();
    p->label = label;
}

void vs_cli_progress_show(void *ctx, long done, long total)
{
    vs_cli_progress *p = ctx;
    if (!p->enabled || total <= 0)
        return;
    double el = vs_provenance_clock() - p->t0, rate = el > 0 ? done / el : 0;
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

void vs_cli_stem(const char *file, char *buf, size_t n)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
        len -= 4;
    snprintf(buf, n, "%.*s", (int)len, base);
}

int vs_cli_check_stem(const char *file)
{
    char stem[1024];
    vs_cli_stem(file, stem, sizeof stem);
    const char *why = NULL;
    if (stem[0] == '\0')
        why = "is empty";
    else if (strcmp(stem, ".") == 0 || strcmp(stem, "..") == 0)
        why = "would name the folder itself or its parent";
    else if (stem[0] == '.')
        why = "would make a hidden folder";
    for (const unsigned char *p = (const unsigned char *)stem; !why && *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            why = "holds a control character";
    if (!why)
        return 0;
    fprintf(stderr, "vardsim: %s: the output folder is named after the file "
                    "('%s' without .cfg), and that name %s; rename the file "
                    "or give -o DIR\n", file, stem, why);
    return -1;
}

int vs_cli_begin_output(struct vs_outset *set, const char *dir,
                        const char *cmdline, const char *if_busy,
                        vs_err *err)
{
    vs_cli_active_set = set;
    vs_err mine;
    vs_err_init(&mine);
    int st = vs_outset_begin(set, dir, cmdline, &mine);
    if (st != VS_OK && set->busy && if_busy)
        vs_err_set(err, st, mine.file, mine.line, "%s; %s", mine.msg, if_busy);
    else
        vs_err_merge(err, &mine);
    vs_err_free(&mine);
    return st;
}

void vs_cli_end_output(struct vs_outset *set)
{
    vs_cli_active_set = NULL;
    vs_outset_free(set);
}

char *vs_cli_join_argv(int argc, char **argv)
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

int vs_cli_common_init(vs_cli_common *c, int argc, long default_iterations,
                       long max_iterations, int allow_render)
{
    memset(c, 0, sizeof *c);
    c->iterations = default_iterations;
    c->max_iterations = max_iterations;
    c->allow_render = allow_render;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    c->threads = cores > 0 ? (int)cores : 1;
    c->sets = calloc((size_t)argc + 1, sizeof *c->sets);
    return c->sets ? 0 : -1;
}

void vs_cli_common_free(vs_cli_common *c)
{
    free(c->sets);
    c->sets = NULL;
}

int vs_cli_common_option(int argc, char **argv, int *i, vs_cli_common *c)
{
    static const char *const with_value[] = {"-o", "-n", "--seed", "--threads",
                                             "--csv", "--set", "--render",
                                             "--shard", "--partial"};
    const char *a = argv[*i];
    int known = 0;
    for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++)
        known |= strcmp(a, with_value[k]) == 0;
    if (strcmp(a, "--render") == 0 && !c->allow_render)
        known = 0;
    if (!known) {
        if (strcmp(a, "--quiet") == 0)
            c->quiet = 1;
        else if (strcmp(a, "--strict") == 0)
            c->strict = 1;
        else
            return 0;
        return 1;
    }
    if (*i + 1 >= argc) {
        vs_cli_usage_error("option %s needs a value", a);
        return -1;
    }
    const char *val = argv[++*i];
    long x;
    if (strcmp(a, "-o") == 0) {
        c->out_dir = val;
    } else if (strcmp(a, "-n") == 0) {
        if (vs_cli_parse_long(val, 0, c->max_iterations, &c->iterations) != 0) {
            char msg[96];
            snprintf(msg, sizeof msg, "-n needs a whole number from 0 to %ld, not '%%s'",
                     c->max_iterations);
            vs_cli_usage_error(msg, val);
            return -1;
        }
    } else if (strcmp(a, "--seed") == 0) {
        if (vs_cli_parse_u64(val, &c->seed) != 0) {
            vs_cli_usage_error("--seed needs a whole number >= 0, not '%s'", val);
            return -1;
        }
        c->have_seed = 1;
    } else if (strcmp(a, "--threads") == 0) {
        if (vs_cli_parse_long(val, 1, 256, &x) != 0) {
            vs_cli_usage_error("--threads needs a whole number from 1 to 256, not '%s'", val);
            return -1;
        }
        c->threads = (int)x;
    } else if (strcmp(a, "--csv") == 0) {
        if (strcmp(val, "sv") != 0) {
            vs_cli_usage_error("--csv takes 'sv', not '%s'", val);
            return -1;
        }
        c->swedish_csv = 1;
    } else if (strcmp(a, "--set") == 0) {
        c->sets[c->n_sets++] = val;
    } else if (strcmp(a, "--partial") == 0) {
        c->partial_dir = val;
    } else if (strcmp(a, "--shard") == 0) {
        /* K/N with 1 <= K <= N <= 10^6 */
        const char *slash = strchr(val, '/');
        char k[32];
        long kk, nn;
        if (!slash || (size_t)(slash - val) >= sizeof k ||
            (memcpy(k, val, (size_t)(slash - val)), k[slash - val] = '\0',
             vs_cli_parse_long(k, 1, 1000000, &kk) != 0) ||
            vs_cli_parse_long(slash + 1, 1, 1000000, &nn) != 0 || kk > nn) {
            vs_cli_usage_error("--shard needs K/N with 1 <= K <= N (for example 2/3), not '%s'", val);
            return -1;
        }
        c->shard_k = kk;
        c->shard_n = nn;
    } else { /* --render */
        vs_err ferr;
        vs_err_init(&ferr);
        int bad = vs_gp_check_formats(val, &ferr) != VS_OK;
        if (bad)
            vs_cli_usage_error("%s", ferr.msg);
        vs_err_free(&ferr);
        if (bad)
            return -1;
        c->render = val;
    }
    return 1;
}

int vs_cli_parse_args(int argc, char **argv, vs_cli_common *c,
                      vs_cli_arg_fn own, void *ctx)
{
    for (int i = 1; i < argc; i++) {
        int r = vs_cli_common_option(argc, argv, &i, c);
        if (r < 0)
            return EXIT_USAGE;
        if (r == 0 && (r = own(argc, argv, &i, ctx)) != EXIT_DONE)
            return r;
    }
    return EXIT_DONE;
}

int vs_cli_load(const vs_cli_common *c, const char *file,
                struct vs_scenario **sc, vs_err *err)
{
    if (vs_load_file(file, sc, err) != VS_OK)
        return VS_EINPUT; /* unreadable or bad scenario: exit 2 */
    for (int k = 0; k < c->n_sets; k++) {
        int st = vs_override_apply(*sc, c->sets[k], err);
        if (st != VS_OK)
            return st;
    }
    return VS_OK;
}

void vs_cli_out_dir(const vs_cli_common *c, const char *file,
                    const char *suffix, char *buf, size_t n)
{
    if (c->out_dir) {
        snprintf(buf, n, "%s", c->out_dir);
        return;
    }
    char stem[1024];
    vs_cli_stem(file, stem, sizeof stem);
    snprintf(buf, n, "out/%s%s", stem, suffix);
}
