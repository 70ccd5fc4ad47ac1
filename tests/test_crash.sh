#!/usr/bin/env bash
# test_crash.sh — kill -9 the indexer at random moments: each time the index
# must open and answer searches (the last committed state), and a rerun must
# end exactly equal to a clean build (nx_dump, search --json, counts).  Over
# a generated corpus of 2000 small articles (text files in directories and
# JSON Lines), first while building it, then while updating it after edits,
# deletions, additions and changed records.
#
# Usage: test_crash.sh INDEXER SEARCH NX_DUMP   (run by CTest)
set -u

INDEXER=$1 SEARCH=$2 DUMP=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/nx-crash-XXXXXX")
trap 'kill -9 $pid 2>/dev/null; rm -rf "$T"' EXIT
C=$T/corpus DB=$T/db REF=$T/ref
pid=
export NEWSIDX_DB=$T/default-index
unset XDG_DATA_HOME
RANDOM=${NX_CRASH_SEED:-$$}
echo "seed: $RANDOM (set NX_CRASH_SEED to repeat)"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*" >&2; }
check() { local d=$1; shift; if "$@"; then ok; else bad "$d"; fi; }
now() { date +%s.%N; }

# ---- the corpus: 20 directories of 50 text files, 2 JSON Lines files of 500 -------------
gen() { # gen SEED: make the corpus version SEED (1 or 2), writing only what differs
	mkdir -p "$C"
	awk -v dir="$C" -v seed="$1" -v written="$T/written" -v manifest="$T/manifest" '
	function word(n,   s, k) {
		s = ""
		for (k = 0; k < 2 + n % 3; k++) { s = s syl[n % 24]; n = int(n / 24) + 7 * k }
		return s
	}
	function text(id, v,   s, i, n) {
		s = ""
		n = 20 + (id * 7) % 40
		for (i = 0; i < n; i++)
			s = s (i ? " " : "") word((id * 131 + i * 17 + v * 1009) % 9973)
		return s "."
	}
	# put P CONTENT: write the file unless it holds CONTENT already
	function put(p, content,   old, line) {
		old = ""
		while ((getline line < p) > 0)
			old = old line "\n"
		close(p)
		print p > manifest
		if (old == content)
			return
		printf "%s", content > p
		close(p)
		print p > written
	}
	BEGIN {
		printf "" > written
		split("ka lo mi nu pe ra si to vu za be da fi go hu ja ke li mo ni pu ro sa te", syl0)
		for (i = 1; i <= 24; i++) syl[i - 1] = syl0[i]
		for (d = 0; d < 20; d++) {
			system("mkdir -p " dir "/d" d)
			for (f = 0; f < 50; f++) {
				id = d * 50 + f
				# version 2: half the files edited, 1 in 40 gone, and new ones
				v = (seed == 2 && id % 2 == 1) ? 1 : 0
				if (seed == 2 && id % 40 == 7) continue
				put(dir "/d" d "/a" f ".txt", sprintf("Article %d %s\n\n%s\n\n%s\n", id, word(id),
					text(id, v), text(id + 5000, v)))
			}
			if (seed == 2 && d % 10 == 0)
				put(dir "/d" d "/new.txt", sprintf("New %d\n\n%s\n", d, text(d + 90000, 0)))
		}
		for (j = 0; j < 2; j++) {
			c = ""
			for (r = 0; r < 500; r++) {
				id = 100000 + j * 1000 + r
				v = (seed == 2 && r % 3 == 1) ? 1 : 0
				if (seed == 2 && r % 50 == 9) continue
				c = c sprintf("{\"id\":\"j%d\",\"title\":\"Record %d\",\"text\":\"%s\"}\n", id, id, text(id, v))
			}
			put(dir "/feed" j ".jsonl", c)
		}
	}'
	# What version SEED does not have goes; what was written is settled (an
	# old mtime), so that reruns do not read it again for being recent.
	find "$C" -type f | LC_ALL=C sort | LC_ALL=C comm -23 - <(LC_ALL=C sort "$T/manifest") | xargs -r rm
	[ -s "$T/written" ] && xargs -r touch -m -d '2020-01-01' <"$T/written"
	rm -f "$T/manifest"
}

QUERIES=("mimi nunu" "\"rasi tovu\"")
snapshot() { # snapshot DB OUT: the dump (also in OUT.dump), then searches
	"$DUMP" "$1" | LC_ALL=C sort >"$2.dump"
	cp "$2.dump" "$2"
	local q
	for q in "${QUERIES[@]}"; do
		"$SEARCH" --db "$1" --json -n 100000 "$q" | sed 's/"rank":[0-9]*,//' | LC_ALL=C sort >>"$2"
	done
}

# whole PARTIAL REF...: every article in the (sorted) dump PARTIAL has exactly
# the passages it has in one of the (sorted) dumps REF: no half article, no
# mix of two versions, ever committed.
whole() {
	awk '
	FNR == 1 { f++ }
	/^doc / && match($0, /"id":"[^"]*"/) {
		id = substr($0, RSTART, RLENGTH)
		a[f, id] = a[f, id] $0 "\n"
		if (f == 1) ids[id] = 1
	}
	END {
		for (id in ids) {
			ok = 0
			for (g = 2; g <= f; g++)
				if (a[1, id] == a[g, id]) ok = 1
			if (!ok && bad++ < 3) print "not a whole article: " id > "/dev/stderr"
		}
		exit bad > 0
	}' "$@"
}

# run_killed: start the indexer on $C, kill -9 it after a random part of $dur
run_killed() {
	local ms=$((RANDOM % (dur_ms > 0 ? dur_ms : 1))) rc
	"$INDEXER" --batch 40 --db "$DB" "$C" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
	# The index opens and answers (unless the kill came before it was
	# first created: then there is no index yet, which is fine too).
	if [ ! -e "$DB/iamglass" ]; then
		echo "killed at ${ms} ms: no index yet"
		return
	fi
	"$DUMP" "$DB" >"$T/partial" 2>"$T/err"
	check "after a kill at ${ms} ms the index opens ($(cat "$T/err"))" test $? -eq 0
	LC_ALL=C sort "$T/partial" >"$T/partial.sorted"
	LC_ALL=C comm -3 "$T/partial.sorted" "$T/want.dump" >"$T/todo"
	whole "$T/partial.sorted" "${versions[@]}" 2>"$T/err"
	check "after a kill at ${ms} ms every article is whole ($(cat "$T/err"))" test $? -eq 0
	echo "killed at ${ms} ms: $(sed -n 's/^passages //p' "$T/partial") passages," \
		"$(grep -c . "$T/todo") lines of the final dump still to change"
	"$SEARCH" --db "$DB" --json "mimi nunu" >/dev/null 2>"$T/err"
	rc=$?
	check "after a kill at ${ms} ms search works (exit $rc: $(cat "$T/err"))" \
		test $rc -eq 0 -o $rc -eq 1
	"$INDEXER" --status --db "$DB" >/dev/null 2>&1
	check "after a kill at ${ms} ms --status works" test $? -eq 0
}

# rerun_equals WHAT: a full rerun ends equal to the clean build $REF
rerun_equals() {
	"$INDEXER" --db "$DB" "$C" >"$T/out" 2>"$T/err"
	check "$1: the rerun completes (exit $?: $(head -3 "$T/err"))" test $? -eq 0
	snapshot "$DB" "$T/got"
	if cmp -s "$T/want" "$T/got"; then ok; else
		bad "$1: the index differs from a clean build"
		diff "$T/want" "$T/got" | head -10 >&2
	fi
	"$INDEXER" -v --db "$DB" "$C" >"$T/out" 2>&1
	check "$1: a second rerun changes nothing ($(cat "$T/out"))" \
		grep -q ' 0 added, 0 updated, 0 deleted, [0-9]* unchanged, 0 failed' "$T/out"
}

gen 1
narticles=$(($(find "$C" -name '*.txt' | wc -l) + $(cat "$C"/*.jsonl | wc -l)))
check "the corpus has two thousand articles ($narticles)" test "$narticles" -ge 2000

t0=$(now)
"$INDEXER" --db "$REF" "$C" >/dev/null 2>&1
dur_ms=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%d", (b - a) * 1000 }')
echo "clean build: $dur_ms ms"
snapshot "$REF" "$T/want"

# ---- killed while building ------------------------------------------------------------
versions=("$T/want.dump")
# Each run resumes the last one's work: kill within the first half.
dur_ms=$((dur_ms / 2))
for i in 1 2 3; do
	run_killed
done
rerun_equals "killed while building"

# ---- killed while updating --------------------------------------------------------------
gen 2
echo "version 2: $(wc -l <"$T/written") files written"
# Version 2 changes about half of the articles: an update takes about half
# as long as a build (dur_ms is half of that already), and each killed run
# leaves less to do.
rm -rf "$REF"
"$INDEXER" --db "$REF" "$C" >/dev/null 2>&1
cp "$T/want.dump" "$T/want1.dump"
snapshot "$REF" "$T/want"
versions=("$T/want1.dump" "$T/want.dump")
for i in 1 2 3; do
	# Change the corpus back and forth, so that every run has work to do.
	gen $((i % 2 + 1))
	run_killed
done  # the last one made version 2
rerun_equals "killed while updating"

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
