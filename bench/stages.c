/* stages.c: where one Monte Carlo iteration's time goes.
 *
 * Times the stages of vardsim's iteration on one thread, each over the
 * same draws: filling the inputs, evaluating every variant, and the
 * metrics of each variant.  `make bench` prints it after the end-to-end
 * figures; the difference between the sum here and the end-to-end time
 * per iteration is the per-centre bookkeeping of sim.c.
 *
 *   stages SCENARIO [ITERATIONS] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine/draw.h"
#include "engine/eval.h"
#include "vardsim/load.h"
#include "vardsim/metrics.h"
#include "engine/sim.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: stages SCENARIO [ITERATIONS]\n");
        return 2;
    }
    long n = argc > 2 ? atol(argv[2]) : 2000;
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc;
    if (vs_load_file(argv[1], &sc, &err) != VS_OK) {
        fprintf(stderr, "%s", err.log ? err.log : err.msg);
        return 2;
    }
    size_t nv = sc->n_variants, nc = sc->n_centres;
    vs_draw *d = vs_draw_alloc(sc);
    vs_ws *ws = vs_ws_alloc(nc);
    vs_outcome *out = vs_outcome_alloc(sc);
    vs_metric_ws *mws = vs_metric_ws_alloc(nc);
    double *row = malloc(nv * VS_STAT_COUNT * sizeof *row);
    double t_draw = 0, t_eval = 0, t_metric = 0, sink = 0;
    for (long k = 1; k <= n; k++) {
        double t0 = now();
        vs_draw_fill(sc, sc->seed, (uint64_t)k, d);
        double t1 = now();
        if (vs_eval_run(sc, d, ws, out, &err) != VS_OK) {
            fprintf(stderr, "%s", err.log ? err.log : err.msg);
            return 1;
        }
        double t2 = now();
        vs_sim_metrics_row(sc, d, out, mws, row);
        double t3 = now();
        sink += row[0];
        t_draw += t1 - t0, t_eval += t2 - t1, t_metric += t3 - t2;
    }
    double us = 1e6 / (double)n;
    printf("stages of one iteration (%zu centres, %zu variants, %ld iterations, 1 thread):\n",
           nc, nv, n);
    printf("  draw inputs        %8.1f us\n", t_draw * us);
    printf("  evaluate variants  %8.1f us\n", t_eval * us);
    printf("  metrics            %8.1f us\n", t_metric * us);
    printf("  sum                %8.1f us\n", (t_draw + t_eval + t_metric) * us);
    free(row);
    vs_metric_ws_free(mws);
    vs_outcome_free(out);
    vs_ws_free(ws);
    vs_draw_free(d);
    vs_scenario_free(sc);
    return sink == 12345.678; /* keeps the metrics from being optimised away */
}
