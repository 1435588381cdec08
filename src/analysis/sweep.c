/* sweep.c: parameter sweeps (see sweep.h).
 *
 * A sweep is a loop over grid points: set the swept paths
 * (vs_override_set_number), run the whole Monte Carlo simulation
 * (vs_sim_run, threads inside each point, so the results are
 * byte-identical for any thread count), keep the region-level summaries.
 * Every point uses the same seed: common random numbers across points.
 *
 * The charts follow charts.c's rules for gnuplot (PITFALLS, gnuplot):
 * text from the scenario (its name, variant names, the swept paths) only
 * in single-quoted literals made by vs_charts_quote, assigned once near
 * the top of each script; everything noenhanced; the data files hold
 * numbers only.  Each script carries its own copy of the house style
 * (plots/vardsim.gp) so it renders on its own in the output folder. */
#include "analysis/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_version.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "out/charts.h"
#include "out/warnings.h"
#include "engine/dist.h"
#include "vardsim/metrics.h"
#include "vardsim/override.h"
#include "vardsim/report.h"
#include "util/sha256.h"

#ifndef VS_VERSION
#define VS_VERSION "0.0.0"
#endif

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

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int vs_sweep_run(vs_scenario *sc, const vs_sweep_axis *axes, size_t n_axes,
                 const vs_sweep_opts *opts, vs_sweep_result **out,
                 vs_err *err)
{
    double t0 = now_seconds();
    *out = NULL;
    if (n_axes == 0 || n_axes > 16)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "a sweep needs 1 to 16 paths, got %zu", n_axes);
    for (size_t a = 0; a < n_axes; a++)
        for (size_t b = 0; b < a; b++)
            if (strcmp(axes[a].path, axes[b].path) == 0)
                return vs_err_set(err, VS_EINPUT, NULL, 0,
                                  "'%s' is swept twice", axes[a].path);
    size_t np = vs_sweep_points(axes, n_axes);
    if (np == 0)
        return vs_err_set(err, VS_EINPUT, NULL, 0, "the sweep has no values");
    if (np > (size_t)VS_SWEEP_MAX_POINTS)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "the grid has more than %ld points",
                          VS_SWEEP_MAX_POINTS);
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
    int st = VS_ENOMEM;
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

    progress_ctx pc = {opts, 0, (long)np * opts->iterations};
    for (size_t p = 0; p < np; p++) {
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
    r->wall_seconds = now_seconds() - t0;
    *out = r;
    return VS_OK;
fail:
    if (st == VS_ENOMEM && err->count == 0)
        vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    vs_sweep_free(r);
    return st;
}

/* ------------------------------------------------------------------ */
/* Labels                                                              */

typedef struct lang {
    const char *met_name[VS_M_COUNT]; /* high_need_share: %s = threshold */
    const char *better[3];            /* by vs_better */
    const char *baseline_suffix;
    const char *zoom_title, *band_title; /* the two panels */
    const char *note_mean;   /* %s: iterations */
    const char *note_point;
    const char *note_band;
    const char *note_dashed;
    const char *note_crn;
    const char *in_file;     /* %s: the scenario's own value */
    const char *best;        /* %s: the swept value */
    const char *heat_title;  /* %s: the metric */
    const char *heat_note;   /* %s: iterations */
    const char *heat_point;
    const char *heat_hidden; /* %s: how many variants */
} lang;

static const lang lang_sv = {
    {"Gini för finansiering per listad", "Koncentrationsindex efter behov",
     "Horisontell ojämlikhet (HI)", "Felplacerad andel av budgeten (%)",
     "Theil T för pengar per behovsenhet", "Andel till CNI över %s (%)",
     "Största förlust mot jämförelsealternativet (%)",
     "Antal som förlorar mer än 1 %"},
    {"lägre är bättre", "högre är bättre", "närmare 0 är bättre"},
    " (jämförelsealternativ)",
    "Medelvärde, förstorat",
    "Medelvärde med 90 % osäkerhetsintervall",
    "Linje: medelvärde av %s simuleringar per punkt.",
    "Linje: punktskattning (inga simuleringar).",
    "Band: 90 % osäkerhetsintervall (5:e till 95:e percentilen).",
    "Streckad linje: alternativ som svepet inte påverkar.",
    "Samma slumptal i varje punkt: skillnader längs en linje beror på det svepta värdet.",
    "i scenariot: %s",
    "bäst: %s",
    "%s: medelvärde i varje punkt",
    "Färg och tal: medelvärde av %s simuleringar per punkt, samma slumptal i varje punkt.",
    "Färg och tal: punktskattning (inga simuleringar).",
    "Alternativ som svepet inte påverkar visas inte (%s st.).",
};

static const lang lang_en = {
    {"Gini of funding per person", "Concentration index by need",
     "Horizontal inequity (HI)", "Share of the budget misplaced (%)",
     "Theil T of money per need unit", "Share to CNI above %s (%)",
     "Largest loss against the baseline (%)",
     "Centres losing more than 1 %"},
    {"lower is better", "higher is better", "closer to 0 is better"},
    " (baseline)",
    "Mean, enlarged",
    "Mean with 90 % uncertainty interval",
    "Line: mean of %s simulations per point.",
    "Line: point estimate (no simulations).",
    "Band: 90 % uncertainty interval (5th to 95th percentile).",
    "Dashed line: a variant the sweep does not change.",
    "Same random numbers at every point: differences along a line come from the swept value.",
    "in the scenario: %s",
    "best: %s",
    "%s: mean at each point",
    "Colour and numbers: mean of %s simulations per point, the same random numbers at every point.",
    "Colour and numbers: point estimate (no simulations).",
    "Variants the sweep does not change are not shown (%s).",
};

/* Metrics shown in percent. */
static int is_percent(int m)
{
    return m == VS_M_DISSIMILARITY || m == VS_M_HIGH_NEED_SHARE ||
           m == VS_M_MAX_LOSS;
}

/* tmpl with its first "%s" replaced by arg (no other % is special). */
static void fill(char *buf, size_t n, const char *tmpl, const char *arg)
{
    const char *at = strstr(tmpl, "%s");
    if (at)
        snprintf(buf, n, "%.*s%s%s", (int)(at - tmpl), tmpl, arg, at + 2);
    else
        snprintf(buf, n, "%s", tmpl);
}

/* Fewest decimals (up to 6) that show v exactly: 1.1 -> 1, 1.125 -> 3. */
static int short_decimals(double v)
{
    for (int d = 0; d < 6; d++) {
        double x = v * pow(10, d);
        if (fabs(x - round(x)) < 1e-6 * fmax(1, fabs(x)))
            return d;
    }
    return 6;
}

/* ------------------------------------------------------------------ */
/* Charts: which scripts a result gets                                 */

/* Heat maps of a two-way sweep: these metrics. */
static const int heat_metrics[] = {VS_M_CI_NEED, VS_M_DISSIMILARITY};
#define N_HEAT (sizeof heat_metrics / sizeof heat_metrics[0])

/* Script k (without .gp) of a result into buf; 0 when there is none. */
static int chart_name(const vs_sweep_result *r, size_t k, char *buf, size_t n)
{
    if (r->n_axes == 1 && k < VS_M_COUNT) {
        snprintf(buf, n, "sweep_%s", vs_metric_name((vs_metric)k));
        return 1;
    }
    if (r->n_axes == 2 && k < N_HEAT) {
        snprintf(buf, n, "heatmap_%s",
                 vs_metric_name((vs_metric)heat_metrics[k]));
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Writing scripts                                                     */

typedef struct ctx {
    const vs_scenario *sc;
    const vs_sweep_result *r;
    const lang *L;
    int sv;
    size_t V, base;
    int *slot;          /* linetype per variant (as charts.c) */
    unsigned char *affected; /* per variant: does any statistic move? */
    const char *dir;
    vs_outset *set;
    vs_err *err;
    int st;
} ctx;

static void fail_with(ctx *c, int st)
{
    if (c->st == VS_OK)
        c->st = st;
}

/* Text as a gnuplot string expression of single-quoted literals. */
static void put_q(ctx *c, FILE *f, const char *text)
{
    if (c->st == VS_OK)
        fail_with(c, vs_charts_put_quoted(f, text, c->err));
}

static void put_assign(ctx *c, FILE *f, const char *name, const char *text)
{
    fprintf(f, "%s = ", name);
    put_q(c, f, text);
    fputc('\n', f);
}

static FILE *open_file(ctx *c, const char *name)
{
    if (c->st != VS_OK)
        return NULL;
    FILE *f = vs_outset_open(c->set, c->dir, name, c->err);
    if (!f)
        fail_with(c, c->err->code != VS_OK ? c->err->code : VS_EIO);
    return f;
}

static const vs_stat *stat_at(const ctx *c, size_t p, size_t v, int m)
{
    return &c->r->stats[(p * c->V + v) * VS_STAT_COUNT + (size_t)m];
}


static void script_begin(ctx *c, FILE *f, const char *chart, const char *what,
                         const char *data, double w_cm, double h_cm)
{
    fprintf(f,
            "# %s.gp: %s.\n"
            "# Written by vardsim sweep; reads %s in this folder.\n"
            "# Render inside this folder:  gnuplot %s.gp      (writes %s.png)\n"
            "#   other formats:  gnuplot -e \"vs_format='svg'\" %s.gp   (or 'pdf')\n"
            "if (!exists('vs_format')) vs_format = 'png'\n"
            "if (!exists('vs_output')) vs_output = '%s.' . vs_format\n",
            chart, what, data, chart, chart, chart, chart);
    fputs("vs_width_cm = ", f);
    vs_charts_put_num(f, w_cm);
    fputs("\nvs_height_cm = ", f);
    vs_charts_put_num(f, h_cm);
    fputs("\n\n# House style (plots/vardsim.gp)\n", f);
    fputs(vs_charts_style(), f);
    if (c->sv)
        fputs("set decimalsign ','\n", f);
    fputs("\n# Text from the scenario and labels: single-quoted strings, "
          "which gnuplot\n# prints as they are (no backquote or macro "
          "expansion inside them).\n", f);
    char name[4 * 110 + 1];
    vs_charts_shorten(c->sc->name ? c->sc->name : "", 110, name, sizeof name);
    put_assign(c, f, "t_scenario", name);
}

/* t_v<v> = the variant's name (" (baseline)" added), shortened to fit
 * a key row. */
static void put_variant_names(ctx *c, FILE *f)
{
    for (size_t v = 0; v < c->V; v++) {
        char var[32], text[4 * 80 + 64], name[4 * 80 + 1];
        const char *suffix = v == c->base ? c->L->baseline_suffix : "";
        size_t room = 80 - strlen(suffix); /* suffixes are ASCII/short */
        vs_charts_shorten(c->sc->variants[v].name, room, name, sizeof name);
        snprintf(text, sizeof text, "%s%s", name, suffix);
        snprintf(var, sizeof var, "t_v%zu", v);
        put_assign(c, f, var, text);
    }
}

/* set lmargin ... at screen, from centimetres. */
static void put_margins(FILE *f, double w, double h, double x0, double x1,
                        double y0, double y1)
{
    fputs("set lmargin at screen ", f);
    vs_charts_put_num(f, x0 / w);
    fputs("; set rmargin at screen ", f);
    vs_charts_put_num(f, x1 / w);
    fputs("; set bmargin at screen ", f);
    vs_charts_put_num(f, y0 / h);
    fputs("; set tmargin at screen ", f);
    vs_charts_put_num(f, y1 / h);
    fputc('\n', f);
}

/* The axis text for swept path a: the path, and the money unit. */
static void axis_text(const ctx *c, size_t a, double *div, char *buf,
                      size_t n)
{
    const vs_sweep_axis *ax = &c->r->axes[a];
    *div = 1;
    if (c->r->money[a]) {
        double m = 0;
        for (size_t i = 0; i < ax->n; i++)
            m = fmax(m, fabs(ax->values[i]));
        const char *unit = vs_charts_money_unit(m, c->sv, div);
        snprintf(buf, n, "%s (%s)", ax->path, unit);
    } else {
        snprintf(buf, n, "%s", ax->path);
    }
}

/* The metric's label, e.g. "Andel till CNI över 1,1 (%)". */
static void metric_label(const ctx *c, int m, char *buf, size_t n)
{
    char thr[64];
    vs_charts_format_number(c->sc->high_need_cni,
                            short_decimals(c->sc->high_need_cni), c->sv, thr,
                            sizeof thr);
    fill(buf, n, c->L->met_name[m], thr);
}

/* Point indices of a one-way sweep in ascending order of the value (a
 * list may be given in any order; lines need it sorted). */
static size_t *sorted_points(const ctx *c)
{
    size_t np = c->r->n_points;
    size_t *idx = malloc(np * sizeof *idx);
    if (!idx)
        return NULL;
    for (size_t i = 0; i < np; i++)
        idx[i] = i;
    /* insertion sort: stable, and grids are small */
    for (size_t i = 1; i < np; i++) {
        size_t k = idx[i], j = i;
        while (j > 0 && c->r->x[idx[j - 1]] > c->r->x[k]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = k;
    }
    return idx;
}

/* chart_sweep.csv: one block per (metric, variant), block number
 * m * V + v, rows in ascending swept value: x, point, mean, p05, p95. */
static void write_line_data(ctx *c, const size_t *order)
{
    FILE *d = open_file(c, "chart_sweep.csv");
    if (!d)
        return;
    fputs("# chart_sweep.csv: data of the sweep_*.gp charts (vardsim sweep).\n"
          "# One block per metric and variant (blocks separated by two blank "
          "lines,\n# block number = metric number x variants + variant "
          "number, both from 0).\n# Columns: swept value, point, mean, p05, "
          "p95\n", d);
    for (int m = 0; m < VS_M_COUNT; m++)
        for (size_t v = 0; v < c->V; v++) {
            if (m || v)
                fputs("\n\n", d);
            for (size_t i = 0; i < c->r->n_points; i++) {
                size_t p = order[i];
                const vs_stat *s = stat_at(c, p, v, m);
                vs_charts_put_num(d, c->r->x[p]);
                double cols[4] = {s->point, s->mean, s->p05, s->p95};
                for (int k = 0; k < 4; k++) {
                    fputc(',', d);
                    vs_charts_put_num(d, cols[k]);
                }
                fputc('\n', d);
            }
        }
}

/* The point of variant v with the best mean for metric m (first on
 * ties), or -1 when no mean is defined. */
static long best_point(const ctx *c, size_t v, int m, const size_t *order)
{
    long best = -1;
    double bv = NAN;
    vs_better dir = vs_metric_better((vs_metric)m);
    for (size_t i = 0; i < c->r->n_points; i++) {
        double y = stat_at(c, order[i], v, m)->mean;
        if (isnan(y))
            continue;
        int better = best < 0 ||
                     (dir == VS_BETTER_LOWER && y < bv) ||
                     (dir == VS_BETTER_HIGHER && y > bv) ||
                     (dir == VS_BETTER_ZERO && fabs(y) < fabs(bv));
        if (better) {
            best = (long)order[i];
            bv = y;
        }
    }
    return best;
}

/* A tidy tick step for `span` in about `target` steps (1, 2 or 5 times a
 * power of ten), and the decimals its labels need. */
static double nice_step(double span, int target, int *decimals)
{
    if (!(span > 0) || !isfinite(span))
        span = 1;
    double raw = span / target, mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    *decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    return step;
}

/* [*lo, *hi] widened by `share` of its span on each side, or around a
 * single value when it is flat. */
static void pad_range(double *lo, double *hi, double share)
{
    if (!isfinite(*lo) || !isfinite(*hi)) {
        *lo = 0;
        *hi = 1;
        return;
    }
    double w = *hi - *lo;
    if (!(w > 0))
        w = *lo != 0 ? fabs(*lo) * 0.1 : 1;
    *lo -= w * share;
    *hi += w * share;
}

/* set <ax>range, a tidy tick step and a fixed number of decimals. */
static void put_range(FILE *f, const char *ax, double lo, double hi,
                      int integer)
{
    int d;
    double step = nice_step(hi - lo, 5, &d);
    if (integer && step < 1) {
        step = 1;
        d = 0;
    }
    fprintf(f, "set %srange [", ax);
    vs_charts_put_num(f, lo);
    fputc(':', f);
    vs_charts_put_num(f, hi);
    fprintf(f, "]\nset %stics ", ax);
    vs_charts_put_num(f, step);
    fprintf(f, "\nset format %s '%%.%df'\n", ax, d);
}

/* One line chart: metric m against the swept value, in two panels: the
 * means enlarged (the shape of each line: common random numbers make
 * small differences between points real), and the means with their
 * p05-p95 bands (how sure the level is).  With -n 0 only the first. */
static void write_line_chart(ctx *c, int m, const size_t *order,
                             double file_value)
{
    const vs_sweep_result *r = c->r;
    char name[64], buf[512], num[64], label[256];
    chart_name(r, (size_t)m, name, sizeof name);
    snprintf(buf, sizeof buf, "%s.gp", name);
    FILE *f = open_file(c, buf);
    if (!f)
        return;
    size_t nv = c->V, np = r->n_points;
    int bands = r->iterations > 0;
    double ys = is_percent(m) ? 100 : 1;
    /* The lines this metric moves: the enlarged panel is about them (when
     * the sweep moves none, it shows every line). */
    unsigned char *moves = calloc(nv, 1);
    if (!moves) {
        fail_with(c, vs_err_set(c->err, VS_ENOMEM, NULL, 0, "out of memory"));
        return;
    }
    int any_moves = 0;
    for (size_t v = 0; v < nv; v++) {
        double y0 = stat_at(c, 0, v, m)->mean;
        for (size_t p = 1; p < np && !moves[v]; p++) {
            double y = stat_at(c, p, v, m)->mean;
            moves[v] = !(y == y0 || (isnan(y) && isnan(y0)));
        }
        any_moves |= moves[v];
    }

    /* Layout in cm, top down. */
    const double W = 16, top_h = 1.55, zoom_h = 5.2, gap = 0.75,
                 band_h = bands ? 3.6 : 0, axis_h = 1.7, key_row = 0.45;
    size_t n_notes = bands ? 4 : 3;
    double key_h = key_row * (double)nv + 0.15;
    double notes_h = 0.38 * (double)n_notes + 0.15;
    double H = top_h + zoom_h + (bands ? gap + band_h : 0) + axis_h + key_h +
               notes_h + 0.2;
    double zoom_top = H - top_h, zoom_bottom = zoom_top - zoom_h;
    double band_top = zoom_bottom - gap, band_bottom = band_top - band_h;
    double left = 2.1, right = W - 0.6;

    snprintf(buf, sizeof buf, "%s against the swept value",
             vs_metric_name((vs_metric)m));
    script_begin(c, f, name, buf, "chart_sweep.csv", W, H);
    put_variant_names(c, f);
    metric_label(c, m, label, sizeof label);
    put_assign(c, f, "t_title", label);
    vs_better dir = vs_metric_better((vs_metric)m);
    snprintf(buf, sizeof buf, "%s %s",
             dir == VS_BETTER_LOWER    ? "\xe2\x86\x93"
             : dir == VS_BETTER_HIGHER ? "\xe2\x86\x91"
                                       : "\xe2\x86\x95",
             c->L->better[dir]);
    put_assign(c, f, "t_y", buf);
    double div;
    axis_text(c, 0, &div, buf, sizeof buf);
    put_assign(c, f, "t_x", buf);
    put_assign(c, f, "t_zoom", c->L->zoom_title);
    put_assign(c, f, "t_band", c->L->band_title);
    if (bands) {
        vs_charts_format_number((double)r->iterations, 0, c->sv, num,
                                sizeof num);
        fill(buf, sizeof buf, c->L->note_mean, num);
    } else {
        snprintf(buf, sizeof buf, "%s", c->L->note_point);
    }
    put_assign(c, f, "t_note1", buf);
    put_assign(c, f, "t_note2", bands ? c->L->note_band : c->L->note_dashed);
    put_assign(c, f, "t_note3", bands ? c->L->note_dashed : c->L->note_crn);
    if (bands)
        put_assign(c, f, "t_note4", c->L->note_crn);
    int marker = isfinite(file_value);
    if (marker) {
        double xv = file_value / div;
        vs_charts_format_number(xv, short_decimals(xv), c->sv, num, sizeof num);
        fill(buf, sizeof buf, c->L->in_file, num);
        put_assign(c, f, "t_in_file", buf);
    }

    fputs("\n# chart_sweep.csv: block M * V + v holds this metric for variant "
          "v; columns\n# 1 swept value, 2 point, 3 mean, 4 p05, 5 p95.\n", f);
    fprintf(f, "V = %zu  # variants\nM = %d  # this metric's number\n", nv, m);
    fputs("XU = ", f);
    vs_charts_put_num(f, div);
    fputs("  # swept value per axis unit\nYS = ", f);
    vs_charts_put_num(f, ys);
    fputs("  # axis unit per value (100: percent)\n", f);

    /* Ranges.  The enlarged panel fits the lines the sweep moves, and
     * the fixed lines near them; the band panel fits everything. */
    double xlo = INFINITY, xhi = -INFINITY;
    int xd = 0;
    for (size_t p = 0; p < np; p++) {
        double x = r->x[p] / div;
        xlo = fmin(xlo, x);
        xhi = fmax(xhi, x);
        int d = short_decimals(x);
        xd = d > xd ? d : xd;
    }
    double zlo = INFINITY, zhi = -INFINITY, blo = INFINITY, bhi = -INFINITY;
    for (size_t v = 0; v < nv; v++)
        for (size_t p = 0; p < np; p++) {
            const vs_stat *s = stat_at(c, p, v, m);
            double y = s->mean * ys;
            if (isfinite(y) && (moves[v] || !any_moves)) {
                zlo = fmin(zlo, y);
                zhi = fmax(zhi, y);
            }
            double ends[3] = {y, c->affected[v] ? s->p05 * ys : y,
                              c->affected[v] ? s->p95 * ys : y};
            for (int q = 0; q < 3; q++)
                if (isfinite(ends[q])) {
                    blo = fmin(blo, ends[q]);
                    bhi = fmax(bhi, ends[q]);
                }
        }
    if (isfinite(zlo)) {
        double span = zhi > zlo ? zhi - zlo : fabs(zlo) * 0.1;
        for (size_t v = 0; v < nv; v++) {
            double y = stat_at(c, 0, v, m)->mean * ys;
            if (!moves[v] && isfinite(y) && y >= zlo - span &&
                y <= zhi + span) {
                zlo = fmin(zlo, y);
                zhi = fmax(zhi, y);
            }
        }
    }
    pad_range(&zlo, &zhi, 0.12);
    pad_range(&blo, &bhi, 0.06);
    if (m == VS_M_LOSERS || m == VS_M_MAX_LOSS) {
        /* counts and losses start at 0 */
        zlo = fmax(zlo, m == VS_M_LOSERS ? -0.5 : zlo);
        blo = fmax(blo, m == VS_M_LOSERS ? -0.5 : blo);
    }

    vs_charts_put_titles(f, W, H);
    fputs("set label 103 t_note1", f);
    vs_charts_put_at(f, W, H, 0.5, 0.2 + 0.38 * (double)(n_notes - 1));
    fputs(" left font ',7' noenhanced\nset label 104 t_note2", f);
    vs_charts_put_at(f, W, H, 0.5, 0.2 + 0.38 * (double)(n_notes - 2));
    fputs(" left font ',7' noenhanced\nset label 105 t_note3", f);
    vs_charts_put_at(f, W, H, 0.5, 0.2 + 0.38 * (double)(n_notes - 3));
    fputs(" left font ',7' noenhanced\n", f);
    if (bands) {
        fputs("set label 106 t_note4", f);
        vs_charts_put_at(f, W, H, 0.5, 0.2);
        fputs(" left font ',7' noenhanced\n", f);
    }
    fputs("set key", f);
    vs_charts_put_at(f, W, H, 0.5, 0.2 + notes_h + key_h);
    fprintf(f, " left top Left reverse vertical maxrows %zu font ',7.5' "
               "noenhanced\n", nv);
    fputs("set multiplot\n", f);

    /* Panel 1: the means, enlarged. */
    put_margins(f, W, H, left, right, zoom_bottom, zoom_top - 0.35);
    if (xhi > xlo) {
        int d;
        nice_step(xhi - xlo, 6, &d);
        put_range(f, "x", xlo, xhi, 0);
        fprintf(f, "set format x '%%.%df'\n", d > xd ? xd : d);
    }
    put_range(f, "y", zlo, zhi, m == VS_M_LOSERS);
    if (bands)
        fputs("set format x ''\nunset xlabel\n", f);
    else
        fputs("set xlabel t_x noenhanced\n", f);
    fputs("set ylabel t_y noenhanced\n", f);
    fputs("set label 107 t_zoom at graph 0, graph 1 offset 0, 0.55 left "
          "font ',7.5' noenhanced\n"
          "set style textbox opaque fc rgb '#ffffff' noborder margins 1, 1\n",
          f);
    if (marker && file_value / div >= xlo && file_value / div <= xhi) {
        fputs("set arrow 1 from first ", f);
        vs_charts_put_num(f, file_value / div);
        fputs(", graph 0 to first ", f);
        vs_charts_put_num(f, file_value / div);
        fputs(", graph 1 nohead dt 2 lc rgb vs_grey lw 1\n"
              "set label 1 t_in_file at first ", f);
        vs_charts_put_num(f, file_value / div);
        /* away from the best points: those of "higher is better" are at
         * the top */
        fputs(dir == VS_BETTER_HIGHER ? ", graph 0 offset 0.4, 0.7"
                                      : ", graph 1 offset 0.4, -0.7", f);
        fputs(" left font ',7' textcolor rgb vs_grey boxed noenhanced\n", f);
    }
    /* The best mean of each variant the sweep moves, when it is not the
     * same at every point; the label on the side with room. */
    int lab = 10;
    for (size_t v = 0; v < nv; v++) {
        if (!c->affected[v] || v == c->base)
            continue;
        long bp = best_point(c, v, m, order);
        if (bp < 0)
            continue;
        double y = stat_at(c, (size_t)bp, v, m)->mean;
        int varies = 0;
        for (size_t p = 0; p < np; p++)
            varies |= stat_at(c, p, v, m)->mean != y;
        if (!varies)
            continue;
        double xb = r->x[bp] / div;
        int right_half = xhi > xlo && xb > (xlo + xhi) / 2;
        int upper_half = y * ys > (zlo + zhi) / 2; /* label below it */
        vs_charts_format_number(xb, short_decimals(xb), c->sv, num,
                                sizeof num);
        fill(buf, sizeof buf, c->L->best, num);
        fprintf(f, "set label %d ", lab++);
        put_q(c, f, buf);
        fputs(" at first ", f);
        vs_charts_put_num(f, xb);
        fputs(", first ", f);
        vs_charts_put_num(f, y * ys);
        fprintf(f, " point lt %d pt 6 ps 2.2 offset %s, %s %s font ',7' "
                   "textcolor lt %d boxed noenhanced\n", c->slot[v],
                right_half ? "-0.9" : "0.9", upper_half ? "-1.1" : "1.1",
                right_half ? "right" : "left", c->slot[v]);
    }
    const char *with = np > 30 ? "lines" : "linespoints";
    fputs("plot \\\n", f);
    for (size_t v = 0; v < nv; v++)
        fprintf(f, "  'chart_sweep.csv' index M * V + %zu using ($1 / XU):"
                   "($3 * YS) with %s lt %d%s title t_v%zu%s\n",
                v, c->affected[v] ? with : "lines", c->slot[v],
                c->affected[v] ? "" : " dt 2 lw 1", v,
                v + 1 < nv ? ", \\" : "");
    free(moves);
    if (!bands) {
        fputs("unset multiplot\n", f);
        return;
    }

    /* Panel 2: the means with their bands; the key is drawn once. */
    fputs("\nunset label; unset arrow\nset key off\n", f);
    put_margins(f, W, H, left, right, band_bottom, band_top - 0.35);
    put_range(f, "y", blo, bhi, m == VS_M_LOSERS);
    if (xhi > xlo) {
        int d;
        nice_step(xhi - xlo, 6, &d);
        fprintf(f, "set format x '%%.%df'\n", d > xd ? xd : d);
    } else {
        fputs("set format x '% h'\n", f);
    }
    fputs("set xlabel t_x noenhanced\nunset ylabel\n"
          "set label 108 t_band at graph 0, graph 1 offset 0, 0.55 left "
          "font ',7.5' noenhanced\n", f);
    if (marker && file_value / div >= xlo && file_value / div <= xhi) {
        fputs("set arrow 2 from first ", f);
        vs_charts_put_num(f, file_value / div);
        fputs(", graph 0 to first ", f);
        vs_charts_put_num(f, file_value / div);
        fputs(", graph 1 nohead dt 2 lc rgb vs_grey lw 1\n", f);
    }
    fputs("set style fill transparent solid 0.2 noborder\nplot \\\n", f);
    for (size_t v = 0; v < nv; v++) /* bands under every line */
        if (c->affected[v])
            fprintf(f, "  'chart_sweep.csv' index M * V + %zu using ($1 / XU):"
                       "($4 * YS):($5 * YS) with filledcurves lt %d notitle, \\\n",
                    v, c->slot[v]);
    for (size_t v = 0; v < nv; v++)
        fprintf(f, "  'chart_sweep.csv' index M * V + %zu using ($1 / XU):"
                   "($3 * YS) with lines lt %d%s notitle%s\n",
                v, c->slot[v], c->affected[v] ? "" : " dt 2 lw 1",
                v + 1 < nv ? ", \\" : "");
    fputs("unset multiplot\n", f);
}

/* chart_heatmap.csv: one block per (heat metric k, variant), block
 * number k * V + v, one row per point: the cell's x from-to, y from-to,
 * its centre x and y, and the mean.  Cells reach halfway to the
 * neighbouring values. */
static void cell_edges(const vs_sweep_axis *ax, size_t i, double *lo,
                       double *hi)
{
    double v = ax->values[i], below = -INFINITY, above = INFINITY;
    for (size_t j = 0; j < ax->n; j++) {
        double w = ax->values[j];
        if (w < v && w > below)
            below = w;
        if (w > v && w < above)
            above = w;
    }
    double half_lo = isfinite(below) ? (v - below) / 2 : NAN;
    double half_hi = isfinite(above) ? (above - v) / 2 : NAN;
    if (isnan(half_lo))
        half_lo = isnan(half_hi) ? (v != 0 ? fabs(v) * 0.05 : 0.5) : half_hi;
    if (isnan(half_hi))
        half_hi = half_lo;
    *lo = v - half_lo;
    *hi = v + half_hi;
}

static void write_heat_data(ctx *c)
{
    FILE *d = open_file(c, "chart_heatmap.csv");
    if (!d)
        return;
    const vs_sweep_result *r = c->r;
    fputs("# chart_heatmap.csv: data of the heatmap_*.gp charts (vardsim "
          "sweep).\n# One block per metric and variant (two blank lines "
          "between blocks),\n# block number = k x variants + variant "
          "number, k = 0 ci_need, 1 dissimilarity.\n# Columns: x from, x "
          "to, y from, y to, x, y, mean\n", d);
    for (size_t k = 0; k < N_HEAT; k++)
        for (size_t v = 0; v < c->V; v++) {
            if (k || v)
                fputs("\n\n", d);
            for (size_t p = 0; p < r->n_points; p++) {
                size_t i = p / r->axes[1].n, j = p % r->axes[1].n;
                double x0, x1, y0, y1;
                cell_edges(&r->axes[0], i, &x0, &x1);
                cell_edges(&r->axes[1], j, &y0, &y1);
                double cols[7] = {x0, x1, y0, y1, r->x[p * 2], r->x[p * 2 + 1],
                                  stat_at(c, p, v, heat_metrics[k])->mean};
                for (int q = 0; q < 7; q++) {
                    if (q)
                        fputc(',', d);
                    vs_charts_put_num(d, cols[q]);
                }
                fputc('\n', d);
            }
        }
}

/* Ticks for swept axis a of a heat map: at every value when there are
 * few (labels as the analyst typed them), else a tidy step. */
static void put_heat_ticks(ctx *c, FILE *f, const char *ax, size_t a,
                           double div, double lo, double hi)
{
    const vs_sweep_axis *axis = &c->r->axes[a];
    fprintf(f, "set %srange [", ax);
    vs_charts_put_num(f, lo);
    fputc(':', f);
    vs_charts_put_num(f, hi);
    fputs("]\n", f);
    if (axis->n > 12) {
        int d;
        double step = nice_step(hi - lo, 6, &d);
        fprintf(f, "set %stics ", ax);
        vs_charts_put_num(f, step);
        fprintf(f, "\nset format %s '%%.%df'\n", ax, d);
        return;
    }
    int d = 0; /* one number of decimals for every label */
    for (size_t i = 0; i < axis->n; i++) {
        int di = short_decimals(axis->values[i] / div);
        d = di > d ? di : d;
    }
    fprintf(f, "set %stics (", ax);
    for (size_t i = 0; i < axis->n; i++) {
        char num[64];
        double x = axis->values[i] / div;
        vs_charts_format_number(x, d, c->sv, num, sizeof num);
        if (i)
            fputs(", ", f);
        put_q(c, f, num);
        fputc(' ', f);
        vs_charts_put_num(f, x);
    }
    fputs(")\n", f);
}

/* A heat map of heat metric k: one panel per variant the sweep moves,
 * one colour scale for all of them (drawn once, on the right). */
static void write_heat_chart(ctx *c, size_t k)
{
    const vs_sweep_result *r = c->r;
    int m = heat_metrics[k];
    char name[64], buf[512], label[256], num[64];
    chart_name(r, k, name, sizeof name);
    snprintf(buf, sizeof buf, "%s.gp", name);
    FILE *f = open_file(c, buf);
    if (!f)
        return;
    size_t nv = c->V, shown = 0, hidden = 0;
    int any = 0;
    for (size_t v = 0; v < nv; v++)
        any |= c->affected[v];
    unsigned char *show = c->affected; /* or every variant, if none moves */
    for (size_t v = 0; v < nv; v++) {
        if (!any || show[v])
            shown++;
        else
            hidden++;
    }
    if (!any)
        show = NULL;
    size_t cols = shown <= 1 ? 1 : 2, rows = (shown + cols - 1) / cols;
    const double W = 16, top_h = 1.6, notes_h = hidden ? 1.0 : 0.65,
                 cbar_w = 3.0;
    double panel_w = (W - cbar_w - 0.3) / (double)cols;
    double panel_h = cols == 1 ? 9.0 : 6.4;
    double H = top_h + panel_h * (double)rows + notes_h;

    snprintf(buf, sizeof buf, "mean %s over the grid, a panel per variant "
             "the sweep changes", vs_metric_name((vs_metric)m));
    script_begin(c, f, name, buf, "chart_heatmap.csv", W, H);
    put_variant_names(c, f);
    metric_label(c, m, label, sizeof label);
    fill(buf, sizeof buf, c->L->heat_title, label);
    put_assign(c, f, "t_title", buf);
    double divx, divy;
    axis_text(c, 0, &divx, buf, sizeof buf);
    put_assign(c, f, "t_x", buf);
    axis_text(c, 1, &divy, buf, sizeof buf);
    put_assign(c, f, "t_y", buf);
    put_assign(c, f, "t_cb", c->L->better[vs_metric_better((vs_metric)m)]);
    if (r->iterations > 0) {
        vs_charts_format_number((double)r->iterations, 0, c->sv, num,
                                sizeof num);
        fill(buf, sizeof buf, c->L->heat_note, num);
    } else {
        snprintf(buf, sizeof buf, "%s", c->L->heat_point);
    }
    put_assign(c, f, "t_note", buf);
    if (hidden) {
        snprintf(num, sizeof num, "%zu", hidden);
        fill(buf, sizeof buf, c->L->heat_hidden, num);
        put_assign(c, f, "t_hidden", buf);
    }

    /* One colour scale over the panels drawn. */
    double zs = is_percent(m) ? 100 : 1, lo = INFINITY, hi = -INFINITY;
    for (size_t p = 0; p < r->n_points; p++)
        for (size_t v = 0; v < nv; v++) {
            double y = stat_at(c, p, v, m)->mean * zs;
            if ((!show || show[v]) && isfinite(y)) {
                lo = fmin(lo, y);
                hi = fmax(hi, y);
            }
        }
    pad_range(&lo, &hi, 0.0);
    int dec; /* the colour scale's decimals */
    nice_step(hi - lo, 5, &dec);
    fputs("\n# chart_heatmap.csv: block K * V + v holds variant v; columns "
          "1-2 the cell's x\n# from-to, 3-4 its y from-to, 5-6 the point, 7 "
          "the mean.\n", f);
    fprintf(f, "V = %zu\nK = %zu\nXU = ", nv, k);
    vs_charts_put_num(f, divx);
    fputs("\nYU = ", f);
    vs_charts_put_num(f, divy);
    fputs("\nZS = ", f);
    vs_charts_put_num(f, zs);
    fputs("  # 100: percent\nMID = ", f);
    vs_charts_put_num(f, (lo + hi) / 2);
    fputs("  # numbers on the darker half are white\n", f);
    /* cividis-like (readable in grey and by colour-blind readers); the
     * light end is the better one. */
    vs_better dir = vs_metric_better((vs_metric)m);
    int dark_low = dir != VS_BETTER_LOWER;
    if (dark_low)
        fputs("set palette defined (0 '#00224E', 0.5 '#7C7B78', 1 '#FDE725')\n",
              f);
    else
        fputs("set palette defined (0 '#FDE725', 0.5 '#7C7B78', 1 '#00224E')\n",
              f);
    fputs("set cbrange [", f);
    vs_charts_put_num(f, lo);
    fputc(':', f);
    vs_charts_put_num(f, hi);
    {
        int cd;
        double step = nice_step(hi - lo, 5, &cd);
        fputs("]\nset cbtics ", f);
        vs_charts_put_num(f, step);
        fprintf(f, "\nset format cb '%%.%df'\n", cd);
    }
    fputs("set cblabel t_cb noenhanced\n"
          "set xlabel t_x noenhanced\nset ylabel t_y noenhanced\n"
          "unset grid\nset tics out\nset border 15 lc rgb vs_ink lw 0.8\n"
          "set style fill solid 1.0 noborder\n", f);
    fputs("set colorbox user origin screen ", f);
    vs_charts_put_num(f, (W - cbar_w + 0.2) / W);
    fputs(", screen ", f);
    vs_charts_put_num(f, (H - top_h - panel_h + 1.4) / H);
    fputs(" size screen ", f);
    vs_charts_put_num(f, 0.35 / W);
    fputs(", screen ", f);
    vs_charts_put_num(f, (panel_h - 1.9) / H);
    fputc('\n', f);

    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (size_t i = 0; i < r->axes[0].n; i++) {
        double a0, a1;
        cell_edges(&r->axes[0], i, &a0, &a1);
        xlo = fmin(xlo, a0 / divx);
        xhi = fmax(xhi, a1 / divx);
    }
    for (size_t j = 0; j < r->axes[1].n; j++) {
        double b0, b1;
        cell_edges(&r->axes[1], j, &b0, &b1);
        ylo = fmin(ylo, b0 / divy);
        yhi = fmax(yhi, b1 / divy);
    }
    put_heat_ticks(c, f, "x", 0, divx, xlo, xhi);
    put_heat_ticks(c, f, "y", 1, divy, ylo, yhi);
    /* Numbers in the cells when they fit: about 0.16 cm a character at
     * 6 points, and a character of room. */
    char widest[64];
    snprintf(widest, sizeof widest, "%.*f", dec, fmax(fabs(lo), fabs(hi)));
    double plot_w = panel_w - 2.4;
    int numbers = r->axes[1].n <= 20 &&
                  plot_w / (double)r->axes[0].n >=
                      0.16 * (double)(strlen(widest) + 2);
    vs_charts_put_titles(f, W, H);
    fputs("set label 103 t_note", f);
    vs_charts_put_at(f, W, H, 0.5, hidden ? 0.65 : 0.3);
    fputs(" left font ',7' noenhanced\n", f);
    if (hidden) {
        fputs("set label 104 t_hidden", f);
        vs_charts_put_at(f, W, H, 0.5, 0.3);
        fputs(" left font ',7' noenhanced\n", f);
    }
    fputs("set multiplot\n", f);
    size_t slot = 0;
    for (size_t v = 0; v < nv; v++) {
        if (show && !show[v])
            continue;
        size_t row = slot / cols, col = slot % cols;
        double x0 = 0.2 + panel_w * (double)col;
        double y1 = H - top_h - panel_h * (double)row;
        put_margins(f, W, H, x0 + 1.9, x0 + panel_w - 0.5, y1 - panel_h + 1.4,
                    y1 - 0.5);
        fprintf(f, "set title t_v%zu noenhanced font ',8'\n", v);
        fprintf(f, "plot 'chart_heatmap.csv' index K * V + %zu using "
                   "($5 / XU):($6 / YU):($1 / XU):($2 / XU):($3 / YU):($4 / YU):"
                   "($7 * ZS) with boxxyerror fc palette notitle", v);
        if (numbers)
            fprintf(f, ", \\\n  '' index K * V + %zu using ($5 / XU):($6 / YU):"
                       "($7 * ZS %s MID ? gprintf('%%.%df', $7 * ZS) : '') with "
                       "labels font ',6' textcolor rgb '#ffffff' notitle, \\\n"
                       "  '' index K * V + %zu using ($5 / XU):($6 / YU):"
                       "($7 * ZS %s MID ? '' : gprintf('%%.%df', $7 * ZS)) with "
                       "labels font ',6' textcolor rgb '#000000' notitle",
                    v, dark_low ? "<" : ">", dec, v, dark_low ? "<" : ">", dec);
        fputc('\n', f);
        if (slot == 0)
            fputs("unset label 101; unset label 102; unset label 103; "
                  "unset label 104; unset colorbox\n", f);
        slot++;
    }
    fputs("unset multiplot\n", f);
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */

static void write_csv(const vs_scenario *sc, const vs_sweep_result *r,
                      FILE *f, int swedish)
{
    vs_csv c;
    vs_csv_begin(&c, f, swedish);
    for (size_t a = 0; a < r->n_axes; a++)
        vs_csv_text(&c, r->axes[a].path);
    vs_report_metrics_header(&c);
    vs_csv_end_row(&c);
    for (size_t p = 0; p < r->n_points; p++)
        for (size_t v = 0; v < r->n_variants; v++)
            for (int m = 0; m < VS_STAT_COUNT; m++) {
                for (size_t a = 0; a < r->n_axes; a++) {
                    /* 15 digits: the value as typed (vs_sweep_range) */
                    char buf[40];
                    snprintf(buf, sizeof buf, "%.15g", r->x[p * r->n_axes + a]);
                    vs_csv_num_text(&c, buf);
                }
                vs_report_metrics_cells(
                    &c, sc->variants[v].id, m,
                    &r->stats[(p * r->n_variants + v) * VS_STAT_COUNT +
                              (size_t)m]);
                vs_csv_end_row(&c);
            }
}

static void write_manifest(const vs_scenario *sc, const vs_sweep_result *r,
                           const vs_sweep_write_opts *o, FILE *f)
{
    char hex[65];
    if (vs_sha256_file(sc->file, hex) != 0)
        snprintf(hex, sizeof hex, "unreadable");
    fprintf(f, "vardsim %s\n", VS_VERSION);
    fprintf(f, "scenario: %s\n", sc->file);
    fprintf(f, "scenario_sha256: %s\n", hex);
    fprintf(f, "scenario_name: %s\n", sc->name);
    for (size_t i = 0; o->sets && i < o->n_sets; i++)
        fprintf(f, "set: %s\n", o->sets[i]);
    for (size_t a = 0; a < r->n_axes; a++) {
        const vs_sweep_axis *ax = &r->axes[a];
        fprintf(f, "over: %s = ", ax->path);
        for (size_t i = 0; i < ax->n; i++)
            fprintf(f, "%s%.15g", i ? ", " : "", ax->values[i]);
        fprintf(f, " (%zu values)\n", ax->n);
    }
    fprintf(f, "points: %zu (the first path outermost)\n", r->n_points);
    fprintf(f, "seed: %llu (the same at every point: common random numbers)\n",
            (unsigned long long)o->seed);
    fprintf(f, "iterations: %ld per point\n", r->iterations);
    fprintf(f, "threads: %d\n", r->threads);
    fprintf(f, "wall_seconds: %.3f\n", r->wall_seconds);
    fprintf(f, "generator: gsl %s, one %s stream per input and iteration, "
               "seeded by splitmix64(seed, iteration, input path)\n",
            GSL_VERSION, vs_stream_type()->name);
    fprintf(f, "csv: %s\n", o->swedish_csv ? "sv (; , CRLF BOM)" : "RFC 4180");
    fprintf(f, "warnings: %zu (warnings.txt)\n", vs_warnings_sweep(NULL, sc, r));
    fprintf(f, "charts: ");
    char name[64];
    size_t k = 0;
    for (; chart_name(r, k, name, sizeof name); k++)
        fprintf(f, "%s%s.gp", k ? ", " : "", name);
    fprintf(f, "%s\n", k ? "" : "none (charts are drawn for one or two swept "
                                "paths)");
    fprintf(f, "command: %s\n", o->command_line ? o->command_line : "");
}

/* Remove what an earlier sweep into `dir` may have left that this one
 * does not overwrite: every chart script and image a sweep can write. */
static int remove_old(const char *dir, vs_err *err)
{
    static const char *const ext[] = {"gp", "png", "svg", "pdf"};
    static const char *const data[] = {"chart_sweep.csv", "chart_heatmap.csv"};
    char path[4096];
    for (int m = 0; m < VS_M_COUNT; m++)
        for (int kind = 0; kind < 2; kind++)
            for (int e = 0; e < 4; e++) {
                snprintf(path, sizeof path, "%s/%s_%s.%s", dir,
                         kind ? "heatmap" : "sweep",
                         vs_metric_name((vs_metric)m), ext[e]);
                if (unlink(path) != 0 && errno != ENOENT)
                    return vs_err_set(err, VS_EIO, path, 0,
                                      "cannot remove an earlier chart: %s",
                                      strerror(errno));
            }
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, data[i]);
        if (unlink(path) != 0 && errno != ENOENT)
            return vs_err_set(err, VS_EIO, path, 0, "cannot remove: %s",
                              strerror(errno));
    }
    return VS_OK;
}

/* Refuse a control byte in text that goes into a script. */
static int check_text(vs_err *err, const char *what, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++)
        if (*p < 0x20)
            return vs_err_set(err, VS_EINPUT, NULL, 0,
                              "%s holds a control character (byte 0x%02x), "
                              "which a chart cannot carry", what, *p);
    return VS_OK;
}

int vs_sweep_write(const vs_scenario *sc, const vs_sweep_result *r,
                   const vs_sweep_write_opts *o, vs_outset *set, vs_err *err)
{
    int st = check_text(err, "the scenario name", sc->name);
    for (size_t v = 0; st == VS_OK && v < sc->n_variants; v++)
        st = check_text(err, "a variant name", sc->variants[v].name);
    for (size_t a = 0; st == VS_OK && a < r->n_axes; a++)
        st = check_text(err, "a swept path", r->axes[a].path);
    if (st != VS_OK)
        return st;
    if (r->n_variants != sc->n_variants || sc->n_variants == 0)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "the sweep's results do not match the scenario");
    if ((st = remove_old(o->dir, err)) != VS_OK)
        return st;

    FILE *f = vs_outset_open(set, o->dir, "sweep.csv", err);
    if (!f)
        return err->code;
    write_csv(sc, r, f, o->swedish_csv);
    if (!(f = vs_outset_open(set, o->dir, "warnings.txt", err)))
        return err->code;
    vs_warnings_sweep(f, sc, r);
    if (!(f = vs_outset_open(set, o->dir, "manifest.txt", err)))
        return err->code;
    write_manifest(sc, r, o, f);
    if (r->n_axes > 2)
        return VS_OK;

    ctx c;
    memset(&c, 0, sizeof c);
    c.sc = sc;
    c.r = r;
    c.sv = strcmp(sc->lang, "sv") == 0;
    c.L = c.sv ? &lang_sv : &lang_en;
    c.V = sc->n_variants;
    c.base = (size_t)sc->baseline;
    c.dir = o->dir;
    c.set = set;
    c.err = err;
    c.slot = malloc(c.V * sizeof *c.slot);
    c.affected = calloc(c.V, 1);
    size_t *order = r->n_axes == 1 ? sorted_points(&c) : NULL;
    if (!c.slot || !c.affected || (r->n_axes == 1 && !order)) {
        st = vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    /* The baseline is black (linetype 1); the others take the palette in
     * file order, as in the charts of `run`. */
    for (size_t v = 0, j = 0; v < c.V; v++)
        c.slot[v] = v == c.base ? 1 : 2 + (int)(j++ % 7);
    /* A variant is affected when any of its summaries differs between
     * points (bitwise: common random numbers make unaffected variants
     * exactly equal). */
    for (size_t v = 0; v < c.V; v++)
        for (size_t p = 1; p < r->n_points && !c.affected[v]; p++)
            for (int m = 0; m < VS_STAT_COUNT; m++) {
                const vs_stat *a = stat_at(&c, 0, v, m), *b = stat_at(&c, p, v, m);
                double x[4] = {a->point, a->mean, a->p05, a->p95};
                double y[4] = {b->point, b->mean, b->p05, b->p95};
                for (int q = 0; q < 4; q++)
                    if (!(x[q] == y[q] || (isnan(x[q]) && isnan(y[q]))))
                        c.affected[v] = 1;
            }
    if (r->n_axes == 1) {
        write_line_data(&c, order);
        for (int m = 0; m < VS_M_COUNT; m++)
            write_line_chart(&c, m, order, r->before[0]);
    } else {
        write_heat_data(&c);
        for (size_t k = 0; k < N_HEAT; k++)
            write_heat_chart(&c, k);
    }
    st = c.st;
done:
    free(order);
    free(c.slot);
    free(c.affected);
    return st;
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */

int vs_sweep_render(const char *dir, const vs_sweep_result *r,
                    const char *formats, vs_err *err)
{
    char names[64][64];
    const char *list[64];
    size_t n = 0;
    while (n < 64 && chart_name(r, n, names[n], sizeof names[n])) {
        list[n] = names[n];
        n++;
    }
    return vs_charts_render_named(dir, list, n, formats, err);
}
