/* report.c: metrics.csv, centres.csv, explain.csv, draws.csv,
 * warnings.txt and manifest.txt of a run (the manifest through
 * out/manifest.c). */
#include "vardsim/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/quantile.h"
#include "model/need.h"
#include "out/manifest.h"
#include "out/warnings.h"

__extension__ typedef __int128 vs_i128;

int vs_report_change_pct(vs_ore change, vs_ore base, int64_t *out)
{
    if (base == 0)
        return 0;
    vs_i128 num = (vs_i128)change * 10000, den = base;
    if (den < 0)
        num = -num, den = -den;
    vs_i128 q = num / den, r = num % den;
    /* round half away from zero */
    if (r < 0)
        r = -r;
    if (2 * r >= den)
        q += num < 0 ? -1 : 1;
    *out = (int64_t)q;
    return 1;
}

const char *vs_report_stat_name(int m)
{
    if (m == VS_STAT_TOTAL)
        return "total";
    if (m == VS_STAT_UNALLOC)
        return "unallocated";
    return vs_metric_name((vs_metric)m);
}

void vs_report_metrics_header(vs_csv *c)
{
    vs_report_metrics_header_as(c, "variant");
}

void vs_report_metrics_header_as(vs_csv *c, const char *first)
{
    static const char *const head[] = {"metric", "point", "mean",
                                       "sd", "p05", "p50", "p95", "mcse",
                                       "diff_mean", "p_better"};
    vs_csv_num_text(c, first);
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        vs_csv_num_text(c, head[i]);
}

void vs_report_metrics_cells(vs_csv *c, const char *variant, int m,
                             const vs_stat *s)
{
    double cols[8] = {s->point, s->mean, s->sd, s->p05,
                      s->p50,   s->p95,  s->mcse, s->diff_mean};
    vs_csv_text(c, variant);
    vs_csv_text(c, vs_report_stat_name(m));
    for (int k = 0; k < 8; k++) {
        if (m >= VS_M_COUNT)
            vs_csv_money_d(c, cols[k]);
        else
            vs_csv_num(c, cols[k]);
    }
    vs_csv_num(c, m >= VS_M_COUNT ? NAN : s->p_better);
}

static void write_metrics(const vs_scenario *sc, const vs_results *res,
                          vs_csv *c)
{
    vs_report_metrics_header(c);
    vs_csv_end_row(c);
    for (size_t v = 0; v < sc->n_variants; v++)
        for (int m = 0; m < VS_STAT_COUNT; m++) {
            vs_report_metrics_cells(c, sc->variants[v].id, m,
                                    &res->stats[v * VS_STAT_COUNT + (size_t)m]);
            vs_csv_end_row(c);
        }
}

static void write_centres(const vs_scenario *sc, const vs_results *res,
                          vs_csv *c)
{
    static const char *const head[] = {
        "variant", "centre", "name", "listed",   "cni",        "point", "mean",
        "p05",     "p95",    "per_capita", "fair_share", "change", "change_pct",
        "p_loss"};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        vs_csv_num_text(c, head[i]);
    vs_csv_end_row(c);
    size_t nc = sc->n_centres, b = (size_t)sc->baseline;
    for (size_t v = 0; v < sc->n_variants; v++)
        for (size_t i = 0; i < nc; i++) {
            const vs_centre_stat *s = &res->centres[v * nc + i];
            const vs_centre_stat *bs = &res->centres[b * nc + i];
            const vs_centre *ce = &sc->centres[i];
            char buf[64];
            vs_csv_text(c, sc->variants[v].id);
            vs_csv_text(c, ce->id);
            vs_csv_text(c, ce->name);
            snprintf(buf, sizeof buf, "%.0f", ce->listed);
            vs_csv_num_text(c, buf);
            vs_csv_num_text(c, ce->cni_text);
            vs_csv_money(c, s->point);
            vs_csv_money_d(c, s->mean);
            vs_csv_money_d(c, s->p05);
            vs_csv_money_d(c, s->p95);
            double listed = res->point_listed[i];
            vs_csv_money_d(c, listed > 0 ? (double)s->point / listed : NAN);
            if (res->fair_share_defined)
                vs_csv_money(c, s->fair_share);
            else
                vs_csv_num_text(c, "");
            if (v == b) {
                vs_csv_num_text(c, "");
                vs_csv_num_text(c, "");
                vs_csv_num_text(c, "");
            } else {
                vs_ore change = s->point - bs->point;
                int64_t pct;
                vs_csv_money(c, change);
                if (vs_report_change_pct(change, bs->point, &pct))
                    vs_csv_money(c, pct); /* hundredths: same layout as öre */
                else
                    vs_csv_num_text(c, "");
                vs_csv_num(c, s->p_loss);
            }
            vs_csv_end_row(c);
        }
}

int vs_report_explain_each(const vs_scenario *sc, const vs_results *res,
                           vs_report_explain_fn fn, void *ctx, vs_err *err)
{
    size_t nv = sc->n_variants, nc = sc->n_centres;
    size_t *chain = malloc((nv ? nv : 1) * sizeof *chain);
    if (!chain)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    for (size_t v = 0; v < nv; v++) {
        size_t len = 0; /* v, its parent, ...: walked back root first */
        for (int u = (int)v; u != VS_NONE && len < nv; u = sc->variants[u].extends)
            chain[len++] = (size_t)u;
        for (size_t i = 0; i < nc; i++)
            for (size_t l = len; l-- > 0;) {
                const vs_variant *def = &sc->variants[chain[l]];
                for (size_t k = 0; k < def->n_rules; k++) {
                    const vs_rule *r = &def->rules[k];
                    char step[512];
                    snprintf(step, sizeof step, "%s.%s", def->id,
                             r->id ? r->id : vs_rule_type_name(r->type));
                    fn(ctx, v, i, step,
                       res->steps[(res->rule_base[chain[l]] + k) * nc + i]);
                }
            }
    }
    free(chain);
    return VS_OK;
}

typedef struct explain_csv {
    const vs_scenario *sc;
    vs_csv *c;
} explain_csv;

static void explain_row(void *ctx, size_t v, size_t i, const char *step,
                        vs_ore amount)
{
    explain_csv *e = ctx;
    vs_csv_text(e->c, e->sc->variants[v].id);
    vs_csv_text(e->c, e->sc->centres[i].id);
    vs_csv_text(e->c, step);
    vs_csv_money(e->c, amount);
    vs_csv_end_row(e->c);
}

/* explain.csv: for each variant and centre (file order), one row per rule
 * of its extends chain, root first: what the rule added at the point
 * estimate.  The rows of a variant and centre add up to its point. */
static int write_explain(const vs_scenario *sc, const vs_results *res,
                         vs_csv *c, vs_err *err)
{
    static const char *const head[] = {"variant", "centre", "step", "amount"};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        vs_csv_num_text(c, head[i]);
    vs_csv_end_row(c);
    explain_csv e = {sc, c};
    return vs_report_explain_each(sc, res, explain_row, &e, err);
}

size_t vs_report_print_warnings(const vs_scenario *sc, const vs_results *res,
                                const vs_report_opts *o, FILE *f)
{
    vs_warn_src w = vs_warn_src_of(sc, res);
    size_t n = vs_warnings_print(f, NULL, &w);
    if (o->precision > 0 && !res->converged) {
        if (f)
            vs_warnings_precision(f, NULL, o->precision, res->iterations);
        n++;
    }
    /* the plan's lines (plan_write.c), after the run's own */
    for (const char *p = o->more_warnings; p && *p; p++)
        n += *p == '\n';
    if (f && o->more_warnings)
        fputs(o->more_warnings, f);
    return n;
}

static void write_draws(const vs_scenario *sc, const vs_results *res,
                        vs_csv *c)
{
    vs_csv_num_text(c, "iteration");
    vs_csv_num_text(c, "variant");
    vs_csv_num_text(c, "metric");
    vs_csv_num_text(c, "value");
    vs_csv_end_row(c);
    size_t stride = sc->n_variants * VS_STAT_COUNT;
    for (long k = 1; k <= res->iterations; k++)
        for (size_t v = 0; v < sc->n_variants; v++)
            for (int m = 0; m < VS_STAT_COUNT; m++) {
                double x = res->draws[(size_t)(k - 1) * stride +
                                      v * VS_STAT_COUNT + (size_t)m];
                char buf[32];
                snprintf(buf, sizeof buf, "%ld", k);
                vs_csv_num_text(c, buf);
                vs_csv_text(c, sc->variants[v].id);
                vs_csv_text(c, vs_report_stat_name(m));
                if (m >= VS_M_COUNT)
                    vs_csv_money_d(c, x);
                else
                    vs_csv_num(c, x);
                vs_csv_end_row(c);
            }
}

typedef struct run_details {
    const vs_scenario *sc;
    const vs_results *res;
    const vs_report_opts *o;
} run_details;

/* The run's own lines of manifest.txt (manifest.c writes the rest). */
static void manifest_details(FILE *f, const void *ctx)
{
    const run_details *d = ctx;
    const vs_results *res = d->res;
    if (d->o->precision > 0)
        fprintf(f, "precision: %.10g (%s %ld iterations)\n", d->o->precision,
                res->converged ? "reached after" : "NOT reached within",
                res->iterations);
    fprintf(f, "iterations_per_second: %.0f\n",
            res->wall_seconds > 0 ? (double)res->iterations / res->wall_seconds : 0.0);
    if (res->exact_centre_quantiles)
        fprintf(f, "centre_quantiles: exact (type 7)\n");
    else
        fprintf(f, "centre_quantiles: histograms of %d buckets calibrated on the "
                   "first %ld iterations; error at most one bucket "
                   "(2 x pilot range / %d)\n",
                VS_HIST_BUCKETS, VS_SIM_PILOT, VS_HIST_BUCKETS);
    /* Only when streamed: the line is new, and manifests of runs that
     * keep every value stay as they were. */
    if (res->iterations > 0 && !res->draws)
        fprintf(f, "region_quantiles: histograms of 4096 buckets calibrated on "
                   "the first %ld iterations, means from exact sums "
                   "(docs/methods.md)\n", VS_SIM_PILOT);
    char need[160];
    fprintf(f, "need: %s\n",
            vs_need_describe(d->sc, d->sc->lang, need, sizeof need));
    fprintf(f, "warnings: %zu (warnings.txt)\n",
            vs_report_print_warnings(d->sc, res, d->o, NULL));
    /* The variants whose allocation is within 1 öre of the baseline's
     * everywhere (docs/methods.md, "No difference"), for the report; the
     * line only when there is one, so other manifests stay as they were. */
    int any = 0;
    for (size_t v = 0; res->no_difference && v < res->n_variants; v++)
        if ((int)v != d->sc->baseline && res->no_difference[v]) {
            fprintf(f, "%s%s", any ? " " : "no_difference: ",
                    d->sc->variants[v].id);
            any = 1;
        }
    if (any)
        fputc('\n', f);
}

int vs_report_write(const vs_scenario *sc, const vs_results *res,
                    const vs_report_opts *o, vs_outset *set, vs_err *err)
{
    vs_csv c;
    FILE *f = vs_outset_open(set, o->dir, "metrics.csv", err);
    if (!f)
        return err->code;
    vs_csv_begin(&c, f, o->swedish_csv);
    write_metrics(sc, res, &c);

    if (!(f = vs_outset_open(set, o->dir, "centres.csv", err)))
        return err->code;
    vs_csv_begin(&c, f, o->swedish_csv);
    write_centres(sc, res, &c);

    if (!(f = vs_outset_open(set, o->dir, "explain.csv", err)))
        return err->code;
    vs_csv_begin(&c, f, o->swedish_csv);
    int st = write_explain(sc, res, &c, err);
    if (st != VS_OK)
        return st;

    if (!(f = vs_outset_open(set, o->dir, "warnings.txt", err)))
        return err->code;
    vs_report_print_warnings(sc, res, o, f);

    if (o->draws) {
        if (!(f = vs_outset_open(set, o->dir, "draws.csv", err)))
            return err->code;
        vs_csv_begin(&c, f, o->swedish_csv);
        write_draws(sc, res, &c);
    }

    if (!(f = vs_outset_open(set, o->dir, "manifest.txt", err)))
        return err->code;
    run_details d = {sc, res, o};
    vs_manifest_write(f, "run", sc, &res->prov, o->swedish_csv,
                      manifest_details, &d);
    return VS_OK;
}
