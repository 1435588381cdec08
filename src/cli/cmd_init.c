/* cmd_init.c: `vardsim init [FILE]`, a commented starter scenario.
 *
 * The text below is a scenario `vardsim check` accepts as it stands: a
 * capitation baseline over three centres.  Every other rule type, the
 * uncertainty block, age bands and the region's deficit are there too,
 * commented out with `#` and ready to switch on; explanations are `//`
 * comments, so removing every leading `#` (tests/cli/init.sh does) also
 * gives a scenario that `check` accepts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "vardsim/output.h"

/* One string a line: C11 promises only 4095 characters a literal. */
static const char *const starter[] = {
    "// A vardsim scenario: who gets how much of a primary-care budget.\n",
    "// Edit it, then `vardsim check FILE` and `vardsim run FILE`.\n",
    "// Every key is described in vardsim-scenario(5).\n",
    "//\n",
    "// Lines starting with # are examples switched off: remove the # to use\n",
    "// one.  Lines starting with // explain.  Amounts are SEK; write large\n",
    "// ones as floats (300000000.0): libconfig wraps plain integers above\n",
    "// 2147483647, so vardsim refuses them.\n",
    "\n",
    "scenario = {\n",
    "  name = \"Starter scenario\";\n",
    "  seed = 1;             // same seed, same numbers\n",
    "  iterations = 10000;   // Monte Carlo draws (iteration 0 is the point)\n",
    "  baseline = \"baseline\";\n",
    "  lang = \"en\";          // \"sv\" for Swedish labels in tables and charts\n",
    "  high_need_cni = 1.1;  // threshold of the high_need_share metric\n",
    "  // The need the metrics compare money with; the default is listed x CNI.\n",
    "  // base may be \"listed\", \"age\" (age-weighted listed) or an attribute.\n",
    "# need = { base = \"listed\"; cni_share = 1.0; };\n",
    "};\n",
    "\n",
    "region = {\n",
    "  name = \"Example region\";\n",
    "  // What a `cut` with deficit_share takes a share of; may be uncertain:\n",
    "# deficit = { dist = \"triangular\"; min = 20000000.0; mode = 25000000.0; max = 32000000.0; };\n",
    "  // Age-weighted capitation: bands and weights here, listed_by_age on\n",
    "  // every centre (summing to listed).\n",
    "# age_bands = [ \"0-6\", \"7-64\", \"65-79\", \"80+\" ];\n",
    "# age_weights = [ 1.2, 0.9, 1.4, 2.1 ];\n",
    "};\n",
    "\n",
    "// One group per centre.  attrs holds any further numbers that rules\n",
    "// can use (score, split) and that noise can apply to.\n",
    "centres = (\n",
    "  { id = \"north\"; name = \"North health centre\"; listed = 12000; cni = 1.25;\n",
    "#   listed_by_age = [ 1100, 8300, 1800, 800 ];\n",
    "    attrs = { children = 2100.0; }; },\n",
    "  { id = \"centre\"; name = \"Central health centre\"; listed = 15000; cni = 0.92;\n",
    "#   listed_by_age = [ 1200, 10800, 2000, 1000 ];\n",
    "    attrs = { children = 2300.0; }; },\n",
    "  { id = \"south\"; name = \"South health centre\"; listed = 8000; cni = 0.81;\n",
    "#   listed_by_age = [ 500, 5300, 1400, 800 ];\n",
    "    attrs = { children = 1000.0; }; }\n",
    ");\n",
    "\n",
    "// Per-centre noise, drawn for each centre in every iteration but the\n",
    "// point estimate.\n",
    "# uncertainty = {\n",
    "#   cni = { dist = \"lognormal\"; sigma = 0.05; };\n",
    "#   listed = { dist = \"normal\"; sd = 0.01; relative = true; };\n",
    "# };\n",
    "\n",
    "// Variants: the alternatives compared with the baseline.  A variant\n",
    "// that extends another starts from its allocation in the same\n",
    "// iteration.  Each block below is one rule type; keep its leading\n",
    "// comma when you switch it on.\n",
    "variants = (\n",
    "  { id = \"baseline\"; name = \"Capitation, no CNI\";\n",
    "    rules = ( { type = \"capitation\"; pot = 300000000.0; cni_share = 0.0; } ); }\n",
    "\n",
    "  // capitation: per_capita SEK a listed person (or a pot), a share of it\n",
    "  // weighted by CNI.\n",
    "# , { id = \"cni_weighted\"; name = \"Capitation, 10 % by CNI\";\n",
    "#     rules = ( { type = \"capitation\"; per_capita = 8571.43; cni_share = 0.10; } ); }\n",
    "\n",
    "  // cni_threshold: a pot for the centres above a CNI; split equal,\n",
    "  // listed, listed_cni or listed_excess; optional cap and floor (SEK).\n",
    "# , { id = \"cni_topup\"; name = \"Top-up above CNI 1.1\"; extends = \"baseline\";\n",
    "#     rules = ( { type = \"cni_threshold\"; pot = 5000000.0; threshold = 1.1; split = \"listed\"; } ); }\n",
    "\n",
    "  // tiered: SEK a listed person (or a fixed amount) by CNI band; the\n",
    "  // highest band passed counts; an optional pot rescales to it.\n",
    "# , { id = \"cni_tiers\"; name = \"CNI bands\"; extends = \"baseline\";\n",
    "#     rules = ( { type = \"tiered\"; pot = 5000000.0;\n",
    "#                 tiers = ( { above = 1.0; per_listed = 100.0; }, { above = 1.2; per_listed = 300.0; } ); } ); }\n",
    "\n",
    "  // grant: fixed amounts to named centres.\n",
    "# , { id = \"grants\"; name = \"Two grants\"; extends = \"baseline\";\n",
    "#     rules = ( { type = \"grant\"; to = [ \"north\", \"south\" ]; amounts = [ 1500000.0, 500000.0 ]; } ); }\n",
    "\n",
    "  // targeted: a pot for the top centres by a score (listed, cni and\n",
    "  // attributes multiplied); top (a count) or top_share (0..1].\n",
    "# , { id = \"children\"; name = \"Home visits: most children x CNI\"; extends = \"baseline\";\n",
    "#     rules = ( { type = \"targeted\"; pot = 4750000.0; score = [ \"children\", \"cni\" ]; top = 2; split = \"score\"; } ); }\n",
    "\n",
    "  // cut: take an amount or a share of region.deficit; proportional,\n",
    "  // per_capita or need_protected (alpha); optional max_cut_share.\n",
    "# , { id = \"savings\"; name = \"Deficit cut, need protected\"; extends = \"baseline\";\n",
    "#     rules = ( { type = \"cut\"; deficit_share = 0.4; method = \"need_protected\"; alpha = 1.0; } ); }\n",
    "\n",
    "  // per_unit: an amount per unit (centre, listed, age, cni or an\n",
    "  // attribute), optionally scaled to a pot.  where and except (on any\n",
    "  // rule but grant) leave the rule to some centres only.\n",
    "# , { id = \"small_centres\"; name = \"500 000 kr a small centre\"; extends = \"baseline\";\n",
    "#     rules = ( { type = \"per_unit\"; unit = \"centre\"; amount = 500000.0;\n",
    "#                 where = { listed = { below = 13000; }; }; except = [ \"south\" ]; } ); }\n",
    "\n",
    "  // limit: no centre loses more than max_loss (or gains more than\n",
    "  // max_gain) against another variant.\n",
    "# , { id = \"cni_weighted_limited\"; name = \"10 % by CNI, at most 1.5 % loss\"; extends = \"cni_weighted\";\n",
    "#     rules = ( { type = \"limit\"; relative_to = \"baseline\"; max_loss = 0.015; } ); }\n",
    ");\n",
};

int vs_cmd_init(int argc, char **argv)
{
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return vs_cli_usage_error("init: unknown option '%s'", argv[i]);
        if (file)
            return vs_cli_usage_error("init: more than one file ('%s')",
                                      argv[i]);
        file = argv[i];
    }
    size_t n_lines = sizeof starter / sizeof *starter, len = 0;
    if (!file || strcmp(file, "-") == 0) {
        for (size_t i = 0; i < n_lines; i++)
            fputs(starter[i], stdout);
        return EXIT_DONE;
    }
    /* A starter never replaces work: refuse an existing file. */
    struct stat st;
    if (stat(file, &st) == 0) {
        fprintf(stderr, "vardsim: %s exists; init writes only new files\n",
                file);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < n_lines; i++)
        len += strlen(starter[i]);
    char *text = malloc(len + 1), *p = text;
    if (!text) {
        fprintf(stderr, "vardsim: out of memory\n");
        return EXIT_RUN;
    }
    for (size_t i = 0; i < n_lines; i++)
        p = stpcpy(p, starter[i]);
    vs_err err;
    vs_err_init(&err);
    int rc = vs_cli_write_file(file, text, len, &err);
    free(text);
    if (rc != VS_OK)
        vs_cli_print_err(&err);
    vs_err_free(&err);
    return rc == VS_OK ? EXIT_DONE : vs_cli_exit_for(rc);
}
