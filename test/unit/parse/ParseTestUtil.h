//===- ParseTestUtil.h - Helpers for the parser unit tests ------*- C++ -*-===//
#pragma once

#include "nsc/frontend/ASTPrinter.h"
#include "nsc/frontend/Parser.h"

#include <sstream>
#include <string>

namespace nsc::test {

/// Parses `text` as file "t.nrn"; keeps the SourceManager and diagnostics
/// alive for inspection.
struct Parsed {
  SourceManager sm;
  DiagnosticEngine diags{sm};
  std::unique_ptr<ast::File> file;
  FileId id = kNoFile;

  explicit Parsed(const std::string &text) {
    id = sm.addBuffer("t.nrn", text);
    file = parseFile(sm, diags, id);
  }
  /// All diagnostics as "line:col: message" lines.
  std::string errors() const {
    std::string out;
    for (auto &d : diags.diagnostics())
      out += std::to_string(d.range.begin.line) + ":" + std::to_string(d.range.begin.col) +
             ": " + d.message + "\n";
    return out;
  }
  std::string ast() const {
    std::ostringstream os;
    if (file)
      printAST(*file, os);
    return os.str();
  }
};

/// `--emit=tokens` output for `text`, one token per line.
inline std::string tokens(const std::string &text, std::string *errors = nullptr) {
  SourceManager sm;
  DiagnosticEngine diags(sm);
  FileId id = sm.addBuffer("t.nrn", text);
  std::ostringstream os;
  dumpTokens(sm, diags, id, os);
  if (errors)
    for (auto &d : diags.diagnostics())
      *errors += std::to_string(d.range.begin.line) + ":" +
                 std::to_string(d.range.begin.col) + ": " + d.message + "\n";
  return os.str();
}

/// Only the token kinds, space separated (positions and text dropped).
inline std::string kinds(const std::string &text) {
  std::istringstream in(tokens(text));
  std::string line, out;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string pos, kind;
    ls >> pos >> kind;
    out += (out.empty() ? "" : " ") + kind;
  }
  return out;
}

/// Wraps statements in a model's update block (8-space indentation).
inline std::string inUpdate(const std::string &stmts) {
  return "model m:\n    update:\n" + stmts;
}

} // namespace nsc::test
