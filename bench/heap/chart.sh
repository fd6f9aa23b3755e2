#!/bin/sh
# Turns build/bench-heap/target.md (make bench-heap-target) into the data of
# bench/heap/chart.gp: one row per figure (malloc mean, malloc max, free
# mean, free max), one column per allocator at 200 live.
#   chart.sh target.md > chart.dat
set -eu
awk -F'|' '
/^\| [A-Za-z_0-9]+ \| 200 \|/ {
    name = $2; gsub(/ /, "", name)
    n++; names[n] = name
    mm[n] = $4; mx[n] = $5; fm[n] = $6; fx[n] = $7
}
END {
    printf "figure"; for (i = 1; i <= n; i++) printf " %s", names[i]; printf "\n"
    printf "malloc-mean"; for (i = 1; i <= n; i++) printf " %s", mm[i] + 0; printf "\n"
    printf "malloc-max"; for (i = 1; i <= n; i++) printf " %s", mx[i] + 0; printf "\n"
    printf "free-mean"; for (i = 1; i <= n; i++) printf " %s", fm[i] + 0; printf "\n"
    printf "free-max"; for (i = 1; i <= n; i++) printf " %s", fx[i] + 0; printf "\n"
}' "$1"
