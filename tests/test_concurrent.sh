#!/usr/bin/env bash
# test_concurrent.sh — one writer at a time, readers always: two indexers
# started together (one works, the other exits 75 or, with --wait, waits and
# then finds nothing to do), and 100 searches while the index is being
# rewritten in small batches, none of which may fail.
#
# Usage: test_concurrent.sh INDEXER SEARCH NX_DUMP   (run by CTest)
set -u

INDEXER=$1 SEARCH=$2 DUMP=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/nx-conc-XXXXXX")
trap 'touch "$T/stop"; wait; rm -rf "$T"' EXIT
C=$T/corpus DB=$T/db
export NEWSIDX_DB=$T/default-index
unset XDG_DATA_HOME

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*" >&2; }
check() { local d=$1; shift; if "$@"; then ok; else bad "$d"; fi; }

# ---- a corpus: 600 articles in JSON Lines and text files -----------------------------------
mkdir -p "$C/t"
awk -v dir="$C" 'BEGIN {
	split("ka lo mi nu pe ra si to vu za be da", s)
	for (f = 0; f < 4; f++) {
		p = dir "/feed" f ".jsonl"
		for (r = 0; r < 100; r++) {
			t = "common"
			for (i = 0; i < 40; i++) t = t " " s[(r * 7 + i * 3 + f) % 12 + 1] s[(r + i) % 12 + 1]
			printf "{\"id\":\"f%d-%d\",\"title\":\"Feed %d\",\"text\":\"%s.\"}\n", f, r, f, t > p
		}
		close(p)
	}
	for (r = 0; r < 200; r++) {
		p = dir "/t/a" r ".txt"
		t = "common"
		for (i = 0; i < 40; i++) t = t " " s[(r * 5 + i) % 12 + 1] s[(r * 3 + i * 7) % 12 + 1]
		printf "Text %d\n\n%s.\n", r, t > p
		close(p)
	}
}'
touch -m -d '2020-01-01' "$C"/*.jsonl "$C"/t/*.txt

# ---- two indexers at once on a new index -----------------------------------------------------
for round in 1 2 3; do
	rm -rf "$DB"
	"$INDEXER" --db "$DB" "$C" >"$T/out1" 2>"$T/err1" &
	p1=$!
	"$INDEXER" --db "$DB" "$C" >"$T/out2" 2>"$T/err2" &
	p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	codes=$(printf '%s\n' "$r1" "$r2" | sort -n | tr '\n' ' ')
	check "round $round: one indexer works, the other exits 75 (exits: $codes; $(cat "$T/err1" "$T/err2"))" \
		test "$codes" = "0 75 "
	check "round $round: the one that gave way says why" \
		grep -q "another indexer is writing to this index" "$T/err1" "$T/err2"
done

# A writer that holds the lock for as long as we like: an indexer reading a
# FIFO blocks until something is written into it.
mkfifo "$T/hold.jsonl"
hold() { "$INDEXER" --db "$DB" "$T/hold.jsonl" >/dev/null 2>&1 & holder=$!; sleep 0.3; }
release() { printf '{"id":"held","text":"held"}\n' >"$T/hold.jsonl"; wait $holder; }

# With --wait, the second waits for the first, then does its work.
"$INDEXER" --db "$DB" "$C" >/dev/null 2>&1
hold
"$INDEXER" -v --wait 60 --db "$DB" "$C" >"$T/out2" 2>"$T/err2" &
p2=$!
sleep 1
still=0; kill -0 $p2 2>/dev/null && still=1
release
wait $p2; r2=$?
check "--wait: the second waits while the first holds the lock" test "$still" -eq 1
check "--wait: then it runs and succeeds ($r2: $(cat "$T/err2"))" test "$r2" -eq 0
check "--wait: and finds everything done ($(cat "$T/out2"))" \
	grep -q ' 0 added, 0 updated, 0 deleted, 600 unchanged' "$T/out2"

# A short --wait gives up with 75 after about that long.
hold
start=$(date +%s%N)
"$INDEXER" --wait 0.5 --db "$DB" "$C" >/dev/null 2>"$T/err2"
r2=$?
ms=$((($(date +%s%N) - start) / 1000000))
release
check "--wait 0.5 while another indexer runs: exit 75 ($r2)" test "$r2" -eq 75
check "--wait 0.5: gave up after about half a second ($ms ms)" test "$ms" -ge 450 -a "$ms" -lt 5000
check "--wait 0.5: says why" grep -q "another indexer is writing to this index" "$T/err2"

# ---- scripts/cron-reindex ---------------------------------------------------------------------
CRON=${NX_SOURCE_DIR:-}/scripts/cron-reindex
if [ -x "$CRON" ]; then
	export NEWSIDX_INDEXER=$INDEXER
	"$CRON" --db "$DB" --log "$T/cron.log" "$C" >"$T/out" 2>&1
	r=$?
	check "cron-reindex: nothing wrong, nothing said ($r: $(cat "$T/out"))" test "$r" -eq 0 -a ! -s "$T/out"
	check "cron-reindex: one summary line in the log" \
		test "$(grep -c ' 0 added, 0 updated, 0 deleted, 600 unchanged, 0 failed' "$T/cron.log")" -eq 1
	hold
	"$CRON" --db "$DB" --wait 0.2 "$C" >"$T/out" 2>&1
	r=$?
	release
	check "cron-reindex: the previous run still busy is no news ($r: $(cat "$T/out"))" \
		test "$r" -eq 0 -a ! -s "$T/out"
	printf '{"id":"bad"\n' >"$C/broken.jsonl"
	"$CRON" --db "$DB" --log "$T/cron.log" "$C" >"$T/out" 2>&1
	r=$?
	rm "$C/broken.jsonl"
	check "cron-reindex: a failure is reported, one line, exit 1 ($r: $(cat "$T/out"))" \
		test "$r" -eq 1 -a "$(grep -c 'broken.jsonl:1: error' "$T/out")" -eq 1 -a "$(wc -l <"$T/out")" -eq 1
	check "cron-reindex: and logged" grep -q 'broken.jsonl:1: error' "$T/cron.log"
	unset NEWSIDX_INDEXER
fi

# ---- 100 searches while the index is rewritten ------------------------------------------------
"$INDEXER" --db "$DB" "$C" >/dev/null 2>&1
(
	n=0
	while [ ! -e "$T/stop" ]; do
		"$INDEXER" --force --batch 100 --db "$DB" "$C" >/dev/null 2>>"$T/ierr" || echo "indexer exit $?" >>"$T/ierr"
		n=$((n + 1))
	done
	echo "$n" >"$T/runs"
) &
writer=$!
sleep 0.3
nfail=0 nok=0
for i in $(seq 1 100); do
	if "$SEARCH" --db "$DB" --json -n 5 "common" >"$T/s" 2>"$T/serr" && [ -s "$T/s" ]; then
		nok=$((nok + 1))
	else
		nfail=$((nfail + 1))
		printf 'search %d failed: %s\n' "$i" "$(cat "$T/serr")" >&2
	fi
	if [ $((i % 10)) -eq 0 ]; then
		# every tenth: a count, too, must be of a consistent state
		"$DUMP" "$DB" >"$T/d" 2>"$T/serr" || { nfail=$((nfail + 1)); cat "$T/serr" >&2; }
	fi
done
touch "$T/stop"
wait $writer
check "100 searches during indexing: none failed ($nfail failed)" test "$nfail" -eq 0 -a "$nok" -eq 100
check "the indexer was rewriting the index all along ($(cat "$T/runs" 2>/dev/null) runs)" \
	test "$(cat "$T/runs" 2>/dev/null || echo 0)" -ge 1
check "the indexer had no errors ($(head -3 "$T/ierr" 2>/dev/null))" test ! -s "$T/ierr"

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
