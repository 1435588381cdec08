#!/bin/sh
# make install into a temporary prefix (and with DESTDIR): every file in
# its place, public headers only, both man pages rendered by `man -l`
# without a warning, and a small program built against the installed
# library with `pkg-config --cflags --libs vardsim` and run.
# Usage (from the top folder): MAKE=make BUILD=build sh tests/install.sh
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
MAKE=${MAKE:-make}
BUILD=${BUILD:-build}

P="$TMP/prefix"
if (cd "$ROOT" && $MAKE --no-print-directory install PREFIX="$P" BUILD="$BUILD") >"$TMP/log" 2>&1; then ok; else
    bad "make install PREFIX=$P"; sed 's/^/    /' "$TMP/log" | tail -20; fi
for f in bin/vardsim lib/libvardsim.a lib/pkgconfig/vardsim.pc \
         share/man/man1/vardsim.1 share/man/man5/vardsim-scenario.5 \
         share/vardsim/plots/vardsim.gp include/vardsim/sim.h include/vardsim/version.h; do
    [ -f "$P/$f" ] && ok || bad "not installed: $f"
done
[ -x "$P/bin/vardsim" ] && ok || bad "vardsim not executable"
for s in "$ROOT"/scenarios/*.cfg; do
    cmp -s "$s" "$P/share/vardsim/scenarios/$(basename "$s")" && ok || bad "scenario $(basename "$s") not installed"
done
# Public headers only: exactly include/vardsim/*.h, none of src/.
(cd "$ROOT/include/vardsim" && ls) >"$TMP/want"
(cd "$P/include/vardsim" && ls) >"$TMP/got"
cmp -s "$TMP/want" "$TMP/got" && ok || bad "installed headers differ from include/vardsim: $(tr '\n' ' ' <"$TMP/got")"
for h in vecmath quantile sha256 eval draw charts sweep sensitivity sobol; do
    [ ! -e "$P/include/vardsim/$h.h" ] && ok || bad "internal header installed: $h.h"
done
grep -l -E 'gsl/|gsl_' "$P"/include/vardsim/*.h >/dev/null && bad "GSL in an installed header" || ok
"$P/bin/vardsim" --version | grep -qx "vardsim $(cat "$ROOT/VERSION")" && ok || bad "installed vardsim --version"

# Man pages: rendered, no warnings, the sections a reader looks for.
for page in share/man/man1/vardsim.1 share/man/man5/vardsim-scenario.5; do
    MANWIDTH=80 man -l --warnings "$P/$page" >"$TMP/man.txt" 2>"$TMP/man.err"
    st=$?
    [ $st -eq 0 ] && ok || bad "man -l $page: exit $st"
    [ ! -s "$TMP/man.err" ] && ok || { bad "man -l $page warns:"; sed 's/^/    /' "$TMP/man.err" | head; }
    for sec in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
        grep -q "^$sec" "$TMP/man.txt" && ok || bad "$page: no $sec section"
    done
done
MANWIDTH=80 man -l "$P/share/man/man1/vardsim.1" 2>/dev/null >"$TMP/man1.txt"
for cmd in check run sweep sensitivity report diff import init; do
    grep -q "^       $cmd " "$TMP/man1.txt" || grep -q "^       $cmd$" "$TMP/man1.txt" && ok || bad "vardsim(1) does not describe $cmd"
done
# The example in vardsim-scenario(5) is a scenario check accepts.
sed -n '/^\.SH EXAMPLE/,/^\.fi/p' "$P/share/man/man5/vardsim-scenario.5" | sed '1,2d;$d' >"$TMP/example.cfg"
"$P/bin/vardsim" check "$TMP/example.cfg" >/dev/null 2>"$TMP/err" && ok || { bad "the example of vardsim-scenario(5) does not check"; cat "$TMP/err"; }

# A program against the installed library, through pkg-config only.
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
flags=$(pkg-config --cflags --libs vardsim) && ok || bad "pkg-config --cflags --libs vardsim"
pkg-config --modversion vardsim | grep -qx "$(cat "$ROOT/VERSION")" && ok || bad "vardsim.pc version"
pkg-config --print-requires-private vardsim | tr '\n' ' ' | grep -q 'gsl.*libconfig' && ok || bad "Requires.private lacks gsl libconfig"
# shellcheck disable=SC2086
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$TMP/hello" "$ROOT/tests/install/hello.c" $flags 2>"$TMP/cc.err"; then ok; else
    bad "hello.c does not build with: $flags"; sed 's/^/    /' "$TMP/cc.err" | head -20; fi
"$TMP/hello" >"$TMP/hello.out" 2>&1 && ok || bad "hello failed: $(cat "$TMP/hello.out")"
grep -qx "vardsim $(cat "$ROOT/VERSION"): total 3000000.00 SEK, gini [0-9.]*" "$TMP/hello.out" && ok || bad "hello printed: $(cat "$TMP/hello.out")"
# The same with --static (what Requires.private is for).
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -o "$TMP/hello2" "$ROOT/tests/install/hello.c" $(pkg-config --static --cflags --libs vardsim) 2>"$TMP/cc.err" && ok || bad "hello.c does not build with --static"

# Every object of the static library linked in (--whole-archive), so
# every library any of them needs (xlsxwriter for results.xlsx, libzip and
# expat for xlsx centre lists, GSL, libconfig) must be named by the .pc,
# with and without --static.
for how in "" --static; do
    # shellcheck disable=SC2086
    libs=$(pkg-config $how --libs vardsim | sed "s|-lvardsim|-Wl,--whole-archive -lvardsim -Wl,--no-whole-archive|")
    # shellcheck disable=SC2086
    ${CC:-cc} -std=c11 -o "$TMP/hello3" "$ROOT/tests/install/hello.c" $(pkg-config --cflags vardsim) $libs 2>"$TMP/cc.err" && ok ||
        { bad "the whole library does not link with pkg-config $how --libs vardsim"; sed 's/^/    /' "$TMP/cc.err" | grep -m5 'undefined reference'; }
done
for lib in gsl libconfig libzip expat xlsxwriter; do
    pkg-config --print-requires-private vardsim | grep -qx "$lib" && ok || bad "Requires.private lacks $lib"
done

# DESTDIR: the same tree under it, the .pc still naming PREFIX.
D="$TMP/dest"
(cd "$ROOT" && $MAKE --no-print-directory install DESTDIR="$D" PREFIX=/opt/vs BUILD="$BUILD") >"$TMP/log" 2>&1 && ok || bad "make install DESTDIR"
[ -f "$D/opt/vs/bin/vardsim" ] && [ -f "$D/opt/vs/share/man/man5/vardsim-scenario.5" ] && ok || bad "DESTDIR tree incomplete"
grep -qx 'prefix=/opt/vs' "$D/opt/vs/lib/pkgconfig/vardsim.pc" && ok || bad "vardsim.pc prefix under DESTDIR"
[ ! -e /opt/vs ] && ok || bad "DESTDIR install wrote outside DESTDIR"

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
