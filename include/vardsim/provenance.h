/* provenance.h: where a result came from.  One record, carried by every
 * result (vs_results, vs_sweep_result, vs_sensitivity_result) and written
 * by one manifest writer (manifest.txt of run, sweep and sensitivity).
 *
 * The computation fills what it knows (seed, iterations asked and done,
 * threads, wall time, generator, GSL and vardsim versions, the scenario's
 * path); the program that started it adds how it was asked for (command
 * line, --set values, the scenario file's SHA-256) with
 * vs_provenance_invocation. */
#ifndef VARDSIM_PROVENANCE_H
#define VARDSIM_PROVENANCE_H

#include <stddef.h>
#include <stdint.h>

typedef struct vs_provenance {
    uint64_t seed;
    long iterations_asked;   /* run: -n or the scenario's; sweep: per point;
                                sensitivity: the Sobol base sample N */
    long iterations_done;    /* fewer than asked with --precision */
    int threads;
    double wall_seconds;
    char generator[32];      /* the GSL generator of every stream */
    char gsl[16];            /* the GSL version (a public header names no
                                GSL type or macro) */
    const char *version;     /* vs_version() */
    const char *scenario_path;  /* the scenario as loaded (may be NULL) */
    /* How it was asked for; empty until vs_provenance_invocation. */
    char scenario_sha256[65];   /* hex, "unreadable", or "" */
    const char *command_line;   /* NULL: not known */
    const char *const *sets;    /* the --set assignments applied, in order */
    size_t n_sets;
} vs_provenance;

/* Monotonic seconds (the one clock of wall times and progress bars). */
double vs_provenance_clock(void);

/* Start a record: the computation's seed, iterations asked, threads, the
 * generator and versions, the scenario's path; returns the clock, for
 * vs_provenance_end. */
double vs_provenance_begin(vs_provenance *p, const char *scenario_path,
                           uint64_t seed, long iterations_asked, int threads);

/* Finish it: iterations done and the wall time since t0. */
void vs_provenance_end(vs_provenance *p, double t0, long iterations_done);

/* How the run was asked for: the command line and --set values (kept by
 * pointer: they must outlive the record) and the SHA-256 of the scenario
 * file at `scenario_path` ("unreadable" when it cannot be read). */
void vs_provenance_invocation(vs_provenance *p, const char *scenario_path,
                              const char *command_line,
                              const char *const *sets, size_t n_sets);

/* Copy `from`'s invocation fields into `to` (a result's record). */
void vs_provenance_copy_invocation(vs_provenance *to,
                                   const vs_provenance *from);

#endif
