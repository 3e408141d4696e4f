//===- Diagnostics.cpp - Clang-style diagnostic formatting ----------------===//
#include "nsc/support/Diagnostics.h"

#include <algorithm>
#include <ostream>

namespace nsc {

DiagnosticEngine::DiagnosticEngine(const SourceManager &sm) : sm_(sm) {}

DiagnosticEngine::Builder &DiagnosticEngine::Builder::note(SourceRange range,
                                                          std::string message) {
  if (index_ < engine_.diags_.size())
    engine_.diags_[index_].notes.push_back(
        {Severity::Note, range, std::move(message), {}});
  return *this;
}

DiagnosticEngine::Builder DiagnosticEngine::error(SourceRange range,
                                                  std::string message) {
  return report(Severity::Error, range, std::move(message));
}

DiagnosticEngine::Builder DiagnosticEngine::warning(SourceRange range,
                                                    std::string message) {
  return report(Severity::Warning, range, std::move(message));
}

DiagnosticEngine::Builder DiagnosticEngine::report(Severity sev,
                                                   SourceRange range,
                                                   std::string message) {
  if (sev == Severity::Warning && werror_)
    sev = Severity::Error;
  if (sev == Severity::Error)
    ++errors_;
  else if (sev == Severity::Warning)
    ++warnings_;
  // Past the limit the diagnostic is counted but not kept: a pathological
  // input must not produce megabytes of output.
  if (errorLimit_ && errors_ > errorLimit_) {
    if (!limitReached_) {
      limitReached_ = true;
      diags_.push_back({Severity::Note, {},
                        "too many errors emitted, stopping now", {}});
    }
    return Builder(*this, SIZE_MAX);
  }
  diags_.push_back({sev, range, std::move(message), {}});
  return Builder(*this, diags_.size() - 1);
}

static const char *severityName(Severity s) {
  switch (s) {
  case Severity::Note: return "note";
  case Severity::Warning: return "warning";
  case Severity::Error: return "error";
  }
  return "error";
}

static const char *severityColor(Severity s) {
  switch (s) {
  case Severity::Note: return "\033[1;36m";
  case Severity::Warning: return "\033[1;35m";
  case Severity::Error: return "\033[1;31m";
  }
  return "";
}

std::string DiagnosticEngine::formatOne(const Diagnostic &d) const {
  std::string out;
  const bool hasLoc = d.range.valid() && d.range.begin.file <= sm_.numFiles();
  if (colors_)
    out += "\033[1m";
  if (hasLoc) {
    out += sm_.path(d.range.begin.file) + ":" +
           std::to_string(d.range.begin.line) + ":" +
           std::to_string(d.range.begin.col) + ": ";
  } else {
    out += "nsc: ";
  }
  if (colors_)
    out += severityColor(d.severity);
  out += severityName(d.severity);
  out += ": ";
  if (colors_)
    out += "\033[0m\033[1m";
  out += d.message;
  if (colors_)
    out += "\033[0m";
  out += "\n";
  if (!hasLoc)
    return out;

  std::string_view line = sm_.lineText(d.range.begin.file, d.range.begin.line);
  // Tabs are kept in the caret line so the caret stays under its column.
  out += std::string(line) + "\n";
  std::string caret;
  // A column past the end of the line (a range at end of file, or a bad
  // location) puts the caret just after the last character; never pad by the
  // raw column, which could be huge.
  const uint32_t lineEnd = static_cast<uint32_t>(line.size()) + 1;
  uint32_t col = std::max<uint32_t>(1, std::min(d.range.begin.col, lineEnd));
  // UTF-8 continuation bytes take no column on screen, so they get no space
  // (or tilde): the caret stays under "x" in "µ = x".
  auto isContinuation = [&](uint32_t c) {
    return (static_cast<unsigned char>(line[c - 1]) & 0xC0) == 0x80;
  };
  for (uint32_t i = 1; i < col; ++i)
    if (!isContinuation(i))
      caret += line[i - 1] == '\t' ? '\t' : ' ';
  caret += '^';
  uint32_t endCol = d.range.end.line == d.range.begin.line ? d.range.end.col : lineEnd;
  for (uint32_t c = col + 1; c < endCol && c < lineEnd; ++c)
    if (!isContinuation(c))
      caret += '~';
  if (colors_)
    out += "\033[1;32m" + caret + "\033[0m\n";
  else
    out += caret + "\n";
  return out;
}

std::string DiagnosticEngine::format(const Diagnostic &d) const {
  std::string out = formatOne(d);
  for (const Diagnostic &n : d.notes)
    out += formatOne(n);
  return out;
}

void DiagnosticEngine::flush(std::ostream &os) {
  for (; printed_ < diags_.size(); ++printed_)
    os << format(diags_[printed_]);
  os.flush();
}

void DiagnosticEngine::clear() {
  diags_.clear();
  printed_ = 0;
  errors_ = warnings_ = 0;
  limitReached_ = false;
}

} // namespace nsc

namespace nsc {
std::string DiagnosticEngine::locationString(SourceLoc loc) const {
  if (!loc.valid())
    return "<unknown>";
  return sm_.path(loc.file) + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
}
} // namespace nsc
