/* need.h: the scenario's need measure in words (private to the library).
 *
 * Need n_i = base_i x ((1 - s) + s x cni_i), declared by scenario.need
 * (docs/scenario-format.md); the metrics and charts compare money with
 * it, and every output that shows need says what it is. */
#ifndef VARDSIM_MODEL_NEED_H
#define VARDSIM_MODEL_NEED_H

#include <stddef.h>

#include "vardsim/scenario.h"

/* The need measure in words in `lang` ("sv", else English), with the
 * point of cni_share: "behov = åldersviktade listade × (0,97 + 0,03 ×
 * CNI)", "need = listed × CNI".  Writes at most n bytes to buf (cut
 * short if need be) and returns buf. */
char *vs_need_describe(const vs_scenario *sc, const char *lang, char *buf,
                       size_t n);

#endif
