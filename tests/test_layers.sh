#!/usr/bin/env bash
# test_layers.sh — the layering rules of docs/ARCHITECTURE.md, checked on the
# source tree: only xapian-c/ includes <xapian.h> or holds C++, and the
# programs include nothing of ours but newsidx.h.
set -u
SRC=${NX_SOURCE_DIR:?NX_SOURCE_DIR must point at the source tree}
cd "$SRC" || exit 1
pass=0 fail=0
expect_none() { # DESCRIPTION OUTPUT
	if [ -z "$2" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); printf 'FAIL: %s:\n%s\n' "$1" "$2" >&2; fi
}
expect_none "files outside xapian-c/ that include <xapian.h>" \
	"$(grep -rlE '#include *[<"]xapian' --include='*.[ch]' --include='*.cc' --include='*.cpp' . | grep -v '^\./xapian-c/' | grep -v '^\./build')"
expect_none "C++ sources outside xapian-c/" \
	"$(find . -path ./build\* -prune -o \( -name '*.cc' -o -name '*.cpp' -o -name '*.cxx' \) -print | grep -v '^\./xapian-c/')"
expect_none "programs including private headers" \
	"$(grep -hE '#include *"' indexer/main.c query/main.c | grep -v '"newsidx.h"')"
# The shared library exports the nx_ API and nothing else.
if [ -n "${1:-}" ]; then
	expect_none "symbols exported by libnewsidx that are not nx_*" \
		"$(nm -D --defined-only "$1" | awk '$2 ~ /[TDBR]/ {print $3}' | grep -v '^nx_' | grep -vE '^(_init|_fini|_edata|_end|__bss_start)$')"
	expect_none "internal nx_ symbols exported (not in newsidx.h)" \
		"$(nm -D --defined-only "$1" | awk '$2 ~ /T/ {print $3}' | grep '^nx_' | while read -r f; do grep -q "\\b$f(" include/newsidx.h || echo "$f"; done)"
fi
printf '%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
