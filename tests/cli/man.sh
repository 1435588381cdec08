#!/bin/sh
# vardsim(1) documents every command and every option as the code has
# them: each option `vardsim --help` shows and each option the command
# parsers in src/cli compare against is in the page (its synopsis and its
# OPTIONS or COMMANDS entries), each command of the help's synopsis has
# its entry under COMMANDS, and the page renders without a warning.
# Usage: VARDSIM=/abs/path/vardsim sh tests/cli/man.sh
. "$(dirname "$0")/common.inc"
PAGE="$ROOT/docs/man/vardsim.1"

# the page's text with roff's escaped hyphens as plain ones
sed 's/\\-/-/g' "$PAGE" >"$TMP/page"
# OPTIONS and COMMANDS: the tags (the line after .TP), synopsis: its lines
awk '/^\.SH/ { sec = $2 } prev == ".TP" && (sec == "OPTIONS" || sec == "COMMANDS") { print } { prev = $0 }' \
    "$TMP/page" >"$TMP/tags"
sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$TMP/page" >"$TMP/synopsis"
[ -s "$TMP/tags" ] && [ -s "$TMP/synopsis" ] && ok || bad "vardsim.1: no OPTIONS/COMMANDS tags or SYNOPSIS"

# options: from --help, and from the parsers' string compares
"$VARDSIM" --help >"$TMP/help"
grep -o -e '--[a-z][a-z-]*' -e ' -[a-z]\b' "$TMP/help" | tr -d ' ' | sort -u >"$TMP/help-opts"
grep -h -o 'strcmp([]a-z0-9_>.[*-]*, "-[-a-z][-a-z]*")' "$ROOT"/src/cli/*.c | grep -o '"-[-a-z]*"' | tr -d '"' |
    sort -u >"$TMP/code-opts"
[ "$(wc -l <"$TMP/code-opts")" -ge 15 ] && ok || bad "found only $(wc -l <"$TMP/code-opts") options in src/cli"
cat "$TMP/help-opts" "$TMP/code-opts" | sort -u >"$TMP/opts"
while read -r o; do
    grep -q -e "^\.[BI]*R* *\"*$o\b" -e "^\.B[IR]* .*$o\b" "$TMP/tags" && ok ||
        bad "vardsim.1 has no OPTIONS entry for $o"
    grep -q -- "$o\b" "$TMP/synopsis" && ok || bad "vardsim.1's SYNOPSIS lacks $o"
done <"$TMP/opts"

# commands: every one of the help's synopsis has an entry
sed -n 's/^  vardsim \([a-z][a-z]*\) .*/\1/p' "$TMP/help" | sort -u >"$TMP/cmds"
[ "$(wc -l <"$TMP/cmds")" -ge 8 ] && ok || bad "found only $(wc -l <"$TMP/cmds") commands in --help"
while read -r c; do
    grep -qx "\.B $c" "$TMP/tags" && ok || bad "vardsim.1 has no COMMANDS entry for $c"
done <"$TMP/cmds"

# rendered without a warning
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l --warnings "$PAGE" >/dev/null 2>"$TMP/man.err"
    [ ! -s "$TMP/man.err" ] && ok || { bad "man -l vardsim.1 warns:"; sed 's/^/    /' "$TMP/man.err" | head; }
fi

echo "man: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
