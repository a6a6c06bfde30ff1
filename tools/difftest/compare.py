"""Compares the reference's and guardvm's result for one (rules, data) pair at three levels.

Called by difftest.py (every pair run) and reduce.py (to check that a smaller pair still
differs in the same way). A result is what runner.py makes of one data file's output:
{exit, report (parsed JSON or None), raw, stderr}.

  level 1: exit code, overall status, every rule's status;
  level 2: also the set of failing-check paths of every rule (like the conformance harness's
           fail_paths, computed here from the report's clause tree);
  level 3: the whole JSON report, order of object keys included, after sorting the lists
           that cfn-guard writes in a random order (UNORDERED_LISTS; found with the
           `order-probe` command: none in `validate -o json`, see docs/compatibility.md);
           and the error text on stderr, which guardvm's must start with.

diff() returns None when the pair agrees, else (level, kinds): kinds is a list of short
strings that say what differs ("exit 19/0", "status r FAIL/PASS", "paths extra", "json
/not_compliant/*/Rule/checks/*/Clause/Binary/messages/error_message"); the minimiser keeps a
candidate only if it differs at the same level with the same first kind.
"""

import json
import re

# JSON locations (indices as *) of lists whose order cfn-guard randomises in validate -o json.
UNORDERED_LISTS = set()


def _path(v):
    return v.get("path") if isinstance(v, dict) and isinstance(v.get("path"), str) else None


def _clause_paths(node, out):
    """Add the data paths of the failing checks under one ClauseReport node to out."""
    if isinstance(node, list):
        for n in node:
            _clause_paths(n, out)
        return
    if not isinstance(node, dict):
        return
    for kind, body in node.items():
        if not isinstance(body, dict):
            continue
        if kind in ("Rule", "Disjunctions"):
            _clause_paths(body.get("checks") or [], out)
        elif kind == "Block":
            unresolved = body.get("unresolved")
            if isinstance(unresolved, dict) and _path(unresolved.get("traversed_to")) is not None:
                out.add(_path(unresolved["traversed_to"]))
        elif kind == "Clause":
            for rep in body.values():
                check = rep.get("check") if isinstance(rep, dict) else None
                for ck, cv in (check or {}).items() if isinstance(check, dict) else ():
                    if not isinstance(cv, dict):
                        continue
                    if ck in ("Resolved", "InResolved"):
                        p = _path(cv["from"]) if "from" in cv else _path(cv.get("value"))
                    elif ck == "UnResolved":
                        p = _path((cv.get("value") or {}).get("traversed_to"))
                    else:
                        p = None
                    if p is not None:
                        out.add(p)


def summarize(report):
    """(status, {rule: status}, {rule: [fail paths]}) of one report; None when there is none.

    A rule name reported more than once gets its statuses joined ("FAIL,SKIP")."""
    if not isinstance(report, dict):
        return None
    statuses, paths = {}, {}
    for entry in report.get("not_compliant") or []:
        rule = entry.get("Rule", {}) if isinstance(entry, dict) else {}
        name = rule.get("name", "?") if isinstance(rule, dict) else "?"
        statuses.setdefault(name, []).append("FAIL")
        _clause_paths(entry, paths.setdefault(name, set()))
    for key, st in (("compliant", "PASS"), ("not_applicable", "SKIP")):
        for name in report.get(key) or []:
            statuses.setdefault(str(name), []).append(st)
    return (report.get("status"), {k: ",".join(sorted(v)) for k, v in statuses.items()},
            {k: sorted(v) for k, v in paths.items() if v})


def _ordered(text):
    """Parse JSON keeping the order of object keys (objects become lists of pairs)."""
    return json.loads(text, object_pairs_hook=lambda pairs: ("{}", pairs))


def _normalize(node, loc=""):
    if isinstance(node, tuple) and node[:1] == ("{}",):
        return ("{}", [(k, _normalize(v, loc + "/" + k)) for k, v in node[1]])
    if isinstance(node, list):
        items = [_normalize(v, loc + "/*") for v in node]
        if loc in UNORDERED_LISTS:
            items.sort(key=lambda x: json.dumps(x, sort_keys=True))
        return items
    return node


def json_differences(a, b, loc="", limit=4):
    """Locations (indices as *) where two order-kept JSON trees differ, document order."""
    out = []

    def walk(x, y, loc):
        if len(out) >= limit:
            return
        if isinstance(x, tuple) and isinstance(y, tuple):
            kx, ky = [k for k, _ in x[1]], [k for k, _ in y[1]]
            if kx != ky:
                missing = [k for k in kx if k not in ky] + [k for k in ky if k not in kx]
                out.append(loc + ("/{keys:%s}" % ",".join(missing[:2]) if missing else "/{key order}"))
                return
            for (k, vx), (_, vy) in zip(x[1], y[1]):
                walk(vx, vy, loc + "/" + k)
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                out.append(loc + "/{length}")
                return
            for vx, vy in zip(x, y):
                walk(vx, vy, loc + "/*")
        elif x != y or type(x) is not type(y):
            out.append(loc)

    walk(a, b, loc)
    return out


def raw_json_differences(ref_raw, gv_raw):
    try:
        a, b = _normalize(_ordered(ref_raw)), _normalize(_ordered(gv_raw))
    except ValueError:
        return [] if ref_raw.strip() == gv_raw.strip() else ["/{raw output}"]
    locs = json_differences(a, b)
    if not locs and ref_raw.strip() != gv_raw.strip():
        locs = ["/{text formatting}"]
    return locs


def diff(ref, gv):
    """None if the pair agrees at every level, else (level, kinds)."""
    if ref["exit"] != gv["exit"]:
        return 1, ["exit %s/%s" % (ref["exit"], gv["exit"])]
    rs, gs = summarize(ref["report"]), summarize(gv["report"])
    if (rs is None) != (gs is None):
        return 1, ["report %s/%s" % ("yes" if rs else "none", "yes" if gs else "none")]
    if rs is not None:
        kinds = []
        if rs[0] != gs[0]:
            kinds.append("status %s/%s" % (rs[0], gs[0]))
        for name in sorted(set(rs[1]) | set(gs[1])):
            if rs[1].get(name) != gs[1].get(name):
                kinds.append("rule %s/%s" % (rs[1].get(name, "absent"), gs[1].get(name, "absent")))
        if kinds:
            return 1, sorted(set(kinds), key=kinds.index)
        for name in sorted(set(rs[2]) | set(gs[2])):
            e, g = set(rs[2].get(name, [])), set(gs[2].get(name, []))
            if e != g:
                kinds.append("paths " + ("missing+extra" if e - g and g - e else
                                         "missing" if e - g else "extra"))
        if kinds:
            return 2, sorted(set(kinds), key=kinds.index)
    locs = raw_json_differences(ref["raw"], gv["raw"])
    if locs:
        return 3, ["json " + l for l in locs]
    if not stderr_agrees(ref, gv):
        return 3, ["stderr"]
    return None


# Name lists cfn-guard prints in its hash order, which changes from run to run.
_HASH_ORDERED = re.compile(r'(Rule Names = |candidate )\[([^\]]*)\]')


def _hash_order_sorted(text):
    return _HASH_ORDERED.sub(lambda m: m.group(1) + "[" + ", ".join(sorted(m.group(2).split(", "))) + "]",
                             text)


def stderr_agrees(ref, gv):
    """guardvm's error text starts with cfn-guard's: it may add where and why after it."""
    r = _hash_order_sorted(ref.get("stderr_text", "").rstrip())
    return _hash_order_sorted(gv.get("stderr_text", "")).startswith(r)


def rule_status_details(ref, gv):
    """Human text of the level-1/2 differences of one pair (for note.md)."""
    rs, gs = summarize(ref["report"]), summarize(gv["report"])
    lines = ["exit: reference %s, guardvm %s" % (ref["exit"], gv["exit"])]
    if rs and gs:
        lines.append("status: reference %s, guardvm %s" % (rs[0], gs[0]))
        for name in sorted(set(rs[1]) | set(gs[1])):
            lines.append("rule %s: reference %s, guardvm %s" % (
                name, rs[1].get(name, "absent"), gs[1].get(name, "absent")))
        for name in sorted(set(rs[2]) | set(gs[2])):
            e, g = rs[2].get(name, []), gs[2].get(name, [])
            if e != g:
                lines.append("failing paths of %s: reference %s, guardvm %s" % (name, e, g))
    return lines
