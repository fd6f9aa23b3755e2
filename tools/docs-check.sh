#!/usr/bin/env bash
# docs-check: the figures of README.md and docs/*.md against the commands
# that measure them (mk/docs-check.mk).
#
#   tools/docs-check.sh check          every mark agrees with its source, else exit 1
#   tools/docs-check.sh update         rewrite the marks that disagree from their sources
#   tools/docs-check.sh record SRC...  run a recorded source's benchmark, keep its output
#                                      in docs/data/SRC.md, then update
#   tools/docs-check.sh keys SRC       print a source's figures (key, value)
#   tools/docs-check.sh selftest       the checker finds planted errors (make test-docs-check)
#
# A figure is marked where it is quoted, with an HTML comment that does not
# render (tools/docs-check.awk has the grammar):
#   <!--fig bench-target:m3.c.none.alloc.fast.max-->34
#   <!--fig bench-instr:hot.glibc / bench-instr:hot.slab-box-->2.1
#   <!--table bench-overhead 1-->      (the table that follows, verbatim)
#   <!--measured bench-latency-->      (the line says when, where, by `make bench-latency`)
#
# Sources, each named for the make target that measures it:
#   live      run by every check (about 20 s from a clean tree; they share
#             the library builds): size, bench-target, bench-overhead
#   recorded  too slow for every check (30 s and more, or peers outside the
#             repository): their output is kept in docs/data/SRC.md, first
#             line "<!-- measured on DATE, MACHINE, by make SRC -->", and the
#             marks are checked against it; `make docs-record
#             DOCS_RECORD=SRC` runs the benchmark again and rewrites it.
#             bench (also its chart, docs/bench-chart.png), bench-instr,
#             bench-latency, bench-heap-target, bench-heap-host,
#             bench-freertos, test-malloc-preload (its peak RSS table)
set -euo pipefail

LIVE="size bench-target bench-overhead"
RECORDED="bench bench-instr bench-latency bench-heap-target bench-heap-host bench-freertos test-malloc-preload"
DOCS=${DOCS:-"README.md $(echo docs/*.md)"}
OUT=${DC_OUT:-build/docs-check}
DATA=docs/data
MAKE_CMD=${MAKE:-make}
# The sources run as a user runs them: no variable of a calling make (a
# CHECKS=1 there would measure another library), all cores.
submake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$MAKE_CMD" --no-print-directory -s -j"$(nproc)" "$@"; }

mkdir -p "$OUT"

# The output file a source's command writes (size: its standard output).
output_of() {
	case $1 in
	size) echo "$OUT/size.out" ;;
	bench-target) echo build/bench-target/results.md ;;
	bench-overhead) echo build/bench/overhead.md ;;
	bench) echo build/bench/results.md ;;
	bench-instr) echo build/bench/instr.md ;;
	bench-latency) echo build/bench/latency.md ;;
	test-malloc-preload) echo build/malloc-preload/rss.md ;;
	bench-heap-target) echo build/bench-heap/target.md ;;
	bench-heap-host) echo build/bench-heap/host.md ;;
	bench-freertos) echo build/freertos-bench.md ;;
	*) return 1 ;;
	esac
}
# Other files a recorded source's command writes that the documents show:
# "output kept-as" pairs.
extras_of() {
	case $1 in
	bench) echo "build/bench/results.png docs/bench-chart.png" ;;
	esac
}
is_live() { case " $LIVE " in *" $1 "*) return 0 ;; esac; return 1; }
is_recorded() { case " $RECORDED " in *" $1 "*) return 0 ;; esac; return 1; }

# Runs a source's command; its output ends up in $(output_of SRC).
run_source() {
	local src=$1 log="$OUT/$1.log"
	if [ "$src" = size ]; then
		submake size >"$OUT/size.out" 2>"$log" || { cat "$log" >&2; echo "docs-check: make size failed" >&2; return 1; }
	else
		submake "$src" >"$log" 2>&1 || { tail -n 20 "$log" >&2; echo "docs-check: make $src failed" >&2; return 1; }
	fi
}

# Markdown tables of `make size`'s output (the other sources write their own).
size_md() {
	awk '
	function short(c) { sub(/^cortex-/, "", c); return c }
	$1 ~ /^cortex-/ && / minimal firmware, one cache: / {
		match($0, /libslab [0-9]+ B flash/); lib[$1] = substr($0, RSTART + 8, RLENGTH - 16) + 0
		match($0, /static_pages [0-9]+ B/); hook[$1] = substr($0, RSTART + 13, RLENGTH - 15) + 0
		match($0, /whole image [0-9]+ B/); img[$1] = substr($0, RSTART + 12, RLENGTH - 14) + 0
		next
	}
	$1 ~ /^cortex-/ && NF >= 5 {
		name = $2; for (i = 3; i <= NF - 3; i++) name = name " " $i
		if (!($1 in seen)) { seen[$1] = 1; cpus[++ncpu] = $1 }
		if (name == "libslab.a total") { text[$1] = $(NF-2); ram[$1] = $(NF-1) + $NF }
		else { if (!(name in oseen)) { oseen[name] = 1; objs[++nobj] = name } otext[$1, name] = $(NF-2) }
	}
	END {
		print "| CPU | libslab.a .text (B) | .data + .bss (B) | one-cache firmware: from libslab.a (B) | static_pages (B) | whole image (B) |"
		print "|---|---:|---:|---:|---:|---:|"
		for (i = 1; i <= ncpu; i++) { c = cpus[i]; printf "| %s | %d | %d | %d | %d | %d |\n", c, text[c], ram[c], lib[c], hook[c], img[c] }
		print ""
		printf "| object |"; for (i = 1; i <= ncpu; i++) printf " %s |", short(cpus[i]); print ""
		printf "|---|"; for (i = 1; i <= ncpu; i++) printf "---:|"; print ""
		for (j = 1; j <= nobj; j++) {
			printf "| `%s` |", objs[j]; for (i = 1; i <= ncpu; i++) printf " %d |", otext[cpus[i], objs[j]]; print ""
		}
	}' "$1"
}

# key<TAB>value lines of a source, from its Markdown ($1) and, for size,
# its output ($2). Every source also gets generic keys tT.rR.cC (table T,
# data row R, column C, from 1) for figures no named key covers.
keys_of() {
	local src=$1 md=$2
	awk -v src="$src" '
	function cell(i) { return c[i + 1] }     # cells from 1
	function num(s) { gsub(/[ ,%*]/, "", s); return s }
	function key(k, v) { v = num(v); if (v ~ /^-?[0-9]+(\.[0-9]+)?$/) printf "%s\t%s\n", k, v }
	function short(x) { sub(/^cortex-/, "", x); return x }
	function front(x) { return x == "C++ Box" ? "box" : tolower(x) }
	function lock(x) {
		if (x ~ /^SLAB_LOCK_IRQ/) return "irq"; if (x ~ /^SLAB_LOCK_BASEPRI/) return "basepri"
		if (x ~ /^slab_lock_ops/) return "ops"; return "none"
	}
	function path(x) {
		if (x ~ /^fast path/) return "fast"; if (x ~ /^no growth/) return "last"
		if (x ~ /^the parked object/) return "hot"; if (x ~ /is parked/) return "park"
		if (x ~ /spare/) return "spare"; if (x ~ /alone/) return "alone"; if (x ~ /hook/) return "hook"; return x
	}
	{ sub(/\r$/, "") }
	/^#+ [0-9]+-byte objects/ { size = $2; sub(/-byte/, "", size) }
	/^\|/ {
		if (!intab) { t++; intab = 1; r = -1 }
		r++
		n = split($0, c, "|"); for (i = 1; i <= n; i++) { gsub(/^[ \t]+|[ \t]+$/, "", c[i]) }
		ncell = n - 2
		if (r == 0) { for (i = 1; i <= ncell; i++) head[i] = cell(i); next }
		if (cell(1) ~ /^[-:]+$/) { r--; next }
		for (i = 1; i <= ncell; i++) key("t" t ".r" r ".c" i, cell(i))
		if (src == "size" && t == 1) {
			cpu = short(cell(1)); key(cpu ".text", cell(2)); key(cpu ".ram", cell(3))
			key(cpu ".min.lib", cell(4)); key(cpu ".min.hook", cell(5)); key(cpu ".min.image", cell(6))
		}
		if (src == "size" && t == 2) { o = cell(1); gsub(/`/, "", o); sub(/\.o$/, "", o); for (i = 2; i <= ncell; i++) key(head[i] ".obj." o, cell(i)) }
		if (src == "bench-target" && head[1] == "CPU" && head[5] == "case") {
			k = short(cell(1)) "." front(cell(2)) "." lock(cell(3)) "." cell(4) "." path(cell(5))
			key(k ".ops", cell(6)); key(k ".mean", cell(7)); key(k ".max", cell(8))
			key(k ".max10", cell(9)); key(k ".max1000", cell(10))
		}
		if (src == "bench-target" && head[3] == "ticks per instruction") {
			key(short(cell(1)) ".ticks", cell(3)); key(short(cell(1)) ".overhead", cell(5))
			e = cell(6); sub(/ .*/, "", e); key(short(cell(1)) ".error", e)
		}
		if (src == "bench-overhead" && head[1] == "object (B)") {
			for (i = 2; i <= ncell; i++) {
				s = head[i]; sub(/ B slab/, "", s); v = cell(i)
				if (v ~ /%/) { m = v; sub(/%.*/, "", m); key("slave." cell(1) "." s, m)
					if (match(v, /\([0-9.]+%\)/)) key("master." cell(1) "." s, substr(v, RSTART + 1, RLENGTH - 3)) }
			}
		}
		if (src == "bench-overhead" && head[1] == "what") {
			w = cell(1)
			if (w ~ /displaces/) { v = cell(2); sub(/ .*/, "", v); key("displaced", v) }
			else if (w ~ /header/) key("header", cell(2)); else if (w ~ /control block \(/) key("cache", cell(2))
			else if (w ~ /^per cache: lock/) { v = cell(2); sub(/ .*/, "", v); key("lock", v) }
			else if (w ~ /static RAM/) key("static", cell(2))
		}
		if (src == "bench" && head[2] == "hot") for (i = 2; i <= ncell; i++) key("ns." size "." cell(1) "." head[i], cell(i))
		if (src == "bench-latency" && head[2] ~ /^L = /) for (i = 2; i <= ncell; i++) {
			if (split(cell(i), q, " / ") != 4) continue
			k = (t == 1 ? "fill" : t == 2 ? "alloc" : "free") "." cell(1) "." substr(head[i], 5)
			key(k ".p50", q[1]); key(k ".p99", q[2]); key(k ".p999", q[3]); key(k ".max", q[4])
		}
		if (src == "bench-instr" && head[3] == "hot pair") { key("hot." cell(1), cell(3)); key("batch." cell(1), cell(4)) }
		if (src == "bench-instr" && head[3] == "instructions") { key("mix." cell(1), cell(3)); key("mixl1." cell(1), cell(4)) }
		if (src == "bench-heap-target" && head[2] == "live cap" && head[3] == "malloc mean") {
			k = cell(1) "." cell(2); key(k ".malloc.mean", cell(3)); key(k ".malloc.max", cell(4))
			key(k ".free.mean", cell(5)); key(k ".free.max", cell(6)); key(cell(1) ".text", cell(7))
		}
		if (src == "bench-heap-target" && head[1] == "live cap" && head[3] == "path") {
			k = "path." cell(1) "." cell(2) "." cell(3); gsub(/ /, "-", k)
			key(k ".calls", cell(4)); key(k ".mean", cell(5)); key(k ".max", cell(6))
		}
		if (src == "bench-heap-target" && head[1] == "workload") {
			k = "mem." cell(1) "." cell(3) (cell(4) != "" ? "." cell(4) : "")
			key("mem." cell(1) ".peak", cell(2)); key(k ".arena", cell(5)); key(k ".ratio", cell(6))
		}
		next
	}
	{ intab = 0 }' "$md"
}

# Makes OUT/SRC.md and OUT/SRC.keys for every source named; a live source's
# command is run, a recorded source's kept output is read (and its first
# line checked).
prepare() {
	local src md
	for src in "$@"; do
		if is_live "$src"; then
			echo "docs-check: make $src" >&2
			run_source "$src"
			if [ "$src" = size ]; then size_md "$OUT/size.out" >"$OUT/size.md"; else cp "$(output_of "$src")" "$OUT/$src.md"; fi
		elif is_recorded "$src"; then
			md=$DATA/$src.md
			[ -s "$md" ] || { echo "docs-check: $md is missing: make docs-record DOCS_RECORD=$src" >&2; return 1; }
			head -n 1 "$md" | grep -Eq "^<!-- measured on [0-9]{4}-[0-9]{2}-[0-9]{2}, .+, by make $src -->$" ||
				{ echo "docs-check: $md: its first line must be <!-- measured on YYYY-MM-DD, MACHINE, by make $src -->" >&2; return 1; }
			tail -n +2 "$md" >"$OUT/$src.md"
		else
			echo "docs-check: unknown source '$src' (live: $LIVE; recorded: $RECORDED)" >&2
			return 1
		fi
		keys_of "$src" "$OUT/$src.md" >"$OUT/$src.keys"
	done
}

# The sources the marks of the documents name.
sources_named() {
	# shellcheck disable=SC2086
	{ grep -ho '<!--fig [^>]*-->' $DOCS | grep -o '[a-z][a-z-]*:' | tr -d : || true
	  grep -h '^<!--table ' $DOCS | awk '{ print $2 }' || true; } | sort -u
}

# Every make target, for the <!--measured TARGET--> marks.
make_targets() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$MAKE_CMD" -pRrq : 2>/dev/null |
		awk -F: '/^# Not a target/ { skip = 1; next } /^[a-zA-Z0-9][a-zA-Z0-9_.-]*:/ && !skip { print $1 } { skip = 0 }' | sort -u | tr '\n' ' '
}

# SRC=DATE for every recorded source kept in docs/data/.
recorded_dates() {
	local src
	for src in $RECORDED; do
		[ -s "$DATA/$src.md" ] && head -n 1 "$DATA/$src.md" | sed -n "s/^<!-- measured on \([0-9-]*\), .*/$src=\1/p"
	done | tr '\n' ' '
}

machine() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
	echo "${cpu:-unknown CPU}, $(nproc) cores, Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
}

marks() {
	local mode=$1 sources
	sources=$(sources_named | tr '\n' ' ')
	# shellcheck disable=SC2086
	prepare $sources
	: >"$OUT/changed"
	# shellcheck disable=SC2086
	DC_MODE=$mode DC_OUT=$OUT DC_SOURCES="$sources" DC_TARGETS="$(make_targets)" DC_RECDATES="$(recorded_dates)" \
		awk -f tools/docs-check.awk $DOCS >"$OUT/report" && status=0 || status=$?
	read -r nfig ntab nmeas nbad nupd <"$OUT/summary"
	echo "${sources% }" >"$OUT/sources"
}

start=$(date +%s)
case ${1:-check} in
check)
	marks check
	if [ "$status" -ne 0 ] || [ "$nbad" -ne 0 ]; then
		cat "$OUT/report"
		echo "docs-check: FAILED: $nbad of the marks disagree with their sources (above); if the measurement is right, make docs-update rewrites them"
		exit 1
	fi
	echo "docs-check: $nfig figures, $ntab tables and $nmeas measured-on lines in $(echo $DOCS | wc -w) files agree with their sources ($(cat "$OUT/sources")) in $(( $(date +%s) - start )) s"
	;;
update)
	marks update
	if [ "$nbad" -ne 0 ]; then cat "$OUT/report"; echo "docs-check: $nbad marks cannot be updated (above)"; fi
	while read -r f; do mv "$f.docs-new" "$f"; echo "docs-update: rewrote $f"; done <"$OUT/changed"
	echo "docs-update: $nupd marks rewritten from their sources"
	[ "$nbad" -eq 0 ]
	;;
record)
	shift
	[ $# -gt 0 ] || { echo "docs-record: name the sources: DOCS_RECORD='$RECORDED'" >&2; exit 1; }
	for src in "$@"; do
		is_recorded "$src" || { echo "docs-record: $src is not a recorded source ($RECORDED)" >&2; exit 1; }
		echo "docs-record: make $src" >&2
		run_source "$src"
		mkdir -p "$DATA"
		{ echo "<!-- measured on $(date +%F), $(machine), by make $src -->"; cat "$(output_of "$src")"; } >"$DATA/$src.md"
		echo "docs-record: wrote $DATA/$src.md"
		read -r -a extras <<<"$(extras_of "$src")"
		for ((i = 0; i + 1 < ${#extras[@]}; i += 2)); do
			cp "${extras[i]}" "${extras[i + 1]}"
			echo "docs-record: wrote ${extras[i + 1]}"
		done
	done
	exec "$0" update
	;;
selftest)
	# The checker against a document with known errors, on the figures the
	# last check prepared: it must flag exactly the wrong figure and the
	# wrong table, and docs-update must mend both.
	[ -s "$OUT/size.keys" ] && [ -s "$OUT/size.md" ] || prepare size
	t=$OUT/selftest.md
	v=$(awk -F'\t' '$1 == "m3.text" { print $2 }' "$OUT/size.keys")
	{
		echo "right <!--fig size:m3.text-->$v B, wrong <!--fig size:m3.text-->$((v + 1)) B."
		echo "<!--table size 1-->"; echo; awk '/^\|/ { print } /^$/ { exit }' "$OUT/size.md"; echo
		echo "<!--table size 1-->"; echo; echo "| CPU | x |"; echo "|---|---|"; echo
	} >"$t"
	run_awk() { DC_MODE=$1 DC_OUT=$OUT DC_SOURCES=size DC_TARGETS= DC_RECDATES= awk -f tools/docs-check.awk "$t" >"$OUT/selftest.report" 2>&1 || true; }
	: >"$OUT/changed"
	run_awk check
	read -r nfig ntab nmeas nbad nupd <"$OUT/summary"
	if [ "$nfig $ntab $nbad" != "2 2 2" ] || ! grep -q "selftest.md:1: figure $((v + 1)) but" "$OUT/selftest.report"; then
		cat "$OUT/selftest.report"
		echo "docs-check selftest: FAILED: expected 2 figures and 2 tables, 2 of them wrong; got $nfig, $ntab, $nbad"
		exit 1
	fi
	run_awk update
	while read -r f; do mv "$f.docs-new" "$f"; done <"$OUT/changed"
	run_awk check
	read -r nfig ntab nmeas nbad nupd <"$OUT/summary"
	[ "$nbad" = 0 ] || { cat "$OUT/selftest.report"; echo "docs-check selftest: FAILED: update did not mend the document"; exit 1; }
	echo "docs-check selftest: a wrong figure and a wrong table are found, and update mends them"
	;;
keys)
	shift
	prepare "$@"
	for src in "$@"; do sed "s/^/$src:/" "$OUT/$src.keys"; done
	;;
*)
	echo "usage: $0 check | update | record SRC... | keys SRC... | selftest" >&2
	exit 2
	;;
esac
