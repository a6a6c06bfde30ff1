// A small JSON value tree and the two writers every structured report uses
// (spec/cli-and-reports.md §9.7): serde_json's pretty printer (two-space
// indent, minimal escaping, floats in ryu's shortest form) and serde_yaml
// 0.9's YAML over libyaml's emitter. Built by the report views in report/*
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

// A JSON-shaped value as a stream of events, for text written without
// building a tree (a report can grow with the square of its template). A
// report describes its shape once, against Events; PrettyWriter turns the
// events into writePretty's text, YamlWriter into writeYaml's, TreeWriter
// into a Value.
class Events {
 public:
  virtual ~Events() = default;
  virtual void beginObject() = 0;
  virtual void endObject() = 0;
  virtual void beginArray() = 0;
  virtual void endArray() = 0;
  virtual void key(std::string_view k) = 0;  // in an object, before each member
  virtual void null() = 0;
  virtual void boolean(bool b) = 0;
  virtual void integer(int64_t i) = 0;
  virtual void number(double d) = 0;  // non-finite: null, as Value::number
  virtual void string(std::string_view s) = 0;

  void value(const Value& v);  // v's events
  void node(const Node* n);    // fromNode(n)'s events, without building it
};

// serde_json::to_writer_pretty's text, event by event. `level`: how deep the
// value sits in a document written by hand around it (its inner lines are
// indented to match; its first line is not).
class PrettyWriter final : public Events {
 public:
  explicit PrettyWriter(std::string& out, int level = 0) : out_(out), base_(level) {}
  void beginObject() override { open('{'); }
  void endObject() override { close('}'); }
  void beginArray() override { open('['); }
  void endArray() override { close(']'); }
  void key(std::string_view k) override;
  void null() override;
  void boolean(bool b) override;
  void integer(int64_t i) override;
  void number(double d) override;
  void string(std::string_view s) override;

 private:
  void beforeValue();  // the separator and indentation an array item needs
  void open(char bracket);
  void close(char bracket);

  std::string& out_;
  int base_;
  std::vector<bool> empty_;  // per open container: nothing written in it yet
  bool afterKey_ = false;
};

// Builds the Value the events describe.
class TreeWriter final : public Events {
 public:
  void beginObject() override { open(Value::object()); }
  void endObject() override { stack_.pop_back(); }
  void beginArray() override { open(Value::array()); }
  void endArray() override { stack_.pop_back(); }
  void key(std::string_view k) override { key_ = std::string(k); }
  void null() override { put(Value::null()); }
  void boolean(bool b) override { put(Value::boolean(b)); }
  void integer(int64_t i) override { put(Value::integer(i)); }
  void number(double d) override { put(Value::number(d)); }
  void string(std::string_view s) override { put(Value::string(std::string(s))); }
  Value take() { return std::move(root_); }

 private:
  Value& put(Value v);
  void open(Value v) { stack_.push_back(&put(std::move(v))); }

  Value root_;
  // The open containers, each inside the one before: a parent does not grow
  // while its child is open, so the pointers stay valid.
  std::vector<Value*> stack_;
  std::string key_;
};

// serde_json::to_writer_pretty: no final newline.
void writePretty(std::string& out, const Value& v);
// The same for a value nested `level` levels deep in a document written by
// hand around it (its inner lines indented to match; the first line is not).
void writePretty(std::string& out, const Value& v, int level);
// serde_json::to_string: compact, no spaces.
void writeCompact(std::string& out, const Value& v);
// serde_yaml 0.9 to_string: block style, no "---", ends with a newline.
// Returns false only if libyaml reports an error (a string that is not UTF-8).
bool writeYaml(std::string& out, const Value& v);

// writeYaml's output event by event: begin(), the document's events, end().
// writeYaml(v) is begin(), value(v), end(). Once libyaml fails, later events
// are ignored and ok(), flush() and end() return false.
class YamlWriter final : public Events {
 public:
  explicit YamlWriter(std::string& out);
  ~YamlWriter() override;
  YamlWriter(const YamlWriter&) = delete;
  YamlWriter& operator=(const YamlWriter&) = delete;
  bool begin();
  bool end();    // also flushes libyaml's buffer into `out`
  bool flush();  // libyaml's buffered text into `out` (between parts of a document)
  bool ok() const;
  void beginObject() override;
  void endObject() override;
  void beginArray() override;
  void endArray() override;
  void key(std::string_view k) override;  // styled as writeYaml styles keys
  void null() override;
  void boolean(bool b) override;
  void integer(int64_t i) override;
  void number(double d) override;
  void string(std::string_view s) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ryu's shortest round-trip form as serde_json and serde_yaml print an f64:
// "1.0", "0.1", "1e20", "1.5e-7" (no "+" in exponents).
std::string formatFloat(double d);

}  // namespace guard::json
