/* engine/sim.h: the Monte Carlo loop's building blocks, for the
 * analyses (sweep, sensitivity) and bench/stages.  Not installed: these
 * take the engine's scratch types (eval.h, draw.h with its GSL generator);
 * the public half is include/vardsim/sim.h. */
#ifndef VARDSIM_ENGINE_SIM_H
#define VARDSIM_ENGINE_SIM_H

#include "engine/draw.h"
#include "engine/eval.h"
#include "engine/quantile.h"
#include "vardsim/metrics.h"
#include "vardsim/sim.h"

/* Iterations 1..N run in fixed blocks of VS_SIM_BLOCK (the last one
 * shorter): the unit threads share, --precision checks and shards
 * (`--shard K/N`) split.  Block b holds iterations b x VS_SIM_BLOCK + 1 ..
 * (b + 1) x VS_SIM_BLOCK.  The first block is also the pilot that
 * calibrates every streaming histogram. */
#define VS_SIM_BLOCK 250L

/* Region-level values (iterations x variants x VS_STAT_COUNT doubles) are
 * kept exactly, and summarised as docs/methods.md says, while there are
 * at most VS_SIM_REGION_EXACT of them or the run has at most
 * VS_SIM_REGION_EXACT_ITER iterations; past both they stream into a
 * vs_rstat each (exact sums, a histogram calibrated on the pilot), so
 * memory does not grow with iterations.  The mode depends only on N and
 * the scenario's size, never on a shard or thread split. */
#define VS_SIM_REGION_EXACT 10000000L
#define VS_SIM_REGION_EXACT_ITER 10000L
#define VS_RHIST_BUCKETS 4096

/* One region-level statistic of one variant, streamed: count and exact
 * sums of the defined values' offsets from x0 (the pilot's first defined
 * value) and of their squares, the comparison with the baseline (count,
 * better, exact sum of differences), and a histogram of VS_RHIST_BUCKETS
 * calibrated on the pilot as vs_hist is.  Every part is an integer or an
 * exact sum, so blocks combine in any grouping to the same bytes. */
typedef struct vs_rstat {
    double x0, lo, width, inv_width;
    int64_t n, both, better;
    vs_xsum s, q, d;
    uint32_t b[VS_RHIST_BUCKETS + 2];
} vs_rstat;

/* The per-centre histograms of an accumulator in histogram mode (see
 * quantile.h for one histogram): histogram j is column j's allocation,
 * histogram ncol + vs_sim_change_hist(...) its change against the baseline,
 * for the columns of the other variants only (the baseline's change is
 * always 0: its change quantiles are undefined).  Histogram h spans
 * lo[h] + i width[h] (inv[h] = 1 / width[h]) and has its VS_HIST_SLOTS
 * counts at h x VS_HIST_SLOTS of c16 while at most VS_CHIST16_MAX values
 * can have been counted into it (a range of that many iterations), else of
 * c32: half the memory, and the same counts.  Partial files hold them as
 * u32 whatever the width (docs/partial-format.md). */
#define VS_CHIST16_MAX 65535L

typedef struct vs_chist {
    size_t n;                 /* histograms */
    int wide;                 /* counts in c32, else c16 */
    double *lo, *width, *inv; /* n each */
    uint16_t *c16;
    uint32_t *c32;
} vs_chist;

/* Room for n histograms with counts for `iterations` values at most
 * (zeroed); VS_ENOMEM. */
int vs_chist_alloc(vs_chist *h, size_t n, long iterations);
void vs_chist_free(vs_chist *h);
/* Count i of histogram k. */
static inline uint32_t vs_chist_count(const vs_chist *h, size_t k, size_t i)
{
    size_t at = k * VS_HIST_SLOTS + i;
    return h->wide ? h->c32[at] : h->c16[at];
}
/* Set count i of histogram k (c fits: at most the iterations allocated). */
static inline void vs_chist_set(vs_chist *h, size_t k, size_t i, uint32_t c)
{
    size_t at = k * VS_HIST_SLOTS + i;
    if (h->wide)
        h->c32[at] = c;
    else
        h->c16[at] = (uint16_t)c;
}
/* The type-7 estimate of quantile p of histogram k (vs_hist_quantile). */
double vs_chist_quantile(const vs_chist *h, size_t k, double p);

/* Per-centre sums reach iterations x 1e17 öre: wider than int64. */
__extension__ typedef __int128 vs_i128;

/* What a range of blocks leaves behind before the summaries: the point
 * estimate (every shard computes it), and the accumulators of the range's
 * iterations.  vs_sim_acc_append joins the next range's; vs_sim_finish
 * summarises a whole run.  src/out/partial.c writes and reads it. */
typedef struct vs_sim_acc {
    size_t nv, nc, ncol, n_rules;
    size_t baseline;     /* the scenario's baseline variant */
    long n_total;        /* N asked: fixes the modes below */
    long b0, b1;         /* blocks [b0, b1) of vs_sim_blocks(n_total) */
    long n;              /* iterations done in the range (from b0's first) */
    int centre_stats;    /* 0: region_only */
    int exact_centres;   /* per-centre values kept (else hist) */
    int exact_region;    /* region values kept (else rs) */
    int converged;       /* --precision reached */
    int threads;
    /* iteration 0 */
    double *prow;        /* nv x VS_STAT_COUNT */
    vs_ore *pt_alloc;    /* ncol */
    vs_ore *pt_total;    /* nv */
    double *pt_listed, *pt_cni, *pt_need; /* nc */
    size_t *rule_base;   /* nv */
    vs_ore *steps;       /* n_rules x nc */
    vs_shortfall_sum *shortfalls; /* n_rules: point, and the range's draws */
    int *nodiff;         /* nv */
    /* per centre (when centre_stats) */
    vs_i128 *sums;       /* ncol */
    int64_t *losses;     /* ncol */
    int64_t *cvals;      /* exact: column j at cvals + j x cvals_cap */
    long cvals_cap;
    vs_chist hist;       /* streaming: allocation per column, change per
                            column off the baseline (vs_sim_change_hist) */
    /* region level */
    double *draws;       /* exact: n rows of nv x VS_STAT_COUNT */
    long draws_cap;      /* rows allocated */
    vs_rstat *rs;        /* streaming: nv x VS_STAT_COUNT */
    vs_provenance prov;
    double t0;
} vs_sim_acc;

/* Histogram of column j's change (j of a variant other than the
 * baseline, whose columns are nc from baseline x nc on), counted from
 * ncol in vs_chist. */
static inline size_t vs_sim_change_hist(size_t j, size_t nc, size_t baseline)
{
    return j < baseline * nc ? j : j - nc;
}

/* Blocks of a run of n iterations: ceil(n / VS_SIM_BLOCK). */
long vs_sim_blocks(long n);

/* Compute the point estimate and blocks [b0, b1) (b1 < 0: all) into a new
 * accumulator (free with vs_sim_acc_free).  --precision (opts->precision)
 * only with the whole run.  Returns as vs_sim_run does. */
int vs_sim_compute(const vs_scenario *sc, const vs_sim_opts *opts, long b0,
                   long b1, vs_sim_acc **out, vs_err *err);

/* Join `next` (the blocks right after a's) into a; VS_EINPUT with a
 * message when they do not fit together. */
int vs_sim_acc_append(vs_sim_acc *a, const vs_sim_acc *next, vs_err *err);

/* The results of a whole run from its accumulator (all blocks, or a run
 * --precision stopped).  `threads` share the summaries (results do not
 * depend on it).  The kept region-level rows move into the results. */
int vs_sim_finish(const vs_scenario *sc, vs_sim_acc *acc, int threads,
                  vs_results **out, vs_err *err);

void vs_sim_acc_free(vs_sim_acc *acc);

/* One evaluation's row of region-level statistics, as the Monte Carlo loop
 * computes it for each iteration: evaluate every variant on the inputs
 * `in` (already filled, e.g. by vs_draw_fill or vs_draw_fill_with) into
 * `out`, then write VS_STAT_COUNT values per variant into row (metrics,
 * then total and unallocated in öre; NAN = undefined).  ws and mws are
 * the caller's scratch (sized for sc->n_centres).  Returns VS_OK or
 * VS_ERUN with err (a rule overflowed); allocates nothing. */
int vs_sim_eval_row(const vs_scenario *sc, vs_draw *in, vs_ws *ws,
                    vs_outcome *out, vs_metric_ws *mws, double *row,
                    vs_err *err);

/* The second half of vs_sim_eval_row: the row of `out`, already
 * evaluated on `in` (bench/stages times the two halves apart). */
void vs_sim_metrics_row(const vs_scenario *sc, const vs_draw *in,
                        const vs_outcome *out, vs_metric_ws *mws, double *row);

/* Summary of one statistic, for callers that have their own values (e.g.
 * sweeps): values[0..n) in iteration order (NAN = undefined), base likewise
 * or NULL for the baseline; point and base_point from iteration 0. */
void vs_sim_summarise(const double *values, const double *base, long n,
                      double point, double base_point, int stat_id,
                      double *scratch, vs_stat *out);

#endif
