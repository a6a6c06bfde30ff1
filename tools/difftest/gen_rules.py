"""Random Guard rules files for the differential tester: generation, rendering, features.

Called by difftest.py (generation of pairs), reduce.py (which shrinks the tree and renders it
again) and buckets.py (features of a minimised rules file). A rules file is a tree of dicts,
each with a kind 'k'; lists of children live in the fields named in LIST_FIELDS so that the
reducer can drop members generically. render() turns a tree into Guard text.

The generator covers the whole grammar (spec sections 3-12): every query part, operator,
literal kind, built-in function, block kind, `when`, type blocks, `or`, named and
parameterised rules, `let` at file and rule level, custom messages, both keyword spellings.
Keys come from vocab.py (shared with gen_data.py) so that most queries resolve. About one
file in twenty holds a deliberately invalid snippet (a parse error in the reference).
"""

import json
import random

import vocab

# Fields holding lists of children that the reducer may shorten, with their minimum length.
LIST_FIELDS = {"items": 0, "body": 1, "alts": 1, "parts": 0, "elems": 0, "entries": 0,
               "conds": 1}

UNARY_OPS = ["exists", "empty", "is_string", "is_list", "is_struct", "is_int", "is_float",
             "is_bool", "is_null"]
BINARY_OPS = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "!in"]
FUNCTIONS = ["count", "json_parse", "regex_replace", "join", "substring", "to_lower",
             "to_upper", "url_decode", "parse_int", "parse_float", "parse_boolean",
             "parse_string", "parse_char"]
REGEXES = ["^a", "b$", "Bucket", "^[a-z]+$", "\\d", "(?i)prod", "^AWS::S3::", "^My",
           "^\\/dev\\/sd[a-z]$", "x|y", ".*", "^$", "\\w+\\s?", "[[:alpha:]]", "é"]
BAD_SNIPPETS = ["A == nullable", "Name ! exists", "A existsX", "A IN r[1, 2.0]", "A == -1.5",
                "A == 1e3", "A[ 1 ] exists", "A == .5", "count(A) == 1", "A == [1,]",
                "A == 'x' <<unterminated", "1 == A", "A. B exists", "A == //",
                "thisKey exists", "_a exists", "A == /a\\//", "A == 99999999999999999999",
                "Name != TRUE", "A Exists", "A == f()"]


class Gen:
    """One rules file's generation state: rng, variables in scope, rule names."""

    def __init__(self, rng):
        self.rng = rng
        self.file_vars = []       # names of file-level lets
        self.scope = []           # names visible in the current rule
        self.rule_names = []
        self.param_rules = []     # (name, arity)
        self.var_count = 0
        self.depth = 0

    # -- helpers ------------------------------------------------------------
    def p(self, x):
        return self.rng.random() < x

    def kw(self, word):
        """A keyword in one of its accepted spellings (lower most of the time)."""
        return word.upper() if self.p(0.12) else word

    def new_var(self):
        self.var_count += 1
        return "v%d" % self.var_count

    def visible_vars(self):
        return self.file_vars + self.scope

    # -- literals -----------------------------------------------------------
    def string_lit(self):
        s = (self.rng.choice(vocab.COMMON_STRINGS) if self.p(0.5) else
             self.rng.choice(vocab.STRINGS + vocab.PLAIN_KEYS + vocab.RESOURCE_TYPES))
        if self.p(0.5) and "'" not in s:
            return {"k": "lit", "lk": "string", "text": "'" + s + "'"}
        return {"k": "lit", "lk": "string", "text": '"' + s.replace('"', '\\"') + '"'}

    def scalar_lit(self):
        r = self.rng.random()
        if r < 0.35:
            return self.string_lit()
        if r < 0.55:
            ints = vocab.COMMON_INTS if self.p(0.7) else vocab.INTS + [-5]
            return {"k": "lit", "lk": "int", "text": str(self.rng.choice(ints))}
        if r < 0.65:
            return {"k": "lit", "lk": "float",
                    "text": self.rng.choice(["1.5", "2.0", "10.0", "0.5", "1.5e+3", "2.5E-1"])}
        if r < 0.75:
            return {"k": "lit", "lk": "bool",
                    "text": self.rng.choice(["true", "false", "True", "False"])}
        if r < 0.8:
            return {"k": "lit", "lk": "null", "text": self.rng.choice(["null", "NULL"])}
        if r < 0.9:
            return {"k": "lit", "lk": "regex", "text": "/" + self.rng.choice(REGEXES) + "/"}
        lo_hi = self.rng.choice([("0", "10"), ("1", "200"), ("-5", "5"), ("1.5", "10.0"),
                                 ("a", "e"), ("0", "0")])
        return {"k": "lit", "lk": "range", "text": "r%s%s,%s%s" % (
            self.rng.choice("[("), lo_hi[0], lo_hi[1], self.rng.choice("])")), }

    def literal(self, depth=0):
        r = self.rng.random()
        if depth < 2 and r < 0.12:
            return {"k": "list", "elems": [self.literal(depth + 1)
                                           for _ in range(self.rng.randint(0, 3))]}
        if depth < 2 and r < 0.16:
            return {"k": "map", "entries": [
                {"k": "entry", "key": self.rng.choice(["a", "Key", "'b c'", "Name"]),
                 "val": self.literal(depth + 1)} for _ in range(self.rng.randint(0, 2))]}
        return self.scalar_lit()

    # -- queries ------------------------------------------------------------
    def key_name(self):
        r = self.rng.random()
        if r < 0.55:
            return self.rng.choice(vocab.HOT_KEYS)
        if r < 0.8:
            return self.rng.choice(vocab.PLAIN_KEYS)
        if r < 0.93:
            return self.rng.choice(vocab.ODD_KEYS)
        return self.rng.choice(vocab.LOGICAL_IDS)

    def query(self, rel=False, allow_some=True, max_parts=4, value_pos=False):
        """A query; rel=True prefers keys relative to the current value (filters, blocks)."""
        head_r = self.rng.random()
        vars_ = self.visible_vars()
        if vars_ and head_r < 0.18:
            head = {"k": "var", "name": self.rng.choice(vars_)}
        elif head_r < 0.26 or (rel and head_r < 0.4):
            head = {"k": "this", "text": self.kw("this")}
        elif not rel and head_r < 0.55:
            head = {"k": "key", "name": "Resources"}
        else:
            head = {"k": "key", "name": self.key_name()}
            # Where a literal may stand (right-hand side, let, argument) a quoted first key
            # would read as a string literal: keep those heads identifiers.
            while value_pos and not (gen_is_ident(head["name"]) and not _reads_as_keyword(head["name"])):
                head = {"k": "key", "name": self.rng.choice(vocab.PLAIN_KEYS)}
        if not rel and head_r >= 0.18 and self.p(0.35):
            return self.template_query(allow_some)
        if head["k"] == "key" and self.p(0.4):
            return self.simple_query(allow_some, rel)
        parts = []
        n = self.rng.choice([0, 1, 1, 1, 2, 2, 3])
        for _ in range(min(n, max_parts)):
            part = self.query_part(head, parts)
            # `this[ filter ]` at the root panics cfn-guard 3.1.1 (excluded pairs): keep it rare
            if not parts and head["k"] == "this" and part["k"] in ("filter", "keys") and self.p(0.9):
                part = {"k": "allidx"}
            parts.append(part)
        return {"k": "q", "some": allow_some and self.p(0.1), "some_text": self.kw("some"),
                "head": head, "parts": parts}

    def simple_query(self, allow_some, rel):
        """A short path over the hot keys (resolves in most documents)."""
        parts = [{"k": "dot", "name": self.rng.choice(vocab.HOT_KEYS), "style": "."}
                 for _ in range(self.rng.choice([0, 1, 1, 2]))]
        if self.p(0.3):
            parts.insert(self.rng.randint(0, len(parts)), {"k": "allidx"})
        return {"k": "q", "some": allow_some and self.p(0.1), "some_text": self.kw("some"),
                "head": {"k": "key", "name": self.rng.choice(vocab.HOT_KEYS)}, "parts": parts}

    def nested_string_query(self, allow_some):
        """A top-level key that documents often bind to strings containing one another."""
        parts = [{"k": "allidx"}] if self.p(0.3) else []
        return {"k": "q", "some": allow_some, "some_text": self.kw("some"),
                "head": {"k": "key", "name": self.rng.choice(vocab.NESTED_STRING_KEYS)}, "parts": parts}

    def template_query(self, allow_some):
        """A query of a shape that resolves in CloudFormation-shaped documents."""
        prop = {"k": "dot", "name": self.key_name(), "style": "."}
        star = self.rng.choice([{"k": "dotstar"}, {"k": "allidx"}])
        shapes = [
            [star, {"k": "dot", "name": "Properties", "style": "."}, prop],
            [star, {"k": "dot", "name": "Type", "style": "."}],
            [{"k": "filter", "cap": None, "body": [{"k": "disj", "or": "or", "alts": [
                {"k": "binary", "not": "", "op": "==", "msg": None,
                 "q": {"k": "q", "some": False, "some_text": "some",
                       "head": {"k": "key", "name": "Type"}, "parts": []},
                 "rhs": {"k": "lit", "lk": "string",
                         "text": "'" + self.rng.choice(vocab.RESOURCE_TYPES) + "'"}}]}]},
             {"k": "dot", "name": "Properties", "style": "."}, prop],
            [{"k": "dot", "name": self.rng.choice(vocab.LOGICAL_IDS), "style": "."},
             {"k": "dot", "name": "Properties", "style": "."}, prop],
            [star, {"k": "dot", "name": "Properties", "style": "."}, prop, {"k": "allidx"}],
        ]
        parts = self.rng.choice(shapes)
        if parts[0]["k"] in ("dotstar", "allidx") and self.p(0.3):
            parts.insert(1, self.filter_part() if self.depth < 2 else self.keys_part())
        return {"k": "q", "some": allow_some and self.p(0.1), "some_text": self.kw("some"),
                "head": {"k": "key", "name": "Resources"}, "parts": parts}

    def query_part(self, head, parts):
        r = self.rng.random()
        if r < 0.36:
            return {"k": "dot", "name": self.key_name(), "style": self.rng.choice("..'\"")}
        if r < 0.44:
            return {"k": "dotstar"}
        if r < 0.54:
            return {"k": "allidx"}
        if r < 0.60:
            return {"k": "idx", "n": self.rng.choice([0, 0, 1, -1, 2]), "dot": self.p(0.3)}
        if r < 0.63:
            return {"k": "bkey", "name": self.rng.choice(vocab.ALL_KEYS)}
        if r < 0.73 and self.depth < 2:
            return self.filter_part()
        if r < 0.81:
            return self.keys_part()
        if r < 0.86:
            name = self.new_var()
            self.pending_captures.append(name)
            return {"k": "capture", "name": name, "spaced": self.p(0.3)}
        vars_ = self.visible_vars()
        if vars_ and r < 0.93:
            return {"k": "interp", "var": self.rng.choice(vars_)}
        return {"k": "dot", "name": self.key_name(), "style": "."}

    def capture_name(self):
        if self.p(0.2):
            name = self.new_var()
            self.pending_captures.append(name)
            return name
        return None

    def filter_part(self):
        cap = self.capture_name()
        self.depth += 1
        body = [self.disj(lambda: self.clause(rel=True, allow_blocks=False))
                for _ in range(self.rng.randint(1, 2))]
        self.depth -= 1
        return {"k": "filter", "cap": cap, "body": body}

    def keys_part(self):
        cap = self.capture_name()
        op = self.rng.choice(["==", "!=", "in", "IN", "not in", "!in"])
        if op in ("==", "!="):
            rhs = self.rng.choice([
                {"k": "lit", "lk": "regex", "text": "/" + self.rng.choice(["^My", "^Prod", "e", "^[A-Z]"]) + "/"},
                {"k": "lit", "lk": "string", "text": "'" + self.rng.choice(vocab.ALL_KEYS) + "'"}])
        else:
            rhs = {"k": "list", "elems": [
                {"k": "lit", "lk": "string", "text": "'" + self.rng.choice(vocab.ALL_KEYS) + "'"}
                for _ in range(self.rng.randint(0, 3))]}
            if self.p(0.15):
                rhs["elems"].append(self.scalar_lit())
        if self.visible_vars() and self.p(0.2):
            rhs = {"k": "q", "some": False, "some_text": "some",
                   "head": {"k": "var", "name": self.rng.choice(self.visible_vars())}, "parts": []}
        return {"k": "keys", "cap": cap, "kw": self.kw("keys"), "op": op, "rhs": rhs}

    # -- values on the right of operators and in lets -----------------------
    def call(self, depth=0):
        fn = self.rng.choice(FUNCTIONS)
        arg = (self.call(depth + 1) if depth < 1 and self.p(0.12)
               else self.query(allow_some=False, value_pos=True))
        args = [arg]
        if fn == "regex_replace":
            args += [{"k": "lit", "lk": "string", "text": self.rng.choice(["'^(.)(.*)$'", "'a'", "'(?P<x>\\w+)'"])},
                     {"k": "lit", "lk": "string", "text": self.rng.choice(["'$2$1'", "'b'", "'${x}-'", "'$$'"])}]
        elif fn == "join":
            args.append({"k": "lit", "lk": "string", "text": self.rng.choice(["','", "''", "\"-\""])})
        elif fn == "substring":
            args += [{"k": "lit", "lk": "int", "text": str(self.rng.choice([0, 1]))},
                     {"k": "lit", "lk": self.rng.choice(["int", "int", "float"]), "text": ""}]
            args[2]["text"] = "2" if args[2]["lk"] == "int" else "3.7"
        elif self.p(0.01):
            args.append(self.scalar_lit())   # wrong arity: evaluation error in both
        return {"k": "call", "fn": fn, "args": args}

    def rhs(self):
        r = self.rng.random()
        if r < 0.55:
            return self.literal()
        if r < 0.63:
            return self.call()
        return self.query(allow_some=False, value_pos=True)

    def let(self, rule_level):
        name = self.new_var()
        r = self.rng.random()
        if r < 0.3:
            val = self.literal()
        elif r < 0.6:
            val = self.call()
        else:
            val = self.query(allow_some=False, value_pos=True)
        node = {"k": "let", "name": name, "assign": "=" if self.p(0.8) else ":=", "val": val}
        (self.scope if rule_level else self.file_vars).append(name)
        return node

    # -- clauses ------------------------------------------------------------
    def access_clause(self, rel):
        q = self.query(rel=rel)
        neg_clause = self.rng.choice(["", "", "", "", "not ", "NOT ", "!"])
        msg = "<<msg %d>>" % self.rng.randint(1, 9) if self.p(0.08) else None
        if self.p(0.35):
            op = self.kw(self.rng.choice(UNARY_OPS))
            neg = self.rng.choice(["", "", "", "not ", "!"])
            return {"k": "unary", "not": neg_clause, "q": q, "neg": neg, "op": op, "msg": msg}
        op = self.rng.choice(BINARY_OPS)
        if op in ("in", "not in"):
            op = self.kw(op)
        # IN between two queries is its own semantics (membership, §8.7(d)): give it
        # a query on the right more often than the other operators get one.
        in_op = op.lower().replace("!", "not ").strip() in ("in", "not in")
        if in_op and self.p(0.4):
            # Half of these between the top-level keys that documents often bind to
            # strings containing one another ('a', 'abc', ''): where a substring test
            # and membership differ (the in-query-substring mutant).
            if self.p(0.5):
                q = self.nested_string_query(allow_some=self.p(0.2))
                rhs = self.nested_string_query(allow_some=False)
            else:
                rhs = self.query(allow_some=False, value_pos=True)
        else:
            rhs = self.rhs()
        return {"k": "binary", "not": neg_clause, "q": q, "op": op, "rhs": rhs, "msg": msg}

    def clause(self, rel=False, allow_blocks=True, allow_refs=False):
        self.pending_captures = getattr(self, "pending_captures", [])
        r = self.rng.random()
        if allow_blocks and self.depth < 2 and r < 0.12:
            q = self.query(rel=rel)
            self.depth += 1
            body = [self.disj(lambda: self.clause(rel=True))
                    for _ in range(self.rng.randint(1, 3))]
            self.depth -= 1
            return {"k": "block", "q": q, "nonempty": self.rng.choice(["", "", "!empty", "not empty"]),
                    "body": body}
        if allow_blocks and self.depth < 2 and r < 0.17:
            return self.when_block(allow_refs=False, rel=rel)
        if allow_refs and r < 0.27 and (self.rule_names or self.param_rules):
            return self.reference()
        if self.param_rules and r < 0.31:
            name, arity = self.rng.choice(self.param_rules)
            return {"k": "pcall", "not": self.rng.choice(["", "", "not ", "!"]), "name": name,
                    "args": [self.rhs() for _ in range(arity)]}
        return self.access_clause(rel)

    def reference(self):
        if self.param_rules and (self.p(0.3) or not self.rule_names):
            name, arity = self.rng.choice(self.param_rules)
            return {"k": "pcall", "not": self.rng.choice(["", "not "]), "name": name,
                    "args": [self.rhs() for _ in range(arity)]}
        return {"k": "ruleref", "not": self.rng.choice(["", "", "not ", "!"]),
                "name": self.rng.choice(self.rule_names),
                "msg": "<<ref msg>>" if self.p(0.05) else None}

    def disj(self, make):
        n = 1 if self.p(0.8) else self.rng.randint(2, 3)
        return {"k": "disj", "or": self.rng.choice(["or", "or", "OR", "|OR|"]),
                "alts": [make() for _ in range(n)]}

    def conds(self):
        def item():
            if (self.rule_names or self.param_rules) and self.p(0.25):
                return self.reference()
            return self.access_clause(rel=False)
        return [self.disj(item) for _ in range(self.rng.randint(1, 2))]

    def when_block(self, allow_refs, rel=False):
        conds = self.conds()
        self.depth += 1
        body = [self.disj(lambda: self.clause(rel=rel, allow_refs=allow_refs))
                for _ in range(self.rng.randint(1, 2))]
        self.depth -= 1
        return {"k": "when", "kw": self.kw("when"), "conds": conds, "body": body}

    def type_block(self):
        t = self.rng.choice(vocab.RESOURCE_TYPES)
        if self.p(0.1):
            t += "::MODULE"
        when = self.conds() if self.p(0.2) else None
        if self.p(0.2):
            return {"k": "typeblock", "type": t, "when": None, "single": True,
                    "body": [{"k": "disj", "or": "or", "alts": [self.access_clause(rel=True)]}]}
        self.depth += 1
        body = [self.disj(lambda: self.clause(rel=True)) for _ in range(self.rng.randint(1, 3))]
        self.depth -= 1
        return {"k": "typeblock", "type": t, "when": when, "single": False, "body": body}

    def rule_item(self):
        r = self.rng.random()
        if r < 0.03:
            return {"k": "disj", "or": "or", "alts": [self.type_block()]}
        if r < 0.16:
            return {"k": "disj", "or": "or", "alts": [self.when_block(allow_refs=True)]}
        return self.disj(lambda: self.clause(allow_refs=True))

    def flush_captures(self):
        # A capture exists only once its query ran (spec 19, case 22): use few of them later.
        self.scope += [c for c in self.pending_captures if self.p(0.1)]
        self.pending_captures = []

    def rule(self, name):
        self.scope = []
        self.pending_captures = []
        when = self.conds() if self.p(0.2) else None
        self.pending_captures = []   # captures in conditions are not visible in the body
        body = []
        for _ in range(self.rng.randint(1, 4)):
            if self.p(0.15):
                body.append(self.let(rule_level=True))
            body.append(self.rule_item())
            self.flush_captures()
        self.scope = []
        return {"k": "rule", "name": name, "when": when, "body": body}

    def param_rule(self, name):
        arity = self.rng.randint(1, 2)
        params = ["p%d" % i for i in range(1, arity + 1)]
        self.scope = list(params)
        self.pending_captures = []
        body = []
        for _ in range(self.rng.randint(1, 2)):
            body.append(self.disj(lambda: self.access_clause(rel=False)))
        self.scope = []
        self.param_rules.append((name, arity))
        return {"k": "prule", "name": name, "params": params, "body": body}

    def file(self):
        items = []
        self.pending_captures = []
        for i in range(self.rng.randint(1, 5)):
            r = self.rng.random()
            if r < 0.15:
                items.append(self.let(rule_level=False))
            elif r < 0.25:
                items.append(self.param_rule("pr%d" % (i + 1)))
            elif r < 0.85:
                name = "r%d" % (i + 1)
                items.append(self.rule(name))
                self.rule_names.append(name)
            elif r < 0.88:
                items.append({"k": "disj", "or": "or", "alts": [self.type_block()]})
            else:
                self.scope = []
                items.append(self.disj(lambda: self.clause()) if self.p(0.6)
                             else {"k": "disj", "or": "or", "alts": [self.when_block(allow_refs=bool(self.rule_names))]})
            self.pending_captures = []
        if self.p(0.05):
            items.insert(self.rng.randint(0, len(items)),
                         {"k": "rule", "name": "bad", "when": None,
                          "body": [{"k": "disj", "or": "or", "alts": [
                              {"k": "bad", "text": self.rng.choice(BAD_SNIPPETS)}]}]})
        return {"k": "file", "items": items}

    # -- the AWS Guard Rules Registry's shape ---------------------------------
    def type_filter_let(self):
        """`let vN = Resources.*[ Type == 'T' ]` (or `Type in [..]`, `IN` a file-level
        literal list, or with a second conjunct): what the file-skip facts read."""
        name = self.new_var()
        types = self.rng.sample(vocab.RESOURCE_TYPES, self.rng.choice([1, 1, 1, 2]))
        type_q = {"k": "q", "some": False, "some_text": "some", "head": {"k": "key", "name": "Type"},
                  "parts": []}
        strings = [{"k": "lit", "lk": "string", "text": "'" + t + "'"} for t in types]
        if len(types) == 1 and self.p(0.7):
            first = {"k": "binary", "not": "", "op": "==", "msg": None, "q": type_q, "rhs": strings[0]}
        else:
            rhs = {"k": "list", "elems": strings}
            if self.p(0.3):   # through a file-level let of the list
                lst = self.new_var()
                self.extra_lets.append({"k": "let", "name": lst, "assign": "=", "val": rhs})
                self.file_vars.append(lst)
                rhs = {"k": "q", "some": False, "some_text": "some", "head": {"k": "var", "name": lst},
                       "parts": []}
            first = {"k": "binary", "not": "", "op": self.kw("in"), "msg": None, "q": type_q, "rhs": rhs}
        body = [{"k": "disj", "or": "or", "alts": [first]}]
        if self.p(0.25):
            self.depth += 1
            body.append(self.disj(lambda: self.access_clause(rel=True)))
            self.depth -= 1
        q = {"k": "q", "some": False, "some_text": "some", "head": {"k": "key", "name": "Resources"},
             "parts": [{"k": "dotstar"}, {"k": "filter", "cap": None, "body": body}]}
        return {"k": "let", "name": name, "assign": "=", "val": q}

    def prefixed_clause(self, var):
        """An access clause on `%var.Properties.K[...]`: rules of a few of them share prefixes."""
        c = self.access_clause(rel=False)
        parts = [{"k": "dot", "name": "Properties", "style": "."},
                 {"k": "dot", "name": self.rng.choice(vocab.HOT_KEYS), "style": "."}]
        for _ in range(self.rng.choice([0, 0, 1, 1, 2])):
            parts.append(self.query_part({"k": "var"}, parts) if self.p(0.3) else
                         {"k": "dot", "name": self.key_name(), "style": "."})
        c["q"] = {"k": "q", "some": self.p(0.1), "some_text": "some", "head": {"k": "var", "name": var},
                  "parts": parts}
        return c

    def registry_file(self):
        """One to three type-selecting lets, and rules `when %v !empty` over them."""
        self.extra_lets = []
        self.pending_captures = []
        lets = [self.type_filter_let() for _ in range(self.rng.randint(1, 3))]
        names = [l["name"] for l in lets]
        items = self.extra_lets + lets
        self.pending_captures = []
        for i in range(self.rng.randint(1, 4)):
            name = "r%d" % (i + 1)
            v = self.rng.choice(names)
            self.scope = []
            empty = {"k": "unary", "not": "", "neg": self.rng.choice(["!", "!", "not "]),
                     "op": "empty", "msg": None,
                     "q": {"k": "q", "some": False, "some_text": "some", "head": {"k": "var", "name": v},
                           "parts": []}}
            when = [{"k": "disj", "or": "or", "alts": [empty]}]
            if self.p(0.2):
                other = self.rng.choice(names)
                when.append({"k": "disj", "or": "or", "alts": [{
                    "k": "unary", "not": "", "neg": self.rng.choice(["", "!"]),
                    "op": self.rng.choice(["exists", "empty"]), "msg": None,
                    "q": {"k": "q", "some": False, "some_text": "some", "head": {"k": "var", "name": other},
                          "parts": []}}]})
            elif self.p(0.1):
                when.append(self.disj(lambda: self.access_clause(rel=False)))
            body = []
            for _ in range(self.rng.randint(1, 4)):
                body.append(self.disj(lambda: self.prefixed_clause(v)) if self.p(0.8) else self.rule_item())
                self.pending_captures = []
            items.append({"k": "rule", "name": name, "when": when if self.p(0.9) else None, "body": body})
            self.rule_names.append(name)
        return {"k": "file", "items": items}


# The fraction of rules files made in the registry's shape (Gen.registry_file; set from
# difftest.py's --registry-shaped). At 0 no random number is drawn for it, so the files of
# a seed are those of the generator before the option existed.
REGISTRY_SHAPED = 0.0


def generate(rng):
    if REGISTRY_SHAPED > 0 and rng.random() < REGISTRY_SHAPED:
        return Gen(rng).registry_file()
    return Gen(rng).file()


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

def _quoted(name):
    return "'" + name + "'" if "'" not in name else '"' + name + '"'


def gen_is_ident(name):
    return _is_ident(name)


def _is_ident(name):
    return name[:1].isascii() and name[:1].isalpha() and all(c.isalnum() or c == "_" for c in name)


def r_query(q):
    h = q["head"]
    if h["k"] == "var":
        out = "%" + h["name"]
    elif h["k"] == "this":
        out = h["text"]
    else:
        out = h["name"] if _is_ident(h["name"]) and not _reads_as_keyword(h["name"]) else _quoted(h["name"])
    for p in q["parts"]:
        out += r_part(p)
    if q["some"]:
        out = q["some_text"] + " " + out
    return out


def _reads_as_keyword(name):
    low = name
    return any(low.startswith(w) for w in ("this", "THIS", "when", "WHEN", "true", "True",
                                           "false", "False", "null", "NULL", "some ", "not "))


def r_part(p):
    k = p["k"]
    if k == "dot":
        if p["style"] == "." and _is_ident(p["name"]):
            return "." + p["name"]
        if p["style"] == '"' and '"' not in p["name"]:
            return '."' + p["name"] + '"'
        return "." + _quoted(p["name"])
    if k == "bkey":
        return "[" + _quoted(p["name"]) + "]"
    if k == "dotstar":
        return ".*"
    if k == "allidx":
        return "[*]"
    if k == "idx":
        return ".%d" % p["n"] if p["dot"] and p["n"] >= 0 else "[%d]" % p["n"]
    if k == "capture":
        return "[ %s ]" % p["name"] if p["spaced"] else "[%s]" % p["name"]
    if k == "interp":
        return ".%" + p["var"]
    cap = p["cap"] + " | " if p.get("cap") else ""
    if k == "keys":
        return "[ %s%s %s %s ]" % (cap, p["kw"], p["op"], r_value(p["rhs"]))
    if k == "filter":
        return "[ " + cap + " ".join(r_disj(d, 0, inline=True) for d in p["body"]) + " ]"
    raise ValueError(k)


def r_value(v):
    k = v["k"]
    if k == "lit":
        return v["text"]
    if k == "list":
        return "[" + ", ".join(r_value(e) for e in v["elems"]) + "]"
    if k == "map":
        return "{" + ", ".join("%s: %s" % (e["key"], r_value(e["val"])) for e in v["entries"]) + "}"
    if k == "call":
        return v["fn"] + "(" + ", ".join(r_value(a) for a in v["args"]) + ")"
    if k == "q":
        return r_query(v)
    raise ValueError(k)


def _msg(c):
    return " " + c["msg"] if c.get("msg") else ""


def r_clause(c, ind):
    k = c["k"]
    pad = "    " * ind
    if k == "unary":
        return "%s%s %s%s%s" % (c["not"], r_query(c["q"]), c["neg"], c["op"], _msg(c))
    if k == "binary":
        return "%s%s %s %s%s" % (c["not"], r_query(c["q"]), c["op"], r_value(c["rhs"]), _msg(c))
    if k == "ruleref":
        return c["not"] + c["name"] + _msg(c)
    if k == "pcall":
        return c["not"] + c["name"] + "(" + ", ".join(r_value(a) for a in c["args"]) + ")"
    if k == "bad":
        return c["text"]
    if k == "block":
        head = r_query(c["q"]) + (" " + c["nonempty"] if c["nonempty"] else "")
        return head + " " + r_body(c["body"], ind)
    if k == "when":
        return c["kw"] + " " + r_conds(c["conds"], ind) + " " + r_body(c["body"], ind)
    if k == "typeblock":
        if c["single"]:
            return c["type"] + " " + r_disj(c["body"][0], ind, inline=True)
        when = (" when " + r_conds(c["when"], ind)) if c["when"] else ""
        return c["type"] + when + " " + r_body(c["body"], ind)
    raise ValueError(k)


def r_conds(conds, ind):
    sep = "\n" + "    " * (ind + 2)
    return sep.join(r_disj(d, ind + 2, inline=True) for d in conds)


def r_disj(d, ind, inline=False):
    sep = " " + d["or"] + " "
    return sep.join(r_clause(a, ind) for a in d["alts"])


def r_body(body, ind):
    pad = "    " * (ind + 1)
    lines = ["{"]
    for item in body:
        if item["k"] == "let":
            lines.append(pad + r_let(item))
        else:
            lines.append(pad + r_disj(item, ind + 1))
    lines.append("    " * ind + "}")
    return "\n".join(lines)


def r_let(l):
    return "let %s %s %s" % (l["name"], l["assign"], r_value(l["val"]))


def render(tree):
    out = []
    for item in tree["items"]:
        k = item["k"]
        if k == "let":
            out.append(r_let(item))
        elif k == "rule":
            when = (" when " + r_conds(item["when"], 0)) if item["when"] else ""
            out.append("rule %s%s %s" % (item["name"], when, r_body(item["body"], 0)))
        elif k == "prule":
            out.append("rule %s(%s) %s" % (item["name"], ", ".join(item["params"]),
                                           r_body(item["body"], 0)))
        else:
            out.append(r_disj(item, 0))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Features (for bucketing a minimised rules file)
# ---------------------------------------------------------------------------

def features(tree):
    """Sorted list of the constructs present: node kinds, operators, parts, functions."""
    found = set()

    def walk(n):
        if isinstance(n, list):
            for x in n:
                walk(x)
            return
        if not isinstance(n, dict):
            return
        k = n.get("k")
        if k in ("unary", "binary"):
            op = n["op"].lower().replace("!in", "not in")
            found.add("op:" + (n["neg"].strip().replace("!", "not") + " " if n.get("neg") else "") + op
                      if k == "unary" else "op:" + op)
            if n["not"]:
                found.add("clause-not")
            if n.get("msg"):
                found.add("message")
        elif k == "q":
            if n["some"]:
                found.add("some")
            found.add("head:" + n["head"]["k"])
        elif k in ("dot", "dotstar", "allidx", "idx", "bkey", "filter", "keys", "capture", "interp"):
            found.add("part:" + k + ("-neg" if k == "idx" and n["n"] < 0 else ""))
        elif k == "lit":
            found.add("lit:" + n["lk"])
        elif k in ("list", "map"):
            found.add("lit:" + k)
        elif k == "call":
            found.add("fn:" + n["fn"])
        elif k in ("block", "when", "typeblock", "ruleref", "pcall", "prule", "let", "bad"):
            found.add(k + ("-not" if k == "ruleref" and n["not"] else "")
                      + ("-nonempty" if k == "block" and n["nonempty"] else ""))
        elif k == "rule" and n.get("when"):
            found.add("rule-when")
        elif k == "disj" and len(n["alts"]) > 1:
            found.add("or")
        for key, val in n.items():
            if isinstance(val, (dict, list)):
                walk(val)

    walk(tree)
    return sorted(found)
