/* util.c: helpers shared by the vardsim subcommands. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

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

double vs_cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void vs_cli_progress_init(vs_cli_progress *p, const char *label, int quiet)
{
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->t0 = vs_cli_now();
    p->label = label;
}

void vs_cli_progress_show(void *ctx, long done, long total)
{
    vs_cli_progress *p = ctx;
    if (!p->enabled || total <= 0)
        return;
    double el = vs_cli_now() - p->t0, rate = el > 0 ? done / el : 0;
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
