#!/usr/bin/env bash
# The link-failure test (make test-link).
#   run.sh <libslab.a> <build dir>
# 1. main.c (no hooks) + libslab.a must FAIL to link, and the linker must name
#    exactly slab_page_alloc, slab_page_free and slab_secret (the program's
#    three definitions, slab/hooks.h) as undefined references.
# 2. main.c + hooks_c.c (DEFINE_SLAB_HOOKS from C) links and runs (exit 0).
# 3. main.c + hooks_cxx.cpp (DEFINE_SLAB_HOOKS from C++, in a named namespace
#    and at global scope) links and runs (exit 0).
# 4. Option mismatch, both directions: main.c built with other options than
#    the library (-DSLAB_CHECKS=1, -DSLAB_DEFAULT_SLAB_SIZE=8192,
#    -DSLAB_STATS=0 against the default library; the default options against
#    the checked library, when its path is given as the third argument) must
#    FAIL to link, naming the option tag the file expected (slab/config.h).
# 5. (after 6 in the script) A C++ file that only frees through the inline fast path, built with
#    -DSLAB_CHECKS=1, linked with --gc-sections against the default library:
#    the link fails on the tagged internal names its inlined code calls.
# 6. A static cache (slab/static.h) built with -DSLAB_DEFAULT_SLAB_SIZE=2048
#    against the default library fails to link on the tag; built with the
#    library's options it links and runs.
# 7. DEFINE_SLAB_HOOKS's secret: the build's, 0 only when chosen, the OS's
#    with the hosted provider; without the build's header, no compile.
# Exits non-zero with a message naming the first assertion that failed.
set -u
LIB=${1:?usage: run.sh <libslab.a> <build dir> [checked libslab.a]}
OUT=${2:?usage: run.sh <libslab.a> <build dir> [checked libslab.a]}
CHECKED_LIB=${3:-}
CC=${CC:-gcc}
CXX=${CXX:-g++}
HERE=$(cd "$(dirname "$0")" && pwd)
INC="$HERE/../../include"
CFLAGS="-std=c11 -O1 -Wall -Wextra -Werror -I$INC"
CXXFLAGS="-std=c++17 -O1 -Wall -Wextra -Werror -I$INC"

fail() { echo "test-link: FAILED: $*" >&2; exit 1; }

[ -f "$LIB" ] || fail "library $LIB not found (build it first: make lib)"
mkdir -p "$OUT" || fail "cannot create $OUT"
rm -f "$OUT"/no_hooks "$OUT"/with_c_hooks "$OUT"/with_cxx_hooks_ns "$OUT"/with_cxx_hooks_global

# The program itself compiles cleanly: any failure below is the link's.
$CC $CFLAGS -c "$HERE/main.c" -o "$OUT/main.o" || fail "main.c does not compile"

# 1. No hooks: the link must fail, on the program's three symbols and nothing else.
if $CC "$OUT/main.o" "$LIB" -o "$OUT/no_hooks" >"$OUT/no_hooks.log" 2>&1; then
    fail "linking a program without hooks SUCCEEDED (expected undefined slab_page_alloc/slab_page_free/slab_secret)"
fi
[ ! -e "$OUT/no_hooks" ] || fail "the failed link left a program behind"
# GNU ld: undefined reference to `slab_page_alloc'; lld: undefined symbol: slab_page_alloc
undefined=$(grep -oE "(undefined reference to|undefined symbol:) *[\`'\"‘]?[A-Za-z_][A-Za-z0-9_]*" "$OUT/no_hooks.log" |
    sed -E "s/^(undefined reference to|undefined symbol:) *[\`'\"‘]?//" | sort -u | tr '\n' ' ' | sed 's/ $//')
if [ "$undefined" != "slab_page_alloc slab_page_free slab_secret" ]; then
    echo "--- linker output:" >&2
    cat "$OUT/no_hooks.log" >&2
    fail "undefined references were [$undefined], expected exactly [slab_page_alloc slab_page_free slab_secret]"
fi
echo "test-link: without hooks the link fails, undefined: $undefined"

# 2. Hooks from C.
$CC $CFLAGS "$HERE/main.c" "$HERE/hooks_c.c" "$LIB" -o "$OUT/with_c_hooks" >"$OUT/with_c_hooks.log" 2>&1 ||
    { cat "$OUT/with_c_hooks.log" >&2; fail "main.c + hooks_c.c (DEFINE_SLAB_HOOKS from C) does not link"; }
"$OUT/with_c_hooks" || fail "the program with C hooks exited with status $?"

# 3. Hooks from C++, in a named namespace and at global scope.
for variant in ns:1 global:0; do
    name=${variant%%:*}
    bin="$OUT/with_cxx_hooks_$name"
    $CXX $CXXFLAGS -DHOOKS_IN_NAMESPACE=${variant##*:} -c "$HERE/hooks_cxx.cpp" -o "$bin.o" &&
        $CXX "$OUT/main.o" "$bin.o" "$LIB" -o "$bin" >"$bin.log" 2>&1 ||
        { cat "$bin.log" >&2; fail "main.c + hooks_cxx.cpp ($name scope, DEFINE_SLAB_HOOKS from C++) does not link"; }
    "$bin" || fail "the program with C++ hooks ($name scope) exited with status $?"
done
# 4. Option mismatch: the link fails on the tag the file was compiled for.
mismatch() { # <name> <library> <extra cflags...>
    local name=$1 lib=$2
    shift 2
    local bin="$OUT/mismatch_$name"
    $CC $CFLAGS "$@" -c "$HERE/main.c" -o "$bin.main.o" || fail "main.c does not compile with $*"
    $CC $CFLAGS "$@" -c "$HERE/hooks_c.c" -o "$bin.hooks.o" || fail "hooks_c.c does not compile with $*"
    if $CC "$bin.main.o" "$bin.hooks.o" "$lib" -o "$bin" >"$bin.log" 2>&1; then
        fail "a file built with [$*] linked against $lib (expected an option-tag link error)"
    fi
    grep -qE "undefined reference to .[A-Za-z_]*slab_abi_v3_" "$bin.log" ||
        { cat "$bin.log" >&2; fail "the mismatch [$*] failed to link, but not on the option tag"; }
    echo "test-link: [$*] against $(basename "$(dirname "$lib")"): link fails on $(grep -oE '[A-Za-z_]*slab_abi_v3_[A-Za-z0-9_]+' "$bin.log" | head -1)"
}
mismatch checks "$LIB" -DSLAB_CHECKS=1
mismatch slabsize "$LIB" -DSLAB_DEFAULT_SLAB_SIZE=8192
mismatch nostats "$LIB" -DSLAB_STATS=0
if [ -n "$CHECKED_LIB" ]; then
    [ -f "$CHECKED_LIB" ] || fail "checked library $CHECKED_LIB not found"
    mismatch default_vs_checked "$CHECKED_LIB"
    # ... and the matching options link and run.
    $CC $CFLAGS -DSLAB_CHECKS=1 "$HERE/main.c" "$HERE/hooks_c.c" "$CHECKED_LIB" -o "$OUT/checked_match" ||
        fail "main.c built with -DSLAB_CHECKS=1 does not link against the checked library"
    "$OUT/checked_match" || fail "the checked program exited with status $?"
fi

# 6. A static cache only (slab/static.h), through the untagged C calls: the
#    macro's geometry depends on the options too, so a mismatch must fail to
#    link on the tag (its page source's names carry it); the matching
#    options link and run.
$CC $CFLAGS "$HERE/static_only.c" "$LIB" -o "$OUT/static_only" >"$OUT/static_only.log" 2>&1 ||
    { cat "$OUT/static_only.log" >&2; fail "static_only.c does not link with the library's own options"; }
"$OUT/static_only" || fail "the static-cache program exited with status $?"
$CC $CFLAGS -DSLAB_DEFAULT_SLAB_SIZE=2048 -c "$HERE/static_only.c" -o "$OUT/static_2048.o" ||
    fail "static_only.c does not compile with -DSLAB_DEFAULT_SLAB_SIZE=2048"
if $CC "$OUT/static_2048.o" "$LIB" -o "$OUT/static_2048" >"$OUT/static_2048.log" 2>&1; then
    fail "a static cache built with -DSLAB_DEFAULT_SLAB_SIZE=2048 linked against $LIB (expected an option-tag link error)"
fi
grep -qE "undefined reference to .slab_static_take__slab_abi_v3_s2048" "$OUT/static_2048.log" ||
    { cat "$OUT/static_2048.log" >&2; fail "the static-cache mismatch failed to link, but not on the option tag"; }
echo "test-link: a static cache built with -DSLAB_DEFAULT_SLAB_SIZE=2048: link fails on $(grep -oE 'slab_static_take__slab_abi_v3_[A-Za-z0-9_]+' "$OUT/static_2048.log" | head -1)"

# 7. The secret DEFINE_SLAB_HOOKS leaves (slab/hooks.h): the build's random
#    SLAB_BUILD_SECRET by default, never 0; 0 only when the program says so
#    (-DSLAB_SECRET_INIT=0); with the hosted provider, a value from the OS
#    after its first page, unless the program chose one; and without the
#    build's header and without a choice, no program compiles.
SECRET_H="$INC/slab/build_secret.h"
[ -f "$SECRET_H" ] || fail "the build did not write $SECRET_H"
built=$(sed -nE 's/.*SLAB_BUILD_SECRET \(\(uintptr_t\)(0x[0-9a-f]+)ull\).*/\1/p' "$SECRET_H")
[ -n "$built" ] && [ "$built" != 0x0000000000000000 ] || fail "no non-zero SLAB_BUILD_SECRET in $SECRET_H"
$CC $CFLAGS "$HERE/secret_default.c" -o "$OUT/secret_default" || fail "secret_default.c does not build"
"$OUT/secret_default" "$built" || fail "DEFINE_SLAB_HOOKS did not leave the build's secret ($built)"
$CC $CFLAGS -DSLAB_SECRET_INIT=0 "$HERE/secret_default.c" -o "$OUT/secret_zero" || fail "secret_default.c -DSLAB_SECRET_INIT=0 does not build"
"$OUT/secret_zero" zero || fail "-DSLAB_SECRET_INIT=0 did not leave 0"
HOSTED="$HERE/../../hooks/hosted"
$CC $CFLAGS -DWITH_HOSTED -I"$HOSTED" "$HERE/secret_default.c" "$HOSTED/hosted_pages.c" "$LIB" -o "$OUT/secret_hosted" ||
    fail "secret_default.c with the hosted provider does not build"
"$OUT/secret_hosted" os || fail "the hosted provider did not seed the secret from the OS at its first page"
$CC $CFLAGS -DWITH_HOSTED -DSLAB_SECRET_INIT=0x1234 -I"$HOSTED" "$HERE/secret_default.c" "$HOSTED/hosted_pages.c" "$LIB" \
    -o "$OUT/secret_hosted_chosen" || fail "secret_default.c with a chosen secret does not build"
"$OUT/secret_hosted_chosen" kept || fail "the hosted provider replaced a secret the program chose"
rm -rf "$OUT/no_secret_inc" && mkdir -p "$OUT/no_secret_inc" && cp -r "$INC/slab" "$OUT/no_secret_inc/" &&
    rm -f "$OUT/no_secret_inc/slab/build_secret.h" || fail "cannot copy the headers"
if $CC -std=c11 -I"$OUT/no_secret_inc" -c "$HERE/secret_default.c" -o "$OUT/no_secret.o" >"$OUT/no_secret.log" 2>&1; then
    fail "DEFINE_SLAB_HOOKS compiled with neither the build's secret nor SLAB_SECRET_INIT"
fi
grep -q "slab_no_build_secret__run_make_or_cmake_or_define_SLAB_SECRET_INIT" "$OUT/no_secret.log" ||
    { cat "$OUT/no_secret.log" >&2; fail "without a secret the compile failed, but not on the name that says why"; }
echo "test-link: DEFINE_SLAB_HOOKS leaves the build's secret $built (never 0); 0 only by -DSLAB_SECRET_INIT=0; the hosted provider seeds from the OS; no header and no choice: no compile"

# 5. Inline C++ only, with --gc-sections.
$CXX $CXXFLAGS -fno-exceptions -fno-rtti -ffunction-sections -fdata-sections -DSLAB_CHECKS=1 \
    -c "$HERE/box_only.cpp" -o "$OUT/box_only.o" || fail "box_only.cpp does not compile"
if $CXX -Wl,--gc-sections -Wl,--undefined=box_only_free "$OUT/main.o" "$OUT/box_only.o" "$HERE/hooks_cxx.cpp" \
    -I"$INC" -DHOOKS_IN_NAMESPACE=0 "$LIB" -o "$OUT/box_only" >"$OUT/box_only.log" 2>&1; then
    fail "inline C++ code built with -DSLAB_CHECKS=1 linked against the default library with --gc-sections"
fi
grep -qE "undefined reference to .*slab_abi_v3_s4096_c1" "$OUT/box_only.log" ||
    { cat "$OUT/box_only.log" >&2; fail "the inline-only mismatch failed to link, but not on the option tag"; }
echo "test-link: inline C++ free built with -DSLAB_CHECKS=1, --gc-sections: link fails on the tagged internals"

echo "test-link: passed (no hooks: link fails on exactly the program's three symbols; C and C++ DEFINE_SLAB_HOOKS link and run; option mismatches fail to link)"
