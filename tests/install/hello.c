/* hello.c: a program an embedder might write, built by tests/install.sh
 * against the installed library with `pkg-config --cflags --libs vardsim`
 * and nothing else: it loads a scenario from text, runs it and prints the
 * point estimate of the baseline's total (which must be the pot, to the
 * öre) and of one metric. */
#include <stdio.h>
#include <string.h>

#include <vardsim/load.h>
#include <vardsim/metrics.h>
#include <vardsim/money.h>
#include <vardsim/sim.h>
#include <vardsim/version.h>

static const char scenario[] =
    "scenario = { name = \"hello\"; baseline = \"base\"; };\n"
    "centres = ( { id = \"a\"; name = \"A\"; listed = 1000; cni = 1.3; },\n"
    "            { id = \"b\"; name = \"B\"; listed = 2000; cni = 0.8; } );\n"
    "variants = ( { id = \"base\"; name = \"Base\";\n"
    "  rules = ( { type = \"capitation\"; pot = 3000000.0; cni_share = 0.5; } ); } );\n";

int main(void)
{
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc;
    if (vs_load_string(scenario, "hello.cfg", &sc, &err) != VS_OK) {
        fputs(err.log ? err.log : "load failed\n", stderr);
        return 1;
    }
    vs_sim_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 1;
    o.iterations = 10;
    o.threads = 1;
    vs_results *r;
    if (vs_sim_run(sc, &o, &r, &err) != VS_OK) {
        fputs(err.log ? err.log : "run failed\n", stderr);
        return 1;
    }
    char total[32];
    vs_money_format((vs_ore)r->stats[VS_STAT_TOTAL].point, '.', total,
                    sizeof total);
    printf("vardsim %s: total %s SEK, %s %.4f\n", vs_version(), total,
           vs_metric_name(VS_M_GINI), r->stats[VS_M_GINI].point);
    vs_results_free(r);
    vs_scenario_free(sc);
    vs_err_free(&err);
    return 0;
}
