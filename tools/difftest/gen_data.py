"""Random data documents (JSON and YAML) for the differential tester.

Called by difftest.py (generation of pairs) and reduce.py (which shrinks a document tree and
renders it again). A document is a plain Python tree (dict, list, str, int, float, bool, None)
plus two node kinds that only YAML can spell: Tag (a CloudFormation short-form intrinsic such as
`!GetAtt A.B`) and Plain (a YAML plain scalar written verbatim, e.g. `yes`, `0x1F`, `~`).
In JSON a Tag is written in its long form ({"Fn::GetAtt": ...}) and a Plain as a string.
"""

import json
import random

import vocab


class Tag:
    """A YAML short-form intrinsic: `!name value`; JSON writes {long: value}."""

    def __init__(self, name, long, value):
        self.name, self.long, self.value = name, long, value

    def __eq__(self, other):
        return isinstance(other, Tag) and (self.name, self.value) == (other.name, other.value)


class Plain:
    """A YAML plain scalar written verbatim; JSON writes it as a string."""

    def __init__(self, text):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, Plain) and self.text == other.text


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------

def _key(rng):
    r = rng.random()
    if r < 0.55:
        return rng.choice(vocab.HOT_KEYS)
    if r < 0.8:
        return rng.choice(vocab.PLAIN_KEYS)
    if r < 0.92:
        return rng.choice(vocab.ODD_KEYS)
    return rng.choice(vocab.LOGICAL_IDS)


def _scalar(rng, yaml):
    r = rng.random()
    if r < 0.38:
        if rng.random() < 0.5:
            return rng.choice(vocab.COMMON_STRINGS)
        return rng.choice(vocab.STRINGS + vocab.LOGICAL_IDS + vocab.RESOURCE_TYPES)
    if r < 0.58:
        return rng.choice(vocab.COMMON_INTS if rng.random() < 0.7 else vocab.INTS)
    if r < 0.68:
        return rng.choice(vocab.FLOATS)
    if r < 0.8:
        return rng.choice([True, False])
    if r < 0.87:
        return None
    if r < 0.93 and yaml:
        return Plain(rng.choice(vocab.YAML_PLAIN))
    return rng.choice(vocab.PLAIN_KEYS)   # a string that names a key (for interpolation)


def _intrinsic(rng, yaml, depth):
    name, long, is_list = rng.choice(vocab.INTRINSICS)
    if not is_list:
        if name == "GetAtt":
            return Tag(name, long, rng.choice(vocab.LOGICAL_IDS) + "." + rng.choice(["Arn", "Name"]))
        return Tag(name, long, rng.choice(vocab.LOGICAL_IDS + vocab.STRINGS[:4]))
    n = rng.randint(0 if rng.random() < 0.1 else 1, 3)
    items = [value(rng, yaml, depth + 2) if rng.random() < 0.3 else
             rng.choice(vocab.LOGICAL_IDS + ["Arn", "", "-"]) for _ in range(n)]
    return Tag(name, long, items)


def value(rng, yaml, depth=0):
    """A random value; deeper values are more often scalars."""
    r = rng.random()
    if depth >= 4 or r < 0.45:
        return _scalar(rng, yaml)
    if r < 0.68:
        return mapping(rng, yaml, depth + 1)
    if r < 0.92:
        n = rng.choice([0, 1, 1, 2, 2, 3, 4])
        return [value(rng, yaml, depth + 1) for _ in range(n)]
    return _intrinsic(rng, yaml, depth)


def mapping(rng, yaml, depth, keys=None):
    n = rng.choice([0, 1, 2, 2, 3, 3, 4, 5])
    out = {}
    for _ in range(n):
        out[_key(rng) if keys is None else rng.choice(keys)] = value(rng, yaml, depth)
    return out


def _cfn_document(rng, yaml):
    resources = {}
    for _ in range(rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 1, 2])):
        res = {"Type": rng.choice(vocab.RESOURCE_TYPES)}
        if rng.random() < 0.9:
            res["Properties"] = mapping(rng, yaml, 1)
        if rng.random() < 0.15:
            res["Metadata"] = mapping(rng, yaml, 2)
        resources[rng.choice(vocab.LOGICAL_IDS)] = res
    doc = {}
    if rng.random() < 0.2:
        doc["AWSTemplateFormatVersion"] = "2010-09-09"
    if rng.random() < 0.25:
        doc["Parameters"] = mapping(rng, yaml, 2)
    doc["Resources"] = resources
    if rng.random() < 0.3:
        doc.update(mapping(rng, yaml, 2))
    return doc


# Top-level values of hot keys that contain one another: string comparisons where a
# substring test and an equality differ (IN between queries, the in-query-substring mutant).
NESTED_STRINGS = ["a", "abc", "", "ab", ["a", "abc"], ["abc", ""]]


def _nested_strings(rng, doc):
    if rng.random() < 0.35:
        for key in rng.sample(vocab.NESTED_STRING_KEYS, 2):
            doc[key] = rng.choice(NESTED_STRINGS)
    return doc


def document(rng, yaml):
    """A random document tree (mostly maps; CloudFormation-shaped about half the time)."""
    r = rng.random()
    if r < 0.65:
        return _nested_strings(rng, _cfn_document(rng, yaml))
    if r < 0.97:
        doc = {}
        for _ in range(rng.randint(2, 6)):
            doc[_key(rng)] = value(rng, yaml, 1)
        return _nested_strings(rng, doc)
    return [value(rng, yaml, 2) for _ in range(rng.randint(1, 3))]


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

def to_json_tree(v):
    if isinstance(v, Tag):
        return {v.long: to_json_tree(v.value)}
    if isinstance(v, Plain):
        return v.text
    if isinstance(v, dict):
        return {k: to_json_tree(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_json_tree(x) for x in v]
    return v


def render_json(doc):
    return json.dumps(to_json_tree(doc), indent=1, ensure_ascii=False)


_SAFE_PLAIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")


def _yaml_str(s, for_key=False):
    # Plain only for identifier-like words that no YAML schema reads as another type.
    if s and set(s) <= _SAFE_PLAIN | set("0123456789") and s[0] in _SAFE_PLAIN \
            and s.lower() not in ("true", "false", "null", "yes", "no", "on", "off", "y", "n"):
        return s
    if not for_key and s and "'" not in s and "\n" not in s and len(s) % 2:
        return "'" + s + "'"
    return json.dumps(s, ensure_ascii=False)


def _yaml_scalar(v):
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, Plain):
        return v.text
    return _yaml_str(v)


def _inline(v):
    """Inline text of v, or None when v needs block lines."""
    if isinstance(v, Tag):
        if isinstance(v.value, list) and v.value:
            return None
        inner = "[]" if isinstance(v.value, list) else _inline(v.value)
        return None if inner is None else "!" + v.name + " " + inner
    if isinstance(v, dict):
        return "{}" if not v else None
    if isinstance(v, list):
        return "[]" if not v else None
    return _yaml_scalar(v)


def _block(v, indent):
    pad = " " * indent
    lines = []
    if isinstance(v, Tag):
        return _block(v.value, indent)
    if isinstance(v, dict):
        for k, x in v.items():
            head = pad + _yaml_str(k, True) + ":"
            inl = _inline(x)
            if inl is not None:
                lines.append(head + " " + inl)
            else:
                lines.append(head + (" !" + x.name if isinstance(x, Tag) else ""))
                lines += _block(x, indent + 2)
        return lines
    for x in v:
        inl = _inline(x)
        if inl is not None:
            lines.append(pad + "- " + inl)
        else:
            lines.append(pad + "-" + (" !" + x.name if isinstance(x, Tag) else ""))
            lines += _block(x, indent + 2)
    return lines


def render_yaml(doc):
    inl = _inline(doc)
    if inl is not None:
        return inl + "\n"
    return "\n".join(_block(doc, 0)) + "\n"


def render(doc, fmt):
    return render_json(doc) if fmt == "json" else render_yaml(doc)


def generate(rng):
    """(format, document tree)."""
    fmt = "yaml" if rng.random() < 0.6 else "json"
    return fmt, document(rng, fmt == "yaml")
