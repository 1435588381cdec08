/* sobol.c: Saltelli sampling, Saltelli/Jansen estimators and bootstrap
 * intervals for any function of u and key inputs (see sobol.h). */
#include "analysis/sobol.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "engine/dist.h"

/* ---- thread pool ------------------------------------------------------ */

/* Jobs are handed out in chunks from one counter: which thread runs a job
 * changes from run to run, but every job writes only its own outputs. */
#define POOL_CHUNK 8

typedef struct pool_worker {
    struct pool_run *run;
    int id;
    pthread_t thread;
    size_t fail_job; /* the job that failed, when status != VS_OK */
    int status;
    vs_err err;
} pool_worker;

typedef struct pool_run {
    const vs_sobol_pool *pool;
    size_t n_jobs;
    vs_sobol_job_fn fn;
    void *ctx;
    atomic_size_t next;  /* first job of the next chunk */
    atomic_long done;    /* jobs finished */
    atomic_int halt;     /* a job failed or the user interrupted */
    int interrupted;     /* set by worker 0 only */
    long reported;       /* last progress reported (worker 0 only) */
} pool_run;

static void pool_work(pool_worker *w)
{
    pool_run *r = w->run;
    const vs_sobol_pool *p = r->pool;
    for (;;) {
        /* Only the calling thread reads the signal flag: it is a
         * sig_atomic_t, not an atomic shared with other threads. */
        if (w->id == 0 && p->stop && *p->stop) {
            r->interrupted = 1;
            atomic_store(&r->halt, 1);
        }
        if (atomic_load(&r->halt))
            return;
        size_t j0 = atomic_fetch_add(&r->next, POOL_CHUNK);
        if (j0 >= r->n_jobs)
            return;
        size_t j1 = j0 + POOL_CHUNK < r->n_jobs ? j0 + POOL_CHUNK : r->n_jobs;
        for (size_t j = j0; j < j1; j++) {
            int st = r->fn(r->ctx, w->id, j, &w->err);
            if (st != VS_OK) {
                w->status = st;
                w->fail_job = j;
                atomic_store(&r->halt, 1);
                return;
            }
        }
        long done = atomic_fetch_add(&r->done, (long)(j1 - j0)) + (long)(j1 - j0);
        /* About 200 reports per run: a report writes to a terminal. */
        long step = (long)(r->n_jobs / 200) + 1;
        if (w->id == 0 && p->progress && done - r->reported >= step) {
            r->reported = done;
            p->progress(p->progress_ctx, done, (long)r->n_jobs);
        }
    }
}

static void *pool_main(void *arg)
{
    pool_work(arg);
    return NULL;
}

int vs_sobol_parallel(const vs_sobol_pool *pool, size_t n_jobs,
                      vs_sobol_job_fn fn, void *ctx, vs_err *err)
{
    int threads = pool->threads > 0 ? pool->threads : 1;
    if ((size_t)threads > n_jobs)
        threads = n_jobs > 0 ? (int)n_jobs : 1;
    pool_worker *w = calloc((size_t)threads, sizeof *w);
    if (!w)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    pool_run r;
    memset(&r, 0, sizeof r);
    r.pool = pool;
    r.n_jobs = n_jobs;
    r.fn = fn;
    r.ctx = ctx;
    atomic_init(&r.next, 0);
    atomic_init(&r.done, 0);
    /* Raised before the start: no job runs, whichever thread is first. */
    r.interrupted = pool->stop && *pool->stop;
    atomic_init(&r.halt, r.interrupted);
    for (int t = 0; t < threads; t++) {
        w[t].run = &r;
        w[t].id = t;
        vs_err_init(&w[t].err);
    }
    int started = 1;
    for (int t = 1; t < threads; t++, started++)
        if (pthread_create(&w[t].thread, NULL, pool_main, &w[t]) != 0)
            break; /* run with fewer threads: the results are the same */
    pool_work(&w[0]);
    for (int t = 1; t < started; t++)
        pthread_join(w[t].thread, NULL);

    int st = VS_OK, fail = -1;
    for (int t = 0; t < started; t++)
        if (w[t].status != VS_OK && (fail < 0 || w[t].fail_job < w[fail].fail_job))
            fail = t;
    if (fail >= 0) {
        vs_err_merge(err, &w[fail].err);
        st = w[fail].status;
    } else if (r.interrupted) {
        st = vs_err_set(err, VS_EINTR, NULL, 0, "interrupted");
    } else if (pool->progress) {
        pool->progress(pool->progress_ctx, (long)n_jobs, (long)n_jobs);
    }
    for (int t = 0; t < threads; t++)
        vs_err_free(&w[t].err);
    free(w);
    return st;
}

/* ---- sampling --------------------------------------------------------- */

size_t vs_sobol_qmc_max_inputs(void)
{
    /* GSL 2.7 does not refuse more dimensions than gsl_qrng_sobol has
     * direction numbers for: it returns garbage.  Check it here. */
    return gsl_qrng_sobol->max_dimension / 2;
}

/* A number in (0,1) from the top 53 bits of a hash: never 0 or 1, so
 * every quantile function stays finite. */
static double u_from_key(uint64_t key)
{
    return ((double)(key >> 11) + 0.5) * 0x1p-53;
}

typedef struct sobol_run {
    const vs_sobol_opts *o;
    vs_sobol_fn fn;
    void *ctx;
    size_t d, rows_per;  /* inputs; evaluations per base row (d + 2) */
    size_t job0;         /* the first job evaluated (rows_only: a shard) */
    const char *const *names; /* d names used in the stream hashes */
    char **own_names;    /* numbered names when the caller gave none */
    double *ua, *ub;     /* N x n_u each: the u inputs of A and B */
    double *f;           /* (N x rows_per) x n_out: every evaluation */
    double *u_scratch;   /* threads x n_u */
    uint64_t *k_scratch; /* threads x n_key */

    /* bootstrap */
    size_t *rows;        /* threads x N resampled row numbers */
    gsl_rng **rng;       /* threads */
    unsigned char *defined; /* n_out: every evaluation of the output defined */
    double *boot;        /* (n_out x d) x 2 x B: S1 then ST per resample */
    double *est;         /* threads x n_out (2 + 2d): sums of one estimate */
} sobol_run;

/* Key of input i in row r of matrix m (0 = A, 1 = B). */
static uint64_t row_key(const sobol_run *s, long r, int m, size_t i)
{
    return vs_stream_key(s->o->seed, 2 * (uint64_t)r + (uint64_t)m, s->names[i]);
}

static int fill_u(sobol_run *s)
{
    const vs_sobol_opts *o = s->o;
    size_t nu = o->n_u;
    if (nu == 0)
        return VS_OK;
    if (nu <= vs_sobol_qmc_max_inputs()) {
        gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * nu));
        double *x = malloc(2 * nu * sizeof *x);
        if (!q || !x) {
            gsl_qrng_free(q);
            free(x);
            return VS_ENOMEM;
        }
        /* A in the first n_u dimensions, B in the next n_u: one point of a
         * 2 n_u-dimensional low-discrepancy sequence per base row.  GSL's
         * sequence starts after the all-zero point, so every u is in (0,1). */
        for (long r = 0; r < o->n; r++) {
            gsl_qrng_get(q, x);
            memcpy(s->ua + (size_t)r * nu, x, nu * sizeof *x);
            memcpy(s->ub + (size_t)r * nu, x + nu, nu * sizeof *x);
        }
        gsl_qrng_free(q);
        free(x);
        return VS_OK;
    }
    for (long r = 0; r < o->n; r++)
        for (size_t i = 0; i < nu; i++) {
            s->ua[(size_t)r * nu + i] = u_from_key(row_key(s, r, 0, i));
            s->ub[(size_t)r * nu + i] = u_from_key(row_key(s, r, 1, i));
        }
    return VS_OK;
}

/* Job j = base row r, matrix m: 0 = A, 1 = B, 2 + i = AB_i. */
static int eval_job(void *ctx, int worker, size_t j, vs_err *err)
{
    sobol_run *s = ctx;
    const vs_sobol_opts *o = s->o;
    size_t nu = o->n_u, nk = o->n_key;
    j += s->job0;
    long r = (long)(j / s->rows_per);
    size_t m = j % s->rows_per;
    double *u = s->u_scratch + (size_t)worker * nu;
    uint64_t *key = s->k_scratch + (size_t)worker * nk;
    memcpy(u, (m == 1 ? s->ub : s->ua) + (size_t)r * nu, nu * sizeof *u);
    for (size_t k = 0; k < nk; k++)
        key[k] = row_key(s, r, m == 1, nu + k);
    if (m >= 2) {
        size_t i = m - 2;
        if (i < nu)
            u[i] = s->ub[(size_t)r * nu + i];
        else
            key[i - nu] = row_key(s, r, 1, i);
    }
    return s->fn(s->ctx, worker, u, key, s->f + j * o->n_out, err);
}

/* ---- estimators ------------------------------------------------------- */

/* A variance this small against the mean is rounding in a constant. */
static int variance_is_zero(double var, double mean)
{
    return !(var > 1e-24 * mean * mean);
}

/* Sums of one estimate: per output, then per output and input. */
typedef struct sums {
    double *mean, *var; /* n_out */
    double *s1, *st;    /* n_out x d, row per output */
} sums;

/* Point to the worker's n_out (2 + 2d) scratch doubles. */
static sums sums_at(const sobol_run *s, int worker)
{
    size_t no = s->o->n_out, d = s->d;
    double *p = s->est + (size_t)worker * no * (2 + 2 * d);
    return (sums){p, p + no, p + 2 * no, p + 2 * no + no * d};
}

/* Mean, variance, S1 and ST of every output and input over base rows
 * rows[0..n) (NULL: 0..n-1).  Each pass walks the rows once, reading a
 * base row's evaluations where they lie side by side, and every sum runs
 * in row order.  S1 and ST are NAN where V = 0. */
static void estimate(const sobol_run *s, const size_t *rows, long n, sums x)
{
    size_t no = s->o->n_out, d = s->d, stride = s->rows_per * no;
    memset(x.mean, 0, no * sizeof *x.mean);
    memset(x.var, 0, no * sizeof *x.var);
    memset(x.s1, 0, no * d * sizeof *x.s1);
    memset(x.st, 0, no * d * sizeof *x.st);
    for (long k = 0; k < n; k++) {
        const double *fa = s->f + (rows ? rows[k] : (size_t)k) * stride;
        const double *fb = fa + no;
        for (size_t o = 0; o < no; o++)
            x.mean[o] += fa[o] + fb[o];
    }
    for (size_t o = 0; o < no; o++)
        x.mean[o] /= 2.0 * (double)n;
    for (long k = 0; k < n; k++) {
        const double *fa = s->f + (rows ? rows[k] : (size_t)k) * stride;
        const double *fb = fa + no;
        for (size_t o = 0; o < no; o++) {
            double a = fa[o] - x.mean[o], b = fb[o] - x.mean[o];
            x.var[o] += a * a + b * b;
            for (size_t i = 0; i < d; i++) {
                double fab = fa[(2 + i) * no + o];
                /* f_B centred on the mean: the expectation is the same
                 * (f_ABi - f_A has mean 0), but uncentred the estimator's
                 * variance grows with mean^2 / V, which ruins metrics such
                 * as a total of 1e11 öre that varies by 1e8. */
                x.s1[o * d + i] += b * (fab - fa[o]);
                x.st[o * d + i] += (fa[o] - fab) * (fa[o] - fab);
            }
        }
    }
    for (size_t o = 0; o < no; o++) {
        double v = x.var[o] / (2.0 * (double)n);
        x.var[o] = v;
        for (size_t i = 0; i < d; i++) {
            double *s1 = &x.s1[o * d + i], *st = &x.st[o * d + i];
            if (variance_is_zero(v, x.mean[o])) {
                *s1 = *st = NAN;
            } else {
                *s1 = *s1 / (double)n / v;
                *st = *st / (2.0 * (double)n) / v;
            }
        }
    }
}

/* Bootstrap resample b: rows drawn with replacement from a stream of its
 * own, so the intervals do not depend on the thread count. */
static int boot_job(void *ctx, int worker, size_t b, vs_err *err)
{
    (void)err;
    sobol_run *s = ctx;
    const vs_sobol_opts *o = s->o;
    long n = o->n;
    size_t B = (size_t)o->bootstrap, d = s->d;
    size_t *rows = s->rows + (size_t)worker * (size_t)n;
    gsl_rng *rng = s->rng[worker];
    vs_stream_seed(rng, o->seed, b, "sobol.bootstrap");
    for (long k = 0; k < n; k++)
        rows[k] = (size_t)gsl_rng_uniform_int(rng, (unsigned long)n);
    sums x = sums_at(s, worker);
    estimate(s, rows, n, x);
    for (size_t out = 0; out < o->n_out; out++) {
        if (!s->defined[out])
            continue;
        for (size_t i = 0; i < d; i++) {
            double *cell = s->boot + ((out * d + i) * 2) * B;
            cell[b] = x.s1[out * d + i];
            cell[B + b] = x.st[out * d + i];
        }
    }
    return VS_OK;
}

/* 2.5 % and 97.5 % percentiles (type 7) of the defined values of v[0..n);
 * reorders v.  NAN when none is defined. */
static void interval(double *v, size_t n, double *lo, double *hi)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (!isnan(v[k]))
            v[m++] = v[k];
    if (m == 0) {
        *lo = *hi = NAN;
        return;
    }
    gsl_sort(v, 1, m); /* NaN removed first: sorting misplaces it */
    *lo = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.025);
    *hi = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.975);
}

static void run_free(sobol_run *s, int threads)
{
    if (s->own_names)
        for (size_t i = 0; i < s->d; i++)
            free(s->own_names[i]);
    free(s->own_names);
    free(s->ua);
    free(s->ub);
    free(s->f);
    free(s->u_scratch);
    free(s->k_scratch);
    free(s->rows);
    if (s->rng) {
        for (int t = 0; t < threads; t++)
            if (s->rng[t])
                gsl_rng_free(s->rng[t]);
        free(s->rng);
    }
    free(s->defined);
    free(s->boot);
    free(s->est);
}

void vs_sobol_free(vs_sobol_result *r)
{
    if (!r)
        return;
    free(r->mean);
    free(r->var);
    free(r->idx);
    free(r);
}

/* calloc of a * b * c elements of `size`, NULL on overflow. */
static void *calloc3(size_t a, size_t b, size_t c, size_t size)
{
    if (a == 0 || b == 0 || c == 0)
        return calloc(1, size);
    if (b > SIZE_MAX / a || c > SIZE_MAX / (a * b))
        return NULL;
    return calloc(a * b * c, size);
}

/* Point estimates, then the bootstrap and its percentiles. */
static int sobol_estimate_all(sobol_run *s, vs_sobol_result *res, vs_err *err)
{
    const vs_sobol_opts *o = s->o;
    size_t d = s->d, n = (size_t)o->n, B = (size_t)o->bootstrap;
    int threads = o->pool.threads > 0 ? o->pool.threads : 1;
    s->defined = calloc(o->n_out, 1);
    s->est = calloc3((size_t)threads, o->n_out, 2 + 2 * d, sizeof *s->est);
    if (!s->defined || !s->est)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    sums x0 = sums_at(s, 0); /* worker 0's, free until the bootstrap */
    estimate(s, NULL, o->n, x0);
    for (size_t out = 0; out < o->n_out; out++) {
        /* An output undefined in any evaluation has no indices. */
        int ok = 1;
        for (size_t j = 0; j < n * s->rows_per && ok; j++)
            ok = !isnan(s->f[j * o->n_out + out]);
        s->defined[out] = (unsigned char)ok;
        vs_sobol_index *x = res->idx + out * d;
        if (!ok) {
            res->mean[out] = res->var[out] = NAN;
            for (size_t i = 0; i < d; i++)
                x[i] = (vs_sobol_index){NAN, NAN, NAN, NAN, NAN, NAN};
            continue;
        }
        res->mean[out] = x0.mean[out];
        res->var[out] = x0.var[out];
        for (size_t i = 0; i < d; i++)
            x[i] = (vs_sobol_index){x0.s1[out * d + i], NAN, NAN,
                                    x0.st[out * d + i], NAN, NAN};
        if (isnan(x[0].s1))
            s->defined[out] = 0; /* V = 0: no intervals either */
    }
    if (B == 0)
        return VS_OK;

    s->rows = calloc3((size_t)threads, n, 1, sizeof *s->rows);
    s->rng = calloc((size_t)threads, sizeof *s->rng);
    s->boot = calloc3(o->n_out * d, 2, B, sizeof *s->boot);
    if (!s->rows || !s->rng || !s->boot)
        return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    for (int t = 0; t < threads; t++)
        if (!(s->rng[t] = gsl_rng_alloc(vs_stream_type())))
            return vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
    vs_sobol_pool pool = o->pool;
    pool.progress = NULL; /* quick next to the evaluations */
    int rc = vs_sobol_parallel(&pool, B, boot_job, s, err);
    if (rc != VS_OK)
        return rc;
    for (size_t out = 0; out < o->n_out; out++) {
        if (!s->defined[out])
            continue;
        for (size_t i = 0; i < d; i++) {
            double *cell = s->boot + ((out * d + i) * 2) * B;
            vs_sobol_index *x = &res->idx[out * d + i];
            interval(cell, B, &x->s1_lo, &x->s1_hi);
            interval(cell + B, B, &x->st_lo, &x->st_hi);
        }
    }
    return VS_OK;
}

int vs_sobol_run(const vs_sobol_opts *o, vs_sobol_fn fn, void *ctx,
                 vs_sobol_result **out, vs_err *err)
{
    *out = NULL;
    size_t d = o->n_u + o->n_key;
    if (d == 0 || o->n_out == 0 || o->n < 1 || o->bootstrap < 0)
        return vs_err_set(err, VS_EINPUT, NULL, 0,
                          "sobol: need inputs, outputs and N >= 1");
    int threads = o->pool.threads > 0 ? o->pool.threads : 1;
    size_t n = (size_t)o->n;
    sobol_run s;
    memset(&s, 0, sizeof s);
    s.o = o;
    s.fn = fn;
    s.ctx = ctx;
    s.d = d;
    s.rows_per = d + 2;
    vs_sobol_result *res = calloc(1, sizeof *res);
    int st = VS_ENOMEM;
    if (!res)
        goto fail;
    if (o->names) {
        s.names = o->names;
    } else {
        /* Numbered names: "#0", "#1", ... */
        if (!(s.own_names = calloc(d, sizeof *s.own_names)))
            goto fail;
        for (size_t i = 0; i < d; i++) {
            char buf[32];
            snprintf(buf, sizeof buf, "#%zu", i);
            if (!(s.own_names[i] = malloc(strlen(buf) + 1)))
                goto fail;
            strcpy(s.own_names[i], buf);
        }
        s.names = (const char *const *)s.own_names;
    }
    s.ua = calloc3(n, o->n_u, 1, sizeof *s.ua);
    s.ub = calloc3(n, o->n_u, 1, sizeof *s.ub);
    s.f = calloc3(n, s.rows_per, o->n_out, sizeof *s.f);
    s.u_scratch = calloc3((size_t)threads, o->n_u, 1, sizeof *s.u_scratch);
    s.k_scratch = calloc3((size_t)threads, o->n_key, 1, sizeof *s.k_scratch);
    res->mean = calloc(o->n_out, sizeof *res->mean);
    res->var = calloc(o->n_out, sizeof *res->var);
    res->idx = calloc3(o->n_out, d, 1, sizeof *res->idx);
    if (!s.ua || !s.ub || !s.f || !s.u_scratch || !s.k_scratch ||
        !res->mean || !res->var || !res->idx)
        goto fail;
    res->n_inputs = d;
    res->n_out = o->n_out;
    res->n = o->n;
    res->quasi_random = o->n_u > 0 && o->n_u <= vs_sobol_qmc_max_inputs();
    if ((st = fill_u(&s)) != VS_OK)
        goto fail;

    size_t lo = o->rows_only ? o->row_lo : 0;
    size_t hi = o->rows_only ? (o->row_hi < n ? o->row_hi : n) : n;
    size_t per_row = s.rows_per * o->n_out;
    if (o->f_in) {
        memcpy(s.f, o->f_in, n * per_row * sizeof *s.f);
    } else if (hi > lo) {
        s.job0 = lo * s.rows_per;
        st = vs_sobol_parallel(&o->pool, (hi - lo) * s.rows_per, eval_job, &s, err);
        if (st != VS_OK)
            goto fail_quiet;
    }
    if (o->rows_only) {
        if (hi > lo)
            memcpy(o->f_out, s.f + lo * per_row, (hi - lo) * per_row * sizeof *s.f);
        run_free(&s, threads);
        vs_sobol_free(res);
        return VS_OK;
    }
    st = sobol_estimate_all(&s, res, err);
    if (st != VS_OK)
        goto fail_quiet;
    run_free(&s, threads);
    *out = res;
    return VS_OK;

fail:
    if (st == VS_ENOMEM)
        vs_err_set(err, VS_ENOMEM, NULL, 0, "out of memory");
fail_quiet:
    run_free(&s, threads);
    vs_sobol_free(res);
    return st;
}
