/* sensitivity.c: the scenario side of `vardsim sensitivity`: its inputs,
 * the tornado, the adapter that lets the generic Sobol engine (sobol.c)
 * evaluate a scenario (see sensitivity.h).  Nothing here writes a file
 * (src/out/sensitivity_write.c does). */
#include "analysis/sensitivity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist.h"
#include "engine/draw.h"
#include "engine/eval.h"
#include "vardsim/metrics.h"
#include "engine/quantile.h"
#include "engine/sim.h"

/* ---- inputs ----------------------------------------------------------- */

/* The name of a param's input: its shared stream, else its path. */
static const char *param_input_name(const vs_param *p)
{
    return p->stream ? p->stream : p->path;
}

int vs_sensitivity_inputs(const vs_scenario *sc, vs_sensitivity_input **out,
                          size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = sc->n_params + sc->n_noise;
    if (cap == 0)
        return VS_OK;
    vs_sensitivity_input *in = calloc(cap, sizeof *in);
    if (!in)
        return VS_ENOMEM;
    size_t m = 0;
    for (size_t p = 0; p < sc->n_params; p++) {
        const vs_param *par = &sc->params[p];
        /* The plan's growth moves no metric of the run: sensitivity
         * ignores the plan (docs/methods.md, Years). */
        if (par->dist.kind == VS_DIST_FIXED || strncmp(par->path, "plan.", 5) == 0)
            continue;
        const char *name = param_input_name(par);
        size_t i = 0;
        while (i < m && strcmp(in[i].name, name) != 0)
            i++;
        if (i == m)
            in[m++] = (vs_sensitivity_input){name, VS_SENSITIVITY_PARAM, p, 0};
        in[i].n_params++;
    }
    /* Stream names have id syntax (no '.'), so they never equal a noise
     * group's path. */
    for (size_t g = 0; g < sc->n_noise; g++)
        in[m++] = (vs_sensitivity_input){sc->noise[g].path, VS_SENSITIVITY_NOISE, g, 0};
    if (m == 0) {
        free(in);
        return VS_OK;
    }
    *out = in;
    *n = m;
    return VS_OK;
}

/* ---- evaluation state ------------------------------------------------- */

/* One worker's buffers: an evaluation allocates nothing. */
typedef struct sens_worker {
    vs_draw *draw;
    vs_ws *ws;
    vs_outcome *out;
    vs_metric_ws *mws;
    double *u;               /* n_params: quantile per param, NAN = point */
    unsigned char *noise_on; /* n_noise */
    uint64_t *noise_key;     /* n_noise */
    long *sf_n;              /* per rule: evaluations with a shortfall */
    unsigned *sf_kinds;      /* per rule: the kinds seen */
} sens_worker;

typedef struct sens {
    const vs_scenario *sc;
    const vs_sensitivity_opts *o;
    size_t n_inputs, n_u, n_key; /* n_u param inputs first, then n_key noise */
    vs_sensitivity_input *inputs;
    int *param_input;   /* n_params: the input that moves param p, or -1 */
    size_t n_row;       /* statistics per evaluation: nv * VS_STAT_COUNT */
    int threads;
    sens_worker *w;

    /* tornado: job 0 is the point; input i's jobs start at job0[i] */
    int reps;
    size_t *job0;
    size_t tornado_jobs;
    double *rows;       /* tornado_jobs x n_row */

    /* progress over both analyses */
    long done_before, grand_total;
    vs_shortfall *point_sf; /* the point evaluation's records, per rule */
} sens;

static void worker_free(sens_worker *w)
{
    vs_draw_free(w->draw);
    vs_ws_free(w->ws);
    vs_outcome_free(w->out);
    vs_metric_ws_free(w->mws);
    free(w->u);
    free(w->noise_on);
    free(w->noise_key);
    free(w->sf_n);
    free(w->sf_kinds);
}

static int worker_init(const vs_scenario *sc, sens_worker *w)
{
    w->draw = vs_draw_alloc(sc);
    w->ws = vs_ws_alloc(sc->n_centres);
    w->out = vs_outcome_alloc(sc);
    w->mws = vs_metric_ws_alloc(sc->n_centres);
    w->u = calloc(sc->n_params + 1, sizeof *w->u);
    w->noise_on = calloc(sc->n_noise + 1, 1);
    w->noise_key = calloc(sc->n_noise + 1, sizeof *w->noise_key);
    size_t nr = w->out ? w->out->n_rules + 1 : 1;
    w->sf_n = calloc(nr, sizeof *w->sf_n);
    w->sf_kinds = calloc(nr, sizeof *w->sf_kinds);
    return w->draw && w->ws && w->out && w->mws && w->u && w->noise_on &&
                   w->noise_key && w->sf_n && w->sf_kinds
               ? VS_OK
               : VS_ENOMEM;
}

/* Fill the worker's inputs from its u / noise buffers and evaluate;
 * count the rules' shortfalls (integer sums: any split of the work
 * gives the same totals). */
static int evaluate(const sens *s, sens_worker *w, double *row, vs_err *err)
{
    vs_draw_fill_with(s->sc, w->u, w->noise_on, w->noise_key, w->draw);
    int st = vs_sim_eval_row(s->sc, w->draw, w->ws, w->out, w->mws, row, err);
    for (size_t r = 0; st == VS_OK && r < w->out->n_rules; r++) {
        w->sf_n[r] += w->out->shortfalls[r].kinds != 0;
        w->sf_kinds[r] |= w->out->shortfalls[r].kinds;
    }
    return st;
}

/* Every input at its point, every noise group off. */
static void reset_inputs(const sens *s, sens_worker *w)
{
    for (size_t p = 0; p < s->sc->n_params; p++)
        w->u[p] = NAN;
    memset(w->noise_on, 0, s->sc->n_noise);
}

/* Set param input i to quantile u. */
static void set_param_input(const sens *s, sens_worker *w, size_t i, double u)
{
    for (size_t p = 0; p < s->sc->n_params; p++)
        if (s->param_input[p] == (int)i)
            w->u[p] = u;
}

static void forward_progress(void *ctx, long done, long total)
{
    (void)total;
    sens *s = ctx;
    s->o->progress(s->o->progress_ctx, s->done_before + done, s->grand_total);
}

static vs_sobol_pool pool_of(sens *s)
{
    vs_sobol_pool p = {s->threads, NULL, s, s->o->stop};
    if (s->o->progress)
        p.progress = forward_progress;
    return p;
}

/* ---- tornado ---------------------------------------------------------- */

/* Tornado job j: 0 is the point; then per input its low and high (param)
 * or its `reps` draws (noise). */
static int tornado_job(void *ctx, int worker, size_t j, vs_err *err)
{
    sens *s = ctx;
    sens_worker *w = &s->w[worker];
    reset_inputs(s, w);
    if (j > 0) {
        size_t i = 0;
        while (i + 1 < s->n_inputs && s->job0[i + 1] <= j)
            i++;
        size_t k = j - s->job0[i];
        const vs_sensitivity_input *in = &s->inputs[i];
        if (in->kind == VS_SENSITIVITY_PARAM) {
            set_param_input(s, w, i, k == 0 ? VS_SENSITIVITY_LOW_U
                                            : VS_SENSITIVITY_HIGH_U);
        } else {
            const char *path = s->sc->noise[in->index].path;
            w->noise_on[in->index] = 1;
            w->noise_key[in->index] = vs_stream_key(s->o->seed, k, path);
        }
    }
    int st = evaluate(s, w, s->rows + j * s->n_row, err);
    if (st == VS_OK && j == 0) /* the point: keep its records */
        memcpy(s->point_sf, w->out->shortfalls,
               w->out->n_rules * sizeof *s->point_sf);
    return st;
}

/* Tornado cells of input i from the evaluated rows. */
static void tornado_fill(const sens *s, size_t i, double *scratch,
                         vs_sensitivity_result *res)
{
    const vs_sensitivity_input *in = &s->inputs[i];
    const double *point = s->rows;
    const double *first = s->rows + s->job0[i] * s->n_row;
    for (size_t c = 0; c < s->n_row; c++) {
        vs_sensitivity_cell *cell = &res->cells[c * s->n_inputs + i];
        cell->point = point[c];
        if (in->kind == VS_SENSITIVITY_PARAM) {
            cell->low = first[c];
            cell->high = first[s->n_row + c];
        } else {
            /* Undefined draws are left out, as in the run's summaries. */
            size_t m = 0;
            for (int k = 0; k < s->reps; k++) {
                double x = first[(size_t)k * s->n_row + c];
                if (!isnan(x))
                    scratch[m++] = x;
            }
            cell->low = m ? vs_quantile_double(scratch, m, 0.05) : NAN;
            cell->high = m ? vs_quantile_double(scratch, m, 0.95) : NAN;
        }
        cell->swing = cell->high - cell->low; /* NAN when either is */
    }
}

static int run_tornado(sens *s, vs_sensitivity_result *res, vs_err *err)
{
    vs_sobol_pool pool = pool_of(s);
    int st = vs_sobol_parallel(&pool, s->tornado_jobs, tornado_job, s, err);
    if (st != VS_OK)
        return st;
    double *scratch = malloc((size_t)s->reps * sizeof *scratch);
    if (!scratch)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < s->n_inputs; i++)
        tornado_fill(s, i, scratch, res);
    free(scratch);
    return VS_OK;
}

/* ---- Sobol ------------------------------------------------------------- */

/* The engine's row: u for each param input, a stream key for each noise
 * group (every group on). */
static int sobol_eval(void *ctx, int worker, const double *u,
                      const uint64_t *key, double *y, vs_err *err)
{
    sens *s = ctx;
    sens_worker *w = &s->w[worker];
    for (size_t p = 0; p < s->sc->n_params; p++)
        w->u[p] = s->param_input[p] >= 0 ? u[s->param_input[p]] : NAN;
    for (size_t k = 0; k < s->n_key; k++) {
        size_t g = s->inputs[s->n_u + k].index;
        w->noise_on[g] = 1;
        w->noise_key[g] = key[k];
    }
    return evaluate(s, w, y, err);
}

static int run_sobol(sens *s, vs_sensitivity_result *res, vs_err *err)
{
    const vs_sensitivity_opts *o = s->o;
    const char **names = malloc(s->n_inputs * sizeof *names);
    if (!names)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < s->n_inputs; i++)
        names[i] = s->inputs[i].name;
    vs_sobol_opts so;
    memset(&so, 0, sizeof so);
    so.n_u = s->n_u;
    so.n_key = s->n_key;
    so.names = names;
    so.n_out = s->n_row;
    so.n = o->n;
    so.seed = o->seed;
    so.bootstrap = o->bootstrap;
    so.pool = pool_of(s);
    so.rows_only = o->rows_only;
    so.row_lo = o->row_lo;
    so.row_hi = o->row_hi;
    so.f_out = o->f_out;
    so.f_in = o->f_in;
    s->done_before = o->rows_only ? 0 : (long)s->tornado_jobs;
    vs_sobol_result *sr = NULL;
    int st = vs_sobol_run(&so, sobol_eval, s, &sr, err);
    free(names);
    if (st != VS_OK || !sr)
        return st; /* rows_only: no indices */
    res->quasi_random = sr->quasi_random;
    for (size_t c = 0; c < s->n_row; c++)
        for (size_t i = 0; i < s->n_inputs; i++)
            res->cells[c * s->n_inputs + i].sobol = sr->idx[c * s->n_inputs + i];
    vs_sobol_free(sr);
    return VS_OK;
}

/* ---- run -------------------------------------------------------------- */

void vs_sensitivity_free(vs_sensitivity_result *r)
{
    if (!r)
        return;
    free(r->inputs);
    free(r->cells);
    free(r->shortfalls);
    free(r->point_stats);
    free(r);
}

static void sens_free(sens *s)
{
    if (s->w)
        for (int t = 0; t < s->threads; t++)
            worker_free(&s->w[t]);
    free(s->w);
    free(s->param_input);
    free(s->job0);
    free(s->rows);
    free(s->point_sf);
}

/* Map params to inputs and lay out the tornado's jobs. */
static int plan(sens *s)
{
    const vs_scenario *sc = s->sc;
    s->param_input = malloc((sc->n_params + 1) * sizeof *s->param_input);
    s->job0 = malloc(s->n_inputs * sizeof *s->job0);
    if (!s->param_input || !s->job0)
        return VS_ENOMEM;
    for (size_t p = 0; p < sc->n_params; p++) {
        s->param_input[p] = -1;
        if (sc->params[p].dist.kind == VS_DIST_FIXED)
            continue;
        for (size_t i = 0; i < s->n_u; i++)
            if (strcmp(s->inputs[i].name, param_input_name(&sc->params[p])) == 0)
                s->param_input[p] = (int)i;
    }
    size_t j = 1; /* job 0: the point */
    for (size_t i = 0; i < s->n_inputs; i++) {
        s->job0[i] = j;
        j += s->inputs[i].kind == VS_SENSITIVITY_PARAM ? 2 : (size_t)s->reps;
    }
    s->tornado_jobs = j;
    s->rows = calloc(j * s->n_row > 0 ? j * s->n_row : 1, sizeof *s->rows);
    return s->rows ? VS_OK : VS_ENOMEM;
}

/* The shortfalls of the whole analysis: the point evaluation's records,
 * and the other evaluations counted as its draws. */
static void keep_shortfalls(const sens *s, vs_sensitivity_result *res)
{
    for (size_t r = 0; r < res->n_rules; r++) {
        vs_shortfall_sum *t = &res->shortfalls[r];
        const vs_shortfall *p = &s->point_sf[r];
        *t = (vs_shortfall_sum){p->amount, p->kinds, p->eligible, 0, 0};
        for (int k = 0; k < s->threads; k++) {
            t->draws += s->w[k].sf_n[r];
            t->kinds |= s->w[k].sf_kinds[r];
        }
        t->draws -= p->kinds != 0; /* the point is no draw */
    }
    for (size_t c = 0; c < s->n_row; c++)
        res->point_stats[c].point = s->rows[c];
}

int vs_sensitivity_run(const vs_scenario *sc, const vs_sensitivity_opts *o,
                       vs_sensitivity_result **out, vs_err *err)
{
    vs_provenance prov;
    double t0 = vs_provenance_begin(&prov, sc->file, o->seed, o->n,
                                    o->threads);
    *out = NULL;
    sens s;
    memset(&s, 0, sizeof s);
    s.sc = sc;
    s.o = o;
    s.n_row = sc->n_variants * VS_STAT_COUNT;
    s.threads = o->threads > 0 ? o->threads : 1;
    s.reps = o->tornado_reps > 0 ? o->tornado_reps : VS_SENSITIVITY_TORNADO_REPS;

    int st = VS_ENOMEM;
    vs_sensitivity_result *res = calloc(1, sizeof *res);
    if (!res || vs_sensitivity_inputs(sc, &res->inputs, &res->n_inputs) != VS_OK)
        goto fail;
    if (res->n_inputs == 0) {
        st = vs_err_set(err, VS_EINPUT, sc->file, 0,
                        "nothing to analyse: no uncertain input (give a "
                        "number a distribution or add `uncertainty`)");
        goto fail;
    }
    s.inputs = res->inputs;
    s.n_inputs = res->n_inputs;
    while (s.n_u < s.n_inputs && s.inputs[s.n_u].kind == VS_SENSITIVITY_PARAM)
        s.n_u++;
    s.n_key = s.n_inputs - s.n_u;
    res->n_variants = sc->n_variants;
    res->n = o->n > 0 ? o->n : 0;
    res->bootstrap = o->n > 0 ? o->bootstrap : 0;
    res->tornado_reps = s.reps;
    res->cells = calloc(s.n_row * s.n_inputs, sizeof *res->cells);
    s.w = calloc((size_t)s.threads, sizeof *s.w);
    for (size_t v = 0; v < sc->n_variants; v++)
        res->n_rules += sc->variants[v].n_rules;
    s.point_sf = calloc(res->n_rules + 1, sizeof *s.point_sf);
    res->shortfalls = calloc(res->n_rules + 1, sizeof *res->shortfalls);
    res->point_stats = calloc(s.n_row + 1, sizeof *res->point_stats);
    if (!res->cells || !s.w || !s.point_sf || !res->shortfalls ||
        !res->point_stats || plan(&s) != VS_OK)
        goto fail;
    for (int t = 0; t < s.threads; t++)
        if (worker_init(sc, &s.w[t]) != VS_OK)
            goto fail;
    long sobol_evals = res->n * (long)(s.n_inputs + 2);
    s.grand_total = (long)s.tornado_jobs + sobol_evals;
    res->evaluations = s.grand_total;
    res->threads = s.threads;

    if (!o->rows_only && (st = run_tornado(&s, res, err)) != VS_OK)
        goto fail_quiet;
    if (o->rows_only)
        for (size_t c = 0; c < s.n_row * s.n_inputs; c++)
            res->cells[c].sobol = (vs_sobol_index){NAN, NAN, NAN, NAN, NAN, NAN};
    if (res->n > 0) {
        if ((st = run_sobol(&s, res, err)) != VS_OK)
            goto fail_quiet;
    } else {
        for (size_t c = 0; c < s.n_row * s.n_inputs; c++)
            res->cells[c].sobol = (vs_sobol_index){NAN, NAN, NAN, NAN, NAN, NAN};
    }
    keep_shortfalls(&s, res);
    prov.threads = res->threads;
    vs_provenance_end(&prov, t0, res->n);
    res->prov = prov;
    res->wall_seconds = prov.wall_seconds;
    sens_free(&s);
    *out = res;
    return VS_OK;

fail:
    if (st == VS_ENOMEM)
        vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
fail_quiet:
    if (st == VS_ERUN)
        vs_err_set(err, VS_ERUN, NULL, 0, "in the sensitivity analysis");
    sens_free(&s);
    vs_sensitivity_free(res);
    return st;
}
