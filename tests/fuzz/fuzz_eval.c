/* fuzz_eval.c: libFuzzer target over load + the point estimate + metrics.
 *
 * A file that loads is run for its point estimate (iteration 0) and two
 * Monte Carlo draws on one thread: every rule, the books, the metrics and
 * the summaries.  An error is fine (a message); a crash, an abort, an
 * assert or undefined behaviour is a finding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vardsim/load.h"
#include "vardsim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    if (vs_load_string(text, "fuzz.cfg", &sc, &err) == VS_OK &&
        sc->n_centres * sc->n_variants <= 20000) { /* keep each run short */
        vs_sim_opts o;
        memset(&o, 0, sizeof o);
        o.seed = 1;
        o.iterations = 2;
        o.threads = 1;
        vs_results *r = NULL;
        vs_err run_err;
        vs_err_init(&run_err);
        int st = vs_sim_run(sc, &o, &r, &run_err);
        if (st == VS_OK && !r)
            abort();
        if (st != VS_OK && (r || !run_err.log))
            abort();
        vs_results_free(r);
        vs_err_free(&run_err);
    }
    vs_scenario_free(sc);
    vs_err_free(&err);
    free(text);
    return 0;
}
