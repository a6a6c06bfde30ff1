"""Random data documents (JSON and YAML) for the differential tester.

Called by difftest.py (generation of pairs) and reduce.py (which shrinks a document tree and
renders it again). A document is a plain Python tree (dict, list, str, int, float, bool, None)
plus two node kinds that only YAML can spell: Tag (a CloudFormation short-form intrinsic such as
`!GetAtt A.B`) and Plain (a YAML plain scalar written verbatim, e.g. `yes`, `0x1F`, `~`).
In JSON a Tag is written in its long form ({"Fn::GetAtt": ...}) and a Plain as a string.

With --styled-data (STYLED > 0) some documents are restyled (restyle()): the same or nearby
values spelled the ways spec section 14 distinguishes. Their nodes: Plain and Raw (a scalar
written verbatim in YAML, resp. JSON), Block (a YAML block scalar), the wrappers Flow, Anchored,
Tag on a mapping and Layout (the whole text: CRLF, tabs, comments, document markers, a second
document), and the keys DupKey (a repeated key) and KeyText (a key written verbatim, e.g. `1`).
Only the rendered text matters: both tools read it, the generator never evaluates it.
"""

import json
import random

import vocab


# The fraction of documents restyled (difftest.py --styled-data). At 0 (the default) no random
# number is drawn for it, so a seed gives the documents it gave before.
STYLED = 0.0


class Wrapper:
    """A node around one value (.value): the reducer may replace it by that value."""


class Tag(Wrapper):
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


class Raw:
    """A JSON scalar written verbatim (a number or string spelling); YAML writes it verbatim too."""

    def __init__(self, text):
        self.text = text


class Block:
    """A YAML block scalar: `|`, `|-`, `|+`, `>` ... followed by the lines of text."""

    def __init__(self, indicator, text):
        self.indicator, self.text = indicator, text


class Flow(Wrapper):
    """A YAML collection written in flow style, `{a: 1, b: [x]}`."""

    def __init__(self, value):
        self.value = value


class Anchored(Wrapper):
    """A YAML node with an anchor, `&name value`."""

    def __init__(self, name, value):
        self.name, self.value = name, value


class Layout(Wrapper):
    """The whole document's text: style in LAYOUTS; `rest` is a second document (multi)."""

    def __init__(self, style, value, rest=None):
        self.style, self.value, self.rest = style, value, rest


class DupKey:
    """A key written again (YAML and JSON keep the last value at the first position)."""

    def __init__(self, name, n):
        self.name, self.n = name, n

    def __hash__(self):
        return hash(("dup", self.name, self.n))

    def __eq__(self, other):
        return isinstance(other, DupKey) and (self.name, self.n) == (other.name, other.n)


class KeyText:
    """A key written verbatim: `1`, `true`, `'1'`, `"N\\u0061me"` ..."""

    def __init__(self, text):
        self.text = text

    def __hash__(self):
        return hash(("text", self.text))

    def __eq__(self, other):
        return isinstance(other, KeyText) and self.text == other.text


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
# Restyling (--styled-data): spellings that spec section 14 tells apart
# ---------------------------------------------------------------------------

YAML_LAYOUTS = ["crlf", "comments", "doc-start", "doc-end", "multi", "indent4", "flow"]
JSON_LAYOUTS = ["crlf", "tabs", "compact", "comment", "multi", "flow-keys", "single-quotes",
                "trailing-comma", "bom"]
# Keys written verbatim: the first load as strings, the rest are load errors (non-string keys).
KEY_TEXTS_OK = ["'1'", '"true"', "0x1F", "yes", "'null'", '""', "''", "1_000", "+x"]
KEY_TEXTS_BAD = ["1", "true", "~", "1.5", "null", "Null", "-1", "010"]


def _plain_word(s):
    return _yaml_str(s) == s


def _styled_yaml_scalar(rng, v):
    """A spelling of scalar v (or of a value near it) in YAML."""
    if isinstance(v, bool):
        t = "true" if v else "false"
        return Plain(rng.choice(["!!bool " + t, "!!bool yes", "!!bool 'false'", "!!str " + t,
                                 "True", "'" + t + "'", "FALSE", "!Foo " + t, "!!bool"]))
    if v is None:
        return Plain(rng.choice(["~", "Null", "NULL", "!!null ~", "!!null ''", "", "!Foo ~",
                                 "'~'", "!!null null"]))
    if isinstance(v, int):
        t = str(v)
        if rng.random() < 0.03:
            return Plain("!!int " + t + "x")          # an unusable value: a load error
        return Plain(rng.choice(["+" + t if v >= 0 else t, "0" + t if v >= 0 else "-0" + t[1:],
                                 "!!str " + t, "!!int '" + t + "'", "!!float " + t, t + ".0",
                                 t + "e0", "!Foo " + t, "'" + t + "'", "0x%x" % abs(v), t + ".",
                                 "!!int " + t, "9223372036854775808", "-9223372036854775808"]))
    if isinstance(v, float):
        t = repr(v)
        return Plain(rng.choice(["!!str " + t, "%E" % v, "%g" % v, "inf", "-Infinity", "+.5", "5.",
                                 "!!float '" + t + "'", "!!float 2", "1_000.5", "INF", t + "0",
                                 "!Sub " + t, ".5e1"]))
    s = v if isinstance(v, str) else str(v)
    q = "'" + s.replace("'", "''") + "'"
    r = rng.random()
    if r < 0.15:
        return Block(rng.choice(["|", "|-", "|+", ">", ">-", ">+"]),
                     s + ("\n" + rng.choice(vocab.STRINGS) if rng.random() < 0.3 else ""))
    if r < 0.2 and _plain_word(s):
        return Plain(s + " # note")
    return Plain(rng.choice([q, json.dumps(s, ensure_ascii=rng.random() < 0.5), "!!str " + _yaml_str(s),
                             "!Foo " + _yaml_str(s), "!Select " + _yaml_str(s), "!!binary " + q,
                             "!<tag:yaml.org,2002:str> " + q, "!Ref " + q, "!GetAtt " + q]))


def _json_escaped(s):
    """s as a JSON string with every character escaped as \\uXXXX (surrogate pairs past BMP)."""
    out = []
    for ch in s:
        b = ch.encode("utf-16-be")
        out += ["\\u%02x%02x" % (b[i], b[i + 1]) for i in range(0, len(b), 2)]
    return '"' + "".join(out) + '"'


def _styled_json_scalar(rng, v):
    """A spelling of scalar v (or of a value near it) in JSON."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        t = str(v)
        return Raw(rng.choice([t + ".0", t + "E0", t + "e+0", "-0", "1e400", "9223372036854775808",
                               "-9223372036854775809", "9223372036854775807", t + "0e-1",
                               "100000000000000000000"]))
    if isinstance(v, float):
        return Raw(rng.choice(["%e" % v, "%.17g" % v, "1.0", "0.1e1", "-0.0", "1E-7", "5e-324",
                               "1.7976931348623157e309", "%.1f" % v]))
    s = v if isinstance(v, str) else str(v)
    r = rng.random()
    if r < 0.02:
        return Raw(rng.choice(['"\\ud800"', '"a\\u0000b"', '"\\udc00x"']))
    return Raw(rng.choice([json.dumps(s), json.dumps(s).replace("/", "\\/"), _json_escaped(s),
                           json.dumps(s + "\t"), '"\\ud83d\\ude00' + json.dumps(s)[1:],
                           json.dumps(s, ensure_ascii=False)]))


def _key_spelling(rng, k, yaml):
    """The same key string spelled another way."""
    if yaml:
        return rng.choice(["'" + k.replace("'", "''") + "'", json.dumps(k)])
    return _json_escaped(k[:1]).rstrip('"') + json.dumps(k[1:])[1:] if k else '""'


def _restyle(rng, v, yaml, st, depth):
    if isinstance(v, Tag):   # its scalar stays plain: a second tag on a node is a syntax error
        inner = v.value if not isinstance(v.value, (dict, list)) else _restyle(rng, v.value, yaml, st, depth + 1)
        return Tag(v.name, v.long, inner)
    if isinstance(v, Plain):
        return v
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            key = KeyText(_key_spelling(rng, k, yaml)) if isinstance(k, str) and rng.random() < 0.06 else k
            out[key] = _restyle(rng, x, yaml, st, depth + 1)
        if v and rng.random() < 0.08:
            out[DupKey(rng.choice(list(v)), 1)] = _restyle(rng, value(rng, yaml, depth + 1), yaml, st, depth + 1)
        if yaml and rng.random() < 0.04:
            out[KeyText(rng.choice(KEY_TEXTS_BAD if rng.random() < 0.25 else KEY_TEXTS_OK))] = \
                _scalar(rng, yaml)
        return _wrap_collection(rng, out, yaml, st, depth)
    if isinstance(v, list):
        return _wrap_collection(rng, [_restyle(rng, x, yaml, st, depth + 1) for x in v], yaml, st, depth)
    if rng.random() >= 0.3:
        return v
    return _styled_yaml_scalar(rng, v) if yaml else _styled_json_scalar(rng, v)


def _wrap_collection(rng, v, yaml, st, depth):
    if not yaml or depth == 0:
        return v
    r = rng.random()
    if r < 0.1:
        return Flow(v)
    if r < 0.16:
        st["anchors"].append("a%d" % len(st["anchors"]))
        return Anchored(st["anchors"][-1], v)
    if r < 0.2:
        name = rng.choice(["Foo", "Base64", "GetAZs", "Ref", "Sub", "Cidr"])
        return Tag(name, name, v)     # a tag on a mapping, or one a sequence does not take
    return v


def restyle(rng, doc, fmt):
    """doc with some of its values, keys and its layout spelled in other ways."""
    yaml = fmt == "yaml"
    st = {"anchors": []}
    doc = _restyle(rng, doc, yaml, st, 0)
    if yaml and st["anchors"] and isinstance(doc, dict) and rng.random() < 0.05:
        doc["Alias"] = Plain("*" + rng.choice(st["anchors"]))   # any alias: a load error
    if rng.random() < 0.35:
        style = rng.choice(YAML_LAYOUTS if yaml else JSON_LAYOUTS)
        doc = Layout(style, doc, document(rng, yaml) if style == "multi" else None)
    return doc


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

def _json_key(k, st):
    if isinstance(k, KeyText):
        return k.text
    name = k.name if isinstance(k, DupKey) else k
    if "flow-keys" in st and _plain_word(name):
        return name
    return _json_str(name, st)


def _json_str(s, st):
    if "single-quotes" in st and "'" not in s and json.dumps(s, ensure_ascii=False) == '"' + s + '"':
        return "'" + s + "'"
    return json.dumps(s, ensure_ascii=False)


def _json(v, ind, st):
    """v as JSON in json.dumps(indent=1, ensure_ascii=False)'s layout, or a style's (st)."""
    if isinstance(v, Tag):
        v = {v.long: v.value}
    while isinstance(v, Wrapper) and not isinstance(v, Tag):
        v = v.value
    if isinstance(v, (Plain, Block)):
        return _json_str(v.text, st)
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, str):
        return _json_str(v, st)
    if not isinstance(v, (dict, list)):
        return json.dumps(v)
    if not v:
        return "{}" if isinstance(v, dict) else "[]"
    compact = "compact" in st
    nl, unit = ("", "") if compact else ("\n", "\t" if "tabs" in st else " ")
    inner = nl + unit * (ind + 1)
    sep = ":" if compact else ": "
    items = ([_json_key(k, st) + sep + _json(x, ind + 1, st) for k, x in v.items()]
             if isinstance(v, dict) else [_json(x, ind + 1, st) for x in v])
    body = inner + ("," + inner).join(items) + ("," if "trailing-comma" in st else "")
    o, c = "{}" if isinstance(v, dict) else "[]"
    return o + body + nl + unit * ind + c


def render_json(doc):
    if not isinstance(doc, Layout):
        return _json(doc, 0, ())
    text = _json(doc.value, 0, (doc.style,))
    if doc.style == "crlf":
        return text.replace("\n", "\r\n")
    if doc.style == "comment":
        return text + "\n# end of the template\n"
    if doc.style == "multi":
        return text + "\n---\n" + render_json(doc.rest)
    if doc.style == "bom":
        return "\ufeff" + text
    return text


_SAFE_PLAIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")


def _yaml_str(s, for_key=False):
    # Plain only for identifier-like words that no YAML schema reads as another type.
    if s and set(s) <= _SAFE_PLAIN | set("0123456789") and s[0] in _SAFE_PLAIN \
            and s.lower() not in ("true", "false", "null", "yes", "no", "on", "off", "y", "n"):
        return s
    if not for_key and s and "'" not in s and "\n" not in s and len(s) % 2:
        return "'" + s + "'"
    return json.dumps(s, ensure_ascii=False)


def _yaml_key(k):
    if isinstance(k, KeyText):
        return k.text
    return _yaml_str(k.name if isinstance(k, DupKey) else k, True)


def _yaml_scalar(v):
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, (Plain, Raw)):
        return v.text
    return _yaml_str(v)


def _props(v):
    """The node properties written before v (`&anchor`, `!tag`) and the node under them."""
    props = []
    while isinstance(v, (Anchored, Tag)):
        props.append(("&" if isinstance(v, Anchored) else "!") + v.name)
        v = v.value
    return props, v


def _flow(v):
    """v in flow style (one line)."""
    props, v = _props(v)
    if isinstance(v, Flow):
        text = _flow(v.value)
    elif isinstance(v, dict):
        text = "{" + ", ".join(_yaml_key(k) + ": " + _flow(x) for k, x in v.items()) + "}"
    elif isinstance(v, list):
        text = "[" + ", ".join(_flow(x) for x in v) + "]"
    elif isinstance(v, Block) or (isinstance(v, Plain) and (" #" in v.text or not v.text)):
        text = json.dumps(v.text.split(" #")[0], ensure_ascii=False)
    else:
        text = _yaml_scalar(v)
    return " ".join(props + [text])


def _inline(v):
    """Inline text of v, or None when v needs block lines."""
    props, inner = _props(v)
    if props:
        text = _inline(inner)
        return None if text is None else " ".join(props + [text])
    if isinstance(v, Flow):
        return _flow(v.value)
    if isinstance(v, Block):
        return None
    if isinstance(v, dict):
        return "{}" if not v else None
    if isinstance(v, list):
        return "[]" if not v else None
    return _yaml_scalar(v)


def _block_value(head, x, indent, step):
    """The lines of a map entry or list item whose head (`key:` or `-`) is given."""
    inl = _inline(x)
    if inl is not None:
        return [head + " " + inl]
    props, inner = _props(x)
    if isinstance(inner, Block):
        pad = " " * (indent + step)
        return [" ".join([head] + props + [inner.indicator])] + \
            [pad + line if line else "" for line in inner.text.split("\n")]
    return [" ".join([head] + props)] + _block(inner, indent + step, step)


def _block(v, indent, step=2):
    pad = " " * indent
    lines = []
    if isinstance(v, dict):
        for k, x in v.items():
            lines += _block_value(pad + _yaml_key(k) + ":", x, indent, step)
        return lines
    for x in v:
        lines += _block_value(pad + "-", x, indent, step)
    return lines


def _yaml_text(doc, step=2):
    inl = _inline(doc)
    if inl is not None:
        return inl + "\n"
    props, inner = _props(doc)
    if props:   # a node with properties at the top: the properties on a line of their own
        return " ".join(props) + "\n" + _yaml_text(inner, step)
    return "\n".join(_block(inner, 0, step)) + "\n"


def render_yaml(doc):
    if not isinstance(doc, Layout):
        return _yaml_text(doc)
    style, text = doc.style, _yaml_text(doc.value, 4 if doc.style == "indent4" else 2)
    if style == "flow":
        return _flow(doc.value) + "\n"
    if style == "crlf":
        return text.replace("\n", "\r\n")
    if style == "comments":
        return "# a template\n\n" + text + "# end\n"
    if style == "doc-start":
        return "---\n" + text
    if style == "doc-end":
        return text + "...\n"
    if style == "multi":
        return text + "---\n" + render_yaml(doc.rest)
    return text


def render(doc, fmt):
    return render_json(doc) if fmt == "json" else render_yaml(doc)


def _root_keys(doc):
    """The names of a document's top-level keys (through wrappers); empty if it is no map."""
    while isinstance(doc, Wrapper):
        doc = doc.value
    if not isinstance(doc, dict):
        return set()
    return {k.name if isinstance(k, DupKey) else k for k in doc if not isinstance(k, KeyText)}


def params_documents(rng, docs):
    """[(format, document)] for --input-params (difftest.py --params): one or two small maps
    of keys the rules name too, none of them at the root of a data document in `docs`
    (a clash is an error of both tools, tested by hand: cases-input-params), sometimes
    restyled (a repeated key at the root of the first one is a case of its own)."""
    taken = set()
    for _, d in docs:
        taken |= _root_keys(d)
    out = []
    for _ in range(rng.choice([1, 1, 2])):
        fmt = "yaml" if rng.random() < 0.6 else "json"
        doc = {}
        free = [k for k in vocab.HOT_KEYS + vocab.PLAIN_KEYS + vocab.ODD_KEYS + vocab.LOGICAL_IDS
                if k not in taken]
        for k in rng.sample(free, min(len(free), rng.randint(1, 3))):
            doc[k] = value(rng, fmt == "yaml", 1)
            taken.add(k)
        if rng.random() < 0.3:
            doc = restyle(rng, doc, fmt)
        out.append((fmt, doc))
    return out


def generate(rng):
    """(format, document tree)."""
    fmt = "yaml" if rng.random() < 0.6 else "json"
    doc = document(rng, fmt == "yaml")
    if STYLED and rng.random() < STYLED:
        doc = restyle(rng, doc, fmt)
    return fmt, doc
