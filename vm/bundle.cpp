// Rule bundle metadata (vm/bundle.h): the section 14 codec, and adding the
// section to / finding it in sealed pack bytes. Called by guardc
// (tools/guardc.cpp) and the bundle lookup of tools/cli/bundles.cpp.
//
// The section is edited on sealed bytes rather than written by writePack so
// that the program codec (vm/pack.cpp) stays what the pack fuzzers measured:
// adding a section only appends a table entry and the payload and reseals.
#include "vm/bundle.h"

#include <cctype>

#include <simdjson.h>

#include "vm/pack.h"

namespace guard::vm {
namespace {

// Header fields used here (docs/pack-format.md, "Header").
constexpr size_t kTotalLengthAt = 16, kSectionCountAt = 20, kChecksumAt = 24;

uint32_t loadU32(std::string_view b, size_t at) {
  return uint32_t(uint8_t(b[at])) | uint32_t(uint8_t(b[at + 1])) << 8 | uint32_t(uint8_t(b[at + 2])) << 16 |
         uint32_t(uint8_t(b[at + 3])) << 24;
}
uint16_t loadU16(std::string_view b, size_t at) { return uint16_t(uint8_t(b[at]) | uint8_t(b[at + 1]) << 8); }
void storeU32(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = char(v >> (8 * i));
}
void appendU32(std::string& b, uint32_t v) {
  b.resize(b.size() + 4);
  storeU32(b, b.size() - 4, v);
}
void appendU16(std::string& b, uint16_t v) {
  b += char(v & 0xff);
  b += char(v >> 8);
}

uint32_t sealedChecksum(std::string_view pack) {
  return crc32c(pack.substr(kChecksumAt + 4), crc32c(pack.substr(0, kChecksumAt)));
}

struct SectionEntry {
  uint16_t id, flags;
  uint32_t offset, length;
};

// The section table of a pack; checked again here (bounds only) although the
// callers pass bytes readPack accepted, so that misuse cannot read out of bounds.
Result<std::vector<SectionEntry>> sectionTable(std::string_view pack) {
  if (pack.size() < kPackHeaderSize)
    return Error::plain(ErrorKind::BundleFormat, "not a rule pack: shorter than its header");
  const uint32_t n = loadU32(pack, kSectionCountAt);
  if (n > kMaxSections || kPackHeaderSize + uint64_t(n) * kSectionEntrySize > pack.size())
    return Error::plain(ErrorKind::BundleFormat, "the section table does not fit in the pack");
  std::vector<SectionEntry> table;
  for (uint32_t i = 0; i < n; ++i) {
    const size_t at = kPackHeaderSize + size_t(i) * kSectionEntrySize;
    SectionEntry e{loadU16(pack, at), loadU16(pack, at + 2), loadU32(pack, at + 4), loadU32(pack, at + 8)};
    if (uint64_t(e.offset) + e.length > pack.size())
      return Error::plain(ErrorKind::BundleFormat, "a section lies outside the pack");
    table.push_back(e);
  }
  return table;
}

// ---------------------------------------------------------------- codec
// Payload: string name, string version, string description, string source,
// u32 file count, then per file: u32 count, count × string. A string is a
// u32 byte length and the bytes. Little-endian, as the rest of the pack.

void appendString(std::string& b, std::string_view s) {
  appendU32(b, uint32_t(s.size()));
  b.append(s);
}

std::string encode(const BundleInfo& info) {
  std::string b;
  for (const std::string* s : {&info.name, &info.version, &info.description, &info.source}) appendString(b, *s);
  appendU32(b, uint32_t(info.controls.size()));
  for (const auto& file : info.controls) {
    appendU32(b, uint32_t(file.size()));
    for (const auto& c : file) appendString(b, c);
  }
  return b;
}

bool printableAscii(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

bool validUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

Error infoError(std::string why) { return Error::plain(ErrorKind::BundleInfo, std::move(why)); }

// Why `info` cannot be written (or was read wrong), as a BundleInfo error.
Status0 checkInfo(const BundleInfo& info, uint32_t fileCount) {
  if (Status0 name = checkBundleName(info.name); !name.ok()) return name;
  if (info.version.size() > kMaxBundleVersionBytes || !printableAscii(info.version))
    return infoError("version '" + info.version.substr(0, 80) + "' is not printable ASCII of at most " +
                     std::to_string(kMaxBundleVersionBytes) + " bytes");
  if (info.description.size() > kMaxBundleTextBytes || !validUtf8(info.description))
    return infoError("the description is not UTF-8 of at most " + std::to_string(kMaxBundleTextBytes) + " bytes");
  if (info.source.size() > kMaxBundleTextBytes || !validUtf8(info.source))
    return infoError("the source is not UTF-8 of at most " + std::to_string(kMaxBundleTextBytes) + " bytes");
  if (info.controls.size() != fileCount)
    return infoError("controls are given for " + std::to_string(info.controls.size()) + " rules files, the pack has " +
                     std::to_string(fileCount));
  for (size_t f = 0; f < info.controls.size(); ++f) {
    if (info.controls[f].size() > kMaxControlsPerFile)
      return infoError("rules file " + std::to_string(f) + " has more than " + std::to_string(kMaxControlsPerFile) +
                       " controls");
    for (const auto& c : info.controls[f])
      if (c.empty() || c.size() > kMaxControlBytes || !validUtf8(c))
        return infoError("rules file " + std::to_string(f) + " has a control that is empty, not UTF-8 or over " +
                         std::to_string(kMaxControlBytes) + " bytes");
  }
  return okStatus();
}

// Bounds-checked reads of the payload; the first failure sticks.
class Decoder {
 public:
  explicit Decoder(std::string_view b) : b_(b) {}

  uint32_t u32() {
    if (!need(4)) return 0;
    uint32_t v = loadU32(b_, at_);
    at_ += 4;
    return v;
  }
  std::string string(size_t max) {
    uint32_t n = u32();
    if (n > max) fail("a string of " + std::to_string(n) + " bytes (at most " + std::to_string(max) + ")");
    if (!need(n)) return {};
    std::string s(b_.substr(at_, n));
    at_ += n;
    return s;
  }
  // A count of items each at least `minBytes` long, checked against what is left.
  uint32_t count(size_t minBytes, size_t max) {
    uint32_t n = u32();
    if (n > max || uint64_t(n) * minBytes > b_.size() - at_) {
      fail("a count of " + std::to_string(n) + " does not fit in the section");
      return 0;
    }
    return n;
  }
  void fail(std::string why) {
    if (error_.empty()) {
      error_ = "bundle section at byte " + std::to_string(at_) + ": " + std::move(why);
      errorAt_ = at_;
    }
    at_ = b_.size();
  }
  bool atEnd() const { return at_ == b_.size(); }
  bool ok() const { return error_.empty(); }
  // The first failure; its offset is the byte in the section's payload.
  Error error() const { return Error::at(ErrorKind::BundleFormat, {}, 0, 0, error_, errorAt_); }

 private:
  bool need(size_t n) {
    if (!error_.empty()) return false;
    if (n > b_.size() - at_) {
      fail("needs " + std::to_string(n) + " bytes, " + std::to_string(b_.size() - at_) + " left");
      return false;
    }
    return true;
  }
  std::string_view b_;
  size_t at_ = 0;
  std::string error_;
  size_t errorAt_ = 0;
};

Result<BundleInfo> decode(std::string_view payload, uint32_t fileCount) {
  Decoder d(payload);
  BundleInfo info;
  info.name = d.string(kMaxBundleNameBytes);
  info.version = d.string(kMaxBundleVersionBytes);
  info.description = d.string(kMaxBundleTextBytes);
  info.source = d.string(kMaxBundleTextBytes);
  const uint32_t files = d.count(4, fileCount);
  for (uint32_t f = 0; f < files && d.ok(); ++f) {
    auto& controls = info.controls.emplace_back();
    const uint32_t n = d.count(5, kMaxControlsPerFile);
    for (uint32_t i = 0; i < n && d.ok(); ++i) controls.push_back(d.string(kMaxControlBytes));
  }
  if (d.ok() && !d.atEnd()) d.fail("bytes left over");
  if (!d.ok()) return d.error();
  if (Status0 checked = checkInfo(info, fileCount); !checked.ok()) {
    Error e = checked.takeError();
    e.message = "bundle section: " + e.message;
    return e;
  }
  return info;
}

}  // namespace

Status0 checkBundleName(std::string_view name) {
  if (name.empty()) return infoError("a bundle name cannot be empty");
  if (name.size() > kMaxBundleNameBytes)
    return infoError("a bundle name has at most " + std::to_string(kMaxBundleNameBytes) + " bytes");
  if (name[0] == '.') return infoError("a bundle name cannot start with '.'");
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      return infoError("bundle name '" + std::string(name) +
                       "' has a character other than letters, digits, '.', '_' and '-'");
  return okStatus();
}

Result<std::string> attachBundleInfo(std::string_view pack, uint32_t fileCount, const BundleInfo& info) {
  if (Status0 checked = checkInfo(info, fileCount); !checked.ok()) return checked.takeError();
  auto table = sectionTable(pack);
  if (!table.ok()) return table.takeError();
  for (const SectionEntry& e : table.value())
    if (e.id == kBundleSectionId) return Error::plain(ErrorKind::BundleFormat, "the pack already has a bundle section");
  if (table.value().size() + 1 > kMaxSections)
    return Error::plain(ErrorKind::BundleFormat, "the pack's section table is full");
  const std::string payload = encode(info);
  if (pack.size() + kSectionEntrySize + payload.size() > kMaxPackBytes)
    return Error::plain(ErrorKind::BundleFormat,
                        "the pack would exceed " + std::to_string(kMaxPackBytes >> 20) + " MiB");

  // Every section moves down by one table entry; the new one goes last.
  const size_t tableEnd = kPackHeaderSize + table.value().size() * kSectionEntrySize;
  std::string out(pack.substr(0, kPackHeaderSize));
  for (const SectionEntry& e : table.value()) {
    appendU16(out, e.id);
    appendU16(out, e.flags);
    appendU32(out, e.offset + uint32_t(kSectionEntrySize));
    appendU32(out, e.length);
  }
  appendU16(out, kBundleSectionId);
  appendU16(out, 0);  // optional: readers that do not know it skip it
  appendU32(out, uint32_t(pack.size() + kSectionEntrySize));
  appendU32(out, uint32_t(payload.size()));
  out.append(pack.substr(tableEnd));
  out += payload;
  storeU32(out, kSectionCountAt, uint32_t(table.value().size() + 1));
  storeU32(out, kTotalLengthAt, uint32_t(out.size()));
  storeU32(out, kChecksumAt, sealedChecksum(out));
  return out;
}

Result<std::optional<BundleInfo>> readBundleInfo(std::string_view pack, uint32_t fileCount) {
  auto table = sectionTable(pack);
  if (!table.ok()) return table.takeError();
  const SectionEntry* found = nullptr;
  for (const SectionEntry& e : table.value()) {
    if (e.id != kBundleSectionId) continue;
    if (found) return Error::plain(ErrorKind::BundleFormat, "the pack has two bundle sections");
    found = &e;
  }
  if (!found) return std::optional<BundleInfo>();
  auto info = decode(pack.substr(found->offset, found->length), fileCount);
  if (!info.ok()) return info.takeError();
  return std::optional<BundleInfo>(std::move(info.value()));
}

}  // namespace guard::vm
