/* cmd_check.c: `vardsim check FILE [--strict]`: validate, summarise, and
 * print the warnings of the point estimate. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "model/need.h"
#include "out/warnings.h"
#include "vardsim/load.h"
#include "vardsim/sim.h"

/* Evaluate the point estimate (no draws) and print its warnings to
 * standard error.  Returns VS_OK with *n set, or the run's status. */
static int point_warnings(const vs_scenario *sc, size_t *n)
{
    vs_sim_opts so;
    memset(&so, 0, sizeof so);
    so.seed = sc->seed;
    so.threads = 1;
    so.region_only = 1;
    vs_results *res = NULL;
    vs_err err;
    vs_err_init(&err);
    int st = vs_sim_run(sc, &so, &res, &err);
    if (st == VS_OK) {
        vs_warn_src w = vs_warn_src_of(sc, res);
        w.point_only = 1;
        *n = vs_warnings_print(stderr, NULL, &w);
    } else {
        vs_cli_print_err(&err);
    }
    vs_results_free(res);
    vs_err_free(&err);
    return st;
}

static void describe_rule(const vs_scenario *sc, const vs_rule *r)
{
    printf("      %s", vs_rule_type_name(r->type));
    if (strcmp(r->id, vs_rule_type_name(r->type)) != 0)
        printf(" '%s'", r->id);
    int pot = r->pot != VS_NONE ? r->pot : r->amount;
    if (pot != VS_NONE) {
        const vs_param *p = &sc->params[pot];
        char buf[128];
        vs_dist_format(&p->dist, buf, sizeof buf);
        printf(" %s %s SEK", r->pot != VS_NONE ? "pot" : "amount", buf);
    }
    if (r->type == VS_RULE_CNI_THRESHOLD && r->threshold != VS_NONE)
        printf(", cni > %g, split %s", vs_dist_point(&sc->params[r->threshold].dist),
               vs_split_name(r->split));
    if (r->type == VS_RULE_GRANT)
        printf(" to %zu centres", r->n_grants);
    if (r->type == VS_RULE_PER_UNIT)
        printf(" per %s", vs_scenario_value_name(sc, r->unit));
    if (r->n_where || r->n_except)
        printf(", %zu condition%s, %zu centre%s excepted", r->n_where,
               r->n_where == 1 ? "" : "s", r->n_except, r->n_except == 1 ? "" : "s");
    if (r->type == VS_RULE_CUT)
        printf(", method %s", vs_cut_method_name(r->method));
    if (r->type == VS_RULE_LIMIT)
        printf(" relative to %s", sc->variants[r->relative_to].id);
    printf("\n");
}

int vs_cmd_check(int argc, char **argv)
{
    const char *file = NULL;
    int strict = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--strict") == 0)
            strict = 1;
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return vs_cli_usage_error("unknown option '%s'", argv[i]);
        else if (file)
            return vs_cli_usage_error("check takes one scenario file%s", "");
        else
            file = argv[i];
    }
    if (!file)
        return vs_cli_usage_error("check takes one scenario file%s", "");
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    int st = vs_load_file(file, &sc, &err);
    if (st != VS_OK) {
        /* An unreadable scenario is bad usage too: exit 2. */
        vs_cli_print_err(&err);
        vs_err_free(&err);
        return EXIT_USAGE;
    }
    double listed = 0, lo = INFINITY, hi = -INFINITY;
    size_t high = 0;
    for (size_t i = 0; i < sc->n_centres; i++) {
        listed += sc->centres[i].listed;
        lo = fmin(lo, sc->centres[i].cni);
        hi = fmax(hi, sc->centres[i].cni);
        high += sc->centres[i].cni > sc->high_need_cni;
    }
    size_t uncertain = 0;
    for (size_t p = 0; p < sc->n_params; p++)
        uncertain += sc->params[p].dist.kind != VS_DIST_FIXED;
    printf("%s: ok\n", sc->file);
    printf("scenario:  %s\n", sc->name);
    if (sc->region_name)
        printf("region:    %s\n", sc->region_name);
    printf("centres:   %zu, %.0f listed, CNI %g to %g, %zu above %g\n",
           sc->n_centres, listed, lo, hi, high, sc->high_need_cni);
    char need[160];
    printf("need:      %s\n", vs_need_describe(sc, sc->lang, need, sizeof need));
    printf("uncertain: %zu numbers, %zu per-centre noise groups\n", uncertain,
           sc->n_noise);
    printf("runs:      %ld iterations, seed %llu, labels %s\n", sc->iterations,
           (unsigned long long)sc->seed, sc->lang);
    printf("variants:  %zu (baseline %s)\n", sc->n_variants,
           sc->variants[sc->baseline].id);
    for (size_t v = 0; v < sc->n_variants; v++) {
        const vs_variant *var = &sc->variants[v];
        printf("  %s: %s", var->id, var->name);
        if (var->extends != VS_NONE)
            printf(" (extends %s)", sc->variants[var->extends].id);
        printf("\n");
        for (size_t r = 0; r < var->n_rules; r++)
            describe_rule(sc, &var->rules[r]);
    }
    if (sc->plan) {
        const vs_plan *p = sc->plan;
        printf("plan:      %ld-%ld from %s towards %s, growth %s, min_growth %g, "
               "max_growth ", p->first_year, p->first_year - 1 + p->years,
               sc->variants[p->from].id, sc->variants[p->target].id,
               p->growth_list ? "one value per year"
               : p->growth >= 0 && sc->params[p->growth].dist.kind != VS_DIST_FIXED
                   ? "uncertain" : "fixed", p->min_growth);
        if (isinf(p->max_growth))
            printf("none");
        else
            printf("%g", p->max_growth);
        printf(", tolerance %g\n", p->tolerance);
    }
    fflush(stdout); /* the summary first, then any warning */
    size_t warned = 0;
    st = point_warnings(sc, &warned);
    if (st == VS_OK)
        printf("warnings:  %zu at the point estimate%s\n", warned,
               warned ? " (on standard error)" : "");
    vs_scenario_free(sc);
    vs_err_free(&err);
    if (st != VS_OK)
        return vs_cli_exit_for(st);
    return strict && warned > 0 ? EXIT_STRICT : EXIT_DONE;
}
