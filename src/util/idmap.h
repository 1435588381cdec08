/* util/idmap.h: a map from id strings to indices, for lookups by id in
 * near-constant time (the loader resolves every `extends`, grant `to` and
 * duplicate check through one; a linear search made loading quadratic:
 * 100,000 variants took minutes).  Internal: not installed.
 *
 * Open addressing with linear probing over a power-of-two table kept at
 * most half full.  Keys are borrowed: the strings must outlive the map
 * (the loader's live in the scenario).  Not thread-safe; no global state. */
#ifndef VARDSIM_UTIL_IDMAP_H
#define VARDSIM_UTIL_IDMAP_H

#include <stddef.h>

typedef struct vs_idmap {
    const char **keys; /* NULL: empty slot */
    int *vals;
    size_t cap, n;     /* cap a power of two (0 before the first put) */
} vs_idmap;

/* An empty map (no allocation until the first put). */
void vs_idmap_init(vs_idmap *m);
void vs_idmap_free(vs_idmap *m);

/* The index stored for `key`, or -1. */
int vs_idmap_get(const vs_idmap *m, const char *key);

/* Store key -> val (val >= 0) unless the key is there already.  Returns
 * the index already stored for it (the map unchanged), -1 when it was
 * added, or -2 when memory ran out. */
int vs_idmap_put(vs_idmap *m, const char *key, int val);

#endif
