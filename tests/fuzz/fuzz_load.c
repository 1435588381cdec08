/* fuzz_load.c: libFuzzer target over the loader (text -> scenario).
 *
 * Any bytes: the loader must return VS_OK or an error with a message,
 * never crash, hang or leak (built with AddressSanitizer and UBSan by
 * `make fuzz`).  The text goes through vs_load_string, so a NUL byte ends
 * it (vs_load_file's NUL check has its own tests). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vardsim/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    vs_err err;
    vs_err_init(&err);
    vs_scenario *sc = NULL;
    int st = vs_load_string(text, "fuzz.cfg", &sc, &err);
    if (st == VS_OK && !sc)
        abort(); /* success must give a scenario */
    if (st != VS_OK && (sc || !err.log))
        abort(); /* failure must give a message and no scenario */
    vs_scenario_free(sc);
    vs_err_free(&err);
    free(text);
    return 0;
}
