#!/usr/bin/env python3
"""The instructions a program spends in one part of itself (an allocator),
from callgrind output files.

  callgrind_share.py --object SUBSTR [--file REGEX] [-v] CALLGRIND_FILE...

The part is a set of functions: those whose ELF object (ob=) contains
SUBSTR and, with --file, whose source file (the fl= of the function, or the
fi=/fe= in force where fn= names it) matches REGEX (re.search). Its cost is

  sum of the self cost of every function of the set
  + sum of the inclusive cost of every call from a function of the set to a
    function outside it

which counts once everything executed on the set's behalf: its own
instructions, wherever it was entered from (a tail call, jmp, from one of
its functions to another, or from outside into it, included), and what it
calls outside (memset, mmap, ...). The inclusive cost of a call edge is the
instruction count between the call and its return, which callgrind measures
per call, so it is exact.

It is not exact if a function outside the set that the set calls calls back
into the set (that self cost would count twice): the script says so on
stderr (with the cost of such calls back) when the profile has such an edge
reachable from the set's calls out.

Several files (one per process with --trace-children=yes) are summed. Each
file is checked: the self costs of all its functions must add up to its
totals: (or summary:) line, else the script exits with status 1.

Prints the cost of the first event (Ir unless --event says another).
"""
import argparse
import re
import sys
from collections import defaultdict


class FormatError(Exception):
    pass


def parse(path, event):
    """Returns (selfcost, calls, total) for one callgrind file.

    selfcost: {fnkey: cost}; calls: {(fnkey, calleekey): inclusive cost};
    fnkey = (object, file, function name); total: the file's totals
    (summary if no totals line), summed over its parts."""
    names = {"ob": {}, "fl": {}, "fn": {}}
    kind_of = {"ob": "ob", "cob": "ob", "fl": "fl", "fi": "fl", "fe": "fl",
               "cfi": "fl", "cfl": "fl", "jfi": "fl", "fn": "fn",
               "cfn": "fn", "jfn": "fn"}

    def name(tag, value):
        # "(id) name" defines id, "(id)" refers to it, "name" is plain
        table = names[kind_of[tag]]
        m = re.match(r"\((\d+)\)(?:\s+(.*))?$", value)
        if not m:
            return value
        if m.group(2) is not None:
            table[m.group(1)] = m.group(2)
            return m.group(2)
        if m.group(1) not in table:
            raise FormatError("%s=(%s) used before it is defined"
                              % (tag, m.group(1)))
        return table[m.group(1)]

    npos = 1
    evindex = None
    selfcost = defaultdict(int)
    calls = defaultdict(int)
    totals = []
    summaries = []
    ob = fl_cur = fn_key = None
    cob = cfi = cfn = None
    pending_call = False   # the next cost line is a call's inclusive cost
    with open(path, encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            c = line[0]
            if c.isdigit() or c in "+-*" or (c == "0" and line[1:2] == "x"):
                fields = line.split()
                if len(fields) < npos:
                    raise FormatError("line %d: short cost line" % lineno)
                costs = fields[npos:]
                value = int(costs[evindex]) if evindex < len(costs) else 0
                if pending_call:
                    calls[(fn_key, pending_call)] += value
                    pending_call = False
                else:
                    if fn_key is None:
                        raise FormatError("line %d: cost before fn=" % lineno)
                    selfcost[fn_key] += value
                continue
            key, sep, value = line.partition("=")
            if sep and key in kind_of:
                value = name(key, value.strip())
                if key == "ob":
                    ob = value
                elif key in ("fl", "fi", "fe"):
                    fl_cur = value
                elif key == "fn":
                    fn_key = (ob, fl_cur, value)
                elif key in ("cob", "cfi", "cfl"):
                    # cob= and cfi= come before the cfn= of the call they
                    # describe; a cfn= with no calls= after it (a zero-cost
                    # call) leaves nothing for the next call
                    if cfn is not None:
                        cob = cfi = cfn = None
                    if key == "cob":
                        cob = value
                    else:
                        cfi = value
                elif key == "cfn":
                    if cfn is not None:
                        cob = cfi = None
                    cfn = value
                # jfi/jfn (--collect-jumps): names only
                continue
            if sep and key == "calls":
                if cfn is None:
                    raise FormatError("line %d: calls= without cfn=" % lineno)
                pending_call = (cob if cob is not None else ob,
                                cfi if cfi is not None else fl_cur, cfn)
                cob = cfi = cfn = None
                continue
            if sep and key in ("jump", "jcnd", "rec", "frfn", "ln", "bb"):
                continue
            key, sep, value = line.partition(":")
            if sep:
                key = key.strip()
                if key == "positions":
                    npos = len(value.split())
                elif key == "events":
                    evs = value.split()
                    want = event or evs[0]
                    if want not in evs:
                        raise FormatError("no event %s (events: %s)"
                                          % (want, " ".join(evs)))
                    evindex = evs.index(want)
                elif key == "totals":
                    totals.append(int(value.split()[evindex]))
                elif key == "summary":
                    summaries.append(int(value.split()[evindex]))
                continue
            raise FormatError("line %d: unknown line: %s" % (lineno, line))
    if pending_call:
        raise FormatError("calls= line without its cost line")
    total = sum(totals) if totals else sum(summaries)
    if not totals and not summaries:
        raise FormatError("no totals: or summary: line")
    return selfcost, calls, total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--object", required=True,
                    help="the set's functions: ELF object (ob=) contains this")
    ap.add_argument("--file", help="and source file matches this regex")
    ap.add_argument("--event", help="event to count (default: the first)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list the set's functions and calls out on stderr")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    file_re = re.compile(args.file) if args.file else None

    def in_set(key):
        ob, fl, _ = key
        return (ob is not None and args.object in ob and
                (file_re is None or (fl is not None and file_re.search(fl))))

    grand = 0
    for path in args.files:
        try:
            selfcost, calls, total = parse(path, args.event)
        except (OSError, FormatError, ValueError, IndexError, TypeError) as e:
            sys.exit("callgrind_share: %s: %s" % (path, e))
        s = sum(selfcost.values())
        if s != total:
            sys.exit("callgrind_share: %s: self costs add up to %d, the file's"
                     " total is %d" % (path, s, total))
        members = {k for k in selfcost if in_set(k)}
        members |= {k for edge in calls for k in edge if in_set(k)}
        own = sum(selfcost[k] for k in members)
        out = {e: c for e, c in calls.items()
               if e[0] in members and e[1] not in members}
        share = own + sum(out.values())
        grand += share

        # calls back into the set from outside code the set calls
        callees = defaultdict(set)
        for a, b in calls:
            callees[a].add(b)
        seen, todo = set(), [b for _, b in out]
        while todo:
            k = todo.pop()
            if k in seen or k in members:
                continue
            seen.add(k)
            todo.extend(callees[k])
        back = {e: c for e, c in calls.items()
                if e[0] in seen and e[1] in members and c}
        if back:
            print("callgrind_share: %s: functions outside the set that it "
                  "calls call back into it (at most %d counted twice):"
                  % (path, sum(back.values())), file=sys.stderr)
            for (a, b), c in sorted(back.items(), key=lambda x: -x[1]):
                print("  %12d %s -> %s" % (c, a[2], b[2]), file=sys.stderr)

        if args.verbose:
            into = sum(c for (a, b), c in calls.items()
                       if b in members and a not in members)
            print("%s: total %d, set %d (self %d + calls out %d); calls into"
                  " the set from outside: %d" % (path, total, share, own,
                                                 share - own, into),
                  file=sys.stderr)
            for k in sorted(members, key=lambda k: -selfcost.get(k, 0)):
                print("  self %12d %s [%s]" % (selfcost.get(k, 0), k[2], k[1]),
                      file=sys.stderr)
            for (a, b), c in sorted(out.items(), key=lambda x: -x[1]):
                print("  call %12d %s -> %s [%s %s]"
                      % (c, a[2], b[2], b[0], b[1]), file=sys.stderr)
    print(grand)


if __name__ == "__main__":
    main()
