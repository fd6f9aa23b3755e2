#!/usr/bin/env bash
# git and sqlite3 under glibc's malloc and under the drop-in (issue 22;
# the figures and what they mean: docs/real-programs.md). A measurement, not
# a test: timings on a shared machine vary, so it is not in make test.
# Usage: test/malloc/compare_programs.sh build/host-gcc/libslab_malloc.so [RUNS] [COMMITS]
#        KEEP=1 in the environment keeps the scratch directory (its path is
#        printed last) to run other tools on the same inputs
#
# In a scratch directory (mktemp -d, removed at exit) it builds, under
# glibc's malloc and with no network:
#   a git repository: a first commit of libslab's text files at HEAD (not
#     test/fuzz), the peers' (../shared/peers, read only; PEERS=<dir>
#     replaces it) and 27,000 small generated files, then COMMITS (default
#     10000) commits, each editing 1 to 5 files at 1 to 4 lines and every
#     20th adding a copy of a file (a fixed pseudo-random sequence, through
#     git fast-import), then git gc; a checkout of it with 99 tracked files
#     changed and 100 untracked files added, its index refreshed;
#   a sqlite3 script: a table, 300,000 INSERT statements in one
#     transaction, two indexes and six queries, into a database file.
# Then, for each program:
#   output      one run under each allocator, output kept: standard output,
#               standard error (the drop-in's SLAB_MALLOC_STATS=1 lines taken
#               out and printed) and exit status must be equal; for git gc,
#               the objects of the repacked repository (git rev-list --all
#               --objects) and git fsck --full on it too
#   time        RUNS runs (default 5) under each allocator, alternating which
#               goes first, output to /dev/null: the median of each figure of
#               /usr/bin/time -v (wall, user and system time, minor faults,
#               peak RSS) over the runs, and the ratio libslab / glibc
#   syscalls    one run under each allocator with strace -f -c -e
#               trace=%memory,futex,sched_yield: the mmap, munmap, madvise,
#               mprotect, mremap and brk calls, and futex and sched_yield
#               (where threads wait: glibc's arena locks, the drop-in's spin
#               lock), children included
# The programs (output to /dev/null; LD_PRELOAD=SO for the drop-in):
#   git-log     git log -p                   (the gc'd repository)
#   git-status  git --no-optional-locks status, 10 times in a row (sh loop)
#   git-gc      git gc --aggressive --quiet  (on a fresh copy, each run)
#   sqlite3     sqlite3 DB < script.sql      (a new database file, each run)
set -u
if [ $# -lt 1 ] || [ ! -f "$1" ]; then
	echo "usage: $0 path/to/libslab_malloc.so [RUNS] [COMMITS]" >&2
	exit 2
fi
SO=$(realpath "$1")
RUNS=${2:-5}
COMMITS=${3:-10000}
BULK=27000
ROWS=300000
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEERS=${PEERS:-$(for d in "$ROOT/../shared/peers" /work/shared/peers; do [ -d "$d" ] && { echo "$d"; break; }; done)}
unset LD_PRELOAD SLAB_MALLOC_STATS
for tool in git sqlite3 strace awk /usr/bin/time; do
	command -v "$tool" > /dev/null || { echo "$0: $tool is missing (apt-get install git sqlite3 strace time)" >&2; exit 2; }
done
T=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then
	trap 'echo "# kept: $T (bare.git, co, script.sql)"' EXIT
else
	trap 'rm -rf "$T"' EXIT
fi
export LC_ALL=C GIT_CONFIG_NOSYSTEM=1 HOME="$T/home"
mkdir -p "$HOME"
git config --global user.name "A U Thor"
git config --global user.email author@example.com
git config --global init.defaultBranch main

echo "# compare_programs.sh: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -sr)"
echo "# $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(ldd --version | head -n 1)"
echo "# $(git --version), sqlite3 $(sqlite3 --version | cut -d' ' -f1), strace $(strace -V | head -n 1 | awk '{ print $NF }')"
echo "# libslab $(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo '(not a git checkout)'), drop-in $SO"
echo "# runs $RUNS, commits $COMMITS, peers ${PEERS:-(none)}"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- The git repository -------------------------------------------------
cat > "$T/history.awk" << 'EOF'
# A deterministic history for git fast-import (LC_ALL=C: lengths in bytes).
# LIST: "path<TAB>file" lines, the first commit's files; BULK generated
# files in it too; then COMMITS commits. One Lehmer sequence drives every
# choice, so every run of the script builds the same repository.
function rnd(n) { seed = (seed * 48271) % 2147483647; return seed % n }
function head(c, msg) {
	printf "commit refs/heads/main\nauthor A U Thor <author@example.com> %d +0000\n", 1700000000 + 600 * c
	printf "committer C O Mitter <committer@example.com> %d +0000\ndata %d\n%s\n", 1700000000 + 600 * c + 7, length(msg), msg
}
function emit(f,    i, len) {
	len = 0
	for (i = 1; i <= N[f]; i++) if (L[f, i] != DEL) len += length(L[f, i]) + 1
	printf "M 100644 inline %s\ndata %d\n", P[f], len
	for (i = 1; i <= N[f]; i++) if (L[f, i] != DEL) print L[f, i]
}
# One line changed, added before, or taken out (a line taken out is
# marked, so that the lines keep their numbers).
function edit(f, c,    j, op) {
	j = 1 + rnd(N[f]); op = rnd(3)
	if (L[f, j] == DEL) L[f, j] = "restored by commit " c
	else if (op == 0) L[f, j] = L[f, j] " (edited in " c ")"
	else if (op == 1) L[f, j] = "added by commit " c ", before line " j "\n" L[f, j]
	else L[f, j] = DEL
}
BEGIN {
	DEL = "\001"; seed = 20261206; nf = 0
	while ((getline rec < LIST) > 0) {
		t = index(rec, "\t"); d = substr(rec, t + 1)
		P[++nf] = substr(rec, 1, t - 1); n = 0
		while ((r = (getline line < d)) > 0) L[nf, ++n] = line
		if (r < 0) { print "history.awk: cannot read " d > "/dev/stderr"; exit 1 }
		close(d); N[nf] = n
	}
	if (nf == 0) { print "history.awk: no files" > "/dev/stderr"; exit 1 }
	head(0, "import " nf " files and " BULK " generated ones\n")
	for (f = 1; f <= nf; f++) emit(f)
	for (b = 0; b < BULK; b++) {
		n = 5 + rnd(40); text = ""
		for (i = 0; i < n; i++) text = text sprintf("record %d.%d: %08x %s\n", b, i, rnd(2147483647), (i % 3 ? "alpha" : "omega"))
		printf "M 100644 inline tree/%02d/%02d/f%05d.txt\ndata %d\n%s", int(b / 900), int(b / 30) % 30, b, length(text), text
	}
	for (c = 1; c <= COMMITS; c++) {
		k = 1 + rnd(5); m = 0
		for (i = 1; i <= k; i++) {
			f = 1 + rnd(nf)
			if (f in chosen) continue
			chosen[f] = 1; pick[++m] = f
			h = 1 + rnd(4)
			while (h-- > 0) edit(f, c)
		}
		if (c % 20 == 0) {
			f = 1 + rnd(nf); nf++; N[nf] = N[f]
			for (i = 1; i <= N[f]; i++) L[nf, i] = L[f, i]
			b = P[f]; sub(/.*\//, "", b)
			P[nf] = sprintf("gen/%02d/%d-%s", int(c / 1000), c, b); pick[++m] = nf
		}
		head(c, "commit " c ": " m " files\n\nThe last one: " P[pick[m]] ".\n")
		for (i = 1; i <= m; i++) emit(pick[i])
		for (f in chosen) delete chosen[f]
	}
}
EOF
mkdir -p "$T/src"
if ! git -C "$ROOT" archive HEAD | tar -x -C "$T/src"; then
	echo "$0: git archive HEAD failed in $ROOT" >&2
	exit 2
fi
(cd "$T/src" && grep -rIl --exclude-dir=fuzz . | sed 's|^\./||' | sort | awk -v d="$T/src" '{ print "libslab/" $0 "\t" d "/" $0 }') > "$T/list"
if [ -n "$PEERS" ]; then
	(cd "$PEERS" && grep -rIl . | sed 's|^\./||' | sort | awk -v d="$PEERS" '{ print "peers/" $0 "\t" d "/" $0 }') >> "$T/list"
fi
git init -q --bare "$T/bare.git"
set -o pipefail
if ! awk -v LIST="$T/list" -v COMMITS="$COMMITS" -v BULK="$BULK" -f "$T/history.awk" | git --git-dir="$T/bare.git" fast-import --quiet; then
	echo "$0: building the repository failed" >&2
	exit 1
fi
set +o pipefail
git --git-dir="$T/bare.git" gc --quiet
git clone -q "$T/bare.git" "$T/co"
(cd "$T/co" && git ls-files | awk 'NR % 287 == 0' | while read -r f; do echo "a line from compare_programs.sh" >> "$f"; done)
for i in $(seq 100); do
	echo "untracked $i" > "$T/co/tree/$(printf %02d $((i % 30)))/untracked-$i.txt"
done
# The index refreshed once, under glibc, a second after the last file was
# written: no entry is then racily clean (re-read on every status), so every
# status below does the same work.
sleep 2
git -C "$T/co" status > /dev/null
echo "# repository: $(git --git-dir="$T/bare.git" rev-list --count HEAD) commits," \
	"$(git -C "$T/co" ls-files | wc -l) files at HEAD," \
	"$(git --git-dir="$T/bare.git" count-objects -v | awk '$1 == "in-pack:" { o = $2 } $1 == "size-pack:" { s = $2 } END { printf "%d objects, pack %.1f MiB", o, s / 1024 }')," \
	"git log -p: $(git --git-dir="$T/bare.git" log -p | wc -c) bytes"

# ---- The sqlite3 script --------------------------------------------------
cat > "$T/script.awk" << 'EOF'
# Q is a single quote (SQL's string quote).
BEGIN {
	print "CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, score REAL, note TEXT);"
	print "BEGIN;"
	pad = "the quick brown fox jumps over the lazy dog, "
	while (length(pad) < 400) pad = pad pad
	for (i = 1; i <= ROWS; i++)
		printf "INSERT INTO t(grp, name, score, note) VALUES(%d, %sname-%d%s, %d.%03d, %s%s%s);\n", (i * 7) % 1000,
			Q, (i * 7919) % 100003, Q, (i * 37) % 10007, i % 1000, Q, substr(pad, 1 + i % 45, i % 300), Q
	print "COMMIT;"
	print "CREATE INDEX t_grp ON t(grp);"
	print "CREATE INDEX t_name ON t(name);"
	f3 = Q "%.3f" Q
	print "SELECT grp, count(*), printf(" f3 ", sum(score)), min(name), max(name) FROM t GROUP BY grp ORDER BY grp LIMIT 10;"
	print "SELECT count(DISTINCT name), sum(length(note)) FROM t;"
	print "SELECT substr(name, 1, 7) AS p, count(*), printf(" f3 ", avg(length(note))) FROM t GROUP BY p ORDER BY 2 DESC, p LIMIT 10;"
	print "SELECT count(*) FROM t AS a JOIN t AS b ON a.name = b.name AND a.id < b.id;"
	print "SELECT name, group_concat(id) FROM (SELECT name, id FROM t WHERE grp = 7 ORDER BY id) GROUP BY name ORDER BY name LIMIT 5;"
	print "SELECT grp, printf(" f3 ", total(score)) FROM t WHERE name LIKE " Q "name-99%" Q " GROUP BY grp ORDER BY 2 DESC, grp LIMIT 5;"
}
EOF
awk -v ROWS=$ROWS -v Q="'" -f "$T/script.awk" > "$T/script.sql"
echo "# sqlite3 script: $(wc -l < "$T/script.sql") lines, $(wc -c < "$T/script.sql") bytes"

# ---- Running ---------------------------------------------------------------
# prep NAME: a fresh copy or database before each run.
prep() {
	case $1 in
	git-gc) rm -rf "$T/gc.git" && cp -a "$T/bare.git" "$T/gc.git" ;;
	sqlite3) rm -f "$T/db" "$T/db-journal" ;;
	esac
}
# start WHO NAME [TOOL...]: runs NAME's command under TOOL (time, strace),
# with the drop-in for WHO=libslab (set by env, after the tool: the tool
# itself runs on glibc's malloc); standard input from NAME's input.
start() {
	local who=$1 name=$2 pre=""
	shift 2
	[ "$who" = libslab ] && pre=$SO
	local in=/dev/null
	set -- "$@" env LD_PRELOAD="$pre"
	case $name in
	git-log) set -- "$@" git --git-dir="$T/bare.git" log -p ;;
	git-status) set -- "$@" sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do git --no-optional-locks status; done' ;;
	git-gc) set -- "$@" git --git-dir="$T/gc.git" gc --aggressive --quiet ;;
	sqlite3) set -- "$@" sqlite3 "$T/db"; in=$T/script.sql ;;
	esac
	(cd "$T/co" && "$@" < "$in")
}
field() { sed -n "s/^\t$1: //p" "$2"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# syscalls FILE: from strace -c's summary, the calls of CALLS, in order.
CALLS="mmap munmap madvise mprotect mremap brk futex sched_yield"
syscalls() {
	awk -v calls="$CALLS" '{ n[$NF] = $4 } END { k = split(calls, c, " "); for (i = 1; i <= k; i++) printf "%d%s", n[c[i]], (i < k ? " " : "\n") }' "$1"
}

findings=0
for name in git-log git-status git-gc sqlite3; do
	echo
	echo "## $name (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	# Output.
	for who in glibc libslab; do
		prep "$name"
		SLAB_MALLOC_STATS=1 start "$who" "$name" > "$T/$who.out" 2> "$T/$who.err.all"
		echo $? > "$T/$who.status"
		grep -v '^slab_malloc: ' "$T/$who.err.all" > "$T/$who.err"
		if [ "$name" = git-gc ]; then
			git --git-dir="$T/gc.git" rev-list --all --objects | sort > "$T/$who.objects"
			git --git-dir="$T/gc.git" fsck --full > "$T/$who.fsck" 2>&1
			echo "fsck exit $?" >> "$T/$who.fsck"
			echo "$who: $(git --git-dir="$T/gc.git" count-objects -v | awk '$1 == "in-pack:" || $1 == "packs:" || $1 == "size-pack:" || $1 == "count:"' | tr '\n' ' ')(size-pack in KiB)"
		fi
	done
	grep '^slab_malloc: ' "$T/libslab.err.all" | sort | uniq -c | sed 's/^ *\([0-9]*\) /libslab, \1 process(es): /'
	same=yes
	for part in status out err objects fsck; do
		[ -f "$T/glibc.$part" ] || continue
		if ! cmp -s "$T/glibc.$part" "$T/libslab.$part"; then
			same=no
			findings=$((findings + 1))
			echo "FINDING: $name: $part differs between glibc and libslab:"
			diff "$T/glibc.$part" "$T/libslab.$part" | head -n 20
		fi
	done
	echo "output ($(wc -c < "$T/glibc.out") bytes, exit $(cat "$T/glibc.status")): same under both: $same"
	rm -f "$T"/glibc.* "$T"/libslab.*
	# Time: glibc first in odd runs, libslab first in even runs.
	for i in $(seq "$RUNS"); do
		order="glibc libslab"
		[ $((i % 2)) = 0 ] && order="libslab glibc"
		for who in $order; do
			prep "$name"
			start "$who" "$name" /usr/bin/time -v -o "$T/t" > /dev/null 2> "$T/err"
			st=$?
			if [ "$st" != 0 ]; then
				findings=$((findings + 1))
				echo "FINDING: $name, $who, run $i: exit status $st"
				head -n 20 "$T/err"
			fi
			e=$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$T/t" | awk -F: '{ print $NF + 60 * $(NF - 1) }')
			line="$e $(field 'User time (seconds)' "$T/t") $(field 'System time (seconds)' "$T/t") $(field 'Minor (reclaiming a frame) page faults' "$T/t") $(field 'Maximum resident set size (kbytes)' "$T/t")"
			echo "$line" >> "$T/$name.$who.runs"
			echo "run $i, $who: wall $e s, user/sys $(echo "$line" | cut -d' ' -f2-3), minor faults $(echo "$line" | cut -d' ' -f4), peak RSS $(echo "$line" | cut -d' ' -f5) KiB"
		done
	done
	# System calls.
	for who in glibc libslab; do
		prep "$name"
		start "$who" "$name" strace -f -c -e trace=%memory,futex,sched_yield -o "$T/s" > /dev/null 2>&1
		syscalls "$T/s" > "$T/$name.$who.sys"
	done
	echo
	echo "| $name, median of $RUNS | glibc | libslab | libslab / glibc |"
	echo "|---|---:|---:|---:|"
	col=1
	for what in "wall time (s)" "user time (s)" "system time (s)" "minor faults" "peak RSS (KiB)"; do
		g=$(cut -d' ' -f$col "$T/$name.glibc.runs" | median)
		s=$(cut -d' ' -f$col "$T/$name.libslab.runs" | median)
		awk -v w="$what" -v g="$g" -v s="$s" 'BEGIN { printf "| %s | %s | %s | %s |\n", w, g, s, (g > 0 ? sprintf("%.2f", s / g) : "-") }'
		col=$((col + 1))
	done
	col=1
	for what in $CALLS; do
		g=$(cut -d' ' -f$col "$T/$name.glibc.sys")
		s=$(cut -d' ' -f$col "$T/$name.libslab.sys")
		echo "| $what calls (strace, one run) | $g | $s | $(awk -v g="$g" -v s="$s" 'BEGIN { print (g > 0 ? sprintf("%.2f", s / g) : "-") }') |"
		col=$((col + 1))
	done
done
echo
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg); findings: $findings"
