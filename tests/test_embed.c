/* test_embed.c: the library in a program that has not touched GSL's error
 * handler (the CLI turns it off; an embedding program may not know to).
 * GSL's default handler aborts, which would end this test program: a pert
 * quantile at u = 1e-300 makes gsl_cdf_beta_Pinv report a failure to
 * converge through it.  This file must not call gsl_set_error_handler*. */
#include "helpers.h"

#include <math.h>

#include "vardsim/dist.h"
#include "engine/draw.h"
#include "vardsim/load.h"

static void test_pert_quantile_extremes(void **state)
{
    (void)state;
    vs_dist d = {0};
    d.kind = VS_DIST_PERT;
    /* mode at min: Beta(1, 5), whose inverse fails at a subnormal u */
    const double modes[] = {0.5, 1.0, 4.0};
    const double us[] = {5e-324, 1e-310, 1e-300, 1e-17, 1 - 1e-16, 0, 1};
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        d.p[0] = 0.5, d.p[1] = modes[m], d.p[2] = 4.0;
        for (size_t i = 0; i < sizeof us / sizeof *us; i++) {
            double x = vs_dist_quantile(&d, us[i]);
            assert_true(isfinite(x));
            assert_true(x >= 0.5 && x <= 4.0);
        }
        /* monotone at the low end */
        assert_true(vs_dist_quantile(&d, 5e-324) <= vs_dist_quantile(&d, 1e-10));
    }
}

/* Loading and drawing from a file, through the public API only. */
static void test_load_and_draw(void **state)
{
    (void)state;
    const char *text =
        "scenario = { name = \"e\"; };\n"
        "centres = ( { id = \"a\"; name = \"A\"; listed = 10; cni = 1.0; } );\n"
        "variants = ( { id = \"v\"; name = \"V\"; rules = ( { type = \"capitation\";\n"
        "  pot = { dist = \"pert\"; min = 1.0; mode = 2.0; max = 1e6; stream = \"s\"; }; } ); } );\n";
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    assert_int_equal(vs_load_string(text, "e.cfg", &sc, &err), VS_OK);
    vs_draw *d = vs_draw_alloc(sc);
    assert_non_null(d);
    vs_draw_free(d);
    vs_scenario_free(sc);
    vs_err_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pert_quantile_extremes),
        cmocka_unit_test(test_load_and_draw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
