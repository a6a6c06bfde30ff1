#!/usr/bin/env python3
"""Generates the Unicode property tables of the regex dialect (runtime/unicode_props.cpp
includes the output) from the Unicode Character Database that Debian's `unicode-data`
package installs in /usr/share/unicode. Run by the build (CMakeLists.txt):

    gen-unicode-tables.py UCD_DIR OUTPUT.inc

cfn-guard 3.1.1's regex crate (regex-syntax 0.8) knows Unicode 15.0.0: this script refuses
any other version, so that a property class matches exactly the code points it matches in
the reference. The tables are the ones regex-syntax resolves \\p{..} against: general
categories (with the grouped ones), scripts, script extensions, the binary properties of
PropList, DerivedCoreProperties, emoji-data and DerivedBinaryProperties, Age, and the
grapheme-cluster, sentence and word break properties; plus the property and value aliases,
already normalized as regex-syntax normalizes names. Surrogates are never members (a Rust
char cannot be one), so the Cs category is empty, as in the reference."""
import os
import re
import sys

UNICODE_VERSION = "15.0.0"
MAX_CP = 0x10FFFF
GC_GROUPS = {
    "L": ["Lu", "Ll", "Lt", "Lm", "Lo"], "LC": ["Lu", "Ll", "Lt"], "M": ["Mn", "Mc", "Me"],
    "N": ["Nd", "Nl", "No"], "P": ["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"],
    "S": ["Sm", "Sc", "Sk", "So"], "Z": ["Zs", "Zl", "Zp"], "C": ["Cc", "Cf", "Cs", "Co", "Cn"],
}


def normalize(name):
    """regex-syntax's loose matching of names: no ' ', '_' or '-', ASCII lower case, no
    non-ASCII (the "is" prefix is dropped at lookup time, by the C++ side)."""
    out = []
    for ch in name:
        if ch in " _-" or ord(ch) > 0x7F:
            continue
        out.append(ch.lower())
    return "".join(out)


def data_lines(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                yield [field.strip() for field in line.split(";")]


def code_points(field):
    lo, _, hi = field.partition("..")
    return int(lo, 16), int(hi or lo, 16)


def ranges_of(cps):
    """Sorted, merged (lo, hi) ranges of a set of code points, surrogates removed."""
    out = []
    for cp in sorted(cps):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if out and out[-1][1] + 1 == cp:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return [tuple(r) for r in out]


def range_property(path, value_field=1):
    """A file of `cp(..cp) ; value` lines as {value: set of code points}."""
    sets = {}
    for fields in data_lines(path):
        lo, hi = code_points(fields[0])
        sets.setdefault(fields[value_field], set()).update(range(lo, hi + 1))
    return sets


def check_version(ucd):
    with open(os.path.join(ucd, "DerivedAge.txt"), encoding="utf-8") as f:
        first = f.readline()
    if f"-{UNICODE_VERSION}.txt" not in first:
        sys.exit(f"gen-unicode-tables: {ucd} is not Unicode {UNICODE_VERSION} ({first.strip()}); "
                 "the reference's regex crate uses exactly that version")


def general_categories(ucd):
    gc = {}
    pending = None
    for fields in data_lines(os.path.join(ucd, "UnicodeData.txt")):
        cp, name, cat = int(fields[0], 16), fields[1], fields[2]
        if name.endswith(", First>"):
            pending = cp
            continue
        lo = pending if name.endswith(", Last>") else cp
        pending = None
        gc.setdefault(cat, set()).update(range(lo, cp + 1))
    assigned = set().union(*gc.values())
    gc["Cn"] = set(range(MAX_CP + 1)) - assigned
    for group, members in GC_GROUPS.items():
        gc[group] = set().union(*(gc.get(m, set()) for m in members))
    return gc


def value_aliases(ucd):
    """{property short name: [[short, long, more...], ...]} from PropertyValueAliases."""
    aliases = {}
    for fields in data_lines(os.path.join(ucd, "PropertyValueAliases.txt")):
        aliases.setdefault(fields[0], []).append(fields[1:])
    return aliases


def script_extensions(scripts, ucd, short_to_long):
    explicit = {}
    for fields in data_lines(os.path.join(ucd, "ScriptExtensions.txt")):
        lo, hi = code_points(fields[0])
        for cp in range(lo, hi + 1):
            explicit[cp] = [short_to_long[s] for s in fields[1].split()]
    scx = {}
    for name, cps in scripts.items():
        scx[name] = {cp for cp in cps if cp not in explicit}
    for cp, names in explicit.items():
        for name in names:
            scx.setdefault(name, set()).add(cp)
    return scx


def binary_properties(ucd):
    props = {}
    for rel in ["PropList.txt", "DerivedCoreProperties.txt", "emoji/emoji-data.txt",
                "extracted/DerivedBinaryProperties.txt"]:
        for fields in data_lines(os.path.join(ucd, rel)):
            if len(fields) != 2:
                continue  # DerivedCoreProperties' InCB-style `cp ; prop ; value` lines
            lo, hi = code_points(fields[0])
            props.setdefault(fields[1], set()).update(range(lo, hi + 1))
    return props


class Writer:
    def __init__(self):
        self.ranges = []
        self.lines = []

    def table(self, ident, sets):
        """Named code point sets, sorted by name; empty sets are left out (regex-syntax
        has no table for them, so naming one is an error there)."""
        rows = []
        for name in sorted(sets):
            rs = ranges_of(sets[name])
            if not rs:
                continue
            rows.append(f'    {{"{name}", {len(self.ranges)}, {len(rs)}}},')
            self.ranges.extend(rs)
        self.lines.append(f"constexpr NamedRanges {ident}[] = {{")
        self.lines.extend(rows)
        self.lines.append("};")

    def ordered_table(self, ident, named_sets):
        rows = []
        for name, cps in named_sets:
            rs = ranges_of(cps)
            rows.append(f'    {{"{name}", {len(self.ranges)}, {len(rs)}}},')
            self.ranges.extend(rs)
        self.lines.append(f"constexpr NamedRanges {ident}[] = {{")
        self.lines.extend(rows)
        self.lines.append("};")

    def aliases(self, ident, pairs):
        seen = {}
        for alias, canonical in pairs:
            seen.setdefault(normalize(alias), canonical)
        self.lines.append(f"constexpr Alias {ident}[] = {{")
        self.lines.extend(f'    {{"{k}", "{v}"}},' for k, v in sorted(seen.items()))
        self.lines.append("};")

    def text(self):
        head = [
            "// Generated by tools/gen-unicode-tables.py from the Unicode Character Database",
            f"// {UNICODE_VERSION}; do not edit. Included by runtime/unicode_props.cpp.",
            "constexpr uint32_t kRanges[][2] = {",
        ]
        body = [f"    {{0x{lo:X}, 0x{hi:X}}}," for lo, hi in self.ranges]
        return "\n".join(head + body + ["};"] + self.lines) + "\n"


def main():
    ucd, out = sys.argv[1], sys.argv[2]
    check_version(ucd)
    values = value_aliases(ucd)
    w = Writer()

    gc_short_to_long = {v[0]: v[1] for v in values["gc"]}
    gc = general_categories(ucd)
    w.table("kGeneralCategories", {gc_short_to_long[k]: v for k, v in gc.items()})
    w.aliases("kGeneralCategoryValues", [(a, v[1]) for v in values["gc"] for a in v])

    sc_short_to_long = {v[0]: v[1] for v in values["sc"]}
    scripts = range_property(os.path.join(ucd, "Scripts.txt"))
    w.table("kScripts", scripts)
    w.aliases("kScriptValues", [(a, v[1]) for v in values["sc"] for a in v])
    w.table("kScriptExtensions", script_extensions(scripts, ucd, sc_short_to_long))

    w.table("kBinaryProperties", binary_properties(ucd))

    ages = range_property(os.path.join(ucd, "DerivedAge.txt"))
    by_version = sorted(ages, key=lambda v: tuple(int(x) for x in v.split(".")))
    age_long = {v[0]: v[1] for v in values["age"]}
    w.ordered_table("kAges", [(age_long[v], ages[v]) for v in by_version])
    w.aliases("kAgeValues", [(a, v[1]) for v in values["age"] for a in v])

    aux = os.path.join(ucd, "auxiliary")
    for prop, file, ident in [("GCB", "GraphemeBreakProperty.txt", "GraphemeClusterBreak"),
                              ("SB", "SentenceBreakProperty.txt", "SentenceBreak"),
                              ("WB", "WordBreakProperty.txt", "WordBreak")]:
        w.table(f"k{ident}", range_property(os.path.join(aux, file)))
        w.aliases(f"k{ident}Values", [(a, v[1]) for v in values[prop] for a in v])

    properties = []
    for fields in data_lines(os.path.join(ucd, "PropertyAliases.txt")):
        properties.extend((alias, fields[1]) for alias in fields)
    w.aliases("kPropertyNames", properties)

    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(w.text())
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
