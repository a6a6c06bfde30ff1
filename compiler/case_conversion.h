// The case conversions of a query key that cfn-guard 3.1.1 tries when the key
// is not found in a map (spec/guard-language.md §6.3): camelCase, ClassCase,
// kebab-case, PascalCase, snake_case, Title Case and Train-Case, in that
// order. The reference uses the Rust Inflector crate 0.11; these functions
// reproduce its word segmentation (digits, acronyms, all-caps words) and its
// singularisation of the last ClassCase word, quirks included. Called by the
// lowering of key parts (compiler/lower.cpp); the VM looks the alternatives
// up in this order (vm/interp.cpp, Machine::lookupKey).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guard {

// The seven conversions of `key`, always seven and in the reference's order
// (the VM remembers which one hit by its index); some may equal the key or
// each other, or be empty.
std::vector<std::string> caseConversions(std::string_view key);

std::string toCamelCase(std::string_view s);
std::string toClassCase(std::string_view s);
std::string toKebabCase(std::string_view s);
std::string toPascalCase(std::string_view s);
std::string toSnakeCase(std::string_view s);
std::string toTitleCase(std::string_view s);
std::string toTrainCase(std::string_view s);

// Inflector's to_singular as ClassCase applies it to a capitalised word
// ("Boxes" -> "Box", "Shoes" -> "Sh", "Databases" -> "basis").
std::string singularizeWord(std::string_view word);

}  // namespace guard
