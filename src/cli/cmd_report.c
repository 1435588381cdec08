/* cmd_report.c: `vardsim report OUTDIR [--pdf]`: the committee report of
 * a finished run's folder (report_html.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "out/report_html.h"
#include "vardsim/scenario.h"

int vs_cli_report(const char *dir, int pdf, int quiet)
{
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    int st = vs_report_html_scenario(dir, &sc, &err);
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
