// Software prefetch of the data values a query is about to visit. Called by
// the VM (vm/interp.cpp) in its loops over result sets: the filter, type
// selection, key step and block loops.
//
// Why: rules select a few resources of each type out of tens of thousands;
// at 50,000 resources each selected resource's nodes are DRAM misses, and
// following parent -> entries -> child one pointer at a time serialises them
// (~1 us per resource, most of it waiting). Warming the next values a few
// iterations ahead, one pointer level per stage, overlaps those misses.
// Prefetches have no effect on results; a wrong guess costs bandwidth only.
//
// Layout facts used (the loaders' makeMap/makeList, runtime/*_loader.cpp):
// a map's entries array is allocated right after its node, so the lines after
// a node hold its first entries.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "runtime/document.h"
#include "runtime/query_result.h"

namespace guard {

namespace prefetch_detail {

inline constexpr uint32_t kMaxChildren = 8;       // per map or list
inline constexpr uint32_t kMaxGrandchildren = 8;  // per child map or list

// GCC deletes a loop whose body only calls __builtin_prefetch (the loop has
// no side effects, and C++ loops may be assumed to finish), so on x86 the
// instruction is written as volatile assembly.
inline void line(const void* p) {
#if defined(__x86_64__) || defined(__i386__)
  if (p) asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p, 0, 3);
#endif
}

// The node and the lines that follow it (a map's first entries).
inline void node(const Node* n) {
  if (!n) return;
  const char* p = reinterpret_cast<const char*>(n);
  line(p);
  line(p + 64);
  line(p + 128);
}

// n's children's nodes (and, through `node`, their first entries); for a
// map, the rest of the entries array as far as the children we warm.
inline void children(const Node* n) {
  if (!n) return;
  if (n->kind == NodeKind::Map) {
    const uint32_t k = std::min(n->map.size, kMaxChildren);
    const char* e = reinterpret_cast<const char*>(n->map.entries);
    for (uint32_t off = 128; off < k * sizeof(MapEntry); off += 64) line(e + off);
    for (uint32_t i = 0; i < k; ++i) node(n->map.entries[i].value);
  } else if (n->kind == NodeKind::List) {
    const uint32_t k = std::min(n->list.size, kMaxChildren);
    for (uint32_t i = 0; i < k; ++i) node(n->list.items[i]);
  }
}

// One level further: the children of n's container children, and the text
// of its string children (a `Type` compared with a literal).
inline void grandchildren(const Node* n) {
  auto visit = [](const Node* c) {
    if (c->kind == NodeKind::String) {
      line(c->str.data);
    } else if (c->kind == NodeKind::Map) {
      const uint32_t k = std::min(c->map.size, kMaxGrandchildren);
      for (uint32_t i = 0; i < k; ++i) line(c->map.entries[i].value);
    } else if (c->kind == NodeKind::List) {
      const uint32_t k = std::min(c->list.size, kMaxGrandchildren);
      for (uint32_t i = 0; i < k; ++i) line(c->list.items[i]);
    }
  };
  if (!n) return;
  if (n->kind == NodeKind::Map) {
    const uint32_t k = std::min(n->map.size, kMaxChildren);
    for (uint32_t i = 0; i < k; ++i) visit(n->map.entries[i].value);
  } else if (n->kind == NodeKind::List) {
    const uint32_t k = std::min(n->list.size, kMaxChildren);
    for (uint32_t i = 0; i < k; ++i) visit(n->list.items[i]);
  }
}

}  // namespace prefetch_detail

// How far ahead each stage works, in values: far enough that a stage's lines
// have arrived when the next stage reads them (a selected resource costs
// ~0.3-1 us of evaluation), near enough that they are still in L1/L2.
// Measured on the W2 benchmark: 12/8/4 and 6/4/2 were within noise.
inline constexpr size_t kNodeAhead = 12, kChildrenAhead = 8, kGrandchildrenAhead = 4;

// Call at the top of iteration i of a loop over values[0, n): warms the node
// of value i+kNodeAhead, the children of i+kChildrenAhead and the
// grandchildren of i+kGrandchildrenAhead, so that each stage reads only lines
// an earlier stage asked for. Short sets are left alone.
inline void prefetchAhead(const QValue* values, size_t i, size_t n) {
  using namespace prefetch_detail;
  constexpr size_t kMinSet = 8;
  if (n < kMinSet) return;
  if (i == 0)  // the first values have no earlier iterations to warm them
    for (size_t j = 0; j < kNodeAhead && j < n; ++j) node(values[j].node);
  if (i + kNodeAhead < n) node(values[i + kNodeAhead].node);
  if (i + kChildrenAhead < n) children(values[i + kChildrenAhead].node);
  if (i + kGrandchildrenAhead < n) grandchildren(values[i + kGrandchildrenAhead].node);
}

}  // namespace guard
