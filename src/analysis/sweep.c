/* sweep.c: parameter sweeps (see sweep.h).
 *
 * A sweep is a loop over grid points: set the swept paths
 * (vs_override_set_number), run the whole Monte Carlo simulation
 * (vs_sim_run, threads inside each point, so the results are
 * byte-identical for any thread count), keep the region-level summaries.
 * Every point uses the same seed: common random numbers across points.
 * Nothing here writes a file (src/out/sweep_write.c does). */
#include "analysis/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vardsim/override.h"

/* ------------------------------------------------------------------ */
/* Values                                                              */

/* v rounded to 15 significant digits: the double nearest to the decimal
 * an analyst would type (see vs_sweep_range).  Done in arithmetic rather
 * than through printf/strtod, which follow the locale.  Values below
 * 1e-8 in magnitude are left alone (10^k is not exact beyond 10^22). */
static double snap15(double v)
{
    if (v == 0 || !isfinite(v))
        return v == 0 ? 0.0 : v; /* never -0 */
    int e = (int)floor(log10(fabs(v)));
    int k = 14 - e; /* decimals to keep */
    if (k > 22 || k < -22)
        return v;
    double r;
    if (k >= 0) {
        double s = pow(10, k); /* exact for k <= 22 */
        r = round(v * s) / s;
    } else {
        double s = pow(10, -k);
        r = round(v / s) * s;
    }
    return r == 0 ? 0.0 : r;
}

int vs_sweep_range(double from, double to, double step, double **out,
                   size_t *n, vs_err *err)
{
    *out = NULL;
    *n = 0;
    if (!isfinite(from) || !isfinite(to) || !isfinite(step))
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "FROM, TO and STEP must be finite numbers");
    if (!(step > 0))
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "STEP must be > 0, got %.15g", step);
    if (to < from)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "TO (%.15g) must be >= FROM (%.15g)", to, from);
    /* + 1e-9: 1.0:1.5:0.05 is 9.999999999999998 steps in doubles, and the
     * end point belongs to the sweep. */
    double steps = floor((to - from) / step + 1e-9);
    if (steps + 1 > (double)VS_SWEEP_MAX_VALUES)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "%.15g:%.15g:%.15g gives %.0f values; the limit "
                          "is %ld", from, to, step, steps + 1,
                          VS_SWEEP_MAX_VALUES);
    size_t count = (size_t)steps + 1;
    double *v = malloc(count * sizeof *v);
    if (!v)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < count; i++)
        v[i] = snap15(from + (double)i * step);
    *out = v;
    *n = count;
    return VS_OK;
}

/* A whole number in C syntax, nothing else around it but spaces. */
static int parse_number(const char *s, const char *end, double *out)
{
    char buf[64];
    while (s < end && *s == ' ')
        s++;
    while (end > s && end[-1] == ' ')
        end--;
    size_t len = (size_t)(end - s);
    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *stop;
    errno = 0;
    double v = strtod(buf, &stop);
    if (errno == ERANGE || *stop || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

void vs_sweep_axis_free(vs_sweep_axis *a)
{
    if (!a)
        return;
    free(a->path);
    free(a->values);
    memset(a, 0, sizeof *a);
}

int vs_sweep_axis_parse(const char *spec, vs_sweep_axis *out, vs_err *err)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !eq[1])
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "expected PATH=FROM:TO:STEP or PATH=v1,v2,..., "
                          "not '%.200s'", spec);
    const char *rhs = eq + 1;
    int st;
    if (strchr(rhs, ':')) {
        double x[3];
        const char *p = rhs;
        int k = 0, ok = 1;
        for (; k < 3 && ok; k++) {
            const char *end = k < 2 ? strchr(p, ':') : p + strlen(p);
            if (!end || !parse_number(p, end, &x[k]))
                ok = 0;
            else
                p = end + (k < 2);
        }
        if (!ok)
            return vs_err_set(err, VS_EINPUT, NULL, 0,
                              "expected FROM:TO:STEP (three numbers) after "
                              "'%.*s=', not '%.100s'", (int)(eq - spec), spec,
                              rhs);
        st = vs_sweep_range(x[0], x[1], x[2], &out->values, &out->n, err);
        if (st != VS_OK) {
            vs_sweep_axis_free(out);
            return st;
        }
    } else {
        size_t cap = 1;
        for (const char *p = rhs; *p; p++)
            cap += *p == ',';
        if (cap > (size_t)VS_SWEEP_MAX_VALUES)
            return vs_err_set(err, VS_EINPUT, NULL, 0,
                              "more than %ld values for '%.*s'",
                              VS_SWEEP_MAX_VALUES, (int)(eq - spec), spec);
        out->values = malloc(cap * sizeof *out->values);
        if (!out->values)
            return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        for (const char *p = rhs;;) {
            const char *end = strchr(p, ',');
            if (!end)
                end = p + strlen(p);
            if (!parse_number(p, end, &out->values[out->n])) {
                vs_sweep_axis_free(out);
                return vs_err_set(err, VS_EINPUT, NULL, 0,
                                  "expected a list of numbers v1,v2,... or "
                                  "FROM:TO:STEP after '%.*s=', not '%.100s'",
                                  (int)(eq - spec), spec, rhs);
            }
            out->n++;
            if (!*end)
                break;
            p = end + 1;
        }
    }
    out->path = malloc((size_t)(eq - spec) + 1);
    if (!out->path) {
        vs_sweep_axis_free(out);
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    }
    memcpy(out->path, spec, (size_t)(eq - spec));
    out->path[eq - spec] = '\0';
    return VS_OK;
}

size_t vs_sweep_points(const vs_sweep_axis *axes, size_t n_axes)
{
    size_t n = n_axes ? 1 : 0;
    for (size_t a = 0; a < n_axes; a++) {
        if (axes[a].n == 0)
            return 0;
        if (n > (size_t)VS_SWEEP_MAX_POINTS) /* no overflow below */
            return n;
        n *= axes[a].n;
    }
    return n;
}

void vs_sweep_point(const vs_sweep_axis *axes, size_t n_axes, size_t p,
                    double *x)
{
    for (size_t a = n_axes; a-- > 0;) {
        x[a] = axes[a].values[p % axes[a].n];
        p /= axes[a].n;
    }
}

/* ------------------------------------------------------------------ */
/* Running                                                             */

void vs_sweep_free(vs_sweep_result *r)
{
    if (!r)
        return;
    for (size_t a = 0; r->axes && a < r->n_axes; a++)
        vs_sweep_axis_free(&r->axes[a]);
    free(r->axes);
    free(r->before);
    free(r->money);
    free(r->x);
    free(r->stats);
    free(r->shortfalls);
    free(r);
}

/* Set every path to its value at one point.  The order can matter (a
 * cap and a floor swept together must not cross on the way), so a
 * refused value is tried again once the others are set; when a round
 * sets nothing more, the first refusal of that round is the error. */
static int set_point(vs_scenario *sc, const vs_sweep_axis *axes,
                     size_t n_axes, const double *x, vs_err *err)
{
    unsigned char done[16] = {0}; /* n_axes <= 16 (vs_sweep_run) */
    for (;;) {
        size_t left = 0;
        int progress = 0, st = VS_OK;
        vs_err first;
        vs_err_init(&first);
        for (size_t a = 0; a < n_axes && st == VS_OK; a++) {
            if (done[a])
                continue;
            vs_err tmp;
            vs_err_init(&tmp);
            int s1 = vs_override_set_number(sc, axes[a].path, x[a], &tmp);
            if (s1 == VS_OK) {
                done[a] = 1;
                progress = 1;
            } else if (s1 != VS_EINPUT) { /* out of memory: no retry */
                vs_err_merge(err, &tmp);
                st = s1;
            } else {
                if (left++ == 0)
                    vs_err_merge(&first, &tmp);
            }
            vs_err_free(&tmp);
        }
        if (st == VS_OK && left > 0 && !progress) {
            vs_err_merge(err, &first);
            st = VS_EINPUT;
        }
        vs_err_free(&first);
        if (st != VS_OK || left == 0)
            return st;
    }
}

typedef struct progress_ctx {
    const vs_sweep_opts *o;
    long offset, total;
} progress_ctx;

/* One point's progress as part of the whole sweep's. */
static void point_progress(void *ctx, long done, long total)
{
    (void)total;
    progress_ctx *p = ctx;
    p->o->progress(p->o->progress_ctx, p->offset + done, p->total);
}

/* The sweep's own limits, before anything is allocated: the number of
 * paths, no path twice, the iterations, the grid's size (into *np). */
static int check_sweep(const vs_sweep_axis *axes, size_t n_axes,
                       const vs_sweep_opts *opts, size_t *np, vs_err *err)
{
    if (n_axes == 0 || n_axes > 16)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "a sweep needs 1 to 16 paths, got %zu", n_axes);
    for (size_t a = 0; a < n_axes; a++)
        for (size_t b = 0; b < a; b++)
            if (strcmp(axes[a].path, axes[b].path) == 0)
                return vs_err_set(err, VS_EINPUT, NULL, 0,
                                  "'%s' is swept twice", axes[a].path);
    if (opts->iterations > VS_SIM_MAX_ITERATIONS)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "%ld iterations asked for; at most %ld", opts->iterations,
                          VS_SIM_MAX_ITERATIONS);
    *np = vs_sweep_points(axes, n_axes);
    if (*np == 0)
        return vs_err_set(err, VS_EINPUT, NULL, 0, "the sweep has no values");
    if (*np > (size_t)VS_SWEEP_MAX_POINTS)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "the grid has more than %ld points",
                          VS_SWEEP_MAX_POINTS);
    return VS_OK;
}

int vs_sweep_run(vs_scenario *sc, const vs_sweep_axis *axes, size_t n_axes,
                 const vs_sweep_opts *opts, vs_sweep_result **out,
                 vs_err *err)
{
    vs_provenance prov;
    double t0 = vs_provenance_begin(&prov, sc->file, opts->seed,
                                    opts->iterations, opts->threads);
    *out = NULL;
    size_t np = 0;
    int st = check_sweep(axes, n_axes, opts, &np, err);
    if (st != VS_OK)
        return st;
    size_t nv = sc->n_variants, per_point = nv * VS_STAT_COUNT;

    vs_sweep_result *r = calloc(1, sizeof *r);
    if (!r)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    r->n_axes = n_axes;
    r->n_points = np;
    r->n_variants = nv;
    r->iterations = opts->iterations;
    r->axes = calloc(n_axes, sizeof *r->axes);
    r->before = malloc(n_axes * sizeof *r->before);
    r->money = calloc(n_axes, 1);
    r->x = malloc(np * n_axes * sizeof *r->x);
    r->stats = malloc(np * per_point * sizeof *r->stats);
    for (size_t v = 0; v < nv; v++)
        r->n_rules += sc->variants[v].n_rules;
    r->shortfalls = calloc(np * r->n_rules + 1, sizeof *r->shortfalls);
    st = VS_ENOMEM;
    if (!r->axes || !r->before || !r->money || !r->x || !r->stats || !r->shortfalls)
        goto fail;
    /* What the scenario holds before the sweep changes it (this also
     * rejects an unknown path before anything else happens). */
    for (size_t a = 0; a < n_axes; a++) {
        int money = 0;
        if (strncmp(axes[a].path, "plan.", 5) == 0) {
            /* a sweep compares variants, not a plan's years: every point
             * would give the same numbers */
            st = vs_err_set(err, VS_EINPUT, sc->file, 0,
                            "cannot sweep '%s': sweep ignores the plan (run "
                            "the scenario with --set %s=... instead)",
                            axes[a].path, axes[a].path);
            goto fail;
        }
        if ((st = vs_override_get(sc, axes[a].path, &r->before[a], &money,
                                  err)) != VS_OK)
            goto fail;
        r->money[a] = (unsigned char)money;
    }
    st = VS_ENOMEM;
    for (size_t a = 0; a < n_axes; a++) {
        vs_sweep_axis *c = &r->axes[a];
        c->path = strdup(axes[a].path);
        c->values = malloc((axes[a].n ? axes[a].n : 1) * sizeof *c->values);
        if (!c->path || !c->values)
            goto fail;
        memcpy(c->values, axes[a].values, axes[a].n * sizeof *c->values);
        c->n = axes[a].n;
    }
    for (size_t p = 0; p < np; p++)
        vs_sweep_point(axes, n_axes, p, r->x + p * n_axes);

    /* Every point is checked before anything runs: a bad last value
     * should not cost the first ninety-nine points. */
    for (size_t p = 0; p < np; p++)
        if ((st = set_point(sc, axes, n_axes, r->x + p * n_axes, err)) != VS_OK)
            goto fail;

    size_t first = opts->some ? opts->first : 0;
    size_t last = opts->some ? (opts->last < np ? opts->last : np) : np;
    progress_ctx pc = {opts, 0, (long)(last > first ? last - first : 0) * opts->iterations};
    r->threads = opts->threads; /* the points' own count, when one runs */
    for (size_t p = first; p < last; p++) {
        if ((st = set_point(sc, axes, n_axes, r->x + p * n_axes, err)) != VS_OK)
            goto fail;
        vs_sim_opts so;
        memset(&so, 0, sizeof so);
        so.seed = opts->seed; /* the same at every point */
        so.iterations = opts->iterations;
        so.threads = opts->threads;
        so.stop = opts->stop;
        so.region_only = 1; /* sweep.csv holds region-level rows only */
        if (opts->progress) {
            so.progress = point_progress;
            so.progress_ctx = &pc;
        }
        vs_results *res = NULL;
        st = vs_sim_run(sc, &so, &res, err);
        if (st != VS_OK)
            goto fail;
        memcpy(r->stats + p * per_point, res->stats,
               per_point * sizeof *r->stats);
        memcpy(r->shortfalls + p * r->n_rules, res->shortfalls,
               r->n_rules * sizeof *r->shortfalls);
        r->threads = res->threads;
        vs_results_free(res);
        pc.offset += opts->iterations;
        if (opts->stop && *opts->stop) {
            st = VS_EINTR;
            goto fail;
        }
    }
    prov.threads = r->threads;
    vs_provenance_end(&prov, t0, r->iterations);
    r->prov = prov;
    r->wall_seconds = prov.wall_seconds;
    *out = r;
    return VS_OK;
fail:
    if (st == VS_ENOMEM && err->count == 0)
        vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    vs_sweep_free(r);
    return st;
}
