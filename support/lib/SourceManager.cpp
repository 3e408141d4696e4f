//===- SourceManager.cpp --------------------------------------------------===//
#include "nsc/support/SourceManager.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nsc {

SourceRange SourceRange::cover(const SourceRange &a, const SourceRange &b) {
  if (!a.valid())
    return b;
  if (!b.valid() || a.begin.file != b.begin.file)
    return a;
  auto before = [](const SourceLoc &x, const SourceLoc &y) {
    return x.line < y.line || (x.line == y.line && x.col < y.col);
  };
  SourceRange r = a;
  if (before(b.begin, r.begin))
    r.begin = b.begin;
  if (before(r.end, b.end))
    r.end = b.end;
  return r;
}

static std::string canonical(const std::string &path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

FileId SourceManager::addBuffer(std::string path, std::string contents) {
  File f;
  f.canonicalPath = canonical(path);
  f.path = std::move(path);
  f.contents = std::move(contents);
  f.lineStarts.push_back(0);
  for (size_t i = 0; i < f.contents.size(); ++i)
    if (f.contents[i] == '\n')
      f.lineStarts.push_back(i + 1);
  files_.push_back(std::move(f));
  return static_cast<FileId>(files_.size());
}

std::optional<FileId> SourceManager::loadFile(const std::string &path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return addBuffer(path, ss.str());
}

std::optional<FileId> SourceManager::findFile(const std::string &path) const {
  std::string c = canonical(path);
  for (size_t i = 0; i < files_.size(); ++i)
    if (files_[i].canonicalPath == c)
      return static_cast<FileId>(i + 1);
  return std::nullopt;
}

const std::string &SourceManager::path(FileId id) const { return file(id).path; }
const std::string &SourceManager::contents(FileId id) const {
  return file(id).contents;
}

std::string_view SourceManager::lineText(FileId id, uint32_t line) const {
  if (id == kNoFile || id > files_.size() || line == 0)
    return {};
  const File &f = file(id);
  if (line > f.lineStarts.size())
    return {};
  size_t begin = f.lineStarts[line - 1];
  size_t end = line < f.lineStarts.size() ? f.lineStarts[line] : f.contents.size();
  std::string_view text(f.contents.data() + begin, end - begin);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

} // namespace nsc
