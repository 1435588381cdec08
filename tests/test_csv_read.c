/* test_csv_read.c: the CSV reader, against hand-written text in both
 * dialects and against vardsim's own CSV writer. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv_read.h"
#include "vardsim/output.h"

static vs_csv_table parse_ok(const char *text)
{
    vs_csv_table t;
    vs_err err;
    vs_err_init(&err);
    int st = vs_csv_parse(text, strlen(text), "t.csv", &t, &err);
    if (st != VS_OK)
        fail_msg("parse failed: %s", err.log ? err.log : "");
    vs_err_free(&err);
    return t;
}

static void test_rfc_dialect(void **state)
{
    (void)state;
    vs_csv_table t = parse_ok("a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\n"
                              "2,\"two\nlines\",\n");
    assert_int_equal(t.sep, ',');
    assert_int_equal(t.dec, '.');
    assert_int_equal(t.n_rows, 3);
    assert_int_equal(t.rows[1].n, 3);
    assert_string_equal(vs_csv_cell(&t, 1, 1), "x,y");
    assert_string_equal(vs_csv_cell(&t, 1, 2), "say \"hi\"");
    assert_string_equal(vs_csv_cell(&t, 2, 1), "two\nlines");
    assert_string_equal(vs_csv_cell(&t, 2, 2), "");
    assert_int_equal(t.rows[2].n, 3);
    assert_int_equal(t.rows[2].line, 3);
    assert_int_equal(vs_csv_column(&t, "c"), 2);
    assert_int_equal(vs_csv_column(&t, "d"), -1);
    assert_string_equal(vs_csv_cell(&t, 1, 7), "");
    double v;
    assert_int_equal(vs_csv_read_number(&t, "-12.5e2", &v), 0);
    assert_close(v, -1250.0, 0, 0);
    assert_int_equal(vs_csv_read_number(&t, "12,5", &v), -1);
    assert_int_equal(vs_csv_read_number(&t, "", &v), -1);
    assert_int_equal(vs_csv_read_number(&t, "12 4OO", &v), -1);
    assert_int_equal(vs_csv_read_number(&t, "1e999", &v), -1);
    vs_csv_table_free(&t);
}

static void test_swedish_dialect(void **state)
{
    (void)state;
    /* BOM, CRLF, ';', decimal comma, no-break and plain spaces as
     * thousands separators, and a last line without a line end. */
    vs_csv_table t = parse_ok("\xEF\xBB\xBFnamn;listade;cni\r\n"
                              "\xC3\x85sele;12 400;1,32\r\n"
                              "\"Bo; lid\";1\xC2\xA0" "234\xE2\x80\xAF" "567;0,9");
    assert_int_equal(t.sep, ';');
    assert_int_equal(t.dec, ',');
    assert_int_equal(t.n_rows, 3);
    assert_string_equal(vs_csv_cell(&t, 0, 0), "namn");
    assert_string_equal(vs_csv_cell(&t, 2, 0), "Bo; lid");
    double v;
    assert_int_equal(vs_csv_read_number(&t, vs_csv_cell(&t, 1, 1), &v), 0);
    assert_close(v, 12400.0, 0, 0);
    assert_int_equal(vs_csv_read_number(&t, vs_csv_cell(&t, 1, 2), &v), 0);
    assert_close(v, 1.32, 0, 0);
    assert_int_equal(vs_csv_read_number(&t, vs_csv_cell(&t, 2, 1), &v), 0);
    assert_close(v, 1234567.0, 0, 0);
    assert_int_equal(vs_csv_read_number(&t, "1.5", &v), -1);
    vs_csv_table_free(&t);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    vs_csv_table t;
    vs_err err;
    vs_err_init(&err);
    const char *text = "a,b\n1,2\n3,\"open\n4,5\n";
    assert_int_equal(vs_csv_parse(text, strlen(text), "t.csv", &t, &err),
                     VS_EINPUT);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.file, "t.csv");
    assert_non_null(strstr(err.msg, "never closed"));
    vs_err_free(&err);
}

/* Whatever vardsim's writer writes, the reader reads back, in both
 * dialects. */
static void test_round_trip_with_writer(void **state)
{
    (void)state;
    for (int swedish = 0; swedish <= 1; swedish++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        vs_csv c;
        vs_csv_begin(&c, f, swedish);
        vs_csv_text(&c, "name");
        vs_csv_text(&c, "amount");
        vs_csv_text(&c, "share");
        vs_csv_end_row(&c);
        vs_csv_text(&c, "Hälsan; \"100%\",\nhemma");
        vs_csv_money(&c, -123456789);
        vs_csv_num(&c, 0.125);
        vs_csv_end_row(&c);
        vs_csv_text(&c, "=SUM(A1)");
        vs_csv_money_d(&c, NAN);
        vs_csv_num(&c, NAN);
        vs_csv_end_row(&c);
        fclose(f);

        vs_csv_table t = parse_ok(buf);
        assert_int_equal(t.n_rows, 3);
        assert_int_equal(t.sep, swedish ? ';' : ',');
        assert_string_equal(vs_csv_cell(&t, 1, 0), "Hälsan; \"100%\",\nhemma");
        double v;
        assert_int_equal(vs_csv_read_number(&t, vs_csv_cell(&t, 1, 1), &v), 0);
        assert_close(v, -1234567.89, 0, 1e-9);
        assert_int_equal(vs_csv_read_number(&t, vs_csv_cell(&t, 1, 2), &v), 0);
        assert_close(v, 0.125, 0, 0);
        assert_string_equal(vs_csv_cell(&t, 2, 0), "'=SUM(A1)");
        assert_string_equal(vs_csv_cell(&t, 2, 1), "");
        assert_int_equal(t.rows[2].n, 3);
        vs_csv_table_free(&t);
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_dialect),
        cmocka_unit_test(test_swedish_dialect),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_round_trip_with_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
