// Semantic checks of a parsed rules file; see sema.h.
#include "compiler/sema.h"

#include <map>
#include <set>

#include "runtime/functions.h"

namespace guard {
namespace {

struct Reference {
  std::string name;
  bool call;  // parameterized call (else a plain named-rule reference)
  size_t args;
  ast::Span span;
};

// Collects rule references and function calls, walking the AST with an
// explicit stack (the parser bounds nesting, but we do not rely on it).
class Collector {
 public:
  std::vector<Reference> refs;
  std::vector<const ast::Expr*> calls;

  void conjunction(const ast::Conjunction& c) {
    for (const auto& d : c.items)
      for (const auto& clause : d) pending_.push_back(&clause);
    drain();
  }
  void lets(const std::vector<ast::LetStmt>& ls) {
    for (const auto& l : ls) expr(l.value);
  }

 private:
  void drain() {
    while (!pending_.empty()) {
      const ast::Clause* c = pending_.back();
      pending_.pop_back();
      clause(*c);
    }
  }
  void push(const ast::Conjunction* c) {
    if (!c) return;
    for (const auto& d : c->items)
      for (const auto& clause : d) pending_.push_back(&clause);
  }
  void block(const ast::Block* b) {
    if (!b) return;
    lets(b->lets);
    push(&b->body);
  }
  void query(const ast::Query& q) {
    for (const auto& p : q.parts) {
      if (p.filter) push(p.filter.get());
      if (p.keysRhs) expr(*p.keysRhs);
    }
  }
  void expr(const ast::Expr& e) {
    if (e.kind == ast::ExprKind::Query) query(e.query);
    if (e.kind == ast::ExprKind::Call) {
      calls.push_back(&e);
      for (const auto& a : e.args) expr(a);
    }
  }
  void clause(const ast::Clause& c) {
    switch (c.kind) {
      case ast::ClauseKind::RuleRef:
        refs.push_back({c.name, false, 0, c.span});
        break;
      case ast::ClauseKind::ParamCall:
        refs.push_back({c.name, true, c.args.size(), c.span});
        for (const auto& a : c.args) expr(a);
        break;
      default:
        query(c.query);
        if (c.rhs) expr(*c.rhs);
        push(c.conditions.get());
        block(c.body.get());
        break;
    }
  }
  std::vector<const ast::Clause*> pending_;
};

// A diagnostic at the start of `s`; warnings unless a kind says otherwise.
Error at(const std::string& path, const ast::Span& s, std::string message, ErrorKind kind = ErrorKind::RulesWarning) {
  return Error::at(kind, path, s.begin.line, s.begin.column, std::move(message), s.begin.offset);
}

}  // namespace

SemaResult checkRulesFile(const ast::RulesFile& file, const std::string& path) {
  SemaResult out;
  // Rules by name; several rules may share a name.
  std::map<std::string, std::vector<const ast::Rule*>> named, parameterized;
  for (const auto& r : file.rules) (r.parameterized ? parameterized : named)[r.name].push_back(&r);

  // References of each rule (by index in file.rules), and of the file level.
  std::vector<std::vector<Reference>> refsOf(file.rules.size());
  std::vector<const ast::Expr*> calls;
  auto collect = [&](auto&& fill) {
    Collector c;
    fill(c);
    calls.insert(calls.end(), c.calls.begin(), c.calls.end());
    return c.refs;
  };
  std::vector<Reference> fileRefs = collect([&](Collector& c) {
    c.lets(file.lets);
    c.conjunction(file.defaultRule);
  });
  for (size_t i = 0; i < file.rules.size(); ++i) {
    const ast::Rule& r = file.rules[i];
    refsOf[i] = collect([&](Collector& c) {
      if (r.when) c.conjunction(*r.when);
      c.lets(r.body.lets);
      c.conjunction(r.body.body);
    });
  }

  // Warnings: what 3.1.1 only reports when the clause is evaluated.
  auto checkRef = [&](const Reference& ref) {
    if (!ref.call) {
      if (!named.count(ref.name))
        out.warnings.push_back(at(path, ref.span, "no rule named `" + ref.name + "` in this file"));
      return;
    }
    auto it = parameterized.find(ref.name);
    if (it == parameterized.end()) {
      out.warnings.push_back(at(path, ref.span, "no parameterized rule named `" + ref.name + "` in this file"));
    } else if (it->second.front()->params.size() != ref.args) {
      out.warnings.push_back(at(path, ref.span,
                                "`" + ref.name + "` takes " + std::to_string(it->second.front()->params.size()) +
                                    " arguments, not " + std::to_string(ref.args)));
    }
  };
  for (const auto& ref : fileRefs) checkRef(ref);
  for (const auto& refs : refsOf)
    for (const auto& ref : refs) checkRef(ref);
  for (const ast::Expr* e : calls) {
    int id = builtinId(e->callee);
    if (id < 0)
      out.warnings.push_back(at(path, e->span, "unknown function `" + e->callee + "`"));
    else if (size_t(builtinArity(id)) != e->args.size())
      out.warnings.push_back(at(path, e->span,
                                "`" + e->callee + "` takes " + std::to_string(builtinArity(id)) +
                                    " arguments, not " + std::to_string(e->args.size())));
  }

  // Errors: a cycle of references. Edges go from a rule to every rule its
  // references can reach (all rules of the referenced name).
  std::map<const ast::Rule*, size_t> indexOf;
  for (size_t i = 0; i < file.rules.size(); ++i) indexOf[&file.rules[i]] = i;
  struct Edge {
    size_t to;
    const Reference* ref;
  };
  std::vector<std::vector<Edge>> edges(file.rules.size());
  for (size_t i = 0; i < file.rules.size(); ++i) {
    for (const Reference& ref : refsOf[i]) {
      auto& table = ref.call ? parameterized : named;
      auto it = table.find(ref.name);
      if (it == table.end()) continue;
      for (const ast::Rule* target : it->second) edges[i].push_back({indexOf[target], &ref});
    }
  }
  enum : uint8_t { White, Grey, Black };
  std::vector<uint8_t> colour(file.rules.size(), White);
  for (size_t root = 0; root < file.rules.size() && out.errors.empty(); ++root) {
    if (colour[root] != White) continue;
    std::vector<std::pair<size_t, size_t>> stack{{root, 0}};
    colour[root] = Grey;
    while (!stack.empty()) {
      auto [node, next] = stack.back();
      if (next == edges[node].size()) {
        colour[node] = Black;
        stack.pop_back();
        continue;
      }
      ++stack.back().second;
      const Edge& e = edges[node][next];
      if (colour[e.to] == Grey) {
        out.errors.push_back(at(path, e.ref->span,
                                "rule `" + file.rules[node].name + "` refers to `" + e.ref->name +
                                    "`, which leads back to it: a cycle of rule references",
                                ErrorKind::RulesSemantic));
        break;
      }
      if (colour[e.to] == White) {
        colour[e.to] = Grey;
        stack.push_back({e.to, 0});
      }
    }
  }
  return out;
}

}  // namespace guard
