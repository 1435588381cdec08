#!/bin/sh
# Scenario encodings: a UTF-8 byte order mark is accepted and changes
# nothing (same outputs as without it, line numbers as in the file); a
# Windows-1252 file is refused naming the character each bad byte is there.
. "$(dirname "$0")/common.inc"

cfg="$ROOT/scenarios/vasterbotten-2023.cfg"
printf '\357\273\277' >"$TMP/bom.cfg"
cat "$cfg" >>"$TMP/bom.cfg"
cp "$cfg" "$TMP/nobom.cfg"
expect_status 0 "$VARDSIM" check "$TMP/bom.cfg"
expect_status 0 "$VARDSIM" run "$TMP/bom.cfg" -n 30 --quiet -o "$TMP/a"
expect_status 0 "$VARDSIM" run "$TMP/nobom.cfg" -n 30 --quiet -o "$TMP/b"
for f in metrics.csv centres.csv; do
    cmp -s "$TMP/a/$f" "$TMP/b/$f" && ok || bad "BOM changed $f"
done
# An error after a BOM keeps its line.
printf '\357\273\277' >"$TMP/bombad.cfg"
sed '3s/.*/  bogus_key = 1;/' "$cfg" >>"$TMP/bombad.cfg"
expect_status 2 "$VARDSIM" check "$TMP/bombad.cfg"
expect_in "$TMP/err" "bombad.cfg:3:"

# Windows-1252 (as Excel and Notepad save "ANSI" text).
if iconv -f UTF-8 -t WINDOWS-1252 "$cfg" >"$TMP/ansi.cfg" 2>/dev/null; then
    expect_status 2 "$VARDSIM" check "$TMP/ansi.cfg"
    expect_in "$TMP/err" "byte 0xE4 is 'ä' in Windows-1252: save the file as UTF-8"
    expect_in "$TMP/err" "byte 0xC5 is 'Å' in Windows-1252"
else
    bad "iconv cannot make Windows-1252 text"
fi

echo "encoding: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
