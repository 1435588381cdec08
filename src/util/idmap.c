/* util/idmap.c: id string -> index (see idmap.h). */
#include "util/idmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a: short ids, no adversary worth a keyed hash (a file that makes
 * every id collide costs its own author the time, bounded by the file
 * size cap). */
static uint64_t hash_of(const char *s)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

void vs_idmap_init(vs_idmap *m)
{
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->n = 0;
}

void vs_idmap_free(vs_idmap *m)
{
    free(m->keys);
    free(m->vals);
    vs_idmap_init(m);
}

/* The slot of `key`, or of the empty slot where it would go. */
static size_t slot_of(const vs_idmap *m, const char *key)
{
    size_t mask = m->cap - 1, i = (size_t)hash_of(key) & mask;
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & mask;
    return i;
}

int vs_idmap_get(const vs_idmap *m, const char *key)
{
    if (m->cap == 0)
        return -1;
    size_t i = slot_of(m, key);
    return m->keys[i] ? m->vals[i] : -1;
}

static int grow(vs_idmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = calloc(cap, sizeof *keys);
    int *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -2;
    }
    vs_idmap big = {keys, vals, cap, m->n};
    for (size_t j = 0; j < m->cap; j++)
        if (m->keys[j]) {
            size_t i = slot_of(&big, m->keys[j]);
            keys[i] = m->keys[j];
            vals[i] = m->vals[j];
        }
    free(m->keys);
    free(m->vals);
    *m = big;
    return 0;
}

int vs_idmap_put(vs_idmap *m, const char *key, int val)
{
    if (2 * (m->n + 1) > m->cap && grow(m) != 0)
        return -2;
    size_t i = slot_of(m, key);
    if (m->keys[i])
        return m->vals[i];
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return -1;
}
