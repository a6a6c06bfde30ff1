// Value comparisons of spec/guard-language.md §8.1–8.3: order (scalar
// ordering), eq (strict equality of ==, != and scalar IN) and same (the
// lenient equality of membership and set differences). Called by the VM's
// clause instructions (vm/interp.cpp) and the keys filter; eq is on the hot
// path, so nothing here allocates.
#include "runtime/compare.h"

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/regex.h"

#include <cstring>
#include <functional>

namespace guard {
namespace {

template <typename T>
Ord threeWay(T a, T b) {
  return a < b ? Ord::Less : b < a ? Ord::Greater : Ord::Equal;
}

template <typename T>
bool within(T v, T lo, T hi, uint8_t flags) {
  const bool aboveLo = (flags & kLowerInclusive) ? lo <= v : lo < v;
  const bool belowHi = (flags & kUpperInclusive) ? v <= hi : v < hi;
  return aboveLo && belowHi;
}

// Membership of a value in a range of its own type; nullopt when the pair is
// not (value, range) of matching types.
std::optional<bool> rangeMembership(const Node* v, const Node* r) {
  if (v->kind == NodeKind::Int && r->kind == NodeKind::RangeInt)
    return within(v->i, r->irange.lo, r->irange.hi, r->flags);
  if (v->kind == NodeKind::Float && r->kind == NodeKind::RangeFloat)
    return within(v->f, r->frange.lo, r->frange.hi, r->flags);
  if (v->kind == NodeKind::Char && r->kind == NodeKind::RangeChar)
    return within(v->ch, r->crange.lo, r->crange.hi, r->flags);
  return std::nullopt;
}

// A regex (pattern) searched in a string (subject), whichever side each is on.
// nullopt when the pair is not string/regex.
std::optional<Result<bool>> regexSearch(const Node* a, const Node* b) {
  const Node* re = nullptr;
  const Node* s = nullptr;
  if (a->kind == NodeKind::String && b->kind == NodeKind::Regex) {
    s = a;
    re = b;
  } else if (a->kind == NodeKind::Regex && b->kind == NodeKind::String) {
    re = a;
    s = b;
  } else {
    return std::nullopt;
  }
  if (!re->str.re)
    return Result<bool>(Error::plain(ErrorKind::Internal, "regex /" + std::string(re->text()) + "/ was not compiled"));
  return re->str.re->search(s->text());
}

// The entry of `map` with key `key`; `hint` is where it sits when both maps
// list their keys in the same order (the common case, checked first).
const Node* findKey(const Node* map, std::string_view key, uint32_t hint) {
  const uint32_t n = map->map.size;
  if (hint < n && map->map.entries[hint].keyText() == key) return map->map.entries[hint].value;
  for (uint32_t k = 0; k < n; ++k)
    if (map->map.entries[k].keyText() == key) return map->map.entries[k].value;
  return nullptr;
}

Cmp fromOrd(Ord o) {
  switch (o) {
    case Ord::Equal: return Cmp::True;
    case Ord::NotComparable: return Cmp::NotComparable;
    default: return Cmp::False;
  }
}

// 3.1.1 stops at the first pair that is not equal: an unequal pair makes the
// whole comparison false even if a later pair would not be comparable.
Cmp eqMaps(const Node* a, const Node* b) {
  if (a->map.size != b->map.size) return Cmp::False;
  for (uint32_t k = 0; k < a->map.size; ++k) {
    const MapEntry& e = a->map.entries[k];
    const Node* other = findKey(b, e.keyText(), k);
    if (!other) return Cmp::False;
    const Cmp c = eq(e.value, other);
    if (c != Cmp::True) return c;
  }
  return Cmp::True;
}

Cmp eqLists(const Node* a, const Node* b) {
  if (a->list.size != b->list.size) return Cmp::False;
  for (uint32_t k = 0; k < a->list.size; ++k) {
    const Cmp c = eq(a->list.items[k], b->list.items[k]);
    if (c != Cmp::True) return c;
  }
  return Cmp::True;
}

bool sameMaps(const Node* a, const Node* b) {
  if (a->map.size != b->map.size) return false;
  for (uint32_t k = 0; k < a->map.size; ++k) {
    const MapEntry& e = a->map.entries[k];
    const Node* other = findKey(b, e.keyText(), k);
    if (!other || !same(e.value, other)) return false;
  }
  return true;
}

bool sameLists(const Node* a, const Node* b) {
  if (a->list.size != b->list.size) return false;
  for (uint32_t k = 0; k < a->list.size; ++k)
    if (!same(a->list.items[k], b->list.items[k])) return false;
  return true;
}

}  // namespace

Ord order(const Node* a, const Node* b) {
  if (a->kind != b->kind) return Ord::NotComparable;
  switch (a->kind) {
    case NodeKind::Null: return Ord::Equal;
    case NodeKind::Int: return threeWay(a->i, b->i);
    case NodeKind::Float:
      if (std::isnan(a->f) || std::isnan(b->f)) return Ord::NotComparable;
      return threeWay(a->f, b->f);
    case NodeKind::String: {
      // string_view compares bytes as unsigned char, like Rust's str ordering.
      const int c = a->text().compare(b->text());
      return c < 0 ? Ord::Less : c > 0 ? Ord::Greater : Ord::Equal;
    }
    case NodeKind::Char: return threeWay(a->ch, b->ch);
    default: return Ord::NotComparable;
  }
}

Cmp eq(const Node* a, const Node* b) {
  if (auto m = regexSearch(a, b)) {
    if (!m->ok()) return Cmp::Error;
    return **m ? Cmp::True : Cmp::False;
  }
  if (a->kind == b->kind) {
    switch (a->kind) {
      case NodeKind::String: return a->text() == b->text() ? Cmp::True : Cmp::False;
      case NodeKind::Map: return eqMaps(a, b);
      case NodeKind::List: return eqLists(a, b);
      case NodeKind::Bool: return a->b == b->b ? Cmp::True : Cmp::False;
      case NodeKind::Regex: return a->text() == b->text() ? Cmp::True : Cmp::False;
      default: break;
    }
  }
  if (auto in = rangeMembership(a, b)) return *in ? Cmp::True : Cmp::False;
  return fromOrd(order(a, b));
}

bool same(const Node* a, const Node* b) {
  if (auto m = regexSearch(a, b)) return m->ok() && **m;
  if (a->kind == b->kind) {
    switch (a->kind) {
      case NodeKind::Map: return sameMaps(a, b);
      case NodeKind::List: return sameLists(a, b);
      case NodeKind::Bool: return a->b == b->b;
      case NodeKind::Regex: return a->text() == b->text();
      default: break;
    }
  }
  if (auto in = rangeMembership(a, b)) return *in;
  return order(a, b) == Ord::Equal;
}

bool memberOf(const Node* x, const Node* list) {
  if (list->kind != NodeKind::List) return false;
  for (uint32_t k = 0; k < list->list.size; ++k)
    if (same(list->list.items[k], x)) return true;
  return false;
}

namespace {

uint64_t mix(uint64_t h) {  // splitmix64's finaliser
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

uint64_t textHash(std::string_view s) { return std::hash<std::string_view>{}(s); }

bool eqHashAt(const Node* v, uint64_t& out, uint32_t depth) {
  constexpr uint32_t kMaxDepth = 1024;  // documents stop at 512 levels, literals earlier
  if (depth > kMaxDepth) return false;
  uint64_t h = uint64_t(v->kind) * 0x9e3779b97f4a7c15ULL;
  switch (v->kind) {
    case NodeKind::Null: break;
    case NodeKind::Bool: h ^= v->b ? 1 : 2; break;
    case NodeKind::Int: h ^= uint64_t(v->i); break;
    case NodeKind::Float: {
      double f = v->f == 0.0 ? 0.0 : v->f;  // -0.0 == 0.0
      uint64_t bits;
      std::memcpy(&bits, &f, sizeof bits);
      h ^= bits;
      break;
    }
    case NodeKind::String: h ^= textHash(v->text()); break;
    case NodeKind::List:
      h ^= v->list.size;
      for (uint32_t i = 0; i < v->list.size; ++i) {
        uint64_t e;
        if (!eqHashAt(v->list.items[i], e, depth + 1)) return false;
        h = mix(h) + e;
      }
      break;
    case NodeKind::Map: {
      uint64_t sum = v->map.size;
      for (uint32_t i = 0; i < v->map.size; ++i) {
        uint64_t e;
        if (!eqHashAt(v->map.entries[i].value, e, depth + 1)) return false;
        sum += mix(textHash(v->map.entries[i].keyText()) ^ mix(e));  // order-free
      }
      h ^= sum;
      break;
    }
    default: return false;  // regex, char, ranges
  }
  out = mix(h);
  return true;
}

}  // namespace

bool eqHash(const Node* v, uint64_t& out) { return eqHashAt(v, out, 0); }

}  // namespace guard
