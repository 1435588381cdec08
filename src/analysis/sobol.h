/* sobol.h: variance-based sensitivity indices (Sobol) for any function.
 *
 * The engine knows nothing of scenarios: a callback evaluates one row of
 * inputs into a vector of outputs.  It draws two matrices A and B of N
 * rows, evaluates f(A), f(B) and f(AB_i) (A with input i taken from B) and
 * estimates, per output and input,
 *
 *   first order  S_i  = mean(f_B (f_ABi - f_A)) / V      (Saltelli 2010)
 *   total        ST_i = mean((f_A - f_ABi)^2) / (2 V)    (Jansen 1999)
 *
 * with V the variance of f_A and f_B taken together, plus bootstrap
 * percentile intervals (rows resampled with replacement).
 *
 * An input is of one of two kinds:
 * - a *u input* is a number in (0,1) (the caller maps it through a
 *   quantile function).  A and B hold GSL's quasi-random Sobol sequence,
 *   A in dimensions 0..n_u-1 and B in n_u..2 n_u-1, when 2 n_u is within
 *   the generator's 40 dimensions; beyond that every u comes from a
 *   pseudo-random stream hashed from (seed, row, matrix, input name).
 * - a *key input* is an opaque 64-bit stream key (the caller seeds a
 *   random generator with it, e.g. for noise that has no single quantile):
 *   hashed from (seed, row, matrix, input name), so A and B rows differ.
 *
 * Every row is evaluated on its own and the estimators sum in row order,
 * so the results are byte-identical for any thread count. */
#ifndef VARDSIM_SOBOL_H
#define VARDSIM_SOBOL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "vardsim/error.h"

/* ---- a small pool of threads for independent jobs -------------------- */

/* Run job `job` on worker `worker` (0 <= worker < threads).  Returns VS_OK
 * or a status with err (the worker's own error struct). */
typedef int (*vs_sobol_job_fn)(void *ctx, int worker, size_t job, vs_err *err);

/* Progress report: `done` of `total` jobs, called from the calling thread. */
typedef void (*vs_sobol_progress_fn)(void *ctx, long done, long total);

typedef struct vs_sobol_pool {
    int threads;                  /* >= 1; the caller's thread is worker 0 */
    vs_sobol_progress_fn progress;/* may be NULL */
    void *progress_ctx;
    volatile sig_atomic_t *stop;  /* may be NULL; nonzero stops early */
} vs_sobol_pool;

/* Run jobs 0..n_jobs-1, each exactly once, on up to pool->threads threads
 * (fewer when threads cannot be started: results must not depend on the
 * count, so jobs may only write their own outputs).  Returns VS_OK,
 * VS_EINTR when *stop was raised, VS_ENOMEM, or the status of a failed
 * job, whose error (the lowest failing job among those that ran) is merged
 * into err. */
int vs_sobol_parallel(const vs_sobol_pool *pool, size_t n_jobs,
                      vs_sobol_job_fn fn, void *ctx, vs_err *err);

/* ---- Sobol indices ---------------------------------------------------- */

/* Evaluate one row: u[0..n_u) in (0,1), key[0..n_key), into
 * y[0..n_out) (NAN = undefined).  Called concurrently from several
 * threads with distinct `worker` numbers.  Returns VS_OK or a status with
 * err. */
typedef int (*vs_sobol_fn)(void *ctx, int worker, const double *u,
                           const uint64_t *key, double *y, vs_err *err);

typedef struct vs_sobol_opts {
    size_t n_u, n_key;      /* inputs of each kind; u inputs come first */
    const char *const *names; /* n_u + n_key names hashed into the streams,
                                 or NULL (inputs are then numbered) */
    size_t n_out;           /* outputs per evaluation */
    long n;                 /* base sample N >= 1 */
    uint64_t seed;
    int bootstrap;          /* resamples for the intervals; 0: none */
    vs_sobol_pool pool;     /* threads, progress, stop */
    /* Shards (docs/partial-format.md): with rows_only, evaluate base rows
     * [row_lo, row_hi) only, into f_out ((row_hi - row_lo) x (n_u + n_key
     * + 2) x n_out, row by row, each row's f(A), f(B), f(AB_i) in order)
     * and estimate nothing (*out stays NULL); with f_in, evaluate nothing
     * and estimate from every row's values (N rows laid out so). */
    int rows_only;
    size_t row_lo, row_hi;
    double *f_out;
    const double *f_in;
} vs_sobol_opts;

/* Indices of one input for one output.  NAN where undefined: V = 0, an
 * undefined output in some row, or (intervals) no bootstrap. */
typedef struct vs_sobol_index {
    double s1, s1_lo, s1_hi; /* first order and its 2.5 % .. 97.5 % interval */
    double st, st_lo, st_hi; /* total order and its interval */
} vs_sobol_index;

typedef struct vs_sobol_result {
    size_t n_inputs, n_out;
    long n;
    int quasi_random;  /* 1: u inputs from the Sobol sequence; 0: hashed */
    double *mean, *var;/* per output, over f_A and f_B (NAN if undefined) */
    vs_sobol_index *idx; /* n_out * n_inputs, row per output */
} vs_sobol_result;

/* Largest number of u inputs that still get quasi-random numbers. */
size_t vs_sobol_qmc_max_inputs(void);

/* Estimate every index.  Evaluates N (n_u + n_key + 2) rows through fn.
 * Returns VS_OK and sets *out (free with vs_sobol_free); VS_EINPUT when
 * the options make no sense; VS_EINTR, VS_ENOMEM or the status of a failed
 * evaluation (with err) otherwise. */
int vs_sobol_run(const vs_sobol_opts *o, vs_sobol_fn fn, void *ctx,
                 vs_sobol_result **out, vs_err *err);

/* Accepts NULL. */
void vs_sobol_free(vs_sobol_result *r);

#endif
