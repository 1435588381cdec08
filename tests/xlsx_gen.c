/* xlsx_gen.c: workbooks written by a real writer (libxlsxwriter) for
 * tests/cli/import.sh.  Usage: xlsx_gen KIND OUT.xlsx, KIND one of
 *   good      sheet "Vårdcentraler" (Swedish headers, strings in the
 *             shared-string table, numbers, an empty cell in a text
 *             column, age bands, an attribute) and a second sheet "Other"
 *             (English headers, ids given)
 *   inline    the same in constant-memory mode, where libxlsxwriter
 *             writes inline strings instead of shared ones
 *   badnum    row 14 of 'listade' holds the text "12 4OO"
 *   nolisted  no listed column
 *   emptycell an empty cni cell in row 3
 *   dupheader both 'listed' and 'listade'
 *   lowheader the header on row 4 (rows 1-3 empty), no cni column
 *   fromcsv   xlsx_gen fromcsv OUT.xlsx IN.csv: a Swedish-dialect CSV
 *             (';', decimal comma, space as thousands separator, BOM)
 *             as a sheet "Vårdcentraler", a number cell where a field is
 *             a number, a string otherwise: how docs/examples/
 *             vardcentraler.xlsx is made from vardcentraler.csv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

static void header(lxw_worksheet *ws, const char *const *h, int n)
{
    for (int c = 0; c < n; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, h[c], NULL);
}

static void centres(lxw_worksheet *ws, int rows)
{
    static const char *const h[] = {"Namn", "Listade", "CNI", "0-6", "7-64",
                                    "65+", "Barn", "Kommentar"};
    header(ws, h, 8);
    static const char *const names[] = {"Ålidhems hälsocentral",
                                        "Vårdcentralen Skäggetorp",
                                        "Hälsocentralen Ersboda"};
    for (int r = 1; r <= rows; r++) {
        double listed = 9000 + 100 * r;
        char name[80];
        if (r <= 3)
            snprintf(name, sizeof name, "%s", names[r - 1]);
        else
            snprintf(name, sizeof name, "Vårdcentral %d", r);
        worksheet_write_string(ws, (lxw_row_t)r, 0, name, NULL);
        worksheet_write_number(ws, (lxw_row_t)r, 1, listed, NULL);
        worksheet_write_number(ws, (lxw_row_t)r, 2, 0.9 + 0.05 * r, NULL);
        worksheet_write_number(ws, (lxw_row_t)r, 3, 1000, NULL);
        worksheet_write_number(ws, (lxw_row_t)r, 4, listed - 3000, NULL);
        worksheet_write_number(ws, (lxw_row_t)r, 5, 2000, NULL);
        worksheet_write_number(ws, (lxw_row_t)r, 6, 1500.5 + r, NULL);
        if (r != 2) /* an empty cell in a text column */
            worksheet_write_string(ws, (lxw_row_t)r, 7, "ok", NULL);
    }
}

/* A field as a number, Swedish style ("11 450", "1,62"); 0 if it is not. */
static int swedish_number(const char *field, double *v)
{
    char buf[64];
    size_t n = 0;
    for (const char *p = field; *p && n + 1 < sizeof buf; p++)
        if (*p != ' ')
            buf[n++] = *p == ',' ? '.' : *p;
    buf[n] = '\0';
    char *end;
    *v = strtod(buf, &end);
    return n > 0 && *end == '\0';
}

static int from_csv(lxw_worksheet *ws, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    char line[4096];
    for (lxw_row_t r = 0; fgets(line, sizeof line, f); r++) {
        char *p = line;
        if (r == 0 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3; /* the BOM */
        p[strcspn(p, "\r\n")] = '\0';
        for (lxw_col_t c = 0;; c++) {
            char *end = strchr(p, ';');
            if (end)
                *end = '\0';
            double v;
            if (r > 0 && swedish_number(p, &v))
                worksheet_write_number(ws, r, c, v, NULL);
            else if (*p)
                worksheet_write_string(ws, r, c, p, NULL);
            if (!end)
                break;
            p = end + 1;
        }
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    int csv = argc == 4 && strcmp(argv[1], "fromcsv") == 0;
    if (argc != 3 && !csv) {
        fprintf(stderr, "usage: xlsx_gen KIND OUT.xlsx  |  xlsx_gen fromcsv OUT.xlsx IN.csv\n");
        return 2;
    }
    const char *kind = argv[1];
    lxw_workbook_options opt = {0};
    opt.constant_memory = strcmp(kind, "inline") == 0;
    lxw_workbook *wb = workbook_new_opt(argv[2], &opt);
    if (!wb)
        return 1;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Vårdcentraler");
    if (csv) {
        if (from_csv(ws, argv[3]) != 0) {
            fprintf(stderr, "xlsx_gen: cannot read %s\n", argv[3]);
            workbook_close(wb);
            return 1;
        }
    } else if (strcmp(kind, "good") == 0 || strcmp(kind, "inline") == 0) {
        centres(ws, 3);
        lxw_worksheet *ws2 = workbook_add_worksheet(wb, "Other");
        static const char *const h[] = {"id", "name", "listed", "cni"};
        header(ws2, h, 4);
        worksheet_write_string(ws2, 1, 0, "north", NULL);
        worksheet_write_string(ws2, 1, 1, "North", NULL);
        worksheet_write_number(ws2, 1, 2, 5000, NULL);
        worksheet_write_number(ws2, 1, 3, 1.25, NULL);
        worksheet_write_string(ws2, 2, 0, "south", NULL);
        worksheet_write_string(ws2, 2, 1, "South", NULL);
        worksheet_write_number(ws2, 2, 2, 4000, NULL);
        worksheet_write_number(ws2, 2, 3, 0.8, NULL);
    } else if (strcmp(kind, "badnum") == 0) {
        centres(ws, 15);
        worksheet_write_string(ws, 13, 1, "12 4OO", NULL); /* row 14 */
    } else if (strcmp(kind, "nolisted") == 0) {
        static const char *const h[] = {"namn", "cni"};
        header(ws, h, 2);
        worksheet_write_string(ws, 1, 0, "A", NULL);
        worksheet_write_number(ws, 1, 1, 1.1, NULL);
    } else if (strcmp(kind, "emptycell") == 0) {
        static const char *const h[] = {"namn", "listade", "cni"};
        header(ws, h, 3);
        for (int r = 1; r <= 3; r++) {
            worksheet_write_string(ws, (lxw_row_t)r, 0, r == 1 ? "A" : r == 2 ? "B" : "C", NULL);
            worksheet_write_number(ws, (lxw_row_t)r, 1, 1000, NULL);
            if (r != 2)
                worksheet_write_number(ws, (lxw_row_t)r, 2, 1.0, NULL);
        }
    } else if (strcmp(kind, "dupheader") == 0) {
        static const char *const h[] = {"name", "listed", "listade", "cni"};
        header(ws, h, 4);
        worksheet_write_string(ws, 1, 0, "A", NULL);
        worksheet_write_number(ws, 1, 1, 1000, NULL);
        worksheet_write_number(ws, 1, 2, 1000, NULL);
        worksheet_write_number(ws, 1, 3, 1.0, NULL);
    } else if (strcmp(kind, "lowheader") == 0) {
        static const char *const h[] = {"namn", "listade"};
        for (int c = 0; c < 2; c++)
            worksheet_write_string(ws, 3, (lxw_col_t)c, h[c], NULL);
        worksheet_write_string(ws, 4, 0, "A", NULL);
        worksheet_write_number(ws, 4, 1, 1000, NULL);
    } else {
        fprintf(stderr, "xlsx_gen: unknown kind '%s'\n", kind);
        return 2;
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
