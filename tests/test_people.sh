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

# ---- person: a filter that finds every spelling ------------------------------------
for q in Ruzakhunov Ruzakunov Ruzakhnunov Рузахунов; do
	every_occurrence "person:$q" "person:$q finds" Ruzakhunov Ruzahunov Ruzakunov Ruzakhnunov \
		'Рузахунов[[:alpha:]]*'
done
for q in Токаев Tokayev '"Kassym-Jomart Tokayev"' '"Касым-Жомарт Токаев"'; do
	every_occurrence "person:$q" "person:$q finds" Tokayev 'Токаев[[:alpha:]]*' 'Тоқаев[[:alpha:]]*'
done
# Combined with a word, person: filters: each passage names him and holds the word.
passages 'person:Tokayev shooting'
n_tok=$(grep -c -E 'Tokayev|Токаев|Тоқаев' "$T/passages")
n_shoot=$(grep -c -i -E 'shoot' "$T/passages")
if [ "$npassages" -ge 1 ] && [ "$n_tok" -eq "$npassages" ] && [ "$n_shoot" -eq "$npassages" ]; then
	ok
else
	bad "person:Tokayev shooting: $npassages passages, $n_tok name him, $n_shoot say shoot"
fi
# A given name leaves out passages that write the surname only with another one.
passages 'person:"Dariga Nazarbayeva"'
if [ "$npassages" -ge 1 ] && ! grep -q -E 'Nursultan|Нурсултан|Нұрсұлтан' "$T/passages"; then
	ok
else
	bad "person:\"Dariga Nazarbayeva\": $npassages passages, Nursultan among them: $(grep -c Nursultan "$T/passages")"
fi
# An ordinary word is no person, an unknown person finds nothing: exit 1, no error.
for q in person:police person:Qwertyuiopov; do
	"$SEARCH" --db "$DB" "$q" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -s "$T/out" ] && grep -q 'no passage matches' "$T/err"; then
		ok
	else
		bad "search $q: exit $rc, output $(head -c 200 "$T/out")"
	fi
done
# A name with nothing to key, or nothing at all: a usage error that says so.
for q in 'person:"--"' 'person:' 'person:""'; do
	"$SEARCH" --db "$DB" "$q" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q 'person:' "$T/err"; then
		ok
	else
		bad "search '$q': exit $rc, $(cat "$T/err")"
	fi
done

# ---- which form matched ---------------------------------------------------------------
"$SEARCH" --db "$DB" --passages -n 100 --color never Ruzakhunov >"$T/out" 2>&1
for pair in 'Ruzakunov ~ Ruzakhunov' 'Ruzakhnunov ~ Ruzakhunov' 'Ruza ~ Ruzakhunov'; do
	if grep -q "matched: .*$pair" "$T/out"; then ok; else bad "search Ruzakhunov does not say '$pair'"; fi
done
# The same name in another script is not another spelling.
"$SEARCH" --db "$DB" --passages -n 100 --color never Токаев >"$T/out" 2>&1
if ! grep -q 'matched:' "$T/out"; then ok; else bad "search Токаев: $(grep 'matched:' "$T/out" | head -3)"; fi
"$SEARCH" --db "$DB" --json --passages -n 100 person:Ruzakhunov >"$T/json" 2>"$T/err"
if "$JSONCHECK" <"$T/json" &&
	grep -q '"matched":\[{"form":"Ruzakunov","query":"Ruzakhunov","span":\[' "$T/json"; then
	ok
else
	bad "search --json person:Ruzakhunov: no valid matched form Ruzakunov for Ruzakhunov"
fi

# ---- search --people ----------------------------------------------------------------------
"$SEARCH" --db "$DB" --people protest >"$T/people" 2>"$T/err"
rc=$?
line() { grep -E "^[0-9]+\. $1:" "$T/people"; }
if [ "$rc" -eq 0 ] && line Tokayev | grep -q 'Токаев' && line Nazarbayev | grep -q 'Назарбаев'; then
	ok
else
	bad "search --people protest (exit $rc) lacks Tokayev or Nazarbayev with their Cyrillic forms: $(cat "$T/people")"
fi
# One entry per person: every spelling of Ruzakhunov on one line, none on its own.
"$SEARCH" --db "$DB" --people -n 100 Ruzakhunov >"$T/people" 2>"$T/err"
r=$(grep -c -E '(Ruzak|Ruza\b|Рузахунов)' "$T/people")
if [ "$r" -eq 1 ] && grep -E 'Ruzak' "$T/people" | grep -q Ruzakunov &&
	grep -E 'Ruzak' "$T/people" | grep -q Ruzakhnunov; then
	ok
else
	bad "search --people Ruzakhunov: $r lines for him: $(cat "$T/people")"
fi
# The counts are the passages that name him, as person: finds them.
passages person:Ruzakhunov
want=$npassages
got=$(grep -E 'Ruzak' "$T/people" | sed -E 's/^[0-9]+\. [^:]+: ([0-9]+) passage.*/\1/')
if [ "$got" = "$want" ]; then ok; else bad "search --people Ruzakhunov counts $got passages, person: finds $want"; fi
"$SEARCH" --db "$DB" --people --json -n 3 protest >"$T/json" 2>"$T/err"
if "$JSONCHECK" <"$T/json" && [ "$(wc -l <"$T/json")" -eq 3 ] &&
	[ "$("$JSONCHECK" 1 name <"$T/json")" = Tokayev ]; then
	ok
else
	bad "search --people --json -n 3 protest: $(head -c 300 "$T/json") $(cat "$T/err")"
fi
"$SEARCH" --db "$DB" --people --passages protest >/dev/null 2>"$T/err"
if [ $? -eq 2 ] && grep -q -- '--people lists people' "$T/err"; then ok; else bad "search --people --passages: $(cat "$T/err")"; fi
for opt in '--context 3' --no-expand; do
	# shellcheck disable=SC2086
	"$SEARCH" --db "$DB" --people $opt protest >/dev/null 2>"$T/err"
	if [ $? -eq 2 ] && grep -q -- '--people lists people' "$T/err"; then ok; else bad "search --people $opt: $(cat "$T/err")"; fi
done
# --lang reaches the people's query: a bad code is refused like search's.
"$SEARCH" --db "$DB" --people --lang english protest >/dev/null 2>"$T/err"
if [ $? -eq 2 ] && grep -q 'language code' "$T/err"; then ok; else bad "search --people --lang english: $(cat "$T/err")"; fi
"$SEARCH" --db "$DB" --people --lang en protest >"$T/people" 2>"$T/err"
if grep -q -E '^1\. Tokayev:' "$T/people"; then ok; else bad "search --people --lang en protest: $(cat "$T/people" "$T/err")"; fi
"$SEARCH" --db "$DB" --people 'protest (' >/dev/null 2>"$T/err"
if [ $? -eq 2 ] && grep -q 'never closed' "$T/err"; then ok; else bad "search --people with a bad query: $(cat "$T/err")"; fi

# ---- what is no person ----------------------------------------------------------------
# Capitalised runs are taken for names: "Senate Budget" records Mr Budget, "Hong
# Kong" Mr Kong, "Merrill Lynch" Mr Lynch.  The index knows budget mostly as an
# ordinary word (in every article, as a name in one), Hong Kong is a place by
# ICU's names of regions, and Merrill Lynch a company's name (written once with
# "and Co"): --people lists the man introduced with his given name, not them.
W=$T/words
mkdir -p "$W"
{
	printf '{"id":"w0","title":"Deficit","lang":"en","text":"Senate Budget chairman Lawton Chiles said on Tuesday that the deficit would grow. Officials in Hong Kong said the deficit worried traders. Chiles said the deficit was too large. Merrill Lynch analysts said the deficit would shrink. The price of West Texas Intermediate fell, and House Speaker Jim Wright said the deficit was a worry, as did Treasury Secretary James Baker Jr."}\n'
	for i in 1 2 3 4 5 6; do
		printf '{"id":"w%d","title":"Spending %d","lang":"en","text":"The city council said the budget for next year would be cut, and the budget office agreed. Lawton Chiles said the deficit and the budget were linked. Traders in Hong Kong said little."}\n' "$i" "$i"
	done
	printf '{"id":"w7","title":"Results","lang":"en","text":"Merrill Lynch and Co said its earnings rose in the quarter."}\n'
} >"$W/words.jsonl"
"$INDEXER" --quiet --db "$T/wdb" "$W" >"$T/index.out" 2>&1 || bad "indexing the words corpus: $(cat "$T/index.out")"
"$SEARCH" --db "$T/wdb" --people -n 10 deficit >"$T/people" 2>"$T/err"
if grep -q -E '^1\. Chiles:' "$T/people" && ! grep -q -E '^[0-9]+\. (Budget|Kong|Lynch):' "$T/people"; then
	ok
else
	bad "search --people deficit lists an ordinary word, a place or a company, or not Chiles first: $(cat "$T/people" "$T/err")"
fi
# Detection: a run that West opens is no name (West Texas Intermediate); a
# title's word after a capitalised one still announces a person (House Speaker
# Jim Wright); Jr follows the surname.
if grep -q -E '^[0-9]+\. Wright:' "$T/people" && grep -q -E '^[0-9]+\. Baker:' "$T/people" &&
	! grep -q -E '^[0-9]+\. (Intermediate|Jr):' "$T/people"; then
	ok
else
	bad "search --people deficit: Wright or Baker missing, or Intermediate or Jr listed: $(cat "$T/people")"
fi

# ---- the name probes in an index built on two threads (merged by compaction) -----
"$INDEXER" --quiet --threads 2 --db "$T/db2" "$SRC/corpus" >"$T/index2.out" 2>&1 ||
	bad "indexing corpus/ on two threads: $(cat "$T/index2.out")"
"$SEARCH" --db "$T/db2" --passages -n 100 --color never Ruzakhunov >"$T/out" 2>&1
if grep -q "matched: .*Ruzakunov ~ Ruzakhunov" "$T/out"; then ok; else
	bad "two threads: search Ruzakhunov does not say 'Ruzakunov ~ Ruzakhunov'"
fi

printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
