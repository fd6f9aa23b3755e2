# The marks of tools/docs-check.sh, checked (MODE=check) or rewritten from
# their sources (MODE=update). Run by tools/docs-check.sh, which has made,
# for every source SRC the marks name, DC_OUT/SRC.keys ("key<TAB>value"
# lines) and DC_OUT/SRC.md (the source's Markdown output, for tables).
#
#   <!--fig EXPR-->FIGURE   EXPR: operands SRC:KEY or numbers, separated by
#                           + - * / (spaces around them), left to right; an
#                           optional last word ~N% allows N% besides rounding.
#                           FIGURE: digits, thousands commas, decimals. It
#                           agrees when |FIGURE - EXPR| <= half a unit of its
#                           last digit (or N%).
#   <!--table SRC N [ERE]-->  then (after at most one blank line) a table:
#                           table N (from 1) of DC_OUT/SRC.md, its header and
#                           the rows matching ERE, verbatim.
#   <!--measured TARGET-->  the line holds a date (YYYY-MM-DD) and
#                           `make TARGET`, and TARGET is a make target
#                           (ENVIRON DC_TARGETS, space-separated). For a
#                           recorded source, the date is its recording's
#                           (ENVIRON DC_RECDATES: "SRC=DATE ...").
#
# Marks inside fenced code blocks are text, not marks.
#
# MODE=check prints one line per disagreement and a summary; exit 1 if any.
# MODE=update writes FILE.docs-new for every FILE it changed, and lists them
# in DC_OUT/changed.

function load_keys(src,    f, line, tab) {
    f = ENVIRON["DC_OUT"] "/" src ".keys"
    while ((getline line < f) > 0) {
        tab = index(line, "\t")
        if (tab > 0) val[src ":" substr(line, 1, tab - 1)] = substr(line, tab + 1)
    }
    close(f)
}

function load_tables(src,    f, line, n, intab) {
    f = ENVIRON["DC_OUT"] "/" src ".md"
    n = 0; intab = 0
    while ((getline line < f) > 0) {
        sub(/[ \t\r]+$/, "", line)
        if (line ~ /^\|/) {
            if (!intab) { n++; intab = 1; tlen[src, n] = 0 }
            tline[src, n, ++tlen[src, n]] = line
        } else intab = 0
    }
    close(f)
    ntables[src] = n
}

# The expected lines of a table mark, in want[1..], their count returned;
# -1 (and why, in err) when the source has no such table.
function expect_table(src, n, ere,    i, k) {
    if (!((src, n) in tlen)) { err = "no table " n " in " src " (" ntables[src] + 0 " tables)"; return -1 }
    k = 0
    for (i = 1; i <= tlen[src, n]; i++)
        if (i <= 2 || ere == "" || tline[src, n, i] ~ ere) want[++k] = tline[src, n, i]
    return k
}

# Evaluates EXPR (see above); sets ev_ok, ev_tol (percent), err.
function evaluate(expr,    w, nw, i, acc, op, x) {
    ev_ok = 1; ev_tol = 0; err = ""
    nw = split(expr, w, /[ \t]+/)
    if (w[nw] ~ /^~[0-9.]+%$/) { ev_tol = substr(w[nw], 2, length(w[nw]) - 2) + 0; nw-- }
    if (nw % 2 == 0) { ev_ok = 0; err = "malformed expression"; return 0 }
    for (i = 1; i <= nw; i += 2) {
        if (w[i] ~ /^-?[0-9]+(\.[0-9]+)?$/) x = w[i] + 0
        else if (w[i] in val && val[w[i]] ~ /^-?[0-9]+(\.[0-9]+)?$/) x = val[w[i]] + 0
        else { ev_ok = 0; err = (w[i] in val) ? w[i] " is not a number (" val[w[i]] ")" : "no figure " w[i]; return 0 }
        if (i == 1) acc = x
        else if (op == "+") acc += x
        else if (op == "-") acc -= x
        else if (op == "*") acc *= x
        else if (op == "/") { if (x == 0) { ev_ok = 0; err = "division by 0"; return 0 } acc /= x }
        else { ev_ok = 0; err = "unknown operator " op; return 0 }
        op = w[i + 1]
    }
    return acc
}

function decimals(fig,    d) {
    d = index(fig, ".")
    return d ? length(fig) - d : 0
}

function agrees(fig, v,    f, unit, diff) {
    f = fig; gsub(/,/, "", f); f += 0
    unit = 1; for (i_ = 0; i_ < decimals(fig); i_++) unit /= 10
    diff = f - v; if (diff < 0) diff = -diff
    if (diff <= unit / 2 + 1e-9) return 1
    if (ev_tol > 0 && diff <= (v < 0 ? -v : v) * ev_tol / 100 + 1e-9) return 1
    return 0
}

# v written as fig was: the same decimals, commas if fig had them.
function format_as(fig, v,    s, d, intpart, frac, out, neg) {
    d = decimals(fig)
    s = sprintf("%." d "f", v)
    if (index(fig, ",") == 0) return s
    neg = (substr(s, 1, 1) == "-"); if (neg) s = substr(s, 2)
    intpart = s; frac = ""
    if (index(s, ".")) { intpart = substr(s, 1, index(s, ".") - 1); frac = substr(s, index(s, ".")) }
    out = ""
    while (length(intpart) > 3) { out = "," substr(intpart, length(intpart) - 2) out; intpart = substr(intpart, 1, length(intpart) - 3) }
    return (neg ? "-" : "") intpart out frac
}

function problem(msg) {
    nbad++
    print FILENAME ":" FNR ": " msg
}

function flush_file() {
    if (cur == "") return
    if (MODE == "update" && changed) {
        printf "%s", outbuf > (cur ".docs-new")
        close(cur ".docs-new")
        print cur > (ENVIRON["DC_OUT"] "/changed")
    }
    outbuf = ""; changed = 0
}

function emit(line) { outbuf = outbuf line "\n" }

# The figure marks of one line: checked, or rewritten; returns the line.
function do_figs(line,    rest, out, m, expr, fig, v, figlen) {
    out = ""; rest = line
    while (match(rest, /<!--fig [^>]*-->[0-9][0-9,]*(\.[0-9]+)?/)) {
        m = substr(rest, RSTART, RLENGTH)
        out = out substr(rest, 1, RSTART - 1)
        rest = substr(rest, RSTART + RLENGTH)
        expr = substr(m, 9, index(m, "-->") - 9)
        fig = substr(m, index(m, "-->") + 3)
        sub(/,$/, "", fig)              # a comma after the figure is prose
        if (length(fig) < length(m) - index(m, "-->") - 2) rest = "," rest
        nfig++
        v = evaluate(expr)
        if (!ev_ok) { problem("<!--fig " expr "-->: " err); out = out m; continue }
        if (agrees(fig, v)) { out = out "<!--fig " expr "-->" fig; continue }
        if (MODE == "update") { out = out "<!--fig " expr "-->" format_as(fig, v); changed = 1; nupd++ }
        else { problem("figure " fig " but " expr " is " format_as(fig, v)); out = out m }
    }
    if (index(rest, "<!--fig ")) problem("a <!--fig ...--> mark with no figure right after it")
    return out rest
}

BEGIN {
    MODE = ENVIRON["DC_MODE"]
    ns = split(ENVIRON["DC_SOURCES"], srcs, " ")
    for (i = 1; i <= ns; i++) { load_keys(srcs[i]); load_tables(srcs[i]) }
    nt = split(ENVIRON["DC_TARGETS"], tg, " ")
    for (i = 1; i <= nt; i++) is_target[tg[i]] = 1
    nr = split(ENVIRON["DC_RECDATES"], rd, " ")
    for (i = 1; i <= nr; i++) { eq = index(rd[i], "="); recdate[substr(rd[i], 1, eq - 1)] = substr(rd[i], eq + 1) }
    cur = ""; state = 0
}

FNR == 1 {
    if (state == 2) finish_table()
    else if (state == 1) problem("<!--table " tsrc " " tn "--> is not followed by a table")
    flush_file(); cur = FILENAME; state = 0; infence = 0
}

# Fenced code blocks are quoted text: no marks there.
/^[ \t]*```/ && state == 0 { infence = !infence; emit($0); next }
infence { emit($0); next }

{
    line = $0
    # Inside a table mark: state 1 waits for the table (one blank line
    # allowed), state 2 reads it.
    if (state == 1 && line == "" && !blank_seen) { blank_seen = 1; emit(line); next }
    if (state == 1 && line !~ /^\|/) {
        # A new mark: update puts its table in.
        if (MODE == "update" && (k = expect_table(tsrc, tn, tere)) > 0) {
            if (!blank_seen) emit("")
            for (i = 1; i <= k; i++) emit(want[i])
            if (line != "") emit("")
            ntab++; changed = 1; nupd++
        } else problem("<!--table " tsrc " " tn "--> is not followed by a table")
        state = 0
    } else if (state >= 1 && line ~ /^\|/) {
        state = 2; got[++ngot] = line; next
    } else if (state == 2) {
        finish_table()
        state = 0
    }

    if (line ~ /^<!--table [^ ]+ [0-9]+( .*)?-->[ \t]*$/) {
        spec = line; sub(/^<!--table /, "", spec); sub(/[ \t]*-->[ \t]*$/, "", spec)
        tsrc = spec; sub(/ .*/, "", tsrc)
        spec = substr(spec, length(tsrc) + 2)
        tn = spec; sub(/ .*/, "", tn)
        tere = (length(spec) > length(tn)) ? substr(spec, length(tn) + 2) : ""
        tmark_line = FNR; state = 1; blank_seen = 0; ngot = 0
        emit(line); next
    }
    if (index(line, "<!--measured ")) {
        t = line; sub(/.*<!--measured /, "", t); sub(/-->.*/, "", t)
        nmeas++
        if (!(t in is_target)) problem("<!--measured " t "-->: no make target " t)
        else if (!match(line, /[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]/) || index(line, "`make " t) == 0)
            problem("<!--measured " t "-->: the line must give a date (YYYY-MM-DD) and `make " t "`")
        else if ((t in recdate) && substr(line, RSTART, RLENGTH) != recdate[t]) {
            if (MODE == "update") {
                line = substr(line, 1, RSTART - 1) recdate[t] substr(line, RSTART + RLENGTH); changed = 1; nupd++
            } else problem("<!--measured " t "-->: measured on " substr(line, RSTART, RLENGTH) \
                " but docs/data/" t ".md was recorded on " recdate[t])
        }
    }
    if (index(line, "<!--fig ")) line = do_figs(line)
    emit(line)
}

function finish_table(    k, i, same) {
    ntab++
    k = expect_table(tsrc, tn, tere)
    if (k < 0) {
        problem("<!--table " tsrc " " tn "-->: " err)
        for (i = 1; i <= ngot; i++) emit(got[i])
        return
    }
    same = (k == ngot)
    for (i = 1; same && i <= k; i++) {
        g = got[i]; sub(/[ \t]+$/, "", g)
        if (g != want[i]) same = 0
    }
    if (same) { for (i = 1; i <= ngot; i++) emit(got[i]); return }
    if (MODE == "update") { for (i = 1; i <= k; i++) emit(want[i]); changed = 1; nupd++; return }
    for (i = 1; i <= (k > ngot ? k : ngot); i++) {
        g = (i <= ngot) ? got[i] : "(no line)"; sub(/[ \t]+$/, "", g)
        if (i > k || g != want[i]) {
            nbad++
            print FILENAME ":" tmark_line + (blank_seen ? 1 : 0) + i ": table " tsrc " " tn ": has    " g
            print FILENAME ":" tmark_line + (blank_seen ? 1 : 0) + i ": table " tsrc " " tn ": source " (i <= k ? want[i] : "(no line)")
            break
        }
    }
}

END {
    if (state == 2) finish_table()
    else if (state == 1) problem("<!--table " tsrc " " tn "--> is not followed by a table")
    flush_file()
    # The summary goes to a file of its own, read by the driver.
    printf "%d %d %d %d %d\n", nfig, ntab, nmeas, nbad, nupd > (ENVIRON["DC_OUT"] "/summary")
    exit(MODE == "check" && nbad > 0)
}
