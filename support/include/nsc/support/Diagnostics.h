//===- Diagnostics.h - Clang-style error reporting --------------*- C++ -*-===//
//
// Every user-facing problem goes through a DiagnosticEngine:
//
//   model.nrn:12:9: error: cannot add 'mV' and 'ms'
//       V_m = V_m + t
//             ^~~~~~~
//   model.nrn:3:5: note: 't' declared here
//
// Errors are counted, not thrown, so one run reports as many as it can.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/SourceManager.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace nsc {

enum class Severity { Note, Warning, Error };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceRange range;
  std::string message;
  /// Notes attached to this diagnostic (related declarations, hints).
  std::vector<Diagnostic> notes;
};

class DiagnosticEngine {
public:
  explicit DiagnosticEngine(const SourceManager &sm);

  /// Reports a diagnostic; returns it so callers can attach notes:
  ///   diag.error(r, "...").note(declRange, "declared here");
  class Builder {
  public:
    Builder(DiagnosticEngine &e, size_t index) : engine_(e), index_(index) {}
    Builder &note(SourceRange range, std::string message);

  private:
    DiagnosticEngine &engine_;
    size_t index_;
  };

  Builder error(SourceRange range, std::string message);
  Builder warning(SourceRange range, std::string message);
  Builder report(Severity sev, SourceRange range, std::string message);

  unsigned errorCount() const { return errors_; }
  unsigned warningCount() const { return warnings_; }
  bool hasErrors() const { return errors_ != 0; }

  /// --Werror: warnings are reported and counted as errors.
  void setWarningsAsErrors(bool on) { werror_ = on; }
  /// Stop storing after this many errors (a final note says so); 0 = no limit.
  void setErrorLimit(unsigned n) { errorLimit_ = n; }
  /// Use ANSI colours when printing.
  void setColors(bool on) { colors_ = on; }

  const SourceManager &sourceManager() const { return sm_; }
  /// "file:line:col" of a location ("<unknown>" when invalid).
  std::string locationString(SourceLoc loc) const;

  /// Diagnostics in the order they were reported (including their notes).
  const std::vector<Diagnostic> &diagnostics() const { return diags_; }

  /// Writes every diagnostic not yet printed to `os` in clang style.
  void flush(std::ostream &os);
  /// Formats one diagnostic (with source line and caret) as text.
  std::string format(const Diagnostic &d) const;
  /// Drops all stored diagnostics and counters.
  void clear();

private:
  std::string formatOne(const Diagnostic &d) const;
  const SourceManager &sm_;
  std::vector<Diagnostic> diags_;
  size_t printed_ = 0;
  unsigned errors_ = 0, warnings_ = 0, errorLimit_ = 0;
  bool werror_ = false, colors_ = false, limitReached_ = false;
};

} // namespace nsc
