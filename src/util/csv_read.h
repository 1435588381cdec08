/* csv_read.h: read a whole CSV file into rows of text cells.
 *
 * One reader for every CSV vardsim reads back (its own output folders for
 * `report` and `diff`, centre lists for `import`).  It takes both dialects
 * vardsim writes: RFC 4180 (',' with '.' decimals) and Swedish Excel (';'
 * with decimal comma), with or without a UTF-8 byte order mark, CRLF or LF
 * line ends, and quoted fields with "" for a quote and line breaks inside.
 * The dialect is told by the header row: ';' in it outside quotes means the
 * Swedish one.  Cells stay text; vs_csv_read_number turns one into a number
 * in the file's dialect. */
#ifndef VS_CSV_READ_H
#define VS_CSV_READ_H

#include <stddef.h>

#include "vardsim/error.h"

typedef struct vs_csv_row {
    char **cells;
    size_t n;
    int line; /* the file line the row starts on (1-based) */
} vs_csv_row;

typedef struct vs_csv_table {
    vs_csv_row *rows; /* rows[0] is the header */
    size_t n_rows;
    char sep;         /* ',' or ';' */
    char dec;         /* '.' or ',' */
} vs_csv_table;

/* Parse `len` bytes of CSV text.  `file` names the source in errors
 * ("FILE:LINE: unterminated quoted field").  Returns VS_OK, VS_EINPUT for
 * malformed text, or VS_ENOMEM. */
int vs_csv_parse(const char *text, size_t len, const char *file,
                 vs_csv_table *out, vs_err *err);

/* Read and parse a file (VS_EIO when it cannot be read). */
int vs_csv_read_file(const char *path, vs_csv_table *out, vs_err *err);

/* Free the rows (accepts a zeroed table). */
void vs_csv_table_free(vs_csv_table *t);

/* Column index of header `name` (exact match), or -1. */
int vs_csv_column(const vs_csv_table *t, const char *name);

/* Cell text of row r, column c; "" when the row is short or c < 0. */
const char *vs_csv_cell(const vs_csv_table *t, size_t r, int c);

/* A number in the table's dialect: '.' or the decimal comma, a leading
 * minus, and in the Swedish dialect spaces and no-break spaces (U+00A0,
 * U+202F) as thousands separators.  Returns 0 and sets *out, or -1 when
 * the text is empty or not a number (trailing junk included). */
int vs_csv_read_number(const vs_csv_table *t, const char *text, double *out);

#endif
