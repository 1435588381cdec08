/* table_read.h: a list of centres from a spreadsheet, as a simple table.
 *
 * `vardsim import` reads centre lists the way analysts keep them: CSV in
 * either dialect (through util/csv_read) or an Excel workbook (.xlsx, read
 * with libzip and expat: the zip container, the workbook and its
 * relationships to find the sheet, the shared strings and the sheet's
 * cells).  Either way the result is rows of cells, each row carrying the
 * row number the spreadsheet shows (the first row is 1), so every message
 * can name it.  Private to src/model (import.c and its tests). */
#ifndef VARDSIM_TABLE_READ_H
#define VARDSIM_TABLE_READ_H

#include <stddef.h>

#include "vardsim/error.h"

typedef enum vs_cell_kind {
    VS_CELL_EMPTY = 0,
    VS_CELL_TEXT,   /* text (every CSV cell that is not empty) */
    VS_CELL_NUMBER  /* an xlsx number: `num`, and `text` its shortest form */
} vs_cell_kind;

typedef struct vs_cell {
    vs_cell_kind kind;
    char *text; /* never NULL but for VS_CELL_EMPTY */
    double num;
} vs_cell;

typedef struct vs_table_row {
    vs_cell *cells;
    size_t n;
    long row; /* as the spreadsheet numbers it */
} vs_table_row;

typedef struct vs_table {
    vs_table_row *rows; /* rows[0] is the header; rows with no cell left out */
    size_t n_rows;
    char dec;           /* decimal mark of text cells: ',' in the Swedish
                           CSV dialect (spaces then separate thousands),
                           else '.' */
    int xlsx;           /* read from a workbook */
    char *sheet;        /* xlsx: the sheet read */
} vs_table;

/* Read `path`: a workbook when its name ends in .xlsx (any case) or it
 * starts like a zip archive, else CSV.  `sheet` (xlsx only; NULL: the
 * first) names the sheet.  Returns VS_OK, VS_EINPUT (with err: not a zip,
 * bad XML, unknown sheet, a CSV that is not UTF-8, ...), VS_EIO or
 * VS_ENOMEM.  Free with vs_table_free (also after a failure). */
int vs_table_read(const char *path, const char *sheet, vs_table *out,
                  vs_err *err);

void vs_table_free(vs_table *t);

/* The cell at row r, column c, or NULL when the row is shorter. */
const vs_cell *vs_table_cell(const vs_table *t, size_t r, size_t c);

/* A cell as a number: an xlsx number as it is, text in the table's
 * dialect (vs_csv_read_number's rules).  Returns 0 and sets *out, or -1
 * when the cell is empty or not a number. */
int vs_table_number(const vs_table *t, const vs_cell *c, double *out);

#endif
