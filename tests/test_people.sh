#!/usr/bin/env bash
# test_people.sh — named people on the seed corpus, as a user searches: one
# person under every spelling (Ruzakhunov, Ruzakunov, Ruzakhnunov, Ruza;
# Tokayev, Токаев, Тоқаев, Toqaev), and ordinary words left alone.
#
# "Every passage naming him" is counted without the search under test: the
# occurrences of each spelling in the corpus bodies (titles are not passages)
# must all lie in the passages the search returns, since passages tile the
# text without overlapping.
#
# Usage: test_people.sh INDEXER SEARCH JSONCHECK   (run by CTest)
set -u

INDEXER=$1 SEARCH=$2 JSONCHECK=$3
SRC=${NX_SOURCE_DIR:?NX_SOURCE_DIR must point at the source tree}
T=$(mktemp -d "${TMPDIR:-/tmp}/nx-people-XXXXXX")
trap 'rm -rf "$T"' EXIT
DB=$T/db
export NEWSIDX_DB=$T/default-index
unset XDG_DATA_HOME
# Word classes and boundaries for Cyrillic as well as Latin.
export LC_ALL=C.UTF-8

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*" >&2; }

# count PATTERN FILE...: occurrences of the extended regexp as whole words
count() { local p=$1; shift; cat "$@" | grep -ow -E "$p" | wc -l; }

"$INDEXER" --quiet --db "$DB" "$SRC/corpus" >"$T/index.out" 2>&1 ||
	{ printf 'FAIL: indexing corpus/: %s\n' "$(cat "$T/index.out")" >&2; exit 1; }

# The corpus bodies: text files without their title line, JSON Lines
# records without their title and with their escaped line breaks as spaces.
: >"$T/bodies"
for f in "$SRC"/corpus/*.txt; do tail -n +2 "$f" >>"$T/bodies"; done
for f in "$SRC"/corpus/*.jsonl; do sed -e 's/"title": *"[^"]*"//' -e 's/\\n/ /g' "$f" >>"$T/bodies"; done

# passages QUERY: the passages `search --passages` returns, one file, and
# their number in $npassages
passages() {
	"$SEARCH" --db "$DB" --json --passages -n 1000 "$1" >"$T/json" 2>"$T/err"
	: >"$T/passages"
	npassages=$(wc -l <"$T/json")
	for ((i = 1; i <= npassages; i++)); do
		"$JSONCHECK" "$i" passage <"$T/json" >>"$T/passages"
		printf '\n' >>"$T/passages"
	done
}

# every_occurrence QUERY LABEL PATTERN...: each pattern occurs in the
# returned passages as often as in the corpus, and at least once
every_occurrence() {
	local q=$1 label=$2 p want got
	shift 2
	passages "$q"
	for p in "$@"; do
		want=$(count "$p" "$T/bodies")
		got=$(count "$p" "$T/passages")
		if [ "$want" -gt 0 ] && [ "$got" -eq "$want" ]; then
			ok
		else
			bad "search --passages $q: $label '$p' in $got of its $want places in the corpus"
		fi
	done
}

# ---- one man, four spellings, three scripts ---------------------------------------
for q in Ruzakhunov Ruzakunov Ruzakhnunov Рузахунов; do
	every_occurrence "$q" "Ruzakhunov as" Ruzakhunov Ruzahunov 'Рузахунов[[:alpha:]]*'
done
every_occurrence Ruzakhunov "the spelling" Ruzakunov Ruzakhnunov Ruza
every_occurrence Рузахунов "the spelling" Ruzakunov Ruzakhnunov Ruza
every_occurrence Ruza "his short form, written with his given name, finds" Ruzakhunov \
	'Рузахунов[[:alpha:]]*'

# ---- the president in Russian, Kazakh and two Latin transcriptions -------------------
for q in Токаев Toqaev Тоқаевтың Tokayev; do
	every_occurrence "$q" "Tokayev as" Tokayev 'Токаев[[:alpha:]]*' 'Тоқаев[[:alpha:]]*'
done

# ---- ordinary words do not expand: every highlighted word is the word ---------------
for w in oil order police; do
	"$SEARCH" --db "$DB" --passages -n 1000 --color never "$w" >"$T/out" 2>&1
	others=$(grep -o '\*\*[^*]*\*\*' "$T/out" | tr -d '*' | grep -viE "^$w" | sort -u | tr '\n' ' ')
	hl=$(grep -o '\*\*[^*]*\*\*' "$T/out" | wc -l)
	if [ "$hl" -gt 0 ] && [ -z "$others" ]; then
		ok
	else
		bad "search $w: $hl highlights, other words among them: $others"
	fi
done

# ---- a look-alike is another person -------------------------------------------------
passages Ruzakhunov
if [ "$(count Arzanov "$T/passages")" -eq 0 ]; then ok; else bad "search Ruzakhunov finds Arzanov"; fi
passages Arzanov
if [ "$(count 'Ruzak[[:alpha:]]*' "$T/passages")" -eq 0 ]; then ok; else bad "search Arzanov finds Ruzakhunov"; fi

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
