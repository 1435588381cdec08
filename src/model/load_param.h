/* load_param.h: the loader's bounds on numbers, for code that changes a
 * loaded scenario (override.c: --set and sweeps).  Private to the
 * library.
 *
 * The loader reads every key through a table of (name, kind, range,
 * flags); these two functions hand that table and the loader's own checks
 * to others, so `--set` accepts exactly what the file would, and an
 * unbounded normal is truncated to the key's range the same way. */
#ifndef VARDSIM_LOAD_PARAM_H
#define VARDSIM_LOAD_PARAM_H

#include <stddef.h>

#include "vardsim/dist.h"

/* Key tables that are not a rule's (a rule's table is named by its
 * vs_rule_type, 0 and up). */
enum {
    VS_LOAD_REGION = -1,          /* region = { ... } */
    VS_LOAD_TIER = -2,            /* one of a tiered rule's tiers */
    VS_LOAD_NOISE_LOGNORMAL = -3, /* uncertainty.X = { dist = "lognormal" } */
    VS_LOAD_NOISE_NORMAL = -4     /* uncertainty.X = { dist = "normal" } */
};

/* What the loader allows for one numeric key. */
typedef struct vs_param_bounds {
    double lo, hi;                  /* -INFINITY / INFINITY when open-ended */
    unsigned char lo_open, hi_open; /* > rather than >=, < rather than <= */
    unsigned char money;            /* SEK: magnitude at most VS_MONEY_MAX_SEK */
    unsigned char integer;          /* a whole number (e.g. targeted.top) */
    unsigned char dist;             /* may be a distribution (a param) */
} vs_param_bounds;

/* The bounds of `key` ("pot", "threshold", "amounts", "sigma", "top") in
 * key table `table` (a vs_rule_type or one of the VS_LOAD_ values above).
 * Returns 1 and fills *b when the key is a number or a param of that
 * table; 0 when it is not (unknown, or a string, list of strings, ...). */
int vs_load_param_bounds(int table, const char *key, vs_param_bounds *b);

/* Check the value *d (a fixed number or an already valid distribution)
 * against b exactly as the loader checks a value in a file, and truncate
 * an unbounded normal to the range as the loader does.  `name` is what
 * messages call the key (the loader uses the key, --set the full path).
 * Returns VS_OK, or VS_EINPUT with a message in msg (no file or line). */
int vs_load_param_check(const vs_param_bounds *b, const char *name, vs_dist *d,
                        char *msg, size_t n);

#endif
