/* cmd_diff.c: `vardsim diff OUT_A OUT_B [-o DIR]`: what changed between
 * two output folders (two scenario versions, two seeds), as a table on
 * standard output and as DIR/diff.csv (DIR: the current folder), written
 * atomically.  Exit 0 whether or not they differ; 2 when a folder is not a
 * vardsim output. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "out/diff.h"
#include "vardsim/output.h"

/* The table for a person: aligned columns, one line a row. */
static void print_table(const vs_diff *d)
{
    if (d->n == 0) {
        printf("no differences in point or mean (metrics.csv, centres.csv)\n");
        return;
    }
    int w[4] = {7, 7, 3, 6}; /* table variant key column */
    for (size_t i = 0; i < d->n; i++) {
        const vs_diff_row *r = &d->rows[i];
        int l[4] = {(int)strlen(r->table), (int)strlen(r->variant),
                    (int)strlen(r->key), (int)strlen(r->column)};
        for (int k = 0; k < 4; k++)
            if (l[k] > w[k] && l[k] < 40)
                w[k] = l[k];
    }
    printf("%-*s  %-*s  %-*s  %-*s  %20s  %20s  %20s\n", w[0], "table", w[1],
           "variant", w[2], "key", w[3], "column", "a", "b", "difference");
    for (size_t i = 0; i < d->n; i++) {
        const vs_diff_row *r = &d->rows[i];
        printf("%-*s  %-*s  %-*s  %-*s  %20s  %20s  %20s\n", w[0], r->table,
               w[1], r->variant, w[2], r->key, w[3], r->column,
               *r->a ? r->a : "-", *r->b ? r->b : "-",
               *r->difference ? r->difference : "-");
    }
}

int vs_cmd_diff(int argc, char **argv)
{
    const char *dirs[2] = {NULL, NULL}, *out = ".";
    int n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0) {
            if (i + 1 >= argc)
                return vs_cli_usage_error("diff: %s needs a folder", "-o");
            out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return vs_cli_usage_error("diff: unknown option '%s'", argv[i]);
        else if (n == 2)
            return vs_cli_usage_error("diff: two folders only ('%s')", argv[i]);
        else
            dirs[n++] = argv[i];
    }
    if (n != 2)
        return vs_cli_usage_error("diff: which folders? (%s)",
                                  "vardsim diff OUT_A OUT_B [-o DIR]");
    vs_err err;
    vs_err_init(&err);
    vs_diff d;
    int st = vs_diff_folders(dirs[0], dirs[1], &d, &err);
    if (st == VS_OK)
        st = vs_output_mkdir(out, &err);
    if (st == VS_OK) {
        vs_outset set;
        vs_outset_init(&set);
        FILE *f = vs_outset_open(&set, out, "diff.csv", &err);
        if (!f)
            st = err.code ? err.code : VS_EIO;
        else {
            /* diff.csv in OUT_A's dialect: a Swedish analyst's folders
             * give a Swedish table. */
            vs_diff_write_csv(&d, f, d.swedish_a);
            st = vs_outset_commit(&set, &err);
        }
        vs_outset_free(&set);
    }
    if (st == VS_OK)
        print_table(&d);
    else
        vs_cli_print_err(&err);
    vs_diff_free(&d); /* empty after a failure */
    vs_err_free(&err);
    return st == VS_OK ? EXIT_DONE : vs_cli_exit_for(st);
}
