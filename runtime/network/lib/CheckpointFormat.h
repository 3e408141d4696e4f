//===- CheckpointFormat.h - The checkpoint file's container -----*- C++ -*-===//
//
// The byte layout of a checkpoint (docs/checkpoints.md), independent of what
// the sections hold (Checkpoint.cpp):
//
//   offset 0   8 bytes  magic "NSCCKPT\0"
//   offset 8   u32      format version (kFormatVersion)
//   offset 12  u32      0x01020304 written natively: a file from a machine
//                       of the other byte order is refused
//   offset 16  sections, each:
//                char[4] tag, u32 CRC-32, u64 payload length, payload;
//                the CRC is of the payload followed by the tag and the
//                length bytes, so a damaged header is caught too
//   last       the section "END\0", whose payload is the u64 offset at
//              which it starts (a truncated file has no END)
//
// Numbers are little-endian machine values (u32, u64, f64 bit patterns);
// a string is a u64 length and its bytes; a vector a u64 count and its
// elements. The CRC is CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320,
// as zlib's crc32; nsc/runtime/Crc32.h), so the format needs no library.
//
// A file is written to a temporary sibling, fsync'd, renamed over `path`
// and the directory fsync'd: a reader sees the old checkpoint or the new
// one, never a partial file, even when the process is killed meanwhile.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/runtime/Crc32.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

namespace nsc::network::ckpt {

constexpr uint32_t kFormatVersion = 1;

using runtime::crc32; // nsc/runtime/Crc32.h

/// Writes a checkpoint file section by section (see the header comment).
class Writer {
public:
  Writer() = default;
  Writer(const Writer &) = delete;
  Writer &operator=(const Writer &) = delete;
  /// Removes the temporary file when commit() did not run.
  ~Writer();

  /// Creates the temporary file next to `path` and writes the header.
  bool open(const std::string &path, std::string &error);
  /// `tag`: up to four characters.
  void beginSection(const char *tag);
  void endSection();
  /// Writes END, flushes, fsyncs and renames the file into place.
  bool commit(std::string &error);

  void bytes(const void *data, size_t n);
  template <class T> void pod(const T &v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(&v, sizeof v);
  }
  void u8(uint8_t v) { pod(v); }
  void u32(uint32_t v) { pod(v); }
  void u64(uint64_t v) { pod(v); }
  void f64(double v) { pod(v); }
  void str(const std::string &s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
  template <class T> void vec(const std::vector<T> &v) {
    static_assert(std::is_trivially_copyable_v<T>);
    u64(v.size());
    bytes(v.data(), v.size() * sizeof(T));
  }
  void counts(const std::map<std::string, uint64_t> &m) {
    u64(m.size());
    for (auto &[text, n] : m) {
      str(text);
      u64(n);
    }
  }

private:
  bool flushBuffer();
  std::string path_, temporary_;
  int fd_ = -1;
  bool failed_ = false;
  int errno_ = 0;
  uint64_t offset_ = 0;        // bytes written to the file (buffer included)
  uint64_t sectionStart_ = 0;  // offset of the current section's header
  uint32_t crc_ = 0;
  char tagOf_[4] = {};
  bool inSection_ = false;
  std::vector<char> buffer_;
};

/// One section of a file that Reader::open accepted.
struct Section {
  std::string tag;
  const uint8_t *data = nullptr;
  uint64_t size = 0;
};

/// Reads a checkpoint file and checks its container: magic, version, byte
/// order, every section's length and CRC, and the END section.
class Reader {
public:
  bool open(const std::string &path, std::string &error);
  const std::vector<Section> &sections() const { return sections_; }
  /// The sections with this tag, in file order.
  std::vector<const Section *> find(const std::string &tag) const;

private:
  std::vector<uint8_t> bytes_;
  std::vector<Section> sections_;
};

/// Bounds-checked reading of one section's payload: every read past the end
/// sets `failed` and yields zeros, so callers check once at the end.
class Cursor {
public:
  explicit Cursor(const Section &s) : p_(s.data), end_(s.data + s.size) {}
  bool failed() const { return failed_; }
  bool atEnd() const { return p_ == end_; }

  void bytes(void *out, size_t n) {
    if (n == 0)
      return; // an empty vector's data() may be null: no memcpy at all
    if (failed_ || size_t(end_ - p_) < n) {
      failed_ = true;
      std::memset(out, 0, n);
      return;
    }
    std::memcpy(out, p_, n);
    p_ += n;
  }
  template <class T> T pod() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    bytes(&v, sizeof v);
    return v;
  }
  uint8_t u8() { return pod<uint8_t>(); }
  uint32_t u32() { return pod<uint32_t>(); }
  uint64_t u64() { return pod<uint64_t>(); }
  double f64() { return pod<double>(); }
  std::string str() {
    uint64_t n = u64();
    if (failed_ || n > uint64_t(end_ - p_)) {
      failed_ = true;
      return {};
    }
    std::string s(reinterpret_cast<const char *>(p_), size_t(n));
    p_ += n;
    return s;
  }
  template <class T> std::vector<T> vec() {
    static_assert(std::is_trivially_copyable_v<T>);
    uint64_t n = u64();
    if (failed_ || n > uint64_t(end_ - p_) / sizeof(T)) {
      failed_ = true;
      return {};
    }
    std::vector<T> v(static_cast<size_t>(n));
    bytes(v.data(), size_t(n) * sizeof(T));
    return v;
  }
  std::map<std::string, uint64_t> counts() {
    std::map<std::string, uint64_t> m;
    uint64_t n = u64();
    for (uint64_t i = 0; i < n && !failed_; ++i) {
      std::string text = str();
      m[text] = u64();
    }
    return m;
  }

private:
  const uint8_t *p_, *end_;
  bool failed_ = false;
};

/// FNV-1a, 64 bits: the fingerprints of models, networks and connectivity.
struct Hash64 {
  uint64_t h = 0xcbf29ce484222325ull;
  void add(const void *data, size_t n) {
    auto *p = static_cast<const uint8_t *>(data);
    for (size_t i = 0; i < n; ++i) {
      h ^= p[i];
      h *= 0x100000001b3ull;
    }
  }
  template <class T> void pod(const T &v) { add(&v, sizeof v); }
};

} // namespace nsc::network::ckpt
