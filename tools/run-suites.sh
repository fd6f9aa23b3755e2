#!/usr/bin/env bash
# Runs test suites one after the other (make test, make check): each suite's
# wall time, then one closing line "N passed, N failed" over the suites. A
# failed suite does not stop the ones after it; the exit status is non-zero
# when any failed.
#   run-suites.sh MAKE SUITE...
set -u
make_cmd=$1
shift
passed=0
failed=0
failures=()
for suite in "$@"; do
    echo "==== $suite"
    start=$(date +%s%N)
    if $make_cmd --no-print-directory "$suite"; then
        status=ok
        passed=$((passed + 1))
    else
        status=FAILED
        failed=$((failed + 1))
        failures+=("$suite")
    fi
    end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    printf '==== %s: %s in %d.%d s\n' "$suite" "$status" $((ms / 1000)) $((ms % 1000 / 100))
done
[ "$failed" -eq 0 ] || echo "failed suites: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
