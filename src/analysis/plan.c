/* plan.c: the yearly step of a plan (see plan.h and docs/methods.md).
 *
 * A year is solved in real numbers first (floors, the remainder shared by
 * the gaps below target, the caps by water-filling), then turned into öre
 * once by the water-filling of money.c with the real amounts as weights,
 * the floors as lower and the caps as upper bounds: a centre at its floor
 * gets it rounded up, one at its cap gets it rounded down, and the rest
 * share what remains by largest remainder, so the year adds up to B_t. */
#include "plan.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/draw.h"
#include "engine/eval.h"
#include "engine/quantile.h"
#include "engine/sim.h"
#include "vardsim/metrics.h"

vs_plan_ws *vs_plan_ws_alloc(size_t n)
{
    vs_plan_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    size_t m = n ? n : 1;
    ws->n = n;
    double **d[] = {&ws->F, &ws->T, &ws->cap, &ws->x, &ws->w, &ws->hi, &ws->y,
                    &ws->rem};
    int ok = 1;
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        ok &= (*d[k] = malloc(m * sizeof(double))) != NULL;
    ws->idx = malloc(m * sizeof *ws->idx);
    ws->clamped = malloc(m);
    if (!ok || !ws->idx || !ws->clamped) {
        vs_plan_ws_free(ws);
        return NULL;
    }
    return ws;
}

void vs_plan_ws_free(vs_plan_ws *ws)
{
    if (!ws)
        return;
    free(ws->F), free(ws->T), free(ws->cap), free(ws->x), free(ws->w);
    free(ws->hi), free(ws->y), free(ws->rem), free(ws->idx), free(ws->clamped);
    free(ws);
}

int vs_plan_budget(vs_ore b0, const double *growth, size_t t, vs_ore *out,
                   vs_err *err)
{
    double v = (double)b0;
    for (size_t s = 0; s < t; s++)
        v *= 1.0 + growth[s];
    if (vs_money_from_ore_double(v, out) != VS_OK || *out < 0)
        return vs_err_set(err, VS_ERUN, NULL, 0,
                          "plan: the budget of year %zu (%g SEK) is not an "
                          "amount vardsim can hold (at most %g SEK)",
                          t, v / 100.0, VS_MONEY_MAX_SEK);
    return VS_OK;
}

/* Share `amount` (real öre) among the centres on top of x by the weights w,
 * none above its cap (hi = room left, INFINITY without caps): the water
 * level of money.c.  Returns what could not be placed (every centre with
 * weight at its cap). */
static double share_out(vs_plan_ws *ws, size_t n, double amount)
{
    if (!(amount > 0))
        return 0;
    double placed = vs_money_waterlevel(amount, ws->w, ws->hi, n, ws->y,
                                        ws->idx, ws->clamped);
    for (size_t i = 0; i < n; i++) {
        ws->x[i] += ws->y[i];
        ws->hi[i] = isinf(ws->hi[i]) ? INFINITY : ws->hi[i] - ws->y[i];
        if (ws->hi[i] < 0)
            ws->hi[i] = 0;
    }
    return amount - placed;
}

/* The real amounts of a year whose floors fit and whose caps can hold
 * the budget: into ws->x. */
static void solve_real(vs_plan_ws *ws, size_t n, double R, int capped)
{
    double SG = 0;
    for (size_t i = 0; i < n; i++) {
        double G = ws->T[i] > ws->F[i] ? ws->T[i] - ws->F[i] : 0;
        SG += G;
        ws->rem[i] = G;
    }
    /* R <= sum G: each gets F_i + R G_i / sum G; else max(F_i, T_i) and the
     * rest, R - sum G, by T_i.  The caps' excess goes by the same weights. */
    int by_gap = R <= SG;
    double amount = by_gap ? R : R - SG;
    for (size_t i = 0; i < n; i++) {
        ws->x[i] = by_gap ? ws->F[i] : ws->F[i] + ws->rem[i];
        ws->w[i] = by_gap ? ws->rem[i] : ws->T[i];
        ws->hi[i] = INFINITY;
        if (capped) {
            /* max(F, T) above the cap: held there, the excess shared */
            if (ws->x[i] > ws->cap[i]) {
                amount += ws->x[i] - ws->cap[i];
                ws->x[i] = ws->cap[i];
            }
            ws->hi[i] = ws->cap[i] - ws->x[i];
        }
    }
    double left = share_out(ws, n, amount);
    /* Money that the weighted centres cannot take below their caps (every
     * centre short of target is capped): by target share to the others,
     * then, when those are capped too, by the room left under each cap
     * (the caps hold the budget, so it fits), or without caps and without
     * target money, by what each has. */
    if (left > 0 && by_gap) {
        memcpy(ws->w, ws->T, n * sizeof *ws->w);
        left = share_out(ws, n, left);
    }
    if (left > 0) {
        double W = 0;
        for (size_t i = 0; i < n; i++) {
            ws->w[i] = capped ? ws->hi[i] : ws->x[i];
            W += ws->w[i];
        }
        if (!(W > 0))
            for (size_t i = 0; i < n; i++)
                ws->w[i] = 1.0;
        share_out(ws, n, left);
    }
}

int vs_plan_step(size_t n, const vs_ore *prev, const double *share,
                 vs_ore budget, double min_growth, double max_growth,
                 vs_plan_ws *ws, vs_ore *next, double *target,
                 unsigned char *bind, unsigned *flags, vs_err *err)
{
    int capped = !isinf(max_growth);
    double B = (double)budget, SF = 0, SC = 0;
    for (size_t i = 0; i < n; i++) {
        double a = (double)prev[i];
        ws->F[i] = a * (1.0 + min_growth);
        ws->cap[i] = capped ? a * (1.0 + max_growth) : INFINITY;
        ws->T[i] = B * share[i];
        SF += ws->F[i];
        SC += ws->cap[i];
        if (target)
            target[i] = ws->T[i];
        if (bind)
            bind[i] = 0;
    }
    *flags = 0;
    vs_ore placed;
    if (SF > B || (capped && SC < B)) {
        /* The floors alone exceed the budget: scaled down in proportion to
         * fit; the caps alone fall short: scaled up to reach it. */
        int floors = SF > B;
        *flags = floors ? VS_PLAN_FLOORS_SCALED : VS_PLAN_CAPS_SCALED;
        placed = vs_money_apportion(budget, floors ? ws->F : ws->cap, n, next,
                                    ws->rem, ws->idx);
        for (size_t i = 0; bind && !floors && i < n; i++)
            bind[i] = VS_PLAN_AT_CAP;
    } else {
        solve_real(ws, n, B - SF, capped);
        for (size_t i = 0; bind && i < n; i++) {
            if (ws->T[i] < ws->F[i] && ws->x[i] <= ws->F[i])
                bind[i] |= VS_PLAN_AT_FLOOR;
            if (capped && ws->x[i] >= ws->cap[i] && ws->cap[i] > ws->F[i])
                bind[i] |= VS_PLAN_AT_CAP;
        }
        /* Öre: at a floor ceil(F), at a cap floor(cap), the rest by largest
         * remainder on the real amounts.  When rounding the floors up
         * leaves too little for the budget (a few öre), the budget wins:
         * largest remainder on the real amounts alone. */
        placed = vs_money_waterfill(budget, ws->x, ws->F, capped ? ws->cap : NULL,
                                    n, next, ws->y, ws->rem, ws->idx,
                                    ws->clamped);
        if (placed != budget)
            placed = vs_money_apportion(budget, ws->x, n, next, ws->rem,
                                        ws->idx);
    }
    if (placed != budget)
        return vs_err_set(err, VS_ERUN, NULL, 0,
                          "plan: a year's amounts do not add up to its budget "
                          "(%lld of %lld öre placed)", (long long)placed,
                          (long long)budget);
    return VS_OK;
}

/* ------------------------------------------------------------------ */
/* The plan in every iteration                                         */

int vs_plan_at_target(vs_ore a, double T, double tol)
{
    return fabs((double)a - T) <= tol * T;
}

/* One thread's buffers: an iteration allocates nothing. */
typedef struct plan_worker {
    vs_draw *draw;
    vs_ws *ws;
    vs_outcome *out;
    vs_metric_ws *mws;
    vs_plan_ws *pws;
    double *share, *target; /* n_centres */
    unsigned char *bind;    /* n_centres */
    vs_err err;
    int status;
    /* this thread's slice of the block */
    struct plan_run *run;
    long i0, i1;
    pthread_t thread;
} plan_worker;

typedef struct plan_run {
    const vs_scenario *sc;
    const vs_plan *p;
    const vs_sim_opts *opts;
    size_t nc, ny;             /* ny = years + 1 rows */
    long n;                    /* draws */
    /* the block being evaluated: iterations k0 .. k0 + len - 1 */
    long k0, len;
    vs_ore *amounts;           /* VS_PLAN_BLOCK x ny x nc */
    unsigned char *at_target;  /* VS_PLAN_BLOCK x nc: in the last year */
    unsigned char *year_bits;  /* VS_PLAN_BLOCK x ny: BIT_ below */
    double *rows;              /* n x ny x VS_STAT_COUNT: iteration k at k - 1 */
    /* accumulators, per column (t, c) */
    __extension__ __int128 *sums;
    long *at_count;            /* per centre */
    int64_t *cvals;            /* exact: column j at cvals + j * cap */
    long cap;
    vs_hist *hist;             /* streaming: one per column */
} plan_run;

enum { BIT_FLOOR = 1, BIT_CAP = 2, BIT_FSCALED = 4, BIT_CSCALED = 8 };

static void worker_free(plan_worker *w)
{
    vs_draw_free(w->draw);
    vs_ws_free(w->ws);
    vs_outcome_free(w->out);
    vs_metric_ws_free(w->mws);
    vs_plan_ws_free(w->pws);
    free(w->share), free(w->target), free(w->bind);
    vs_err_free(&w->err);
}

static int worker_init(plan_worker *w, const vs_scenario *sc)
{
    size_t nc = sc->n_centres ? sc->n_centres : 1;
    vs_err_init(&w->err);
    w->draw = vs_draw_alloc(sc);
    w->ws = vs_ws_alloc(sc->n_centres);
    w->out = vs_outcome_alloc(sc);
    w->mws = vs_metric_ws_alloc(sc->n_centres);
    w->pws = vs_plan_ws_alloc(sc->n_centres);
    w->share = malloc(nc * sizeof *w->share);
    w->target = malloc(nc * sizeof *w->target);
    w->bind = malloc(nc);
    return w->draw && w->ws && w->out && w->mws && w->pws && w->share &&
                   w->target && w->bind
               ? VS_OK : VS_ENOMEM;
}

/* g_t of this iteration (t = 1..years). */
static double growth_of(const vs_plan *p, const vs_draw *d, size_t t)
{
    int par = p->growth_list ? p->growth_list[t - 1] : p->growth;
    return par >= 0 ? d->vals[par] : 0.0;
}

/* Iteration k: amounts[ny x nc] (A(t) for t = 0..years), row[ny x
 * VS_STAT_COUNT] (metrics of each year; year 0 is the baseline), at[nc]
 * (at target in the last year), bits[ny].  For the point estimate also
 * the targets [ny x nc], the binds [ny x nc] and the budgets (any of them
 * NULL otherwise). */
static int plan_iteration(const plan_run *r, plan_worker *w, long k,
                          vs_ore *amounts, double *row, unsigned char *at,
                          unsigned char *bits, double *targets,
                          unsigned char *binds, vs_ore *budgets)
{
    const vs_scenario *sc = r->sc;
    const vs_plan *p = r->p;
    size_t nc = r->nc;
    vs_draw_fill(sc, r->opts->seed, (uint64_t)k, w->draw);
    int st = vs_eval_run(sc, w->draw, w->ws, w->out, &w->err);
    if (st != VS_OK)
        return st;
    const vs_ore *from = w->out->alloc + (size_t)p->from * nc;
    const vs_ore *tgt = w->out->alloc + (size_t)p->target * nc;
    double tt = (double)w->out->total[p->target];
    for (size_t c = 0; c < nc; c++)
        w->share[c] = tt > 0 ? (double)tgt[c] / tt : 0.0;
    memcpy(amounts, from, nc * sizeof *amounts);
    vs_ore B0 = w->out->total[p->from], B = B0;
    vs_metrics_prepare(w->mws, nc, w->draw->listed, w->draw->cni, w->draw->need,
                       sc->high_need_cni);
    vs_metrics_compute(w->mws, amounts, NULL, row);
    row[VS_STAT_TOTAL] = (double)B0;
    row[VS_STAT_UNALLOC] = 0;
    bits[0] = 0;
    if (targets)
        for (size_t c = 0; c < nc; c++)
            targets[c] = (double)B0 * w->share[c];
    if (binds)
        memset(binds, 0, nc);
    if (budgets)
        budgets[0] = B0;
    double v = (double)B0; /* B_0 x (1 + g_1) x ...: in year order */
    for (size_t t = 1; t < r->ny; t++) {
        v *= 1.0 + growth_of(p, w->draw, t);
        if (vs_money_from_ore_double(v, &B) != VS_OK || B < 0)
            return vs_err_set(&w->err, VS_ERUN, NULL, 0,
                              "plan: the budget of year %ld (%g SEK) in "
                              "iteration %ld is not an amount vardsim can "
                              "hold (at most %g SEK)", p->first_year - 1 + (long)t,
                              v / 100.0, k, VS_MONEY_MAX_SEK);
        unsigned flags;
        vs_ore *prev = amounts + (t - 1) * nc, *next = amounts + t * nc;
        st = vs_plan_step(nc, prev, w->share, B, p->min_growth, p->max_growth,
                          w->pws, next, w->target, w->bind, &flags, &w->err);
        if (st != VS_OK)
            return st;
        double *rt = row + t * VS_STAT_COUNT;
        vs_metrics_compute(w->mws, next, amounts, rt);
        rt[VS_STAT_TOTAL] = (double)B;
        rt[VS_STAT_UNALLOC] = 0;
        unsigned char b = (flags & VS_PLAN_FLOORS_SCALED ? BIT_FSCALED : 0) |
                          (flags & VS_PLAN_CAPS_SCALED ? BIT_CSCALED : 0);
        for (size_t c = 0; c < nc; c++)
            b |= (w->bind[c] & VS_PLAN_AT_FLOOR ? BIT_FLOOR : 0) |
                 (w->bind[c] & VS_PLAN_AT_CAP ? BIT_CAP : 0);
        bits[t] = b;
        if (targets)
            memcpy(targets + t * nc, w->target, nc * sizeof *targets);
        if (binds)
            memcpy(binds + t * nc, w->bind, nc);
        if (budgets)
            budgets[t] = B;
    }
    for (size_t c = 0; c < nc; c++)
        at[c] = (unsigned char)vs_plan_at_target(amounts[(r->ny - 1) * nc + c],
                                                 w->target[c], p->tolerance);
    return VS_OK;
}

static void *worker_main(void *arg)
{
    plan_worker *w = arg;
    plan_run *r = w->run;
    size_t nc = r->nc, ny = r->ny;
    w->status = VS_OK;
    for (long i = w->i0; i < w->i1 && w->status == VS_OK; i++) {
        long k = r->k0 + i;
        w->status = plan_iteration(
            r, w, k, r->amounts + (size_t)i * ny * nc,
            r->rows + (size_t)(k - 1) * ny * VS_STAT_COUNT,
            r->at_target + (size_t)i * nc, r->year_bits + (size_t)i * ny,
            NULL, NULL, NULL);
    }
    return NULL;
}

/* Fold the block into the accumulators, in iteration order. */
static int fold_block(plan_run *r, vs_plan_results *res)
{
    size_t nc = r->nc, ny = r->ny, ncol = ny * nc;
    for (long i = 0; i < r->len; i++) {
        long k = r->k0 + i;
        const vs_ore *a = r->amounts + (size_t)i * ncol;
        for (size_t j = 0; j < ncol; j++) {
            r->sums[j] += a[j];
            if (k <= r->cap)
                r->cvals[j * (size_t)r->cap + (size_t)(k - 1)] = a[j];
            else
                vs_hist_add(&r->hist[j], (double)a[j]);
        }
        for (size_t c = 0; c < nc; c++)
            r->at_count[c] += r->at_target[(size_t)i * nc + c];
        const unsigned char *bits = r->year_bits + (size_t)i * ny;
        for (size_t t = 0; t < ny; t++) {
            res->draws_floor[t] += (bits[t] & BIT_FLOOR) != 0;
            res->draws_cap[t] += (bits[t] & BIT_CAP) != 0;
            res->draws_fscaled[t] += (bits[t] & BIT_FSCALED) != 0;
            res->draws_cscaled[t] += (bits[t] & BIT_CSCALED) != 0;
        }
    }
    /* After the pilot (streaming only): calibrate each column's histogram
     * on its pilot values and feed them in. */
    if (!r->hist || r->k0 + r->len - 1 != r->cap)
        return VS_OK;
    double *tmp = malloc((size_t)r->cap * sizeof *tmp);
    if (!tmp)
        return VS_ENOMEM;
    for (size_t j = 0; j < ncol; j++) {
        for (long k = 0; k < r->cap; k++)
            tmp[k] = (double)r->cvals[j * (size_t)r->cap + (size_t)k];
        vs_hist_init(&r->hist[j], tmp, (size_t)r->cap);
        for (long k = 0; k < r->cap; k++)
            vs_hist_add(&r->hist[j], tmp[k]);
    }
    free(tmp);
    return VS_OK;
}

/* Evaluate one block on `nt` workers (worker 0 on this thread). */
static int run_block(plan_run *r, plan_worker *w, int nt, vs_err *err)
{
    int started[64] = {0};
    for (int t = 0; t < nt; t++) {
        w[t].run = r;
        w[t].i0 = r->len * t / nt;
        w[t].i1 = r->len * (t + 1) / nt;
        if (t > 0)
            started[t] = pthread_create(&w[t].thread, NULL, worker_main, &w[t]) == 0;
    }
    for (int t = 1; t < nt; t++)
        if (!started[t]) /* no thread: run it here */
            worker_main(&w[t]);
    worker_main(&w[0]);
    for (int t = 1; t < nt; t++)
        if (started[t])
            pthread_join(w[t].thread, NULL);
    /* the lowest failing slice holds the lowest failing iteration */
    for (int t = 0; t < nt; t++)
        if (w[t].status != VS_OK) {
            vs_err_merge(err, &w[t].err);
            return w[t].status;
        }
    return VS_OK;
}

void vs_plan_results_free(vs_plan_results *r)
{
    if (!r)
        return;
    free(r->point), free(r->mean), free(r->p05), free(r->p95);
    free(r->target), free(r->target_ore), free(r->point_bind);
    free(r->budget), free(r->point_flags), free(r->draws_floor);
    free(r->draws_cap), free(r->draws_fscaled), free(r->draws_cscaled);
    free(r->metrics), free(r->first_at_target), free(r->share_at_target);
    free(r->largest_fall), free(r->largest_fall_from);
    free(r);
}

static vs_plan_results *results_alloc(size_t ny, size_t nc)
{
    vs_plan_results *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    size_t ncol = ny * nc, n = nc ? nc : 1;
    if (ncol == 0)
        ncol = 1;
    r->point = calloc(ncol, sizeof *r->point);
    r->mean = calloc(ncol, sizeof *r->mean);
    r->p05 = calloc(ncol, sizeof *r->p05);
    r->p95 = calloc(ncol, sizeof *r->p95);
    r->target = calloc(ncol, sizeof *r->target);
    r->target_ore = calloc(ncol, sizeof *r->target_ore);
    r->point_bind = calloc(ncol, 1);
    r->budget = calloc(ny, sizeof *r->budget);
    r->point_flags = calloc(ny, sizeof *r->point_flags);
    r->draws_floor = calloc(ny, sizeof *r->draws_floor);
    r->draws_cap = calloc(ny, sizeof *r->draws_cap);
    r->draws_fscaled = calloc(ny, sizeof *r->draws_fscaled);
    r->draws_cscaled = calloc(ny, sizeof *r->draws_cscaled);
    r->metrics = calloc(ny * VS_STAT_COUNT, sizeof *r->metrics);
    r->first_at_target = calloc(n, sizeof *r->first_at_target);
    r->share_at_target = calloc(n, sizeof *r->share_at_target);
    r->largest_fall = calloc(n, sizeof *r->largest_fall);
    r->largest_fall_from = calloc(n, sizeof *r->largest_fall_from);
    if (!r->point || !r->mean || !r->p05 || !r->p95 || !r->target ||
        !r->target_ore || !r->point_bind || !r->budget || !r->point_flags ||
        !r->draws_floor || !r->draws_cap || !r->draws_fscaled ||
        !r->draws_cscaled || !r->metrics || !r->first_at_target ||
        !r->share_at_target || !r->largest_fall || !r->largest_fall_from) {
        vs_plan_results_free(r);
        return NULL;
    }
    return r;
}

/* What the point estimate says per centre: the first year at target and
 * the largest yearly fall; and the targets in öre. */
static int point_summary(const plan_run *r, vs_plan_results *res,
                         const vs_ore *budgets)
{
    size_t nc = r->nc, ny = r->ny;
    double *rem = malloc((nc ? nc : 1) * sizeof *rem);
    size_t *idx = malloc((nc ? nc : 1) * sizeof *idx);
    if (!rem || !idx) {
        free(rem), free(idx);
        return VS_ENOMEM;
    }
    for (size_t t = 0; t < ny; t++) {
        /* T_i is B_t x share_i: the shares are the weights */
        vs_money_apportion(budgets[t], res->target + t * nc, nc,
                           res->target_ore + t * nc, rem, idx);
    }
    for (size_t c = 0; c < nc; c++) {
        res->first_at_target[c] = -1;
        for (size_t t = 0; t < ny && res->first_at_target[c] < 0; t++)
            if (vs_plan_at_target(res->point[t * nc + c], res->target[t * nc + c],
                                  r->p->tolerance))
                res->first_at_target[c] = (int)t;
        vs_ore fall = 0, base = 0;
        for (size_t t = 1; t < ny; t++) {
            vs_ore d = res->point[(t - 1) * nc + c] - res->point[t * nc + c];
            if (d > fall) {
                fall = d;
                base = res->point[(t - 1) * nc + c];
            }
        }
        res->largest_fall[c] = fall;
        res->largest_fall_from[c] = base;
    }
    free(rem), free(idx);
    return VS_OK;
}

/* Per-centre and per-year summaries once every block is folded. */
static int summarise(plan_run *r, vs_plan_results *res, const double *prow)
{
    static const double ps[2] = {0.05, 0.95};
    size_t nc = r->nc, ny = r->ny, ncol = ny * nc;
    long n = r->n;
    size_t len = (size_t)(n > 0 ? n : 1);
    int64_t *ibuf = malloc(len * sizeof *ibuf);
    double *col = malloc(3 * len * sizeof *col);
    if (!ibuf || !col) {
        free(ibuf), free(col);
        return VS_ENOMEM;
    }
    for (size_t j = 0; j < ncol; j++) {
        if (n == 0) {
            res->mean[j] = res->p05[j] = res->p95[j] = (double)res->point[j];
            continue;
        }
        res->mean[j] = (double)r->sums[j] / (double)n;
        double q[2];
        if (r->hist) {
            q[0] = vs_hist_quantile(&r->hist[j], 0.05);
            q[1] = vs_hist_quantile(&r->hist[j], 0.95);
        } else {
            memcpy(ibuf, r->cvals + j * (size_t)r->cap, (size_t)n * sizeof *ibuf);
            vs_quantiles_int64(ibuf, (size_t)n, ps, 2, q);
        }
        res->p05[j] = q[0];
        res->p95[j] = q[1];
    }
    for (size_t c = 0; c < nc; c++)
        res->share_at_target[c] =
            n > 0 ? (double)r->at_count[c] / (double)n
                  : (double)vs_plan_at_target(res->point[(ny - 1) * nc + c],
                                              res->target[(ny - 1) * nc + c],
                                              r->p->tolerance);
    /* Metrics per year as metrics.csv, year 0 the baseline. */
    double *vals = col, *base = col + len, *scratch = col + 2 * len;
    size_t stride = ny * VS_STAT_COUNT;
    for (size_t t = 0; t < ny; t++)
        for (size_t m = 0; m < VS_STAT_COUNT; m++) {
            for (long k = 0; k < n; k++) {
                vals[k] = r->rows[(size_t)k * stride + t * VS_STAT_COUNT + m];
                base[k] = r->rows[(size_t)k * stride + m];
            }
            vs_sim_summarise(vals, t == 0 ? NULL : base, n,
                             prow[t * VS_STAT_COUNT + m], prow[m], (int)m,
                             scratch, &res->metrics[t * VS_STAT_COUNT + m]);
        }
    free(ibuf), free(col);
    return VS_OK;
}

static void run_free(plan_run *r)
{
    free(r->amounts), free(r->at_target), free(r->year_bits), free(r->rows);
    free(r->sums), free(r->at_count), free(r->cvals), free(r->hist);
}

int vs_plan_run(const vs_scenario *sc, const vs_sim_opts *opts,
                vs_plan_results **out, vs_err *err)
{
    *out = NULL;
    const vs_plan *p = sc->plan;
    plan_run r;
    memset(&r, 0, sizeof r);
    r.sc = sc;
    r.p = p;
    r.opts = opts;
    r.nc = sc->n_centres;
    r.ny = (size_t)p->years + 1;
    r.n = opts->iterations > 0 ? opts->iterations : 0;
    size_t nc = r.nc, ny = r.ny, ncol = ny * nc;
    int nt = opts->threads < 1 ? 1 : opts->threads > 64 ? 64 : opts->threads;
    /* exact while every value fits the limit, else a pilot of whole
     * blocks and histograms */
    long limit = opts->exact_limit > 0 ? opts->exact_limit : VS_PLAN_EXACT_LIMIT;
    int exact = (double)r.n * (double)ncol <= (double)limit;
    r.cap = exact ? r.n : VS_PLAN_PILOT;
    _Static_assert(VS_PLAN_PILOT % VS_PLAN_BLOCK == 0, "the pilot is whole blocks");

    vs_plan_results *res = results_alloc(ny, nc);
    plan_worker *w = calloc((size_t)nt, sizeof *w);
    double *prow = malloc(ny * VS_STAT_COUNT * sizeof *prow);
    unsigned char *pat = malloc(nc ? nc : 1), pbits[101];
    r.amounts = malloc((size_t)VS_PLAN_BLOCK * (ncol ? ncol : 1) * sizeof *r.amounts);
    r.at_target = malloc((size_t)VS_PLAN_BLOCK * (nc ? nc : 1));
    r.year_bits = malloc((size_t)VS_PLAN_BLOCK * ny);
    r.rows = malloc((size_t)(r.n > 0 ? r.n : 1) * ny * VS_STAT_COUNT * sizeof *r.rows);
    r.sums = calloc(ncol ? ncol : 1, sizeof *r.sums);
    r.at_count = calloc(nc ? nc : 1, sizeof *r.at_count);
    r.cvals = r.cap > 0 ? malloc((size_t)r.cap * ncol * sizeof *r.cvals) : NULL;
    r.hist = exact ? NULL : calloc(ncol, sizeof *r.hist);
    int st = VS_ENOMEM;
    if (!res || !w || !prow || !pat || !r.amounts || !r.at_target ||
        !r.year_bits || !r.rows || !r.sums || !r.at_count ||
        (r.cap > 0 && !r.cvals) || (!exact && !r.hist)) {
        vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (int t = 0; t < nt; t++)
        if ((st = worker_init(&w[t], sc)) != VS_OK) {
            vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
            nt = t + 1;
            goto done;
        }
    res->years = (size_t)p->years;
    res->n_centres = nc;
    res->iterations = r.n;
    res->first_year = p->first_year;
    res->exact = exact;

    /* The point estimate, with its targets, binds and budgets. */
    st = plan_iteration(&r, &w[0], 0, res->point, prow, pat, pbits,
                        res->target, res->point_bind, res->budget);
    if (st != VS_OK) {
        vs_err_merge(err, &w[0].err);
        goto done;
    }
    for (size_t t = 0; t < ny; t++) {
        unsigned f = 0;
        f |= pbits[t] & BIT_FSCALED ? VS_PLAN_FLOORS_SCALED : 0;
        f |= pbits[t] & BIT_CSCALED ? VS_PLAN_CAPS_SCALED : 0;
        res->point_flags[t] = f;
    }
    for (long k0 = 1; k0 <= r.n; k0 += VS_PLAN_BLOCK) {
        if (opts->stop && *opts->stop) {
            st = VS_EINTR;
            goto done;
        }
        r.k0 = k0;
        r.len = r.n - k0 + 1 < VS_PLAN_BLOCK ? r.n - k0 + 1 : VS_PLAN_BLOCK;
        if ((st = run_block(&r, w, nt, err)) != VS_OK)
            goto done;
        if ((st = fold_block(&r, res)) != VS_OK) {
            vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
            goto done;
        }
        if (!exact && k0 + r.len - 1 == r.cap) {
            free(r.cvals); /* the pilot is in the histograms now */
            r.cvals = NULL;
        }
    }
    if ((st = summarise(&r, res, prow)) != VS_OK ||
        (st = point_summary(&r, res, res->budget)) != VS_OK) {
        vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    *out = res;
    res = NULL;
done:
    for (int t = 0; w && t < nt; t++)
        worker_free(&w[t]);
    free(w), free(prow), free(pat);
    run_free(&r);
    vs_plan_results_free(res);
    return st;
}
