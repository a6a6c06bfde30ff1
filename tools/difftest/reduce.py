"""Minimises a mismatching (rules, data) pair by greedy delta debugging on both trees.

Called by difftest.py for every mismatch it decides to minimise. The rules tree (gen_rules.py)
and the data tree (gen_data.py) are shrunk one step at a time: drop a rule, a let, a clause,
a disjunct, a query part, a list/map element, a data key or list item; replace a block by its
body, a tag by its value, a scalar by a simpler one; drop `some`, `not`, messages, `when`. A
step is kept only if the pair still differs at the same level with the same first kind
(compare.diff), so the bucket of the result is the bucket of the original mismatch.
"""

import copy
import hashlib
import os
import shutil
import tempfile

import compare
import gen_data
import gen_rules
import runner


# ---------------------------------------------------------------------------
# Candidate steps on the rules tree
# ---------------------------------------------------------------------------

def _spots(node, out):
    """Pre-order list of every dict node of the tree."""
    if isinstance(node, dict):
        out.append(node)
        for v in node.values():
            _spots(v, out)
    elif isinstance(node, list):
        for v in node:
            _spots(v, out)
    return out


def _flag_steps(n):
    """Field resets that simplify a node without removing it: (field, new value)."""
    k = n.get("k")
    steps = []
    if k == "q" and n["some"]:
        steps.append(("some", False))
    if k in ("unary", "binary", "ruleref", "pcall") and n.get("not"):
        steps.append(("not", ""))
    if k == "unary" and n["neg"]:
        steps.append(("neg", ""))
    if k in ("unary", "binary", "ruleref") and n.get("msg"):
        steps.append(("msg", None))
    if k == "block" and n["nonempty"]:
        steps.append(("nonempty", ""))
    if k in ("filter", "keys") and n.get("cap"):
        steps.append(("cap", None))
    if k in ("rule", "typeblock") and n.get("when"):
        steps.append(("when", None))
    if k == "lit" and n["lk"] == "string" and n["text"] not in ("'a'", "''"):
        steps.append(("text", "'a'"))
    if k == "lit" and n["lk"] == "int" and n["text"] not in ("0", "1"):
        steps.append(("text", "1"))
    if k == "dot" and n["style"] != ".":
        steps.append(("style", "."))
    return steps


def rules_candidates(tree):
    """Yield smaller variants of a rules tree, biggest cuts first."""
    nodes = _spots(tree, [])
    for idx, n in enumerate(nodes):
        for field, minimum in gen_rules.LIST_FIELDS.items():
            lst = n.get(field)
            if not isinstance(lst, list) or len(lst) <= max(minimum, 1 if field == "items" else 0):
                continue
            for i in range(len(lst)):
                yield _edit(tree, idx, lambda m, f=field, i=i: m[f].pop(i))
            # splice a one-alternative block's body into the enclosing list
            for i, item in enumerate(lst):
                if item.get("k") == "disj" and len(item["alts"]) == 1:
                    inner = item["alts"][0]
                    if inner.get("k") in ("when", "block", "typeblock") and not inner.get("single"):
                        yield _edit(tree, idx, lambda m, f=field, i=i:
                                    m[f].__setitem__(slice(i, i + 1), m[f][i]["alts"][0]["body"]))
    for idx, n in enumerate(nodes):
        for field, val in _flag_steps(n):
            yield _edit(tree, idx, lambda m, f=field, v=val: m.__setitem__(f, v))
        if n.get("k") == "call" and n["args"] and n["args"][0].get("k") == "call":
            yield _edit(tree, idx, lambda m: m["args"].__setitem__(0, m["args"][0]["args"][0]))


def _edit(tree, idx, change):
    new = copy.deepcopy(tree)
    change(_spots(new, [])[idx])
    return new


# ---------------------------------------------------------------------------
# Candidate steps on the data tree
# ---------------------------------------------------------------------------

def _data_nodes(v, out, parent=None, key=None):
    out.append((v, parent, key))
    if isinstance(v, dict):
        for k, x in v.items():
            _data_nodes(x, out, v, k)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _data_nodes(x, out, v, i)
    elif isinstance(v, gen_data.Wrapper):
        _data_nodes(v.value, out, v, "value")
    return out


def _simpler_scalars(v):
    if isinstance(v, (gen_data.Plain, gen_data.Raw, gen_data.Block)):
        return []
    if isinstance(v, str) and v not in ("a", ""):
        return ["a"]
    if isinstance(v, bool) or v is None:
        return []
    if isinstance(v, int) and v not in (0, 1):
        return [1]
    if isinstance(v, float) and v != 1.5:
        return [1.5]
    return []


def data_candidates(doc):
    if isinstance(doc, gen_data.Wrapper):   # a layout or node properties on the whole document
        yield copy.deepcopy(doc.value)
    nodes = _data_nodes(doc, [])
    for idx, (v, _, _) in enumerate(nodes):
        if isinstance(v, dict):
            for k in list(v):
                yield _data_edit(doc, idx, lambda m, k=k: m.pop(k))
        elif isinstance(v, list):
            for i in range(len(v)):
                yield _data_edit(doc, idx, lambda m, i=i: m.pop(i))
    for idx, (v, parent, key) in enumerate(nodes):
        if parent is None:
            continue
        if isinstance(v, gen_data.Wrapper):
            yield _data_replace(doc, idx, lambda t: t.value)
        for s in _simpler_scalars(v) if not isinstance(v, (dict, list, gen_data.Wrapper)) else []:
            yield _data_replace(doc, idx, lambda _o, s=s: s)


def _data_edit(doc, idx, change):
    new = copy.deepcopy(doc)
    change(_data_nodes(new, [])[idx][0])
    return new


def _data_replace(doc, idx, make):
    new = copy.deepcopy(doc)
    v, parent, key = _data_nodes(new, [])[idx]
    if isinstance(parent, gen_data.Wrapper):
        parent.value = make(v)
    else:
        parent[key] = make(v)
    return new


# ---------------------------------------------------------------------------
# The loop
# ---------------------------------------------------------------------------

class Oracle:
    """Runs one pair through both tools and caches the verdicts by content."""

    def __init__(self, ref, gv, workdir, params=()):
        """params: [(fmt, document)] given to both tools with --input-params (kept as they are)."""
        self.ref, self.gv, self.workdir = ref, gv, workdir
        self.params = [(gen_data.render(d, f), f) for f, d in params]
        self.cache = {}
        self.runs = 0

    def results(self, rules_text, data_text, fmt):
        key = hashlib.sha1((rules_text + "\0" + fmt + "\0" + data_text).encode()).hexdigest()
        if key not in self.cache:
            self.runs += 1
            folder = tempfile.mkdtemp(dir=self.workdir)
            try:
                rules, datas = runner.write_pair_files(folder, rules_text, [(data_text, fmt)])
                params = []
                for i, (text, pfmt) in enumerate(self.params):
                    params.append(os.path.join(folder, "params%d.%s" % (i + 1, pfmt)))
                    with open(params[-1], "w", encoding="utf-8") as f:
                        f.write(text)
                r = runner.run_pairs(self.ref, rules, datas, params=params)[0]
                g = runner.run_pairs(self.gv, rules, datas, params=params)[0]
                self.cache[key] = (r, g)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        return self.cache[key]


def same_mismatch(target, found):
    return found is not None and found[0] == target[0] and target[1][0] in found[1]


def minimise(oracle, rules_tree, doc, fmt, target, budget=300):
    """(rules_tree, doc, (ref, gv) results) of the smallest pair found within budget runs."""
    def check(rt, d):
        r, g = oracle.results(gen_rules.render(rt), gen_data.render(d, fmt), fmt)
        if runner.excluded(r):
            return None
        return (r, g) if same_mismatch(target, compare.diff(r, g)) else None

    best = check(rules_tree, doc)
    if best is None:
        return None
    start_runs = oracle.runs
    pos = 0           # candidates before pos failed on an earlier tree: retried in a last pass
    while oracle.runs - start_runs < budget:
        cands = [(c, True) for c in rules_candidates(rules_tree)] + \
                [(c, False) for c in data_candidates(doc)]
        found = None
        order = list(range(pos, len(cands))) + list(range(0, min(pos, len(cands))))
        for i in order:
            if oracle.runs - start_runs >= budget:
                break
            cand, is_rules = cands[i]
            got = check(cand, doc) if is_rules else check(rules_tree, cand)
            if got is not None:
                found = (i, cand, is_rules, got)
                break
        if found is None:
            break
        pos, cand, is_rules, best = found
        if is_rules:
            rules_tree = cand
        else:
            doc = cand
    return rules_tree, doc, best
