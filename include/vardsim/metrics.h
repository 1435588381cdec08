/* metrics.h: equity metrics (docs/methods.md, "Equity metrics") as pure functions.
 *
 * Per iteration, vs_metrics_prepare ranks the centres by need once (the
 * ranking is shared by every variant of the iteration); vs_metrics_compute
 * then fills one value per metric for one variant.  An undefined value
 * (every centre empty, no money, ...) is NAN; the writers print it as an
 * empty cell. */
#ifndef VARDSIM_METRICS_H
#define VARDSIM_METRICS_H

#include <stddef.h>

#include "vardsim/money.h"

typedef enum vs_metric {
    VS_M_GINI = 0,
    VS_M_CI_NEED,
    VS_M_HI,
    VS_M_DISSIMILARITY,
    VS_M_THEIL,
    VS_M_HIGH_NEED_SHARE,
    VS_M_MAX_LOSS,
    VS_M_LOSERS,
    VS_M_COUNT
} vs_metric;

/* Which direction is better. */
typedef enum vs_better { VS_BETTER_LOWER, VS_BETTER_HIGHER, VS_BETTER_ZERO } vs_better;

const char *vs_metric_name(vs_metric m);   /* "gini", "ci_need", ... */
vs_better vs_metric_better(vs_metric m);

/* 1 when `v` is strictly better than baseline value `b` (both defined). */
int vs_metric_is_better(vs_metric m, double v, double b);

typedef struct vs_metric_ws vs_metric_ws;

vs_metric_ws *vs_metric_ws_alloc(size_t n);
void vs_metric_ws_free(vs_metric_ws *ws);

/* Set the iteration's centres: listed p (persons, >= 0), cni c (> 0) and
 * need (>= 0; NULL: p x c, the default measure), n <= the size given to
 * alloc.  The arrays must stay valid until the next prepare.
 * high_need_cni: threshold of high_need_share. */
void vs_metrics_prepare(vs_metric_ws *ws, size_t n, const double *listed,
                        const double *cni, const double *need,
                        double high_need_cni);

/* Every metric of one variant's allocation `alloc` (öre) against the
 * baseline `base` (NULL when this is the baseline: max_loss and losers are
 * then 0).  out[VS_M_COUNT]. */
void vs_metrics_compute(vs_metric_ws *ws, const vs_ore *alloc,
                        const vs_ore *base, double *out);

/* vs_metrics_compute when the caller knows `total`, the sum of alloc
 * (vs_outcome's total, say): one pass over the centres fewer.  A total
 * that is not the sum costs that pass again; a negative one means
 * unknown.  The values are the same bits either way. */
void vs_metrics_compute_total(vs_metric_ws *ws, const vs_ore *alloc,
                              const vs_ore *base, vs_ore total, double *out);

#endif
