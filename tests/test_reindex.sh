#!/usr/bin/env bash
# test_reindex.sh — re-running the indexer on the same paths: after touching,
# editing, deleting and renaming files, changing, removing and moving JSONL
# records, the index must be exactly what a clean build of the same files
# gives (nx_dump, and search --json), the summary must count what changed,
# and unchanged files must not be read.  Also: what is never deleted (a
# missing path, an empty directory, --no-prune), --force, quiet output,
# --status, the progress bar on a terminal.
#
# Usage: test_reindex.sh INDEXER SEARCH NX_DUMP   (run by CTest)
set -u

INDEXER=$1 SEARCH=$2 DUMP=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/nx-reindex-XXXXXX")
trap 'rm -rf "$T"' EXIT
C=$T/corpus DB=$T/db REF=$T/ref
export NEWSIDX_DB=$T/default-index
unset XDG_DATA_HOME

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*" >&2; }
check() { # check DESCRIPTION COMMAND...
	local d=$1; shift
	if "$@"; then ok; else bad "$d"; fi
}
contains() { case $1 in *"$2"*) return 0 ;; esac; return 1; }

# Files modified in the second before a run are read again by the next one
# (their timestamp may not tell a change made in the same tick): "settle"
# the files a step changed to an old time to take that out of the counts.
settle() { touch -m -d '2020-01-01 00:00:00' "$@"; }

# idx [ARGS...]: run the indexer -v on $C; sets $rc, $out, $err and the counts.
idx() {
	"$INDEXER" -v --db "$DB" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out") err=$(cat "$T/err")
	added=$(sed -n 's/.*: \([0-9]*\) added, .*/\1/p' "$T/out")
	updated=$(sed -n 's/.* \([0-9]*\) updated, .*/\1/p' "$T/out")
	deleted=$(sed -n 's/.* \([0-9]*\) deleted, .*/\1/p' "$T/out")
	unchanged=$(sed -n 's/.* \([0-9]*\) unchanged, .*/\1/p' "$T/out")
	nread=$(sed -n 's/.*(\([0-9]*\) files\{0,1\} read.*/\1/p' "$T/out")
}
# expect WHAT "added updated deleted unchanged read": the counts of the last run
expect() {
	local got="$added $updated $deleted $unchanged $nread"
	if [ "$rc" -eq 0 ] && [ "$got" = "$2" ]; then ok; else
		bad "$1: exit $rc, counts '$got', wanted '$2' (out: $out; err: $err)"; fi
}

QUERIES=("zebra narwhal okapi quokka axolotl walrus zanzibar zanzibaz wombat crossing harbour limb" "\"record number\"")
# same_as_clean WHAT: the index equals a clean build of $C
same_as_clean() {
	rm -rf "$REF"
	"$INDEXER" --db "$REF" "$C" >/dev/null 2>&1
	"$DUMP" "$DB" | LC_ALL=C sort >"$T/dump.inc"
	"$DUMP" "$REF" | LC_ALL=C sort >"$T/dump.ref"
	if cmp -s "$T/dump.inc" "$T/dump.ref" && [ -s "$T/dump.ref" ]; then ok; else
		bad "$1: the index differs from a clean build:"
		diff "$T/dump.ref" "$T/dump.inc" | head -20 >&2
	fi
	# Equal scores come in docid order, which differs: compare as sets.
	local q
	for q in "${QUERIES[@]}"; do
		"$SEARCH" --db "$DB" --json -n 50 "$q" 2>&1 | sed 's/"rank":[0-9]*,//' |
			LC_ALL=C sort >"$T/s.inc"
		"$SEARCH" --db "$REF" --json -n 50 "$q" 2>&1 | sed 's/"rank":[0-9]*,//' |
			LC_ALL=C sort >"$T/s.ref"
		if ! cmp -s "$T/s.inc" "$T/s.ref"; then
			bad "$1: search $q differs from a clean build"
			diff "$T/s.ref" "$T/s.inc" | head -6 >&2
			return
		fi
	done
	ok
}
# hit WORD: the ids of the articles found for WORD, sorted, space-separated
hits() { "$SEARCH" --db "$DB" --json -n 100 "$1" 2>/dev/null |
	sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | sed 's|.*/||' | LC_ALL=C sort | tr '\n' ' '; }

# ---- the corpus ----------------------------------------------------------------------
mkdir -p "$C/sub"
art() { printf '%s\n\n%s\n' "$1" "$2"; }
art "Zebra crossing" "A zebra was seen crossing the road near the newsroom." >"$C/a.txt"
art "Narwhal news" "The narwhal surfaced near the harbour this morning." >"$C/b.txt"
art "# Okapi report" "An okapi arrived at the zoo, the keepers said." >"$C/c.md"
art "Quokka smiles" "Tourists photographed a quokka on the island." >"$C/sub/d.txt"
rec() { printf '{"id":"%s","title":"%s","date":"2022-01-0%s","text":"%s"}\n' "$@"; }
{
	rec r1 "Walrus one" 1 "A walrus, record number one, rested on the ice."
	rec r2 "Walrus two" 2 "A walrus, record number two, swam away."
	rec r3 "Walrus three" 3 "A walrus, record number three, barked loudly."
	rec r4 "Walrus four" 4 "A walrus, record number four, slept all day."
	rec r5 "Walrus five" 5 "A walrus, record number five, ate some fish."
} >"$C/feed.jsonl"
{
	rec g1 "Axolotl one" 1 "The axolotl regrew a limb, record number six."
	rec g2 "Axolotl two" 2 "The axolotl hid under a stone, record number seven."
} | gzip -c >"$C/wire.jsonl.gz"
settle $(find "$C" -type f)
total=11

# ---- first run, unchanged rerun --------------------------------------------------------
idx "$C"
expect "first run adds everything" "$total 0 0 0 6"
same_as_clean "first run"
idx "$C"
expect "unchanged rerun reads nothing" "0 0 0 $total 0"
same_as_clean "unchanged rerun"
check "summary is one line" test "$(printf '%s\n' "$out" | wc -l)" -eq 1

# ---- files ---------------------------------------------------------------------------------
touch -m -d '2021-01-01' "$C/a.txt"
idx "$C"
expect "touched file: its bytes hashed, not parsed, nothing rewritten" "0 0 0 $total 0"
same_as_clean "after touch"

art "Narwhal news" "The narwhal swam to zanzibar instead." >"$C/b.txt"
settle "$C/b.txt"
idx "$C"
expect "edited file: its article replaced" "0 1 0 $((total - 1)) 1"
check "new words found" test "$(hits zanzibar)" = "b.txt "
check "old words gone" test "$(hits harbour)" = ""
same_as_clean "after edit"

# Same size, same mtime, new content: the ctime (and inode) still tell.
cp "$C/b.txt" "$T/b.save"
sed 's/zanzibar/zanzibaz/' "$T/b.save" >"$C/b.txt.new" && mv "$C/b.txt.new" "$C/b.txt"
touch -m -d '2020-01-01 00:00:00' "$C/b.txt"
idx "$C"
expect "same size and mtime, new content: replaced" "0 1 0 $((total - 1)) 1"
check "the new content is indexed" test "$(hits zanzibaz)" = "b.txt "
cp "$T/b.save" "$C/b.txt" && settle "$C/b.txt"
idx "$C"
same_as_clean "after restoring"

rm "$C/c.md"
idx "$C"
expect "deleted file: its article deleted" "0 0 1 $((total - 1)) 0"
check "deleted article not found" test "$(hits okapi)" = ""
same_as_clean "after delete"
total=$((total - 1))

mv "$C/sub/d.txt" "$C/sub/e.txt"
idx "$C"
expect "renamed file: new id added, old deleted" "1 0 1 $((total - 1)) 1"
check "renamed article found under its new path" test "$(hits quokka)" = "e.txt "
same_as_clean "after rename"

# ---- JSON Lines records ------------------------------------------------------------------
sed -i 's/barked loudly/barked at a wombat/' "$C/feed.jsonl"
settle "$C/feed.jsonl"
idx "$C"
expect "one changed record: only it rewritten" "0 1 0 $((total - 1)) 1"
check "changed record found" test "$(hits wombat)" = "r3 "
same_as_clean "after changing one record"

sed -i '/"r5"/d' "$C/feed.jsonl"
settle "$C/feed.jsonl"
idx "$C"
expect "removed record: deleted" "0 0 1 $((total - 1)) 1"
same_as_clean "after removing a record"
total=$((total - 1))

# A record moves to a file walked before its old one, and one to a file after.
grep '"r2"' "$C/feed.jsonl" >"$C/aaa.jsonl"
grep '"r4"' "$C/feed.jsonl" >"$C/zzz.jsonl"
sed -i '/"r2"/d; /"r4"/d' "$C/feed.jsonl"
settle "$C/feed.jsonl" "$C/aaa.jsonl" "$C/zzz.jsonl"
idx "$C"
expect "moved records: replaced (new source), not deleted" "0 2 0 $((total - 2)) 3"
check "moved records still found" test "$(hits walrus)" = "r1 r2 r3 r4 "
src=$("$SEARCH" --db "$DB" --json "walrus slept" | head -1 | sed -n 's/.*"source":"\([^"]*\)".*/\1/p')
check "moved record has its new source ($src)" contains "$src" "zzz.jsonl"
same_as_clean "after moving records"

# A record id twice in one file: the last one wins, as in a clean build.
# (Such records are rewritten whenever the file is read.)
cp "$C/feed.jsonl" "$T/feed.save"
rec r1 "Walrus one again" 1 "A walrus, record number one, came back with a zebra." >>"$C/feed.jsonl"
settle "$C/feed.jsonl"
idx "$C"
check "duplicate id: the last record wins" test "$(hits zebra)" = "a.txt r1 "
touch -m -d '2021-01-01' "$C/feed.jsonl"
idx "$C"
same_as_clean "duplicate id in one file, after a touch"
cp "$T/feed.save" "$C/feed.jsonl" && settle "$C/feed.jsonl"
idx "$C"
same_as_clean "duplicate removed"

zcat "$C/wire.jsonl.gz" | sed 's/regrew a limb/regrew a limb near a zebra/' | gzip -c >"$T/w.gz"
mv "$T/w.gz" "$C/wire.jsonl.gz" && settle "$C/wire.jsonl.gz"
idx "$C"
check "changed record in a .jsonl.gz: only it rewritten ($updated updated)" test "$updated" = 1
same_as_clean "after changing a gzip record"

rm -r "$C/sub"
idx "$C"
check "deleted directory: its articles deleted ($deleted)" test "$deleted" = 1
same_as_clean "after deleting a directory"

# ---- what is never deleted -----------------------------------------------------------------
"$DUMP" "$DB" | LC_ALL=C sort >"$T/before"
mv "$C" "$T/moved"
idx "$C"
check "a missing path is an error (exit $rc)" test "$rc" -eq 1
"$DUMP" "$DB" | LC_ALL=C sort >"$T/after"
check "a missing path deletes nothing" cmp -s "$T/before" "$T/after"
mkdir "$C"
idx "$C"
check "an empty directory is an error (exit $rc)" test "$rc" -eq 1
"$DUMP" "$DB" | LC_ALL=C sort >"$T/after"
check "an empty directory deletes nothing (an unmounted disk)" cmp -s "$T/before" "$T/after"
rmdir "$C" && mv "$T/moved" "$C"

rm "$C/a.txt"
idx --no-prune "$C"
check "--no-prune keeps a deleted file's article" test "$(hits crossing)" = "a.txt "
idx "$C"
check "without it, the article goes" test "$(hits crossing)" = ""
same_as_clean "after pruning later"

# A file that fails keeps what it had.
printf 'bin\0ary\0' >"$C/b.txt"
idx "$C"
check "a failed file exits 1" test "$rc" -eq 1
check "a failed file keeps its article" test "$(hits narwhal)" = "b.txt "
idx "$C"
check "and is reported again on the next run ($rc)" test "$rc" -eq 1
cp "$T/b.save" "$C/b.txt" && settle "$C/b.txt"
idx "$C"
same_as_clean "after repairing the failed file"

total=$(sed -n 's/^passages //p' "$T/dump.ref")
idx --force "$C"
check "--force rewrites every article ($added $updated, $nread read)" \
	test "$added" = 0 -a "$updated" -gt 0 -a "$unchanged" = 0
same_as_clean "after --force"

# ---- output ------------------------------------------------------------------------------------
"$INDEXER" --db "$DB" "$C" >"$T/out" 2>"$T/err"
rc=$?
check "no terminal, nothing failed: silent, exit 0 (exit $rc)" \
	test "$rc" -eq 0 -a ! -s "$T/out" -a ! -s "$T/err"
printf '{"id":"bad"\n' >"$C/broken.jsonl"
"$INDEXER" --db "$DB" "$C" >"$T/out" 2>"$T/err"
rc=$?
check "a failure: exit 1" test "$rc" -eq 1
check "a failure: one line on stderr with path and line" \
	test "$(wc -l <"$T/err")" -eq 1 -a "$(grep -c 'broken.jsonl:1: error' "$T/err")" -eq 1
check "a failure: nothing on stdout" test ! -s "$T/out"
rm "$C/broken.jsonl"
"$INDEXER" --quiet --db "$DB" "$C" >"$T/out" 2>"$T/err"
check "--quiet: silent" test ! -s "$T/out" -a ! -s "$T/err"

"$INDEXER" --status --db "$DB" >"$T/out" 2>"$T/err"
rc=$?
status=$(cat "$T/out")
check "--status exits 0 ($rc)" test "$rc" -eq 0
for w in "articles:" "passages:" "languages:  *en" "last run:" "MB on disk"; do
	check "--status shows $w" grep -q "$w" "$T/out"
done
"$INDEXER" --status --db "$T/nowhere" >/dev/null 2>&1
check "--status of a missing index exits 3" test $? -eq 3

if command -v script >/dev/null 2>&1; then
	touch "$C/b.txt"
	script -qec "'$INDEXER' --db '$DB' '$C'" /dev/null >"$T/tty" 2>&1
	check "on a terminal: a progress bar" grep -q 'files' "$T/tty"
	check "on a terminal: the summary" grep -q 'unchanged' "$T/tty"
fi

"$INDEXER" --wait abc --db "$DB" "$C" >/dev/null 2>&1
check "--wait wants a number (usage error)" test $? -eq 2
"$INDEXER" --batch 0 --db "$DB" "$C" >/dev/null 2>&1
check "--batch wants a positive number (usage error)" test $? -eq 2

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
