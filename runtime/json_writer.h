// A small JSON value tree and the two writers every structured report uses
// (spec/cli-and-reports.md §9.7): serde_json's pretty printer (two-space
// indent, minimal escaping, floats in ryu's shortest form) and serde_yaml
// 0.9's YAML over libyaml's emitter. Built by the report views in vm/report_*
// (file reports, and later SARIF and the test reports); nothing here knows
// about Guard.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/document.h"

namespace guard::json {

class Value {
 public:
  enum class Kind : uint8_t { Null, Bool, Int, Float, String, Array, Object };

  Value() = default;
  static Value null() { return Value(); }
  static Value boolean(bool b);
  static Value integer(int64_t i);
  static Value number(double d);
  static Value string(std::string s);
  static Value array();
  static Value object();
  // A string or null: the Option<String> fields of cfn-guard's reports.
  static Value optString(const std::string* s) { return s ? string(*s) : null(); }

  // Arrays: append. Objects: append a member (keys keep insertion order).
  Value& push(Value v);
  Value& set(std::string key, Value v);

  Kind kind() const { return kind_; }
  bool asBool() const { return b_; }
  int64_t asInt() const { return i_; }
  double asFloat() const { return f_; }
  const std::string& asString() const { return s_; }
  const std::vector<Value>& items() const { return items_; }
  const std::vector<std::pair<std::string, Value>>& members() const { return members_; }

 private:
  Kind kind_ = Kind::Null;
  bool b_ = false;
  int64_t i_ = 0;
  double f_ = 0;
  std::string s_;
  std::vector<Value> items_;
  std::vector<std::pair<std::string, Value>> members_;
};

// A data or literal node as serde_json would see it after cfn-guard's
// conversion: maps keep document order, regexes become "/re/", ranges their
// text, chars a one-character string, non-finite floats null.
Value fromNode(const Node* n);

// serde_json::to_writer_pretty: no final newline.
void writePretty(std::string& out, const Value& v);
// The same for a value nested `level` levels deep in a document written by
// hand around it (its inner lines indented to match; the first line is not).
void writePretty(std::string& out, const Value& v, int level);
// serde_json::to_string: compact, no spaces.
void writeCompact(std::string& out, const Value& v);
// serde_yaml 0.9 to_string: block style, no "---", ends with a newline.
// Returns false only if libyaml reports an error (never for these trees).
bool writeYaml(std::string& out, const Value& v);

// writeYaml's output as a stream of values and containers, for a document
// too big to build as one tree (a report that grows with the square of its
// template): begin(), then the document's content, then end(). writeYaml(v)
// is begin(), value(v), end(). Every call returns false once libyaml failed.
class YamlWriter {
 public:
  explicit YamlWriter(std::string& out);
  ~YamlWriter();
  YamlWriter(const YamlWriter&) = delete;
  YamlWriter& operator=(const YamlWriter&) = delete;
  bool begin();
  bool end();  // also flushes libyaml's buffer into `out`
  bool value(const Value& v);
  bool key(std::string_view k);  // a map key, styled as writeYaml styles keys
  bool beginMap();
  bool endMap();
  bool beginSeq();
  bool endSeq();
  bool flush();  // libyaml's buffered text into `out` (between parts of a document)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ryu's shortest round-trip form as serde_json and serde_yaml print an f64:
// "1.0", "0.1", "1e20", "1.5e-7" (no "+" in exponents).
std::string formatFloat(double d);

}  // namespace guard::json
