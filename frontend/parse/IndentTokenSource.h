//===- IndentTokenSource.h - INDENT/DEDENT over the ANTLR lexer -*- C++ -*-===//
//
// Internal to nsc_parse. The generated NscLexer only knows characters; this
// layer gives the parser a Python-like token stream:
//  - every logical line ends in exactly one NEWLINE; blank and comment-only
//    lines produce nothing, a line ending in ',' continues on the next line,
//    and NEWLINEs inside ( ) [ ] are dropped;
//  - a deeper line start yields INDENT, a shallower one one DEDENT per level
//    closed; at EOF every open level is closed;
//  - lexical errors (stray characters, unterminated strings/comments, bad
//    indentation) are reported to the DiagnosticEngine;
//  - the comment block in front of `model`/`neuron`/`synapse`/`network` is
//    kept as that declaration's docstring.
// It also guards the recursive-descent parser and everything after it against
// stack exhaustion: bracket nesting, block nesting and operators per line are
// bounded, and exceeding a bound is a fatal (reported) error.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"

#include "antlr4-runtime.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nsc::antlr {
class NscLexer;
}

namespace nsc::parse {

/// The bytes of one file decoded to code points for ANTLR (which counts code
/// points), remembering each code point's byte offset so that locations can
/// be reported in byte columns as SourceLoc requires. Invalid UTF-8 bytes
/// become U+FFFD, one per byte, so no input makes the decoder throw.
class DecodedSource : public antlr4::ANTLRInputStream {
public:
  DecodedSource(const std::string &bytes, FileId file);

  FileId file() const { return file_; }
  /// Location of the code point with index `cp` (index size() = end of file).
  SourceLoc locAt(size_t cp) const;
  /// Range of a token: [start, stop + 1), empty tokens get a 1-column range.
  SourceRange rangeOf(const antlr4::Token *t) const;
  /// Raw code point at `cp` (0 past the end).
  char32_t at(size_t cp) const { return cp < _data.size() ? _data[cp] : 0; }
  /// The original bytes of code points [begin, end).
  std::string bytes(size_t begin, size_t end) const;

private:
  FileId file_;
  const std::string &text_;
  std::vector<uint32_t> byteOffset_; // per code point, plus one for the end
  std::vector<uint32_t> lineStart_;  // byte offset of each line's start
};

/// Limits that keep recursion in the parser, AstBuilder, sema and printers
/// far below the stack size (also under ASan, whose frames are larger).
constexpr unsigned kMaxBracketDepth = 200;
constexpr unsigned kMaxBlockDepth = 100;
constexpr unsigned kMaxOperatorsPerLine = 1000;
/// Columns a tab advances to (as in Python); mixing tabs and spaces so that
/// the block structure depends on the tab width is an error.
constexpr unsigned kTabWidth = 8;

class IndentTokenSource : public antlr4::TokenSource {
public:
  IndentTokenSource(DecodedSource &source, DiagnosticEngine &diags);
  ~IndentTokenSource() override;

  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override;
  size_t getCharPositionInLine() override;
  antlr4::CharStream *getInputStream() override { return &source_; }
  std::string getSourceName() override { return source_.getSourceName(); }
  antlr4::TokenFactory<antlr4::CommonToken> *getTokenFactory() override;

  /// Errors reported while tokenizing (the file must not be parsed further
  /// when fatal() is set; other errors still let the parser report more).
  unsigned errorCount() const { return errors_; }
  bool fatal() const { return fatal_; }

  /// The docstring of the declaration whose keyword starts on `line`.
  std::string docstringForLine(uint32_t line) const;

  /// Peeks at all remaining tokens without consuming them (for dumps).
  const std::vector<std::unique_ptr<antlr4::CommonToken>> &tokens() const { return out_; }

  DecodedSource &source() { return source_; }
  /// Token names (the lexer's vocabulary).
  const antlr4::dfa::Vocabulary &vocabulary() const;

private:
  void run();
  void error(SourceRange r, std::string msg);
  antlr4::CommonToken *emit(std::unique_ptr<antlr4::CommonToken> t);
  std::unique_ptr<antlr4::CommonToken> synth(size_t type, size_t cpIndex, const std::string &text);
  void handleLineStart(antlr4::Token *first);
  void collectComment(antlr4::Token *t);
  // run's parts: one lexer token at a time, then the end of the file.
  /// Comments, line ends and stray characters; false for any other token.
  bool handleTrivia(antlr4::Token *raw, size_t type);
  void handleSignificant(antlr4::Token *raw, size_t type);
  void recordDocstring(antlr4::Token *keyword);
  /// Emits the token and tracks the open brackets.
  void emitTracked(antlr4::Token *raw, size_t type);
  std::vector<std::unique_ptr<antlr4::CommonToken>> splitBracketPair(antlr4::Token *raw, size_t single);
  void openBracket(antlr4::CommonToken *t);
  void finish();

  DecodedSource &source_;
  DiagnosticEngine &diags_;
  std::unique_ptr<antlr::NscLexer> lexer_;
  std::vector<std::unique_ptr<antlr4::CommonToken>> out_;
  size_t next_ = 0;
  unsigned errors_ = 0;
  bool fatal_ = false;

  // State of run().
  struct Level { unsigned width; unsigned spaces; }; // tabs to 8 / tabs as 1
  std::vector<Level> levels_;
  std::vector<antlr4::CommonToken *> brackets_; // open ( [ [[ tokens
  std::vector<std::string> pendingComments_;
  std::map<uint32_t, std::string> docstrings_;
  bool atLineStart_ = true;
  size_t lastType_ = antlr4::Token::INVALID_TYPE; // last emitted default-channel token
  unsigned opsInLine_ = 0;
  size_t lastErrorCharStop_ = INVALID_INDEX - 1;
};

} // namespace nsc::parse
