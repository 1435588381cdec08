/* table.c: the one table that names each rule type's function. */
#include "engine/eval.h"

static const vs_rule_fn rule_fns[VS_RULE_COUNT] = {
    [VS_RULE_CAPITATION] = vs_rule_capitation,
    [VS_RULE_CNI_THRESHOLD] = vs_rule_cni_threshold,
    [VS_RULE_TIERED] = vs_rule_tiered,
    [VS_RULE_GRANT] = vs_rule_grant,
    [VS_RULE_TARGETED] = vs_rule_targeted,
    [VS_RULE_CUT] = vs_rule_cut,
    [VS_RULE_LIMIT] = vs_rule_limit,
    [VS_RULE_PER_UNIT] = vs_rule_per_unit,
};

vs_rule_fn vs_rule_fn_of(vs_rule_type t)
{
    return (unsigned)t < VS_RULE_COUNT ? rule_fns[t] : NULL;
}
