/* manifest.c: manifest.txt of every result (see out/manifest.h). */
#include "out/manifest.h"

void vs_manifest_write(FILE *f, const char *analysis, const vs_scenario *sc,
                       const vs_provenance *p, int swedish_csv,
                       vs_manifest_details_fn details, const void *ctx)
{
    const char *path = p->scenario_path ? p->scenario_path : sc->file;
    fprintf(f, "vardsim %s\n", p->version ? p->version : "");
    fprintf(f, "analysis: %s\n", analysis);
    fprintf(f, "scenario: %s\n", path ? path : "");
    fprintf(f, "scenario_sha256: %s\n",
            *p->scenario_sha256 ? p->scenario_sha256 : "unreadable");
    fprintf(f, "scenario_name: %s\n", sc->name ? sc->name : "");
    for (size_t i = 0; p->sets && i < p->n_sets; i++)
        fprintf(f, "set: %s\n", p->sets[i]);
    fprintf(f, "seed: %llu\n", (unsigned long long)p->seed);
    fprintf(f, "iterations_asked: %ld\n", p->iterations_asked);
    fprintf(f, "iterations: %ld\n", p->iterations_done);
    fprintf(f, "threads: %d\n", p->threads);
    fprintf(f, "wall_seconds: %.3f\n", p->wall_seconds);
    fprintf(f, "generator: gsl %s, one %s stream per input and iteration, "
               "seeded by splitmix64(seed, iteration, input path)\n",
            p->gsl, p->generator);
    fprintf(f, "gsl_version: %s\n", p->gsl);
    if (details)
        details(f, ctx);
    fprintf(f, "csv: %s\n", swedish_csv ? "sv (; , CRLF BOM)" : "RFC 4180");
    fprintf(f, "command: %s\n", p->command_line ? p->command_line : "");
}
