/* model/centre_index.h: the scenario's centres by id, for readers that
 * match table rows to centres (the report, `report`'s chart rewrite).
 * vs_scenario_find_centre searches the list; once per row of a table of
 * 100,000 centres that was quadratic (minutes of strcmp).  Internal: not
 * installed. */
#ifndef VARDSIM_MODEL_CENTRE_INDEX_H
#define VARDSIM_MODEL_CENTRE_INDEX_H

#include "util/idmap.h"
#include "vardsim/scenario.h"

/* Fill m (initialised by the caller, freed with vs_idmap_free) with each
 * centre's id -> index.  VS_OK, or VS_ENOMEM with err set.  Ids are
 * unique in a loaded scenario; the map borrows them from sc. */
int vs_centre_index_build(const vs_scenario *sc, vs_idmap *m, vs_err *err);

#endif
