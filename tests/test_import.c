/* test_import.c: ids made from names (model/import.h) and a table read
 * from CSV text into a scenario that the loader accepts. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/import.h"
#include "model/table_read.h"
#include "vardsim/load.h"

static void id_is(const char *text, const char *want)
{
    char buf[65];
    vs_import_make_id(text, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        print_message("'%s' -> '%s', want '%s'\n", text, buf, want);
    assert_string_equal(buf, want);
}

static void test_make_id(void **state)
{
    (void)state;
    id_is("Ålidhems hälsocentral", "alidhems_halsocentral");
    id_is("Vårdcentralen Skäggetorp", "vardcentralen_skaggetorp");
    id_is("  Hälsocentral -- Ersboda (HC) ", "halsocentral_ersboda_hc");
    id_is("Ærø Straße", "aero_strasse");
    id_is("Øst/Väst 2", "ost_vast_2");
    id_is("ÉCOLE", "ecole");
    id_is("", "centre");
    id_is("–––", "centre");
    id_is("a\xE4" "b", "a_b"); /* not UTF-8: a gap like any other */
    /* At most n - 1 bytes, never a trailing '_'. */
    char buf[8];
    vs_import_make_id("abcdef ghij", buf, sizeof buf);
    assert_string_equal(buf, "abcdef");
}

/* CSV text through a file: the scenario written loads, ids unique. */
static void test_csv_to_scenario(void **state)
{
    (void)state;
    char path[] = "/tmp/vs_import_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("Namn;Listade;CNI;0-6;7+;Barn\r\n"
          "\"Ålidhems \"\"HC\"\"\";12 400;1,62;400;12 000;2,5\r\n"
          "Ålidhems \"HC\";9800;0,91;800;9 000;3\r\n", f);
    fclose(f);
    vs_err err;
    vs_err_init(&err);
    vs_table t;
    assert_int_equal(vs_table_read(path, NULL, &t, &err), VS_OK);
    assert_int_equal(t.n_rows, 3);
    assert_int_equal(t.rows[2].row, 3);
    vs_import_opts o = {path, 1e9, 0};
    char *text, *notes;
    assert_int_equal(vs_import_scenario(&t, &o, &text, &notes, &err), VS_OK);
    assert_null(notes);
    vs_scenario *sc;
    int st = vs_load_string(text, "imported.cfg", &sc, &err);
    if (st != VS_OK)
        print_message("%s\n%s", text, err.log ? err.log : "");
    assert_int_equal(st, VS_OK);
    assert_int_equal(sc->n_centres, 2);
    assert_string_equal(sc->centres[0].id, "alidhems_hc");
    assert_string_equal(sc->centres[1].id, "alidhems_hc_2");
    assert_string_equal(sc->centres[0].name, "Ålidhems \"HC\"");
    assert_int_equal((long)sc->centres[0].listed, 12400);
    assert_true(sc->centres[1].cni == 0.91);
    assert_true(sc->centres[0].attrs[0] == 2.5);
    vs_scenario_free(sc);
    free(text);
    /* No pot and not --centres-only: refused. */
    vs_import_opts none = {path, NAN, 0};
    assert_int_equal(vs_import_scenario(&t, &none, &text, &notes, &err),
                     VS_EINPUT);
    assert_null(text);
    vs_table_free(&t);
    vs_err_free(&err);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_make_id),
        cmocka_unit_test(test_csv_to_scenario),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
