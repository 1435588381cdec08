/* partial.h: partial results of `--shard K/N --partial DIR` and their
 * reader for `vardsim merge` (docs/partial-format.md).
 *
 * A partial file is a text head (what was run, by which version, on which
 * scenario, which shard) followed by a binary payload (the shard's blocks:
 * integers and the bits of doubles, little-endian) and a SHA-256 of both.
 * Partials come from other machines: the reader bounds every size, checks
 * every count against the scenario and never trusts an offset. */
#ifndef VARDSIM_PARTIAL_H
#define VARDSIM_PARTIAL_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/sweep.h"
#include "engine/sim.h"
#include "vardsim/error.h"
#include "vardsim/scenario.h"

/* The format's version: a reader refuses any other. */
#define VS_PARTIAL_FORMAT 1

/* The head is at most this long, with at most this many recorded words. */
#define VS_PARTIAL_MAX_HEAD (1L << 20)
#define VS_PARTIAL_MAX_ARGS 4096

/* The file name of shard K of N: partial-K-of-N.vsp. */
void vs_partial_name(long k, long n, char *buf, size_t size);

/* What a partial says about itself. */
typedef struct vs_partial_head {
    int format;           /* VS_PARTIAL_FORMAT */
    char version[64];     /* vardsim's */
    char command[16];     /* run, sweep or sensitivity */
    char sha256[65];      /* the scenario file's */
    long k, n;            /* shard K of N */
    long blocks;          /* M: blocks of the whole computation */
    size_t n_args;
    char **args;          /* the command's words after its name, bar
                             --shard, --partial and --threads */
    uint64_t payload;     /* payload bytes */
} vs_partial_head;

void vs_partial_head_free(vs_partial_head *h);

/* A growing byte buffer (the payload being written). */
typedef struct vs_pbuf {
    unsigned char *p;
    size_t len, cap;
    int failed; /* out of memory at some put */
} vs_pbuf;

void vs_pbuf_free(vs_pbuf *b);
void vs_pbuf_u64(vs_pbuf *b, uint64_t v);
void vs_pbuf_i64(vs_pbuf *b, int64_t v);
void vs_pbuf_f64(vs_pbuf *b, double v);
void vs_pbuf_u32(vs_pbuf *b, uint32_t v);

/* A bounded reader of a payload: every get past the end, or any count the
 * caller finds wrong (vs_pcur_fail), makes it fail for good and return 0. */
typedef struct vs_pcur {
    const unsigned char *p;
    size_t len, at;
    int failed;
} vs_pcur;

uint64_t vs_pcur_u64(vs_pcur *c);
int64_t vs_pcur_i64(vs_pcur *c);
double vs_pcur_f64(vs_pcur *c);
uint32_t vs_pcur_u32(vs_pcur *c);
/* Whether n more items of `size` bytes are there (fails the cursor if not). */
int vs_pcur_has(vs_pcur *c, uint64_t n, size_t size);

/* The whole file: head, payload, checksum line.  Returns VS_ENOMEM or
 * VS_OK; *out (free with free()) and *len. */
int vs_partial_encode(const vs_partial_head *h, const vs_pbuf *payload,
                      unsigned char **out, size_t *len);

/* Read the head of the partial at `path` (VS_EINPUT naming the file when
 * it is not a partial of this format, or is damaged). */
int vs_partial_read_head(const char *path, vs_partial_head *h, vs_err *err);

/* Read the payload of `path`, whose head is h, checking its length (at
 * most max_bytes) and the checksum over head and payload.  *buf (free
 * with free()) holds h->payload bytes. */
int vs_partial_read_payload(const char *path, const vs_partial_head *h,
                            uint64_t max_bytes, unsigned char **buf,
                            vs_err *err);

/* The accumulator of a run's blocks [b0, b1) into b, and back: the
 * reader checks every count against the scenario sc (variants, centres,
 * rules), the iterations N and the blocks it expects. */
void vs_partial_put_acc(vs_pbuf *b, const vs_sim_acc *a);
int vs_partial_get_acc(vs_pcur *c, const vs_scenario *sc, long iterations,
                       long b0, long b1, vs_sim_acc **out);
/* The most bytes vs_partial_put_acc can write for blocks [b0, b1) of a
 * run of N iterations on sc (a bound for the reader). */
uint64_t vs_partial_acc_bound(const vs_scenario *sc, long iterations,
                              long b0, long b1);

/* A sweep's points [p0, p1): their statistics and shortfalls; the reader
 * fills r (a sweep result of every point, computed for none) and checks
 * every count against it. */
void vs_partial_put_sweep(vs_pbuf *b, const vs_sweep_result *r, size_t p0,
                          size_t p1);
int vs_partial_get_sweep(vs_pcur *c, vs_sweep_result *r, size_t p0, size_t p1);
uint64_t vs_partial_sweep_bound(const vs_sweep_result *r, size_t p0, size_t p1);

/* A sensitivity analysis's Sobol base rows [r0, r1) of N: their values
 * (per_row doubles each: f(A), f(B), f(AB_i) of every statistic) and the
 * rules' shortfalls in them (kinds, evaluations short).  The reader
 * writes the rows into f (N x per_row) and adds the shortfalls into
 * kinds / draws (n_rules each). */
void vs_partial_put_sens(vs_pbuf *b, long n, size_t per_row, size_t r0,
                         size_t r1, const double *rows, size_t n_rules,
                         const vs_shortfall_sum *sf);
int vs_partial_get_sens(vs_pcur *c, long n, size_t per_row, size_t r0,
                        size_t r1, double *f, size_t n_rules,
                        unsigned *kinds, long *draws);
uint64_t vs_partial_sens_bound(size_t per_row, size_t r0, size_t r1,
                               size_t n_rules);

#endif
