/* provenance.c: the one provenance record (see vardsim/provenance.h). */
#include "vardsim/provenance.h"

#include <gsl/gsl_rng.h>
#include <gsl/gsl_version.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/dist.h"
#include "util/sha256.h"
#include "vardsim/version.h"

double vs_provenance_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

double vs_provenance_begin(vs_provenance *p, const char *scenario_path,
                           uint64_t seed, long iterations_asked, int threads)
{
    memset(p, 0, sizeof *p);
    p->seed = seed;
    p->iterations_asked = iterations_asked;
    p->threads = threads;
    snprintf(p->generator, sizeof p->generator, "%s", vs_stream_type()->name);
    snprintf(p->gsl, sizeof p->gsl, "%s", GSL_VERSION);
    p->version = vs_version();
    p->scenario_path = scenario_path;
    return vs_provenance_clock();
}

void vs_provenance_end(vs_provenance *p, double t0, long iterations_done)
{
    p->iterations_done = iterations_done;
    p->wall_seconds = vs_provenance_clock() - t0;
}

void vs_provenance_invocation(vs_provenance *p, const char *scenario_path,
                              const char *command_line,
                              const char *const *sets, size_t n_sets)
{
    p->scenario_path = scenario_path;
    p->command_line = command_line;
    p->sets = sets;
    p->n_sets = n_sets;
    if (!scenario_path || vs_sha256_file(scenario_path, p->scenario_sha256) != 0)
        snprintf(p->scenario_sha256, sizeof p->scenario_sha256, "unreadable");
}

void vs_provenance_copy_invocation(vs_provenance *to, const vs_provenance *from)
{
    memcpy(to->scenario_sha256, from->scenario_sha256,
           sizeof to->scenario_sha256);
    to->command_line = from->command_line;
    to->sets = from->sets;
    to->n_sets = from->n_sets;
    if (from->scenario_path)
        to->scenario_path = from->scenario_path;
}
