//===- SyntaxErrorStrategy.cpp --------------------------------------------===//
#include "SyntaxErrorStrategy.h"

#include "NscLexer.h"

#include <cctype>

using antlr4::Token;
using nsc::antlr::NscLexer;

namespace nsc::parse {

/// Tokens that can start an expression; an expected set containing them is
/// summarised as "an expression".
static bool startsExpression(size_t t) {
  switch (t) {
  case NscLexer::PLUS: case NscLexer::MINUS: case NscLexer::TILDE: case NscLexer::NOT:
  case NscLexer::LPAREN: case NscLexer::LBRACK: case NscLexer::INTEGER: case NscLexer::FLOAT:
  case NscLexer::INF: case NscLexer::BOOLEAN: case NscLexer::STRING:
  case NscLexer::FIXED_FORMAT:
    return true;
  default:
    return false;
  }
}

/// Soft keywords (also accepted as names).
static bool isSoftKeyword(size_t t) {
  switch (t) {
  case NscLexer::IMPORT: case NscLexer::NETWORK: case NscLexer::CONNECT: case NscLexer::RECORD:
  case NscLexer::FROM: case NscLexer::EVERY: case NscLexer::AS: case NscLexer::SEMANTICS:
    return true;
  default:
    return false;
  }
}

/// A reserved word (docs/language.md §1): a token spelled like a name that
/// the lexer made a keyword. Soft keywords are names where a name fits.
static bool isReservedWord(DecodedSource &src, Token *t) {
  size_t type = t->getType();
  if (type == NscLexer::NAME || type == Token::EOF || isSoftKeyword(type) || t->getStopIndex() < t->getStartIndex())
    return false;
  std::string text = src.bytes(t->getStartIndex(), t->getStopIndex() + 1);
  if (text.empty() || !(std::isalpha((unsigned char)text[0]) || text[0] == '_'))
    return false;
  for (char c : text)
    if (!(std::isalnum((unsigned char)c) || c == '_'))
      return false;
  return true;
}

/// Tokens that must be followed by an operand.
static bool needsOperand(size_t t) {
  switch (t) {
  case NscLexer::EQ: case NscLexer::PLUS_EQ: case NscLexer::MINUS_EQ: case NscLexer::STAR_EQ:
  case NscLexer::SLASH_EQ: case NscLexer::COMMA: case NscLexer::LPAREN: case NscLexer::LBRACK:
  case NscLexer::LLBRACK: case NscLexer::QUESTION: case NscLexer::IF: case NscLexer::ELIF:
  case NscLexer::WHILE: case NscLexer::IN: case NscLexer::ELLIPSIS: case NscLexer::STEP:
  case NscLexer::NOT: case NscLexer::AND: case NscLexer::OR: case NscLexer::STAR_STAR:
  case NscLexer::PLUS: case NscLexer::MINUS: case NscLexer::STAR: case NscLexer::SLASH:
  case NscLexer::PERCENT: case NscLexer::TILDE: case NscLexer::PIPE: case NscLexer::CARET:
  case NscLexer::AMP: case NscLexer::SHL: case NscLexer::SHR: case NscLexer::LT:
  case NscLexer::GT: case NscLexer::LT_EQ: case NscLexer::GT_EQ: case NscLexer::EQ_EQ:
  case NscLexer::NOT_EQ: case NscLexer::LT_GT: case NscLexer::EVERY:
    return true;
  default:
    return false;
  }
}

std::string SyntaxErrorStrategy::describeTokenType(const antlr4::dfa::Vocabulary &v,
                                                   size_t type) {
  switch (type) {
  case Token::EOF: return "end of file";
  case NscLexer::NEWLINE: return "end of line";
  case NscLexer::INDENT: return "an indented block";
  case NscLexer::DEDENT: return "end of block";
  case NscLexer::NAME: return "a name";
  case NscLexer::INTEGER: case NscLexer::FLOAT: return "a number";
  case NscLexer::STRING: return "a string";
  case NscLexer::BOOLEAN: return "'true' or 'false'";
  case NscLexer::FIXED_FORMAT: return "a fixed-point format";
  default: break;
  }
  std::string lit = v.getLiteralName(type);
  if (!lit.empty())
    return lit; // already quoted: 'state'
  return v.getSymbolicName(type);
}

static std::string tokenText(DecodedSource &src, Token *t) {
  switch (t->getType()) {
  case Token::EOF: return "end of file";
  case NscLexer::NEWLINE: return "end of line";
  case NscLexer::INDENT: return "indentation";
  case NscLexer::DEDENT: return "end of block";
  default: break;
  }
  std::string text = src.bytes(t->getStartIndex(), t->getStopIndex() + 1);
  if (text.size() > 40)
    text = text.substr(0, 37) + "...";
  return "'" + text + "'";
}

void SyntaxErrorStrategy::report(antlr4::Parser *p, Token *offending,
                                 const antlr4::misc::IntervalSet &expected, bool extraneous) {
  // Keep ANTLR's own count (getNumberOfSyntaxErrors) in step.
  p->notifyErrorListeners(offending, "syntax error", nullptr);

  antlr4::TokenStream *ts = p->getTokenStream();
  Token *prev = nullptr;
  if (offending->getTokenIndex() != INVALID_INDEX && offending->getTokenIndex() > 0)
    prev = ts->get(offending->getTokenIndex() - 1);
  // The token the line break follows (for "expected an indented block").
  Token *beforeBreak = nullptr;
  if (prev && prev->getType() == NscLexer::NEWLINE && prev->getTokenIndex() > 0)
    beforeBreak = ts->get(prev->getTokenIndex() - 1);
  if (prev && (prev->getType() == NscLexer::INDENT || prev->getType() == NscLexer::DEDENT ||
               prev->getType() == NscLexer::NEWLINE))
    prev = nullptr;

  // Where to point: at the offending token, unless it is an invisible one
  // (line end, block end, end of file): then just after the previous token.
  size_t ot = offending->getType();
  SourceRange where = source_.rangeOf(offending);
  bool invisible = ot == NscLexer::NEWLINE || ot == NscLexer::DEDENT || ot == Token::EOF;
  if (invisible && prev) {
    SourceRange pr = source_.rangeOf(prev);
    where = SourceRange(pr.end);
  }
  if (where.begin.line == lastLine_ && lastLine_ != 0)
    return;
  // After a first error, complaints about block structure are nearly always
  // consequences of it (recovery resynchronises at line granularity).
  if (errors_ > 0 && (ot == NscLexer::INDENT || ot == NscLexer::DEDENT))
    return;

  lastLine_ = where.begin.line;

  // Summarise what was expected.
  std::vector<std::string> items;
  bool expression = false, indent = false, name = false;
  for (ssize_t t : expected.toList()) {
    if (t == NscLexer::INDENT)
      indent = true;
    else if (t == NscLexer::NAME)
      name = true;
  }
  for (ssize_t t : expected.toList())
    if (startsExpression(static_cast<size_t>(t)) && name)
      expression = true;
  if (expression)
    items.push_back("an expression");
  else if (name)
    items.push_back("a name");
  for (ssize_t t : expected.toList()) {
    size_t u = static_cast<size_t>(t);
    if (u == NscLexer::NAME || u == NscLexer::INDENT || (expression && startsExpression(u)) ||
        ((name || expression) && isSoftKeyword(u)) || u == NscLexer::SEMI)
      continue;
    items.push_back(describeTokenType(p->getVocabulary(), u));
  }

  std::string after = prev ? " after " + tokenText(source_, prev) : std::string();
  std::string msg;
  bool keywordAsName = (name || expression) && isReservedWord(source_, offending);
  if (keywordAsName && offending->getTokenIndex() != INVALID_INDEX && offending->getTokenIndex() + 1 < ts->size())
    keywordAsName = ts->get(offending->getTokenIndex() + 1)->getType() != NscLexer::COLON; // a block header
  if (keywordAsName) {
    // `step integer = 0`, `x = in + 1`: say why the word is not a name.
    msg = tokenText(source_, offending) + " is a keyword and cannot be used as a name";
  } else if (ot == NscLexer::INDENT) {
    msg = "unexpected indentation";
  } else if (expression && prev && needsOperand(prev->getType())) {
    // Prediction sets after an operator list everything that may follow the
    // whole statement too; what is missing is the operand.
    msg = "expected an expression" + after;
    if (!invisible)
      msg += ", found " + tokenText(source_, offending);
  } else if (indent) {
    msg = "expected an indented block";
    if (beforeBreak && beforeBreak->getType() == NscLexer::COLON)
      msg += " after ':'";
  } else if (!extraneous && !items.empty() && items.size() <= 4) {
    msg = "expected ";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i)
        msg += i + 1 == items.size() ? " or " : ", ";
      msg += items[i];
    }
    msg += after;
    if (!invisible)
      msg += ", found " + tokenText(source_, offending);
  } else if (ot == NscLexer::DEDENT || ot == NscLexer::NEWLINE || ot == Token::EOF) {
    msg = "unexpected " + tokenText(source_, offending) + after;
  } else {
    msg = "unexpected " + tokenText(source_, offending);
    if (items.size() == 1)
      msg += "; expected " + items[0];
  }
  ++errors_;
  diags_.error(where, msg);
}

void SyntaxErrorStrategy::reportNoViableAlternative(antlr4::Parser *p,
                                                    const antlr4::NoViableAltException &e) {
  report(p, e.getOffendingToken(), e.getExpectedTokens(), false);
}

void SyntaxErrorStrategy::reportInputMismatch(antlr4::Parser *p,
                                              const antlr4::InputMismatchException &e) {
  report(p, e.getOffendingToken(), e.getExpectedTokens(), false);
}

void SyntaxErrorStrategy::reportFailedPredicate(antlr4::Parser *p,
                                                const antlr4::FailedPredicateException &e) {
  report(p, e.getOffendingToken(), e.getExpectedTokens(), false);
}

void SyntaxErrorStrategy::reportUnwantedToken(antlr4::Parser *p) {
  if (inErrorRecoveryMode(p))
    return;
  beginErrorCondition(p);
  report(p, p->getCurrentToken(), getExpectedTokens(p), true);
}

void SyntaxErrorStrategy::reportMissingToken(antlr4::Parser *p) {
  if (inErrorRecoveryMode(p))
    return;
  beginErrorCondition(p);
  report(p, p->getCurrentToken(), getExpectedTokens(p), false);
}

} // namespace nsc::parse
