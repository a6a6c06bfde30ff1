// `guardvm parse-tree`: parses one rules file (or stdin) and prints its AST
// as cfn-guard 3.1.1's serde output of RulesFile, in YAML (default) or pretty
// JSON (spec/cli-and-reports.md §11.1; goldens p01-p07). Called by
// tools/guardvm.cpp through runParseTree (commands.h).
#include <fstream>

#include "compiler/parser.h"
#include "runtime/json_writer.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/args.h"
#include "tools/cli/command_line.h"
#include "tools/cli/help.h"
#include "report/model.h"

namespace guard::cli {
namespace {

using json::Value;

Value str(std::string s) { return Value::string(std::move(s)); }

// Rust's Display of an f64 (ranges print their bounds this way): 2.0 -> "2".
std::string rustFloat(double d) {
  std::string s = json::formatFloat(d);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string utf8(uint32_t cp) {
  std::string o;
  if (cp < 0x80) {
    o += static_cast<char>(cp);
  } else if (cp < 0x800) {
    o += static_cast<char>(0xC0 | (cp >> 6));
    o += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    o += static_cast<char>(0xE0 | (cp >> 12));
    o += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    o += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    o += static_cast<char>(0xF0 | (cp >> 18));
    o += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    o += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    o += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return o;
}

std::string rangeText(const ast::Literal& l, const std::string& lo, const std::string& hi) {
  return (l.loInclusive ? "[" : "(") + lo + "," + hi + (l.hiInclusive ? "]" : ")");
}

// A literal as PathAwareValue serialises it: regexes "/re/", ranges their text.
Value literal(const ast::Literal& l) {
  switch (l.kind) {
    case ast::LitKind::Null: return Value::null();
    case ast::LitKind::Bool: return Value::boolean(l.b);
    case ast::LitKind::Int: return Value::integer(l.i);
    case ast::LitKind::Float: return Value::number(l.f);
    case ast::LitKind::String: return str(l.s);
    case ast::LitKind::Regex: return str("/" + l.s + "/");
    case ast::LitKind::Char: return str(utf8(l.ch));
    case ast::LitKind::RangeInt:
      return str(rangeText(l, std::to_string(l.loInt), std::to_string(l.hiInt)));
    case ast::LitKind::RangeFloat: return str(rangeText(l, rustFloat(l.loFloat), rustFloat(l.hiFloat)));
    case ast::LitKind::RangeChar: return str(rangeText(l, utf8(l.loChar), utf8(l.hiChar)));
    case ast::LitKind::List: {
      Value a = Value::array();
      for (const auto& i : l.items) a.push(literal(i));
      return a;
    }
    case ast::LitKind::Map: {
      Value o = Value::object();
      for (const auto& [k, v] : l.entries) o.set(k, literal(v));
      return o;
    }
  }
  return Value::null();
}

Value location(const ast::Span& s) {
  Value o = Value::object();
  o.set("line", Value::integer(s.begin.line));
  o.set("column", Value::integer(s.begin.column));
  return o;
}

Value tagged(const char* tag, Value v) {
  Value o = Value::object();
  o.set(tag, std::move(v));
  return o;
}

Value pair(Value a, Value b) {
  Value p = Value::array();
  p.push(std::move(a));
  p.push(std::move(b));
  return p;
}

Value comparator(ast::CmpOp op, bool negated) {
  return pair(str(vm::report::operatorName(op)), Value::boolean(negated));
}

Value optName(const std::string& n) { return n.empty() ? Value::null() : str(n); }

Value conjunctions(const ast::Conjunction& c, bool ruleLevel);
Value letValue(const ast::Expr& e);

// cfn-guard's parser puts `[*]` after a leading variable that has more parts
// (`%v.a` is %v[*].a), unless the next part already is `[*]` or `[name]`.
bool needsImpliedAllIndices(const std::vector<ast::QueryPart>& parts, size_t i) {
  if (parts[i].kind != ast::PartKind::Variable || i + 1 >= parts.size()) return false;
  ast::PartKind next = parts[i + 1].kind;
  return next != ast::PartKind::AllIndices && next != ast::PartKind::KeyCapture;
}

Value queryParts(const std::vector<ast::QueryPart>& parts) {
  Value a = Value::array();
  for (size_t i = 0; i < parts.size(); ++i) {
    const ast::QueryPart& p = parts[i];
    switch (p.kind) {
      case ast::PartKind::This: a.push(str("This")); break;
      case ast::PartKind::Variable:
        a.push(tagged("Key", str("%" + p.name)));
        if (needsImpliedAllIndices(parts, i)) a.push(tagged("AllIndices", Value::null()));
        break;
      case ast::PartKind::Interpolate: a.push(tagged("Key", str("%" + p.name))); break;
      case ast::PartKind::Key: a.push(tagged("Key", str(p.name))); break;
      case ast::PartKind::Index: a.push(tagged("Index", Value::integer(p.index))); break;
      case ast::PartKind::AllValues: a.push(tagged("AllValues", Value::null())); break;
      case ast::PartKind::AllIndices: a.push(tagged("AllIndices", Value::null())); break;
      case ast::PartKind::KeyCapture: a.push(tagged("AllIndices", str(p.name))); break;
      case ast::PartKind::Filter:
        a.push(tagged("Filter", pair(optName(p.name), conjunctions(*p.filter, false))));
        break;
      case ast::PartKind::KeysFilter: {
        Value clause = Value::object();
        clause.set("comparator", comparator(p.keysOp, p.keysNegated));
        clause.set("compare_with", letValue(*p.keysRhs));
        a.push(tagged("MapKeyFilter", pair(optName(p.name), std::move(clause))));
        break;
      }
    }
  }
  return a;
}

Value accessQuery(const ast::Query& q) {
  Value o = Value::object();
  o.set("query", queryParts(q.parts));
  o.set("match_all", Value::boolean(!q.some));
  return o;
}

Value letValue(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::Literal: {
      Value v = Value::object();
      v.set("path", str(""));
      v.set("value", literal(e.literal));
      return tagged("Value", std::move(v));
    }
    case ast::ExprKind::Query: return tagged("AccessClause", accessQuery(e.query));
    case ast::ExprKind::Call: {
      Value f = Value::object();
      Value params = Value::array();
      for (const auto& a : e.args) params.push(letValue(a));
      f.set("parameters", std::move(params));
      f.set("name", str(e.callee));
      f.set("location", location(e.span));
      return tagged("FunctionCall", std::move(f));
    }
  }
  return Value::null();
}

Value lets(const std::vector<ast::LetStmt>& ls) {
  Value a = Value::array();
  for (const auto& l : ls) {
    Value o = Value::object();
    o.set("var", str(l.name));
    o.set("value", letValue(l.value));
    a.push(std::move(o));
  }
  return a;
}

Value block(const ast::Block& b, bool ruleLevel) {
  Value o = Value::object();
  o.set("assignments", lets(b.lets));
  o.set("conjunctions", conjunctions(b.body, ruleLevel));
  return o;
}

Value optMessage(const std::optional<std::string>& m) { return m ? str(*m) : Value::null(); }

Value namedRule(const ast::Clause& c) {
  Value o = Value::object();
  o.set("dependent_rule", str(c.name));
  o.set("negation", Value::boolean(c.negated));
  o.set("custom_message", optMessage(c.message));
  o.set("location", location(c.span));
  return o;
}

// The query cfn-guard synthesises for a type block: Resources.*[ Type == 'T' ].
Value typeBlockQuery(const ast::Clause& c) {
  Value typeQuery = Value::object();
  Value parts = Value::array();
  parts.push(tagged("Key", str("Type")));
  typeQuery.set("query", std::move(parts));
  typeQuery.set("match_all", Value::boolean(true));
  Value access = Value::object();
  access.set("query", std::move(typeQuery));
  access.set("comparator", comparator(ast::CmpOp::Eq, false));
  Value lit = Value::object();
  lit.set("path", str(""));
  lit.set("value", str(c.name));
  access.set("compare_with", tagged("Value", std::move(lit)));
  access.set("custom_message", Value::null());
  access.set("location", location(c.span));
  Value guard = Value::object();
  guard.set("access_clause", std::move(access));
  guard.set("negation", Value::boolean(false));
  Value disj = Value::array();
  disj.push(tagged("Clause", std::move(guard)));
  Value conj = Value::array();
  conj.push(std::move(disj));
  Value q = Value::array();
  q.push(tagged("Key", str("Resources")));
  q.push(tagged("AllValues", Value::null()));
  q.push(tagged("Filter", pair(Value::null(), std::move(conj))));
  return q;
}

Value optConditions(const std::shared_ptr<ast::Conjunction>& c) {
  return c ? conjunctions(*c, false) : Value::null();
}

// A clause as GuardClause (ruleLevel = false) or RuleClause serialises it.
Value clause(const ast::Clause& c, bool ruleLevel) {
  switch (c.kind) {
    case ast::ClauseKind::When: {  // a when body holds guard clauses at any level
      Value w = pair(conjunctions(*c.conditions, false), block(*c.body, false));
      return tagged("WhenBlock", std::move(w));
    }
    case ast::ClauseKind::TypeBlock: {
      Value t = Value::object();
      t.set("type_name", str(c.name));
      t.set("conditions", optConditions(c.conditions));
      t.set("block", block(*c.body, false));
      t.set("query", typeBlockQuery(c));
      return tagged("TypeBlock", std::move(t));
    }
    default: break;
  }
  Value g;
  switch (c.kind) {
    case ast::ClauseKind::Access: {
      Value access = Value::object();
      access.set("query", accessQuery(c.query));
      access.set("comparator", comparator(c.op, c.opNegated));
      access.set("compare_with", c.rhs ? letValue(*c.rhs) : Value::null());
      access.set("custom_message", optMessage(c.message));
      access.set("location", location(c.span));
      Value o = Value::object();
      o.set("access_clause", std::move(access));
      o.set("negation", Value::boolean(c.negated));
      g = tagged("Clause", std::move(o));
      break;
    }
    case ast::ClauseKind::RuleRef: g = tagged("NamedRule", namedRule(c)); break;
    case ast::ClauseKind::ParamCall: {
      Value o = Value::object();
      Value params = Value::array();
      for (const auto& a : c.args) params.push(letValue(a));
      o.set("parameters", std::move(params));
      o.set("named_rule", namedRule(c));
      g = tagged("ParameterizedNamedRule", std::move(o));
      break;
    }
    case ast::ClauseKind::Block: {
      Value o = Value::object();
      o.set("query", accessQuery(c.query));
      o.set("block", block(*c.body, false));
      o.set("location", location(c.span));
      o.set("not_empty", Value::boolean(c.notEmpty));
      g = tagged("BlockClause", std::move(o));
      break;
    }
    default: break;
  }
  return ruleLevel ? tagged("Clause", std::move(g)) : g;
}

Value conjunctions(const ast::Conjunction& c, bool ruleLevel) {
  Value a = Value::array();
  for (const auto& d : c.items) {
    Value ors = Value::array();
    for (const auto& cl : d) ors.push(clause(cl, ruleLevel));
    a.push(std::move(ors));
  }
  return a;
}

Value rule(const ast::Rule& r) {
  Value o = Value::object();
  o.set("rule_name", str(r.name));
  o.set("conditions", optConditions(r.when));
  o.set("block", block(r.body, true));
  return o;
}

// cfn-guard gathers the file-level clauses into a rule named `default`,
// listed before the named rules.
Value rulesFile(const ast::RulesFile& f) {
  if (f.empty) return Value::null();
  Value o = Value::object();
  o.set("assignments", lets(f.lets));
  Value guardRules = Value::array(), paramRules = Value::array();
  if (!f.defaultRule.items.empty()) {
    ast::Rule def;
    def.name = "default";
    def.body.body = f.defaultRule;
    guardRules.push(rule(def));
  }
  for (const auto& r : f.rules) {
    if (!r.parameterized) {
      guardRules.push(rule(r));
      continue;
    }
    Value p = Value::object();
    Value names = Value::array();
    for (const auto& n : r.params) names.push(str(n));
    p.set("parameter_names", std::move(names));
    p.set("rule", rule(r));
    paramRules.push(std::move(p));
  }
  o.set("guard_rules", std::move(guardRules));
  o.set("parameterized_rules", std::move(paramRules));
  return o;
}

struct ParseTreeOptions {
  std::string rules, output;
  bool printJson = false, printYaml = false;
};

int fail(const std::string& message) {
  err("Error occurred " + message + "\n");
  return kExitError;
}

}  // namespace

int runParseTree(std::vector<std::string> args) {
  const args::Parsed line = args::parse(parseTreeCommand(), args);
  if (int rc = settle(line, parseTreeHelp()); rc >= 0) return rc;
  ParseTreeOptions o;
  o.rules = line.matches.value("rules");
  o.output = line.matches.value("output");
  o.printJson = line.matches.has("print-json");
  o.printYaml = line.matches.has("print-yaml");

  std::string text;
  std::string readError;
  if (o.rules.empty()) {
    auto r = readStdin(kMaxRulesBytes);
    if (r.ok()) text = std::move(r.value());
    else readError = "I/O error when reading STDIN: " + r.error().message;
  } else {
    auto r = readFile(o.rules, kMaxRulesBytes);
    if (r.ok()) text = std::move(r.value());
    else readError = "I/O error when reading " + r.error().message;
  }
  if (readError.empty() && !isUtf8(text))
    readError = "I/O error when reading " + (o.rules.empty() ? std::string("STDIN") : o.rules) + ": " +
                notUtf8Where(text);
  // -o FILE is created (truncated) before anything can fail (§2.4), even a
  // read; but after the rules were read, in case it names the same file.
  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::trunc | std::ios::binary);
    if (!file && readError.empty()) return fail("I/O error when reading " + osErrorText(errno));
  }
  if (!readError.empty()) return fail(readError);
  auto parsed = parseRules(text, "");
  if (!parsed.ok())
    return fail("Parser Error when parsing `" + parseErrorMessage(parsed.error(), "", text, ParseContext::Omit) + "`");
  Value tree = rulesFile(parsed.value());
  std::string rendered;
  if (o.printJson) json::writePretty(rendered, tree);
  else if (!json::writeYaml(rendered, tree)) return fail("cannot write the parse tree as YAML");
  if (file.is_open()) file << rendered;
  else out(rendered);
  return kExitOk;
}

}  // namespace guard::cli
