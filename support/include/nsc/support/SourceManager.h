//===- SourceManager.h - Source files and locations -------------*- C++ -*-===//
//
// Owns the text of every file the compiler reads and maps locations back to
// lines for diagnostics. Locations are 1-based line/column pairs tagged with
// the id of the file they belong to; a range's end is exclusive.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nsc {

using FileId = uint32_t;
constexpr FileId kNoFile = 0;

struct SourceLoc {
  FileId file = kNoFile;
  uint32_t line = 0; // 1-based; 0 means "no location"
  uint32_t col = 0;  // 1-based, in bytes
  bool valid() const { return file != kNoFile && line != 0; }
  bool operator==(const SourceLoc &o) const {
    return file == o.file && line == o.line && col == o.col;
  }
};

/// [begin, end): `end` points one past the last character of the range.
struct SourceRange {
  SourceLoc begin, end;
  SourceRange() = default;
  SourceRange(SourceLoc b) : begin(b), end(b) { end.col += 1; }
  SourceRange(SourceLoc b, SourceLoc e) : begin(b), end(e) {}
  bool valid() const { return begin.valid(); }
  /// Smallest range covering both.
  static SourceRange cover(const SourceRange &a, const SourceRange &b);
};

class SourceManager {
public:
  /// Registers an in-memory buffer (used for files and for tests).
  FileId addBuffer(std::string path, std::string contents);
  /// Reads a file from disk; nullopt when it cannot be read.
  std::optional<FileId> loadFile(const std::string &path);
  /// Returns the id of an already loaded file with this (canonical) path.
  std::optional<FileId> findFile(const std::string &path) const;

  const std::string &path(FileId id) const;
  const std::string &contents(FileId id) const;
  /// The text of line `line` (1-based) without its newline.
  std::string_view lineText(FileId id, uint32_t line) const;
  size_t numFiles() const { return files_.size(); }

private:
  struct File {
    std::string path;
    std::string canonicalPath;
    std::string contents;
    std::vector<size_t> lineStarts;
  };
  const File &file(FileId id) const { return files_.at(id - 1); }
  std::vector<File> files_;
};

} // namespace nsc
