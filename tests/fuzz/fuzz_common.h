// Helpers shared by the libFuzzer targets of tests/fuzz/ (built only when
// GUARD_FUZZ=ON, by tools/fuzz.sh). Each target includes this file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/document.h"
#include "runtime/loader.h"
#include "vm/interp.h"
#include "vm/program.h"

namespace guard::fuzz {

inline std::string_view asText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Inputs above this size only slow the fuzzer down without reaching new code
// (libFuzzer's -max_len in tools/fuzz.sh keeps them smaller anyway).
inline constexpr size_t kMaxInput = 64 * 1024;

// A broken invariant that is not a memory error: abort so libFuzzer saves the input.
[[noreturn]] inline void invariantBroken(const char* what) {
  __builtin_trap();
  (void)what;
}

// The fixed document the pack target evaluates packs over: a small
// CloudFormation-like template with the value types Guard rules look at.
inline const Document& fixedDocument() {
  static std::unique_ptr<Document> doc = [] {
    auto loaded = loadDocument(
        R"(Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: logs
      Tags: [{Key: env, Value: prod}, {Key: n, Value: 3}]
      Versioning: {Status: Enabled}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          User: root
          Privileged: true
          Memory: 512
          Ratio: 1.5
          Env: ~
Parameters:
  Env: {Type: String, Default: dev}
)",
        "fixed.yaml");
    if (!loaded) std::abort();
    return std::move(loaded.value());
  }();
  return *doc;
}

// Evaluates every rules file of `program` over `doc`; errors are fine, crashes are not.
inline void evaluateAll(const vm::Program& program, const Document& doc) {
  for (uint32_t f = 0; f < program.files.size(); ++f) (void)vm::evaluateFile(program, f, doc);
}

}  // namespace guard::fuzz
