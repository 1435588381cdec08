/* cmd_report.c: `vardsim report OUTDIR [--pdf]`: the committee report of
 * a finished run's folder (report_html.h). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <unistd.h>

#include "cli.h"
#include "out/charts.h"
#include "out/gp.h"
#include "out/report_html.h"
#include "vardsim/output.h"
#include "vardsim/scenario.h"

/* The report reads the folder's tables and charts and writes report.html
 * (and renders missing SVG charts) into it: it takes the folder's lock
 * as run, sweep and sensitivity do (vardsim/output.h), so it never reads
 * a folder a run is writing, and a run waits for no report.  A folder
 * that does not exist is not created: the report then says it is not an
 * output folder. */
/* --variants/--all-centres: the allocation chart again with those
 * options (from the folder's tables), and its images in the formats the
 * folder had (the report renders the SVG it inlines). */
static int redo_allocation(const char *dir, const vs_scenario *sc,
                           const vs_charts_opts *o, vs_err *err)
{
    int st = vs_charts_check_variants(sc, o->variants, err);
    if (st != VS_OK)
        return st;
    static const char *const fmts[] = {"png", "svg", "pdf"};
    char had[16] = "", path[4200];
    for (size_t k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/allocation.%s", dir, fmts[k]);
        if (access(path, F_OK) == 0 && strcmp(fmts[k], "svg") != 0)
            snprintf(had + strlen(had), sizeof had - strlen(had), "%s%s",
                     had[0] ? "," : "", fmts[k]);
    }
    vs_outset set;
    vs_outset_init(&set);
    st = vs_charts_rewrite_allocation(sc, dir, o, &set, err);
    if (st == VS_OK)
        st = vs_outset_commit(&set, err);
    vs_outset_free(&set);
    if (st == VS_OK && had[0]) {
        vs_gp_list list;
        vs_gp_list_init(&list);
        snprintf(list.names[list.n++], sizeof list.names[0], "allocation");
        st = vs_gp_render(dir, &list, had, err);
    }
    return st;
}

int vs_cli_report(const char *dir, int pdf, int quiet)
{
    return vs_cli_report_opts(dir, pdf, quiet, NULL);
}

int vs_cli_report_opts(const char *dir, int pdf, int quiet,
                       const vs_charts_opts *charts)
{
    char cmdline[4200]; /* the lock's holder, named to a refused run */
    snprintf(cmdline, sizeof cmdline, "report %s", dir);
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    vs_outset lock;
    vs_outset_init(&lock);
    struct stat sb;
    int st = VS_OK;
    if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
        st = vs_cli_begin_output(&lock, dir, cmdline,
                                 "wait for it to finish, then run the report "
                                 "again", &err);
    if (st == VS_OK)
        st = vs_report_html_scenario(dir, &sc, &err);
    if (st == VS_OK && charts)
        st = redo_allocation(dir, sc, charts, &err);
    if (st == VS_OK)
        st = vs_report_html_write(dir, sc, &err);
    int rc = EXIT_DONE;
    if (st != VS_OK) {
        vs_cli_print_err(&err);
        rc = vs_cli_exit_for(st);
    } else {
        if (!quiet)
            fprintf(stderr, "wrote %s/report.html\n", dir);
        if (pdf) {
            st = vs_report_html_pdf(dir, &err);
            if (st != VS_OK) {
                vs_cli_print_err(&err);
                rc = EXIT_RUN;
            } else if (!quiet) {
                fprintf(stderr, "wrote %s/report.pdf\n", dir);
            }
        }
    }
    vs_cli_end_output(&lock);
    vs_scenario_free(sc);
    vs_err_free(&err);
    return rc;
}

int vs_cmd_report(int argc, char **argv)
{
    const char *dir = NULL;
    int pdf = 0, quiet = 0, redo = 0;
    vs_charts_opts charts = {NULL, 0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pdf") == 0)
            pdf = 1;
        else if (strcmp(argv[i], "--variants") == 0) {
            if (i + 1 >= argc)
                return vs_cli_usage_error("option %s needs a value", argv[i]);
            charts.variants = argv[++i];
            redo = 1;
        } else if (strcmp(argv[i], "--all-centres") == 0)
            charts.all_centres = redo = 1;
        else if (strcmp(argv[i], "--quiet") == 0)
            quiet = 1;
        else if (argv[i][0] == '-')
            return vs_cli_usage_error("report: unknown option '%s'", argv[i]);
        else if (dir)
            return vs_cli_usage_error("report: one output folder only, not also '%s'",
                                      argv[i]);
        else
            dir = argv[i];
    }
    if (!dir)
        return vs_cli_usage_error("report: name the output folder of a run%s", "");
    return vs_cli_report_opts(dir, pdf, quiet, redo ? &charts : NULL);
}
