//===- SyntaxErrorStrategy.h - Readable syntax errors -----------*- C++ -*-===//
//
// Internal to nsc_parse. Keeps ANTLR's recovery (single-token insertion and
// deletion, resynchronisation) but replaces its messages ("mismatched input
// 'x' expecting {...30 names...}") with ones a modeller understands:
//   expected ':' after 'state'
//   expected an expression after '='
//   expected an indented block after ':'
//   unexpected indentation
// and reports them to the DiagnosticEngine with the offending token's range
// (or, when the problem is a missing token at a line end, the position just
// after the previous token).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "IndentTokenSource.h"

namespace nsc::parse {

class SyntaxErrorStrategy : public antlr4::DefaultErrorStrategy {
public:
  SyntaxErrorStrategy(DecodedSource &source, DiagnosticEngine &diags)
      : source_(source), diags_(diags) {}

  unsigned errorCount() const { return errors_; }

  /// A user-facing description of a token type: `':'`, `a name`, ...
  static std::string describeTokenType(const antlr4::dfa::Vocabulary &v, size_t type);

protected:
  void reportNoViableAlternative(antlr4::Parser *p, const antlr4::NoViableAltException &e) override;
  void reportInputMismatch(antlr4::Parser *p, const antlr4::InputMismatchException &e) override;
  void reportFailedPredicate(antlr4::Parser *p, const antlr4::FailedPredicateException &e) override;
  void reportUnwantedToken(antlr4::Parser *p) override;
  void reportMissingToken(antlr4::Parser *p) override;

private:
  void report(antlr4::Parser *p, antlr4::Token *offending, const antlr4::misc::IntervalSet &expected,
              bool extraneous);
  DecodedSource &source_;
  DiagnosticEngine &diags_;
  unsigned errors_ = 0;
  uint32_t lastLine_ = 0; // one error per line: later ones are usually noise
};

} // namespace nsc::parse
