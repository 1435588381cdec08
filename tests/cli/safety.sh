#!/bin/sh
# Output safety (issue 12, class 5) with the real binary: a locked output
# folder, stale temporaries of killed runs, a full disk, SIGINT and SIGTERM
# in every phase (loading included), hostile and duplicate file names.
# Usage: VARDSIM=/abs/path/vardsim sh tests/cli/safety.sh
. "$(dirname "$0")/common.inc"

CFG="$ROOT/scenarios/vasterbotten-2023.cfg"
LONG=50000000 # iterations no test waits for

# now_ms: milliseconds since the epoch
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_for TEST...: poll (10 ms) until `test TEST...` holds or 60 s pass
wait_for() {
    n=0
    while ! test "$@"; do
        n=$((n + 1))
        [ $n -lt 6000 ] || return 1
        sleep 0.01
    done
}

# has_tmp DIR: DIR holds a temporary of ours
has_tmp() { ls -A "$1" 2>/dev/null | grep -q '^\.vardsim-tmp\.'; }

# wait_tmp DIR PID: poll until DIR holds a temporary or PID has ended
wait_tmp() {
    n=0
    while ! has_tmp "$1" && kill -0 "$2" 2>/dev/null; do
        n=$((n + 1))
        [ $n -lt 6000 ] || return 1
        sleep 0.01
    done
    has_tmp "$1"
}

# stop SIG PID WHAT ERRFILE: send SIG, then expect exit 1 within a second
# and the interrupt message in ERRFILE (PID's standard error)
stop() {
    sig=$1 p=$2 what=$3 ef=$4
    t0=$(now_ms)
    kill -"$sig" "$p"
    wait "$p"
    st=$?
    ms=$(($(now_ms) - t0))
    if [ "$st" -eq 1 ] && [ "$ms" -lt 1000 ]; then ok; else
        bad "$what: SIG$sig gave exit $st after $ms ms (want 1 within 1000 ms)"; fi
    if grep -q "interrupted" "$ef"; then ok; else
        bad "$what: no 'interrupted' message"; sed 's/^/    /' "$ef" | head -5; fi
}

# sums DIR: checksums of every file in DIR, hidden ones included
sums() { (cd "$1" && ls -A | sort | while read -r f; do md5sum "$f"; done); }

# --- two runs into one folder: the second is refused, naming the first ----
"$VARDSIM" run "$CFG" -n 0 --threads 1 -o "$TMP/prev" --quiet || bad "setup run"
sums "$TMP/prev" >"$TMP/prev.sums"
"$VARDSIM" run "$CFG" -n $LONG --threads 1 -o "$TMP/prev" --quiet >/dev/null 2>"$TMP/err.bg" &
a=$!
wait_for -s "$TMP/prev/.vardsim.lock" || bad "lock file never appeared"
expect_status 1 "$VARDSIM" run "$CFG" -n 0 --threads 1 -o "$TMP/prev" --quiet
expect_in "$TMP/err" "output folder in use by another vardsim process (pid $a: run "
expect_in "$TMP/err" "choose another folder with -o"
# merge writes where its -o says: the same advice suits it
expect_status 0 "$VARDSIM" run "$CFG" -n 0 --threads 1 --shard 1/1 --partial "$TMP/part" --quiet
expect_status 1 "$VARDSIM" merge "$TMP/part" -o "$TMP/prev"
expect_in "$TMP/err" "in use by another vardsim process (pid $a: run "
expect_in "$TMP/err" "choose another folder with -o"
for cmd in sweep sensitivity; do
    case $cmd in sweep) extra="--over cni_topup.cni_threshold.threshold=1.0:1.1:0.1" ;; *) extra="" ;; esac
    # shellcheck disable=SC2086
    expect_status 1 "$VARDSIM" $cmd "$CFG" $extra -n 0 -o "$TMP/prev" --quiet
    expect_in "$TMP/err" "in use by another vardsim process (pid $a"
done
stop TERM $a "locked run" "$TMP/err.bg"
sums "$TMP/prev" | cmp -s - "$TMP/prev.sums" && ok || bad "the refused and the stopped run changed the earlier result"

# Two runs started together (different seeds): whichever writes, the folder
# holds one run's files only, and any run that did not write was refused.
"$VARDSIM" run "$CFG" -n 300 --seed 1 --threads 1 -o "$TMP/ref1" --quiet || bad "ref1"
"$VARDSIM" run "$CFG" -n 300 --seed 2 --threads 1 -o "$TMP/ref2" --quiet || bad "ref2"
"$VARDSIM" run "$CFG" -n 300 --seed 1 --threads 1 -o "$TMP/both" --quiet 2>"$TMP/err.1" &
p1=$!
"$VARDSIM" run "$CFG" -n 300 --seed 2 --threads 1 -o "$TMP/both" --quiet 2>"$TMP/err.2" &
p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
for k in 1 2; do
    eval "sk=\$s$k"
    if [ "$sk" -eq 0 ] || { [ "$sk" -eq 1 ] && grep -q "in use by another vardsim process" "$TMP/err.$k"; }; then ok; else
        bad "together: run $k exit $sk"; sed 's/^/    /' "$TMP/err.$k" | head -5; fi
done
seed=$(sed -n 's/^seed: //p' "$TMP/both/manifest.txt")
if [ -n "$seed" ] && cmp -s "$TMP/both/metrics.csv" "$TMP/ref$seed/metrics.csv" &&
    cmp -s "$TMP/both/centres.csv" "$TMP/ref$seed/centres.csv" &&
    cmp -s "$TMP/both/chart_allocation.csv" "$TMP/ref$seed/chart_allocation.csv"; then ok; else
    bad "together: the folder mixes two runs (manifest seed '$seed')"; fi
[ -e "$TMP/both/.vardsim.lock" ] && bad "together: lock file left" || ok
has_tmp "$TMP/both" && bad "together: temporaries left" || ok

# --- a killed run's temporaries are removed by the next run (ours only) ---
"$VARDSIM" run "$CFG" -n 20000 --draws --threads 2 -o "$TMP/prev" --quiet >/dev/null 2>&1 &
k=$!
if wait_tmp "$TMP/prev" $k; then ok; else bad "killed run: never saw a temporary"; fi
kill -KILL $k
{ wait $k; } 2>/dev/null # no "Killed" line
has_tmp "$TMP/prev" && ok || bad "SIGKILL left no temporary (the test proves nothing)"
sums "$TMP/prev" | grep -v -e ' \.vardsim' | cmp -s - "$TMP/prev.sums" && ok || bad "killed run changed the earlier result"
# someone else's hidden files, and a leftover of the old naming, stay
echo keep >"$TMP/prev/.keep"
echo old >"$TMP/prev/.metrics.csv.Ab12Cd"
: >"$TMP/prev/.vardsim-tmp.999999.0"
mkdir "$TMP/prev/.vardsim-tmp.dir"
expect_status 0 "$VARDSIM" run "$CFG" -n 0 --threads 1 -o "$TMP/prev" --quiet
has_tmp "$TMP/prev" && [ ! -d "$TMP/prev/.vardsim-tmp.dir" ] && bad "stale temporaries not removed" || ok
[ -f "$TMP/prev/.keep" ] && [ -f "$TMP/prev/.metrics.csv.Ab12Cd" ] && [ -d "$TMP/prev/.vardsim-tmp.dir" ] && ok ||
    bad "stale cleanup removed what is not a temporary file of ours"
[ -e "$TMP/prev/.vardsim.lock" ] && bad "lock file left after a run" || ok
rm -rf "$TMP/prev/.keep" "$TMP/prev/.metrics.csv.Ab12Cd" "$TMP/prev/.vardsim-tmp.dir"
# temporaries elsewhere are not ours to remove
mkdir "$TMP/other" && : >"$TMP/other/.vardsim-tmp.1.0"
expect_status 0 "$VARDSIM" run "$CFG" -n 0 --threads 1 -o "$TMP/prev" --quiet
[ -f "$TMP/other/.vardsim-tmp.1.0" ] && ok || bad "stale cleanup reached outside the output folder"

# --- a full disk: the real error, and the earlier result whole ------------
render=""
command -v gnuplot >/dev/null 2>&1 && render="--render png"
# shellcheck disable=SC2086
expect_status 0 "$VARDSIM" run "$CFG" -n 200 --threads 1 -o "$TMP/full" --quiet $render
sums "$TMP/full" >"$TMP/full.sums"
[ -z "$render" ] || grep -q 'allocation.png' "$TMP/full.sums" && ok || bad "no chart to lose"
( ulimit -f 8; exec "$VARDSIM" run "$CFG" -n 2000 --seed 9 --draws --threads 1 -o "$TMP/full" --quiet ) >"$TMP/out" 2>"$TMP/err"
st=$?
[ $st -eq 1 ] && ok || bad "file-size limit: exit $st (want 1)"
expect_in "$TMP/err" "write failed: File too large"
grep -q "No such file" "$TMP/err" && bad "file-size limit: reported as a missing file" || ok
sums "$TMP/full" | cmp -s - "$TMP/full.sums" && ok || bad "file-size limit: the earlier result changed"
# a real full file system, where one can be mounted (root, tmpfs): 2 MB holds
# the first run with its four PNGs (1.2 MB) but not the second's draws
mnt="$TMP/mnt"
mkdir "$mnt"
if mount -t tmpfs -o size=2m tmpfs "$mnt" 2>/dev/null; then
    trap 'umount "$mnt" 2>/dev/null; rm -rf "$TMP"' EXIT
    # shellcheck disable=SC2086
    expect_status 0 "$VARDSIM" run "$CFG" -n 0 --threads 1 -o "$mnt/out" --quiet $render
    sums "$mnt/out" >"$TMP/mnt.sums"
    expect_status 1 "$VARDSIM" run "$CFG" -n 3000 --seed 9 --draws --threads 1 -o "$mnt/out" --quiet
    expect_in "$TMP/err" "write failed: No space left on device"
    sums "$mnt/out" | cmp -s - "$TMP/mnt.sums" && ok || bad "full tmpfs: the earlier result changed"
    [ "$(ls -A "$mnt/out" | grep -c '^\.')" -eq 0 ] && ok || bad "full tmpfs: hidden files left"
    umount "$mnt"
    trap 'rm -rf "$TMP"' EXIT
fi

# --- SIGINT and SIGTERM in every phase: exit 1 within a second ------------
sums "$TMP/prev" >"$TMP/prev.sums"
# loading: a scenario that never finishes arriving (a FIFO whose writer
# stays silent), and a big generated one
mkfifo "$TMP/slow.cfg"
for sig in INT TERM; do
    sleep 30 >"$TMP/slow.cfg" &
    w=$!
    "$VARDSIM" run "$TMP/slow.cfg" -o "$TMP/load" --quiet 2>"$TMP/err.load" &
    p=$!
    caught $p
    sleep 0.3
    stop $sig $p "loading (fifo)" "$TMP/err.load"
    kill $w 2>/dev/null; wait $w 2>/dev/null
    [ -e "$TMP/load" ] && bad "loading: output folder made" || ok
done
${CC:-cc} -O2 -std=c11 -o "$TMP/gen_national" "$ROOT/bench/gen_national.c" -lm || bad "gen_national"
# 100,000 centres: about 1.5 s of loading here; 20,000 (0.27 s) could be
# loaded before the signal on an idle, fast machine, and check exit 0.
"$TMP/gen_national" 100000 >"$TMP/big.cfg"
for sig in INT TERM; do
    "$VARDSIM" check "$TMP/big.cfg" >/dev/null 2>"$TMP/err.big" &
    p=$!
    caught $p
    sleep 0.2
    stop $sig $p "loading a big scenario" "$TMP/err.big"
done

# simulating (the lock is taken once the scenario is loaded)
for sig in INT TERM; do
    "$VARDSIM" run "$CFG" -n $LONG --threads 2 -o "$TMP/sim" --quiet 2>"$TMP/err.sim" &
    p=$!
    wait_for -s "$TMP/sim/.vardsim.lock" || bad "simulating: no lock"
    stop $sig $p "simulating" "$TMP/err.sim"
    [ -e "$TMP/sim" ] && bad "simulating: output folder left" || ok
done

# writing (temporaries exist): into a new folder and over an earlier result
for sig in INT TERM; do
    for where in new prev; do
        "$VARDSIM" run "$CFG" -n 20000 --draws --threads 2 -o "$TMP/$where" --quiet 2>"$TMP/err.w" &
        p=$!
        if wait_tmp "$TMP/$where" $p; then stop $sig $p "writing ($where)" "$TMP/err.w"; else
            wait $p; bad "writing ($where): never saw a temporary"; fi
        if [ $where = new ]; then
            [ -e "$TMP/new" ] && bad "writing: new folder left" || ok
        else
            sums "$TMP/prev" | cmp -s - "$TMP/prev.sums" && ok || bad "writing: earlier result changed"
        fi
        grep -q "no output written" "$TMP/err.w" && ok || bad "writing: message"
    done
done

# rendering (the tables are in; gnuplot is at work on a big chart)
if [ -n "$render" ]; then
    "$TMP/gen_national" 1150 >"$TMP/nat.cfg"
    for sig in INT TERM; do
        rm -rf "$TMP/render"
        # one allocation panel of 1 150 rows (every variant's would pass
        # the 400 cm page and not be drawn at all)
        "$VARDSIM" run "$TMP/nat.cfg" -n 0 --threads 2 -o "$TMP/render" --render png,svg,pdf \
            --variants cni_share --all-centres --quiet 2>"$TMP/err.r" &
        p=$!
        wait_for -f "$TMP/render/metrics.csv" || bad "rendering: no tables"
        if kill -0 $p 2>/dev/null; then stop $sig $p "rendering" "$TMP/err.r"; else
            wait $p; bad "rendering: done before the signal (the test proves nothing)"; fi
        expect_in "$TMP/err.r" "after the tables were written: charts and report not finished"
        sleep 0.5 # let gnuplot, told by its parent's death, go too
        has_tmp "$TMP/render" && bad "rendering: temporary image left" || ok
        [ -e "$TMP/render/.vardsim.lock" ] && bad "rendering: lock left" || ok
        [ -s "$TMP/render/centres.csv" ] && ok || bad "rendering: committed tables lost"
    done
fi

# a gnuplot slow to reach its `set output` (here one that ignores SIGTERM
# and sleeps a second first) must not make the image's temporary again
# after a signal removed it: vardsim hands gnuplot the file it made, so the
# late write goes into a file with no name
mkdir "$TMP/slowbin"
cat >"$TMP/slowbin/gnuplot" <<'SLOW'
#!/bin/sh
trap '' TERM INT
out=$(printf '%s' "$3" | sed -n "s/.*vs_output='\([^']*\)'.*/\1/p")
sleep 1
echo late >"$out"
SLOW
chmod +x "$TMP/slowbin/gnuplot"
for sig in INT TERM; do
    rm -rf "$TMP/slow"
    PATH="$TMP/slowbin:$PATH" "$VARDSIM" run "$CFG" -n 0 -o "$TMP/slow" --render png --quiet 2>"$TMP/err.s" &
    p=$!
    wait_for -f "$TMP/slow/metrics.csv" || bad "slow gnuplot: no tables"
    sleep 0.3 # gnuplot started, asleep before its output
    if kill -0 $p 2>/dev/null; then stop $sig $p "slow gnuplot" "$TMP/err.s"; else
        wait $p; bad "slow gnuplot: done before the signal (the test proves nothing)"; fi
    sleep 1.5 # the orphaned gnuplot writes now
    has_tmp "$TMP/slow" && bad "slow gnuplot (SIG$sig): temporary image made again after the signal" || ok
done

# --- hostile and duplicate file names --------------------------------------
mkdir "$TMP/cwd" "$TMP/a" "$TMP/b"
for name in "...cfg" "..cfg" ".cfg" ".hidden.cfg"; do
    cp "$CFG" "$TMP/cwd/$name"
    before=$(ls -A "$TMP/cwd" | tr '\n' ' ')
    (cd "$TMP/cwd" && exec "$VARDSIM" run "./$name" -n 0 --quiet) >"$TMP/out" 2>"$TMP/err"
    st=$?
    [ $st -eq 2 ] && ok || bad "stem of '$name': exit $st (want 2)"
    expect_in "$TMP/err" "the output folder is named after the file"
    (cd "$TMP/cwd" && exec "$VARDSIM" run "./$name" "$CFG" -n 0 -o "$TMP/multi" --quiet) >/dev/null 2>&1
    [ $? -eq 2 ] && [ ! -e "$TMP/multi" ] && ok || bad "stem of '$name' among several: not refused"
    (cd "$TMP/cwd" && exec "$VARDSIM" sweep "./$name" --over cni_topup.cni_threshold.threshold=1.0:1.1:0.1 -n 0 --quiet) >/dev/null 2>&1
    [ $? -eq 2 ] && ok || bad "sweep, stem of '$name': not refused"
    (cd "$TMP/cwd" && exec "$VARDSIM" sensitivity "./$name" -n 0 --quiet) >/dev/null 2>&1
    [ $? -eq 2 ] && ok || bad "sensitivity, stem of '$name': not refused"
    [ "$(ls -A "$TMP/cwd" | tr '\n' ' ')" = "$before" ] && ok || bad "stem of '$name': wrote into the current folder"
    rm -f "$TMP/cwd/$name"
done
expect_in "$TMP/err" "'.hidden' without .cfg), and that name would make a hidden folder"
# with -o a single file's name is not used
cp "$CFG" "$TMP/cwd/...cfg"
expect_status 0 "$VARDSIM" run "$TMP/cwd/...cfg" -n 0 --threads 1 -o "$TMP/named" --quiet
[ -s "$TMP/named/metrics.csv" ] && ok || bad "-o with a dotted file name"
# two files, one stem: refused before anything runs
cp "$CFG" "$TMP/a/s.cfg"
cp "$ROOT/scenarios/ostergotland-2021.cfg" "$TMP/b/s.cfg"
expect_status 2 "$VARDSIM" run "$TMP/a/s.cfg" "$TMP/b/s.cfg" -n 0 -o "$TMP/dup" --quiet
expect_in "$TMP/err" "$TMP/a/s.cfg and $TMP/b/s.cfg would both write $TMP/dup/s/"
[ -e "$TMP/dup" ] && bad "same stems: something written" || ok
expect_status 2 "$VARDSIM" run "$TMP/a/s.cfg" "$TMP/a/s.cfg" -n 0 -o "$TMP/dup" --quiet
# distinct stems still go one folder each
cp "$CFG" "$TMP/b/t.cfg"
expect_status 0 "$VARDSIM" run "$TMP/a/s.cfg" "$TMP/b/t.cfg" -n 0 --threads 1 -o "$TMP/two" --quiet
[ -s "$TMP/two/s/metrics.csv" ] && [ -s "$TMP/two/t/metrics.csv" ] && ok || bad "two stems: folders"

echo "safety: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
