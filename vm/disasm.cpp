// The pack listing (see disasm.h). Layout:
//
//   file 0 'a.guard'  rules 2  scope f0
//   function f0 'file a.guard'  file-scope  regs 0  status 0  slots 1
//     slot s0 %buckets  init f1
//   rule 0 'default'  default  line 0  body f2
//   function f2 'rule default'  cnf  regs 2  status 1  slots 0
//     ; 3: Resources.*.Properties.BucketName exists
//        0  Q_ROOT            r0
//        1  Q_KEY             r0, .Resources
//        ...
//
// Functions are listed under the file or rule that owns them, each followed by
// the functions it starts (block bodies, filters, let initialisers), in order
// of first use. Operands are printed by their OperandKind from
// vm/opcodes.def; the comment after `;` explains what an index refers to.
#include "vm/disasm.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <unordered_map>

namespace guard::vm {
namespace {

// Long literals and texts are cut here in listings.
constexpr size_t kLiteralWidth = 60;
constexpr size_t kTextWidth = 200;
constexpr int kOperandWidth = 28;
// How far the listing follows owners and frames to name a variable (a verified
// program nests far less; the bound keeps listings of hostile programs linear).
constexpr uint32_t kMaxWalk = 64;

// ---------------------------------------------------------------- values

void appendQuoted(std::string& out, std::string_view s, char quote = '"') {
  out.push_back(quote);
  for (unsigned char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == '\\' || c == uint8_t(quote)) { out.push_back('\\'); out.push_back(char(c)); }
    else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else out.push_back(char(c));
  }
  out.push_back(quote);
}

std::string clip(std::string_view s) {
  if (s.size() <= kTextWidth) return std::string(s);
  return std::string(s.substr(0, kTextWidth)) + "...";
}

std::string quoted(std::string_view s) {
  std::string out;
  appendQuoted(out, s);
  return out;
}

void appendFloat(std::string& out, double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, r.ptr);
}

void appendChar(std::string& out, uint32_t ch) {
  if (ch >= 0x20 && ch < 0x7F) {
    out.push_back(char(ch));
    return;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", ch);
  out += buf;
}

template <class T, class F> void appendRange(std::string& out, const Node* n, T lo, T hi, F bound) {
  out += (n->flags & kLowerInclusive) ? "r[" : "r(";
  bound(out, lo);
  out.push_back(',');
  bound(out, hi);
  out.push_back((n->flags & kUpperInclusive) ? ']' : ')');
}

// Compact literal text; stops adding once `out` passes `limit` bytes.
void appendLiteral(std::string& out, const Node* n, size_t limit, uint32_t depth = 0) {
  if (out.size() > limit) return;
  if (!n || depth > 64) {
    out += "...";
    return;
  }
  switch (n->kind) {
    case NodeKind::Null: out += "null"; return;
    case NodeKind::Bool: out += n->b ? "true" : "false"; return;
    case NodeKind::Int: out += std::to_string(n->i); return;
    case NodeKind::Float: appendFloat(out, n->f); return;
    case NodeKind::String: appendQuoted(out, n->text().substr(0, limit)); return;
    case NodeKind::Regex: out += "/" + std::string(n->text().substr(0, limit)) + "/"; return;
    case NodeKind::Char: out.push_back('\''); appendChar(out, n->ch); out.push_back('\''); return;
    case NodeKind::RangeInt:
      return appendRange(out, n, n->irange.lo, n->irange.hi,
                         [](std::string& o, int64_t v) { o += std::to_string(v); });
    case NodeKind::RangeFloat:
      return appendRange(out, n, n->frange.lo, n->frange.hi, appendFloat);
    case NodeKind::RangeChar:
      return appendRange(out, n, n->crange.lo, n->crange.hi, appendChar);
    case NodeKind::List:
      out.push_back('[');
      for (uint32_t i = 0; i < n->list.size && out.size() <= limit; ++i) {
        if (i) out += ", ";
        appendLiteral(out, n->list.items[i], limit, depth + 1);
      }
      out.push_back(']');
      return;
    case NodeKind::Map:
      out.push_back('{');
      for (uint32_t i = 0; i < n->map.size && out.size() <= limit; ++i) {
        if (i) out += ", ";
        appendQuoted(out, n->map.entries[i].keyText().substr(0, limit));
        out += ": ";
        appendLiteral(out, n->map.entries[i].value, limit, depth + 1);
      }
      out.push_back('}');
      return;
  }
  out += "?";
}

std::string literalText(const Node* n) {
  std::string out;
  appendLiteral(out, n, kLiteralWidth);
  if (out.size() > kLiteralWidth) out = out.substr(0, kLiteralWidth) + "...";
  return out;
}

const char* cmpOpText(CmpOp op) { return cmpOpInfo(op).spelling; }

const char* funcKindText(FuncKind k) {
  switch (k) {
    case FuncKind::Cnf: return "cnf";
    case FuncKind::Set: return "set";
    case FuncKind::FileScope: return "file-scope";
  }
  return "?";
}

const char* ruleKindText(RuleKind k) {
  switch (k) {
    case RuleKind::Default: return "default";
    case RuleKind::Named: return "named";
    case RuleKind::Parameterized: return "parameterized";
  }
  return "?";
}

bool isIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(uint8_t(c)) || c == '_')) return false;
  return true;
}

// ---------------------------------------------------------------- the listing

class Lister {
 public:
  explicit Lister(const Program& p) : p_(p), owner_(p.functions.size(), kNone),
                                       listed_(p.functions.size(), false) {
    findOwners();
    findFrames();
  }

  std::string run() {
    summary();
    std::vector<bool> ruleListed(p_.rules.size(), false);
    for (uint32_t fi = 0; fi < p_.files.size(); ++fi) listFile(fi, ruleListed);
    for (uint32_t r = 0; r < p_.rules.size(); ++r)
      if (!ruleListed[r]) listRule(r);
    bool header = false;
    for (uint32_t f = 0; f < p_.functions.size(); ++f) {
      if (listed_[f]) continue;
      if (!header) out_ += "\n; functions no rule starts\n";
      header = true;
      listTree(f);
    }
    return std::move(out_);
  }

 private:
  const Program& p_;
  std::vector<uint32_t> owner_;  // the function that first starts each function
  std::vector<uint32_t> frame_;  // the function whose frame each function runs in
  // Per rules file: the byte offset of each source line, computed on first use.
  std::unordered_map<uint32_t, std::vector<size_t>> lineStarts_;
  std::vector<bool> listed_;
  std::string out_;

  // ---- safe lookups: an out-of-range index prints as ?N instead of crashing

  // String `id` as listed: long texts are cut (a listing stays readable, and
  // proportional to the program even when one huge string is referenced often).
  std::string str(uint32_t id) const {
    if (id == kNone) return "-";
    return id < p_.strings.size() ? clip(p_.strings[id]) : "?" + std::to_string(id);
  }
  std::string funcName(uint32_t f) const {
    if (f == kNone) return "-";
    if (f >= p_.functions.size()) return "?" + std::to_string(f);
    return "f" + std::to_string(f);
  }
  template <class T> static const T* get(const std::vector<T>& v, uint32_t i) {
    return i < v.size() ? &v[i] : nullptr;
  }

  // ---- ownership: who starts whom, for nesting the listing and naming variables

  std::vector<uint32_t> children(uint32_t f) const {
    std::vector<uint32_t> out;
    auto add = [&](uint32_t g) {
      if (g < p_.functions.size() && g != f) out.push_back(g);
    };
    for (const Slot& s : p_.functions[f].slots) add(s.init);
    for (const Instr& in : p_.functions[f].code) {
      if (static_cast<unsigned>(in.op) >= kNumOps) continue;
      const OperandKind c = opInfo(in.op).c;
      if (c == OperandKind::Func) add(in.c);
      if (const BlockInfo* b = c == OperandKind::Block ? get(p_.blocks, in.c) : nullptr) add(b->body);
      if (const Part* pt = c == OperandKind::Part ? get(p_.parts, in.c) : nullptr) add(pt->func);
      if (isFusedSelect(in.op))
        if (const Part* pt = get(p_.parts, in.c + 1)) add(pt->func);  // the filter after the .*
    }
    return out;
  }

  void findOwners() {
    for (const RuleInfo& r : p_.rules) {
      const FileInfo* file = get(p_.files, r.file);
      for (uint32_t g : {r.when, r.body})
        if (file && g < owner_.size() && owner_[g] == kNone) owner_[g] = file->scope;
    }
    for (uint32_t f = 0; f < p_.functions.size(); ++f)
      for (uint32_t g : children(f))
        if (owner_[g] == kNone) owner_[g] = f;
  }

  // The function whose frame each function runs in: itself, unless it is a Set
  // function (then its owner's). Computed once; kNone when unknown.
  void findFrames() {
    frame_.assign(p_.functions.size(), kNone);
    for (uint32_t f = 0; f < p_.functions.size(); ++f) {
      uint32_t g = f;
      for (uint32_t steps = 0; g < p_.functions.size() && steps < kMaxWalk; ++steps) {
        if (p_.functions[g].kind != FuncKind::Set) {
          frame_[f] = g;
          break;
        }
        g = owner_[g];
      }
    }
  }

  // The name of variable `slot` in the frame `depth` levels up from `f`, if known.
  std::string varName(uint32_t f, uint32_t depth, uint32_t slot) const {
    uint32_t frame = frame_[f];
    if (depth > kMaxWalk) return {};
    for (uint32_t d = 0; d < depth && frame != kNone; ++d) {
      const uint32_t owner = owner_[frame];
      frame = owner < frame_.size() ? frame_[owner] : kNone;
    }
    if (frame == kNone) return {};
    const Slot* s = get(p_.functions[frame].slots, slot);
    return s ? "%" + str(s->name) : std::string();
  }

  // ---- headers

  void summary() {
    out_ += "; guardvm listing: " + std::to_string(p_.files.size()) + " files, " +
            std::to_string(p_.rules.size()) + " rules, " + std::to_string(p_.functions.size()) +
            " functions, " + std::to_string(p_.strings.size()) + " strings, " +
            std::to_string(p_.literals.size()) + " literals, " + std::to_string(p_.parts.size()) +
            " parts, " + std::to_string(p_.clauses.size()) + " clauses, " +
            std::to_string(p_.blocks.size()) + " blocks\n";
  }

  void listFile(uint32_t fi, std::vector<bool>& ruleListed) {
    const FileInfo& file = p_.files[fi];
    out_ += "\nfile " + std::to_string(fi) + " " + quoted(str(file.name)) + "  rules " +
            std::to_string(file.rules.size()) + "  scope " + funcName(file.scope) +
            (file.empty ? "  (empty)" : "") + "\n";
    if (file.scope < p_.functions.size()) listTree(file.scope);
    for (uint32_t r : file.rules) {
      if (r >= p_.rules.size() || ruleListed[r]) continue;
      ruleListed[r] = true;
      listRule(r);
    }
  }

  void listRule(uint32_t r) {
    const RuleInfo& rule = p_.rules[r];
    out_ += "\nrule " + std::to_string(r) + " " + quoted(str(rule.name)) + "  " +
            ruleKindText(rule.kind) + "  line " + std::to_string(rule.line);
    if (rule.numParams) out_ += "  params " + std::to_string(rule.numParams);
    out_ += "  when " + funcName(rule.when) + "  body " + funcName(rule.body) + "\n";
    for (uint32_t g : {rule.when, rule.body})
      if (g < p_.functions.size()) listTree(g);
  }

  // `f` and, depth first, every not yet listed function it starts (explicit stack:
  // the nesting comes from the pack).
  void listTree(uint32_t root) {
    std::vector<uint32_t> stack{root};
    while (!stack.empty()) {
      uint32_t f = stack.back();
      stack.pop_back();
      if (listed_[f]) continue;
      listed_[f] = true;
      listFunction(f);
      auto kids = children(f);
      for (auto it = kids.rbegin(); it != kids.rend(); ++it)
        if (!listed_[*it]) stack.push_back(*it);
    }
  }

  void listFunction(uint32_t fi) {
    const Function& f = p_.functions[fi];
    out_ += "function " + funcName(fi) + " " + quoted(str(f.name)) + "  " + funcKindText(f.kind) +
            "  regs " + std::to_string(f.numRegs) + "  status " + std::to_string(f.numStatus) +
            "  slots " + std::to_string(f.slots.size()) + "\n";
    for (size_t s = 0; s < f.slots.size(); ++s) {
      out_ += "  slot s" + std::to_string(s) + " %" + str(f.slots[s].name);
      if (f.slots[s].init != kNone) out_ += "  init " + funcName(f.slots[s].init);
      out_ += "\n";
    }
    uint32_t line = 0;
    for (uint32_t i = 0; i < f.code.size(); ++i) {
      uint32_t l = i < f.lines.size() ? f.lines[i] : 0;
      if (l != 0 && l != line) sourceLine(f, l);
      line = l;
      instruction(fi, i);
    }
  }

  void sourceLine(const Function& f, uint32_t line) {
    out_ += "  ; " + std::to_string(line) + ":";
    std::string_view text = sourceText(f.file, line);
    if (!text.empty()) out_ += " " + std::string(text);
    out_ += "\n";
  }

  // Line `n` (1-based) of the source of rules file `fi`, without its line break
  // and surrounding blanks; empty when unknown.
  std::string_view sourceText(uint32_t fi, uint32_t n) {
    const FileInfo* file = get(p_.files, fi);
    if (!file || file->source >= p_.strings.size()) return {};
    std::string_view src = p_.strings[file->source];
    auto [it, added] = lineStarts_.try_emplace(fi);
    if (added) {
      it->second.push_back(0);
      for (size_t i = 0; i < src.size(); ++i)
        if (src[i] == '\n') it->second.push_back(i + 1);
    }
    const std::vector<size_t>& starts = it->second;
    if (n == 0 || n > starts.size()) return {};
    const size_t start = starts[n - 1], end = n < starts.size() ? starts[n] : src.size();
    std::string_view l = src.substr(start, end - start);
    while (!l.empty() && std::isspace(uint8_t(l.back()))) l.remove_suffix(1);
    while (!l.empty() && std::isspace(uint8_t(l.front()))) l.remove_prefix(1);
    return l.substr(0, kTextWidth);
  }

  // ---- instructions

  void instruction(uint32_t fi, uint32_t i) {
    const Instr& in = p_.functions[fi].code[i];
    char head[48];
    if (static_cast<unsigned>(in.op) >= kNumOps) {
      std::snprintf(head, sizeof head, "  %4u  %-16s  ", i, "?");
      out_ += head + std::to_string(unsigned(in.op)) + "\n";
      return;
    }
    const OpInfo& info = opInfo(in.op);
    std::snprintf(head, sizeof head, "  %4u  %-16s  ", i, info.name);
    std::string operands, comment;
    operand(fi, in, info.a, in.a, operands, comment);
    operand(fi, in, info.b, in.b, operands, comment);
    operand(fi, in, info.c, in.c, operands, comment);
    // The stated depth-first split (Function::depthFirst): the rest of the
    // query, to that instruction, runs member by member.
    const Function& f = p_.functions[fi];
    if (i < f.depthFirst.size() && f.depthFirst[i])
      comment += (comment.empty() ? "" : "; ") + std::string("depth first to #") + std::to_string(f.depthFirst[i]);
    std::string line = head + operands;
    if (!comment.empty()) {
      line.resize(std::max(line.size(), size_t(26 + kOperandWidth)), ' ');
      line += "  ; " + comment;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out_ += line + "\n";
  }

  void operand(uint32_t fi, const Instr& in, OperandKind kind, uint32_t v, std::string& text,
               std::string& comment) {
    if (kind == OperandKind::None) return;
    std::string note;
    std::string t = operandText(fi, in, kind, v, note);
    if (!text.empty()) text += ", ";
    text += t;
    if (note.empty()) return;
    if (!comment.empty()) comment += "; ";
    comment += note;
  }

  std::string operandText(uint32_t fi, const Instr& in, OperandKind kind, uint32_t v,
                          std::string& note) {
    auto idx = [&](const char* prefix) { return prefix + std::to_string(v); };
    switch (kind) {
      case OperandKind::None: return {};
      case OperandKind::Reg: return idx("r");
      case OperandKind::Status: return idx("t");
      case OperandKind::Depth: return idx("up");
      case OperandKind::Slot: note = varName(fi, in.b, v); return idx("s");
      case OperandKind::Imm: return immText(in.op, v);
      case OperandKind::Literal:
        return v < p_.literals.size() ? literalText(p_.literals[v]) : idx("?literal ");
      case OperandKind::Part:
        // A fused `.*` + filter names both parts: `.*[filter f7]`.
        if (isFusedSelect(in.op))
          return partText(Op::Q_ALL_VALUES, v) +
                 partText(in.op == Op::Q_VALUES_OF_TYPE ? Op::Q_TYPE_SELECT : Op::Q_FILTER, v + 1);
        return partText(in.op, v);
      case OperandKind::Call: return callText(v, note);
      case OperandKind::Func:
        if (v < p_.functions.size()) note = str(p_.functions[v].name);
        return funcName(v);
      case OperandKind::Clause: return clauseText(v, note);
      case OperandKind::Block: return blockText(v, note);
      case OperandKind::RuleRef: return ruleRefText(v, note);
      case OperandKind::ParamCall: return paramCallText(v, note);
      case OperandKind::Target: return idx("#");
      case OperandKind::String: return v < p_.strings.size() ? quoted(str(v)) : idx("?string ");
    }
    return "?";
  }

  static bool isFusedSelect(Op op) { return op == Op::Q_VALUES_FILTER || op == Op::Q_VALUES_OF_TYPE; }

  static std::string immText(Op op, uint32_t v) {
    if (op == Op::ST_SET && v <= 2) return statusName(Status(v));
    if ((op == Op::Q_FILTER || op == Op::Q_TYPE_SELECT) && v < kFilterModeCount) return kFilterModeNames[v];
    return std::to_string(v);
  }

  std::string partText(Op op, uint32_t v) const {
    const Part* pt = get(p_.parts, v);
    if (!pt) return "?part " + std::to_string(v);
    switch (pt->kind) {
      case PartKind::Key: {
        std::string k = str(pt->key);
        return isIdentifier(k) ? "." + k : "[" + quoted(k) + "]";
      }
      case PartKind::Index: return "[" + std::to_string(pt->index) + "]";
      case PartKind::AllValues: return ".*";
      case PartKind::AllIndices: return "[*]";
      case PartKind::Filter:
        if (op == Op::Q_TYPE_SELECT) return "[Type == " + quoted(str(pt->key)) + "]";
        return "[filter " + funcName(pt->func) + "]";
      case PartKind::KeysFilter: {
        std::string rhs = pt->func != kNone ? funcName(pt->func)
                          : pt->literal < p_.literals.size() ? literalText(p_.literals[pt->literal])
                                                             : "-";
        return std::string("[keys ") + (pt->keysNegated ? "not " : "") + cmpOpText(pt->keysOp) +
               " " + rhs + "]";
      }
      case PartKind::KeyCapture: case PartKind::Interpolate: case PartKind::This:
      case PartKind::Variable:
        return queryPartText(*pt);
    }
    return "?part " + std::to_string(v);
  }

  // The part as written in its query (captures and interpolations name variables).
  std::string queryPartText(const Part& pt) const {
    const QueryText* q = get(p_.queries, pt.query);
    if (q && pt.position < q->parts.size()) return str(q->parts[pt.position]);
    return pt.kind == PartKind::KeyCapture ? "[capture]" : ".%?";
  }

  std::string callText(uint32_t v, std::string& note) const {
    const CallInfo* c = get(p_.calls, v);
    if (!c) return "?call " + std::to_string(v);
    if (c->builtin < 0) note = "not a built-in function";
    return str(c->name) + "/" + std::to_string(c->numArgs);
  }

  std::string clauseText(uint32_t v, std::string& note) const {
    const ClauseInfo* c = get(p_.clauses, v);
    if (!c) return "?clause " + std::to_string(v);
    if (c->message != kNone) note = "<<" + str(c->message) + ">>";
    return c->context != kNone ? quoted(str(c->context)) : "c" + std::to_string(v);
  }

  std::string blockText(uint32_t v, std::string& note) const {
    const BlockInfo* b = get(p_.blocks, v);
    if (!b) return "?block " + std::to_string(v);
    note = "body " + funcName(b->body);
    if (b->context != kNone) note += " over " + quoted(str(b->context));
    if (b->typeName != kNone) note += " type " + str(b->typeName);
    if (b->some) note += ", some";
    if (b->notEmpty) note += ", !empty";
    return "b" + std::to_string(v);
  }

  std::string ruleRefText(uint32_t v, std::string& note) const {
    const RuleRefInfo* r = get(p_.ruleRefs, v);
    if (!r) return "?ruleref " + std::to_string(v);
    if (r->message != kNone) note = "<<" + str(r->message) + ">>";
    return (r->negated ? "not " : "") + str(r->name);
  }

  std::string paramCallText(uint32_t v, std::string& note) const {
    const ParamCallInfo* c = get(p_.paramCalls, v);
    if (!c) return "?paramcall " + std::to_string(v);
    if (c->message != kNone) note = "<<" + str(c->message) + ">>";
    return str(c->name) + "/" + std::to_string(c->numArgs);
  }
};

}  // namespace

std::string disassemble(const Program& program) { return Lister(program).run(); }

}  // namespace guard::vm
