/* cmd_import.c: `vardsim import FILE.csv|FILE.xlsx [--sheet NAME]
 * [--pot SEK] [--centres-only] [-o SCENARIO.cfg]`: a centre list into a
 * scenario (model/table_read.c reads it, model/import.c writes the text).
 * Without -o the scenario goes to standard output; with -o it is written
 * atomically, so a failed import leaves nothing behind. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model/import.h"
#include "model/table_read.h"

int vs_cmd_import(int argc, char **argv)
{
    const char *file = NULL, *sheet = NULL, *out_path = NULL;
    double pot = NAN;
    int centres_only = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "--sheet") == 0 || strcmp(a, "--pot") == 0 ||
             strcmp(a, "-o") == 0) && i + 1 >= argc)
            return vs_cli_usage_error("import: %s needs a value", a);
        if (strcmp(a, "--sheet") == 0)
            sheet = argv[++i];
        else if (strcmp(a, "-o") == 0)
            out_path = argv[++i];
        else if (strcmp(a, "--pot") == 0) {
            if (vs_cli_parse_double(argv[++i], &pot) != 0 || !(pot >= 0))
                return vs_cli_usage_error("import: --pot needs an amount in "
                                          "SEK, 0 or more (got '%s')", argv[i]);
        } else if (strcmp(a, "--centres-only") == 0)
            centres_only = 1;
        else if (a[0] == '-' && a[1] != '\0')
            return vs_cli_usage_error("import: unknown option '%s'", a);
        else if (file)
            return vs_cli_usage_error("import: more than one file ('%s')", a);
        else
            file = a;
    }
    if (!file)
        return vs_cli_usage_error("import: which file? (%s)",
                                  "vardsim import FILE.csv|FILE.xlsx");
    if (!centres_only && isnan(pot))
        return vs_cli_usage_error("import: --pot SEK is needed (the baseline's "
                                  "capitation pot)%s", ", or --centres-only");

    vs_err err;
    vs_err_init(&err);
    vs_table t;
    char *text = NULL, *notes = NULL;
    int st = vs_table_read(file, sheet, &t, &err);
    if (st == VS_EIO) /* an input that cannot be read is bad usage, as for check */
        st = VS_EINPUT;
    if (st == VS_OK) {
        vs_import_opts o = {file, pot, centres_only};
        st = vs_import_scenario(&t, &o, &text, &notes, &err);
    }
    vs_table_free(&t);
    if (notes)
        fputs(notes, stderr);
    if (st == VS_OK) {
        if (out_path)
            st = vs_cli_write_file(out_path, text, strlen(text), &err);
        else
            fputs(text, stdout);
    }
    if (st != VS_OK)
        vs_cli_print_err(&err);
    vs_err_free(&err);
    free(text);
    free(notes);
    return st == VS_OK ? EXIT_DONE : vs_cli_exit_for(st);
}
