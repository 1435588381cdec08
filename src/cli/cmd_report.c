/* cmd_report.c: `vardsim report OUTDIR [--pdf]`: the committee report of
 * a finished run's folder (report_html.h). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "out/report_html.h"
#include "vardsim/output.h"
#include "vardsim/scenario.h"

/* The report reads the folder's tables and charts and writes report.html
 * (and renders missing SVG charts) into it: it takes the folder's lock
 * as run, sweep and sensitivity do (vardsim/output.h), so it never reads
 * a folder a run is writing, and a run waits for no report.  A folder
 * that does not exist is not created: the report then says it is not an
 * output folder. */
int vs_cli_report(const char *dir, int pdf, int quiet)
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
        st = vs_cli_begin_output(&lock, dir, cmdline, &err);
    if (st == VS_OK)
        st = vs_report_html_scenario(dir, &sc, &err);
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
    int pdf = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pdf") == 0)
            pdf = 1;
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
    return vs_cli_report(dir, pdf, quiet);
}
