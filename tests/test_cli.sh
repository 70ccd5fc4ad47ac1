#!/usr/bin/env bash
# test_cli.sh — the indexer and search programs as a user runs them: index
# corpus/ into a temporary index, check the top results of a few queries,
# the --json format, the text output, and every documented bad input.
#
# Usage: test_cli.sh INDEXER SEARCH JSONCHECK   (run by CTest)
set -u

INDEXER=$1 SEARCH=$2 JSONCHECK=$3
SRC=${NX_SOURCE_DIR:?NX_SOURCE_DIR must point at the source tree}
T=$(mktemp -d "${TMPDIR:-/tmp}/nx-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
DB=$T/db
# Never touch the user's default index.
export NEWSIDX_DB=$T/default-index
unset XDG_DATA_HOME

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*" >&2; }
check() { # check DESCRIPTION COMMAND...
	local d=$1; shift
	if "$@"; then ok; else bad "$d"; fi
}
# run CMD...: sets $out, $err, $rc
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out") err=$(cat "$T/err")
}
expect_rc() { # expect_rc WANT DESCRIPTION
	if [ "$rc" -eq "$1" ]; then ok; else bad "$2: exit $rc, wanted $1 (stderr: $err)"; fi
}
contains() { case $1 in *"$2"*) return 0 ;; esac; return 1; }

# ---- indexing the bundled corpus -----------------------------------------------
run "$INDEXER" --db "$DB" "$SRC/corpus"
expect_rc 0 "indexing corpus/"
check "silent when not on a terminal (got '$out$err')" test -z "$out$err"
rm -rf "$DB"
run "$INDEXER" -v --db "$DB" "$SRC/corpus"
expect_rc 0 "indexing corpus/ with -v"
check "summary line counts articles and passages" \
	contains "$out" "passages"
narticles=$(printf '%s\n' "$out" | sed -n 's/^.*: \([0-9]*\) added,.*/\1/p')
ncorpus=$(find "$SRC/corpus" -name '*.txt' | wc -l)
check "every corpus text file became an article (got '$narticles', >= $ncorpus)" \
	test "${narticles:-0}" -ge "$ncorpus"

# ---- the question this product was conceived for ----------------------------------
run "$SEARCH" --db "$DB" --json "Tokayev shooting order"
expect_rc 0 "search --json Tokayev shooting order"
printf '%s\n' "$out" >"$T/json"
check "every --json line parses and carries the documented fields" "$JSONCHECK" <"$T/json"
src1=$("$JSONCHECK" 1 source <"$T/json")
pas1=$("$JSONCHECK" 1 passage <"$T/json")
check "first result is the seed article (got $src1)" contains "$src1" "kazakhstan-protests.txt"
check "first passage is the shooting-order passage" contains "$pas1" "issued a shooting order"
hl1=$("$JSONCHECK" 1 highlights <"$T/json")
check "highlights are present" test "$hl1" != "[]"

# Text output when piped: plain markers around matched words.
run "$SEARCH" --db "$DB" -n 3 "Tokayev shooting order"
expect_rc 0 "text search"
check "text output starts with rank and title" contains "$out" "1. Kazakhstan activists recall road"
check "piped output marks matches with **" contains "$out" "**shooting**"
check "-n limits the results" test "$(printf '%s\n' "$out" | grep -c '^[0-9]*\. ')" -le 3
run "$SEARCH" --db "$DB" --color=always "Tokayev"
check "--color=always uses bold" contains "$out" $'\033[1m'

# Other languages and forms.
run "$SEARCH" --db "$DB" --json "Токаев"
expect_rc 0 "Russian query"
printf '%s\n' "$out" >"$T/json"
check "Russian query hits a Russian article" test "$("$JSONCHECK" 1 lang <"$T/json")" = ru
run "$SEARCH" --db "$DB" --json "Тоқаев"
expect_rc 0 "Kazakh query"
printf '%s\n' "$out" >"$T/json"
check "Kazakh query hits a Kazakh article" test "$("$JSONCHECK" 1 lang <"$T/json")" = kk
run "$SEARCH" --db "$DB" --json "Ruzakhunov"
expect_rc 0 "name query"
check "name query finds the seed" contains "$out" "kazakhstan-protests.txt"
run "$SEARCH" --db "$DB" --json --passages "Almaty"
expect_rc 0 "--passages"
printf '%s\n' "$out" >"$T/json"
check "--passages output is valid" "$JSONCHECK" <"$T/json"
nall=$(wc -l <"$T/json")
run "$SEARCH" --db "$DB" --json "Almaty"
check "--passages returns more hits than best-per-article ($nall)" \
	test "$nall" -gt "$(printf '%s\n' "$out" | wc -l)"
run "$SEARCH" --db "$DB" "\"security forces\""
expect_rc 0 "phrase query"
run "$SEARCH" --db "$DB" "zzyzxnotaword"
expect_rc 1 "no match exits 1"
check "no match says so" contains "$err" "no passage matches"

# ---- bad queries and missing indexes ------------------------------------------------
run "$SEARCH" --db "$DB" ""
expect_rc 2 "empty query"
check "empty query message" contains "$err" "empty query"
run "$SEARCH" --db "$DB" '"unbalanced quote'
expect_rc 2 "unbalanced quote"
check "unbalanced quote message" contains "$err" "quote"
run "$SEARCH" --db "$DB" -n abc word
expect_rc 2 "bad -n"
run "$SEARCH" --db "$T/nowhere" word
expect_rc 3 "missing index"
check "missing index explains how to build one" contains "$err" "indexer --db"
run "$SEARCH" word
expect_rc 3 "missing default index"
check "default index location is named" contains "$err" "$NEWSIDX_DB"
mkdir -p "$T/notours" && echo hi >"$T/notours/file"
run "$SEARCH" --db "$T/notours" word
expect_rc 3 "a directory that is not an index"
run "$INDEXER" --db "$T/notours" "$SRC/corpus"
expect_rc 3 "indexer refuses a directory that is not an index"
check "nothing was written into it" test ! -e "$T/notours/iamglass"
run "$SEARCH" --help
expect_rc 0 "search --help"
check "search --help documents exit codes" contains "$out" "Exit status"
run "$INDEXER"
expect_rc 2 "indexer without paths"

# ---- bad inputs: reported, the rest indexed, nothing lost -------------------------------
IN=$T/in
mkdir -p "$IN/empty" "$IN/mixed"
printf 'Good article\n\nA perfectly good zebra article about reporters.\n' >"$IN/mixed/good.txt"
printf 'Broken bytes\n\nInvalid \xff\xfe UTF-8 about a quokka.\n' >"$IN/mixed/latin1.txt"
{
	printf '{"id":"j1","title":"One","text":"The first record mentions a narwhal."}\n'
	printf 'not json at all\n'
	printf '{"id":"j3","title":"Three","text":"The third record mentions an okapi."}\n'
} >"$IN/mixed/feed.jsonl"
for i in $(seq 1 400); do
	printf '{"id":"g%d","title":"Gz %d","text":"Record %d about the axolotl and more words to make it long enough to compress."}\n' "$i" "$i" "$i"
done | gzip -c >"$IN/full.jsonl.gz"
size=$(stat -c %s "$IN/full.jsonl.gz")
head -c $((size / 2)) "$IN/full.jsonl.gz" >"$IN/mixed/truncated.jsonl.gz"

run "$INDEXER" -v --db "$DB" "$IN/mixed"
expect_rc 1 "a directory with bad files indexes the rest and exits 1"
check "invalid UTF-8 is reported" contains "$err" "UTF-8"
check "the bad JSON line is reported as file:line" contains "$err" "feed.jsonl:2:"
check "the truncated gzip is reported" contains "$err" "truncated.jsonl.gz"
check "summary mentions repaired UTF-8" contains "$out" "repaired"
for w in zebra quokka narwhal okapi axolotl; do
	run "$SEARCH" --db "$DB" "$w"
	expect_rc 0 "'$w' from the good parts was indexed"
done
run "$SEARCH" --db "$DB" --json "Tokayev shooting order"
printf '%s\n' "$out" >"$T/json"
check "earlier articles are still there" contains "$("$JSONCHECK" 1 source <"$T/json")" "kazakhstan-protests.txt"

run "$INDEXER" --db "$DB" "$T/does-not-exist"
expect_rc 1 "missing path"
check "missing path is named" contains "$err" "does-not-exist"
run "$INDEXER" --db "$DB" "$IN/empty"
expect_rc 1 "empty directory"
check "empty directory is explained" contains "$err" "no indexable"

# ---- query language and ranking options (issue 6) -------------------------------
run "$SEARCH" --db "$DB" --json 'title:"government resigns" lang:en since:2022-01-05 until:2022-01-05'
expect_rc 0 "fields and dates"
printf '%s\n' "$out" >"$T/json"
check "title:, lang: and dates find the wire item" \
	test "$("$JSONCHECK" 1 id <"$T/json")" = wire-20220105-government
check "only that one article (got $(wc -l <"$T/json"))" test "$(wc -l <"$T/json")" -eq 1
check "JSON carries the snippet window and the tier" contains "$out" '"snippet":['
run "$SEARCH" --db "$DB" --json 'lang:ru date:2022-01'
expect_rc 0 "filters alone"
check "filters alone list Russian January articles" contains "$out" '"lang":"ru"'
run "$SEARCH" --db "$DB" '"security forces" NEAR/20 Tokayev -Almaty'
expect_rc 0 "NEAR and NOT"
run "$SEARCH" --db "$DB" --explain -n 1 "Tokayev shooting order"
expect_rc 0 "--explain"
check "--explain shows the score's parts" contains "$out" "explain: has every word"
run "$SEARCH" --db "$DB" -n 1 --context 2 "Tokayev shooting order"
short=$(printf '%s\n' "$out" | sed -n 3p | wc -w)
run "$SEARCH" --db "$DB" -n 1 --context 30 "Tokayev shooting order"
long=$(printf '%s\n' "$out" | sed -n 3p | wc -w)
check "--context widens the snippet ($short < $long words)" test "$short" -lt "$long"
run "$SEARCH" --db "$DB" --recent "Almaty"
expect_rc 0 "--recent"
run "$SEARCH" --db "$DB" --recent=abc "Almaty"
expect_rc 2 "--recent=abc"
run "$SEARCH" --db "$DB" "Tokayev (shooting order"
expect_rc 2 "unbalanced parenthesis"
check "the message names the column" contains "$err" "(column 9)"
check "a caret points at it" contains "$err" "          ^"
run "$SEARCH" --db "$DB" "Tokayev OR"
expect_rc 2 "dangling OR"
run "$SEARCH" --db "$DB" "author:someone"
expect_rc 2 "unknown field"
check "unknown field is named" contains "$err" "unknown field 'author:'"
run "$SEARCH" --db "$DB" "since:2022-02-30 Almaty"
expect_rc 2 "bad date"
check "bad date is explained" contains "$err" "February 2022 has 28 days"
run "$SEARCH" --db "$DB" "shootng ordr"
expect_rc 1 "a misspelt query"
check "did you mean" contains "$err" "did you mean: shooting order"
run "$SEARCH" --help
check "search --help documents the query language" contains "$out" "NEAR/5"

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
