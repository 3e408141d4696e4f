//===- IndentTokenSource.cpp ----------------------------------------------===//
#include "IndentTokenSource.h"

#include "NscLexer.h"

#include <algorithm>
#include <cstdio>

using antlr4::CommonToken;
using antlr4::Token;
using nsc::antlr::NscLexer;

namespace nsc::parse {

//===----------------------------------------------------------------------===//
// DecodedSource
//===----------------------------------------------------------------------===//

DecodedSource::DecodedSource(const std::string &bytes, FileId file)
    : antlr4::ANTLRInputStream(), file_(file), text_(bytes) {
  const auto *s = reinterpret_cast<const unsigned char *>(bytes.data());
  size_t n = bytes.size(), i = 0;
  _data.reserve(n);
  byteOffset_.reserve(n + 1);
  lineStart_.push_back(0);
  while (i < n) {
    unsigned char c = s[i];
    char32_t cp = 0xFFFD;
    size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else {
      size_t need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
      if (need && i + need <= n) {
        char32_t v = c & (0x7F >> need);
        bool ok = true;
        for (size_t k = 1; k < need; ++k) {
          if ((s[i + k] & 0xC0) != 0x80) { ok = false; break; }
          v = (v << 6) | (s[i + k] & 0x3F);
        }
        static const char32_t minFor[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (ok && v >= minFor[need] && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF)) {
          cp = v;
          len = need;
        }
      }
    }
    _data.push_back(cp);
    byteOffset_.push_back(static_cast<uint32_t>(i));
    if (c == '\n')
      lineStart_.push_back(static_cast<uint32_t>(i + 1));
    i += len;
  }
  byteOffset_.push_back(static_cast<uint32_t>(n));
  p = 0;
}

SourceLoc DecodedSource::locAt(size_t cp) const {
  uint32_t off = byteOffset_[std::min(cp, byteOffset_.size() - 1)];
  auto it = std::upper_bound(lineStart_.begin(), lineStart_.end(), off);
  uint32_t line = static_cast<uint32_t>(it - lineStart_.begin());
  return SourceLoc{file_, line, off - lineStart_[line - 1] + 1};
}

SourceRange DecodedSource::rangeOf(const Token *t) const {
  if (t->getType() == Token::EOF) {
    SourceLoc l = locAt(_data.size());
    return SourceRange(l);
  }
  size_t start = t->getStartIndex(), stop = t->getStopIndex();
  if (start == INVALID_INDEX)
    return SourceRange(locAt(_data.size()));
  if (stop == INVALID_INDEX || stop < start)
    return SourceRange(locAt(start));
  return SourceRange(locAt(start), locAt(stop + 1));
}

std::string DecodedSource::bytes(size_t begin, size_t end) const {
  begin = std::min(begin, byteOffset_.size() - 1);
  end = std::min(std::max(end, begin), byteOffset_.size() - 1);
  return text_.substr(byteOffset_[begin], byteOffset_[end] - byteOffset_[begin]);
}

//===----------------------------------------------------------------------===//
// IndentTokenSource
//===----------------------------------------------------------------------===//

IndentTokenSource::IndentTokenSource(DecodedSource &source, DiagnosticEngine &diags)
    : source_(source), diags_(diags) {
  run();
}

IndentTokenSource::~IndentTokenSource() = default;

std::unique_ptr<Token> IndentTokenSource::nextToken() {
  if (next_ < out_.size() - 1)
    return std::move(out_[next_++]);
  // The final EOF is handed out again on every further request.
  return std::make_unique<CommonToken>(out_.back().get());
}

size_t IndentTokenSource::getLine() const {
  return next_ < out_.size() && out_[next_] ? out_[next_]->getLine() : 0;
}

size_t IndentTokenSource::getCharPositionInLine() {
  return next_ < out_.size() && out_[next_] ? out_[next_]->getCharPositionInLine() : 0;
}

antlr4::TokenFactory<CommonToken> *IndentTokenSource::getTokenFactory() {
  return antlr4::CommonTokenFactory::DEFAULT.get();
}

const antlr4::dfa::Vocabulary &IndentTokenSource::vocabulary() const {
  return lexer_->getVocabulary();
}

std::string IndentTokenSource::docstringForLine(uint32_t line) const {
  auto it = docstrings_.find(line);
  return it == docstrings_.end() ? std::string() : it->second;
}

void IndentTokenSource::error(SourceRange r, std::string msg) {
  // Binary junk would otherwise give one error per stray byte.
  constexpr unsigned kMaxLexicalErrors = 20;
  if (++errors_ > kMaxLexicalErrors)
    return;
  diags_.error(r, errors_ == kMaxLexicalErrors ? "too many errors in this file; stopping here"
                                                : std::move(msg));
  if (errors_ == kMaxLexicalErrors)
    fatal_ = true;
}

CommonToken *IndentTokenSource::emit(std::unique_ptr<CommonToken> t) {
  out_.push_back(std::move(t));
  return out_.back().get();
}

std::unique_ptr<CommonToken> IndentTokenSource::synth(size_t type, size_t cp,
                                                      const std::string &text) {
  auto t = std::make_unique<CommonToken>(
      std::pair<antlr4::TokenSource *, antlr4::CharStream *>(this, &source_), type,
      Token::DEFAULT_CHANNEL, cp, cp == INVALID_INDEX ? cp : cp - 1);
  SourceLoc l = source_.locAt(cp == INVALID_INDEX ? source_.size() : cp);
  t->setLine(l.line);
  // ANTLR's columns are 0-based code points; only used in ANTLR's own
  // messages, which we never show.
  t->setCharPositionInLine(l.col - 1);
  t->setText(text);
  return t;
}

static bool isOperator(size_t type) {
  switch (type) {
  case NscLexer::STAR_STAR: case NscLexer::PLUS: case NscLexer::MINUS:
  case NscLexer::STAR: case NscLexer::SLASH: case NscLexer::PERCENT:
  case NscLexer::TILDE: case NscLexer::PIPE: case NscLexer::CARET:
  case NscLexer::AMP: case NscLexer::SHL: case NscLexer::SHR:
  case NscLexer::LT: case NscLexer::GT: case NscLexer::LT_EQ:
  case NscLexer::GT_EQ: case NscLexer::EQ_EQ: case NscLexer::NOT_EQ:
  case NscLexer::LT_GT: case NscLexer::AND: case NscLexer::OR:
  case NscLexer::NOT: case NscLexer::QUESTION: case NscLexer::PRIME:
    return true;
  default:
    return false;
  }
}

/// Tokens after which `[[` opens a guard (`x real = a [[a > 0]]`): they end
/// an expression or a type. Anywhere else `[[` is two brackets (`[[1, 2]]`).
static bool endsOperand(size_t type) {
  switch (type) {
  case NscLexer::NAME: case NscLexer::INTEGER: case NscLexer::FLOAT:
  case NscLexer::STRING: case NscLexer::BOOLEAN: case NscLexer::INF:
  case NscLexer::FIXED_FORMAT: case NscLexer::RPAREN: case NscLexer::RBRACK:
  case NscLexer::PRIME: case NscLexer::INTEGER_KW: case NscLexer::REAL_KW:
  case NscLexer::STRING_KW: case NscLexer::BOOLEAN_KW: case NscLexer::VOID_KW:
  case NscLexer::FROM: case NscLexer::EVERY: case NscLexer::AS:
  case NscLexer::IMPORT: case NscLexer::NETWORK: case NscLexer::CONNECT:
  case NscLexer::RECORD: case NscLexer::SEMANTICS:
    return true;
  default:
    return false;
  }
}

static std::string describeChar(char32_t c) {
  char buf[16];
  if (c >= 0x20 && c < 0x7F) {
    if (c == '\'')
      return "'\\''";
    return std::string("'") + static_cast<char>(c) + "'";
  }
  if (c == 0xFFFD)
    return "invalid UTF-8 byte";
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

/// Strips comment marks: `# text` -> `text`, `"""text"""` -> `text`.
static std::string commentBody(const std::string &raw) {
  std::string s = raw;
  if (s.rfind("\"\"\"", 0) == 0) {
    s = s.substr(3);
    if (s.size() >= 3 && s.compare(s.size() - 3, 3, "\"\"\"") == 0)
      s.resize(s.size() - 3);
    // Trim blank lines around the text and the common indentation.
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t nl = s.find('\n', pos);
      std::string line = s.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      lines.push_back(line);
      if (nl == std::string::npos)
        break;
      pos = nl + 1;
    }
    auto blank = [](const std::string &l) {
      return l.find_first_not_of(" \t") == std::string::npos;
    };
    while (!lines.empty() && blank(lines.front()))
      lines.erase(lines.begin());
    while (!lines.empty() && blank(lines.back()))
      lines.pop_back();
    size_t indent = std::string::npos;
    for (auto &l : lines)
      if (!blank(l))
        indent = std::min(indent, l.find_first_not_of(" \t"));
    std::string outText;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i)
        outText += '\n';
      outText += lines[i].size() >= indent && indent != std::string::npos
                     ? lines[i].substr(indent) : std::string();
    }
    return outText;
  }
  if (!s.empty() && s[0] == '#')
    s.erase(0, 1);
  if (!s.empty() && s[0] == ' ')
    s.erase(0, 1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.pop_back();
  return s;
}

void IndentTokenSource::collectComment(Token *t) {
  pendingComments_.push_back(commentBody(t->getText()));
}

/// Computes the indentation of the line starting before token `first` and
/// emits INDENT / DEDENT tokens for it.
void IndentTokenSource::handleLineStart(Token *first) {
  size_t start = first->getStartIndex();
  size_t lineBegin = start;
  while (lineBegin > 0 && source_.at(lineBegin - 1) != '\n')
    --lineBegin;
  unsigned width = 0, spaces = 0;
  for (size_t i = lineBegin; i < start; ++i) {
    char32_t c = source_.at(i);
    if (c == '\t') {
      width = (width / kTabWidth + 1) * kTabWidth;
      ++spaces;
    } else if (c == '\f') {
      width = spaces = 0;
    } else {
      ++width;
      ++spaces;
    }
  }
  SourceRange here = source_.rangeOf(first);
  auto inconsistent = [&](const Level &l) {
    return (width > l.width) != (spaces > l.spaces) || (width == l.width) != (spaces == l.spaces);
  };
  Level &top = levels_.back();
  if (inconsistent(top))
    error(here, "inconsistent use of tabs and spaces in indentation");
  if (width > top.width) {
    if (levels_.size() > kMaxBlockDepth) {
      error(here, "blocks nested too deeply (more than " + std::to_string(kMaxBlockDepth) +
                      " levels)");
      fatal_ = true;
      return;
    }
    levels_.push_back({width, spaces});
    emit(synth(NscLexer::INDENT, start, "<INDENT>"));
    return;
  }
  while (width < levels_.back().width) {
    levels_.pop_back();
    emit(synth(NscLexer::DEDENT, start, "<DEDENT>"));
  }
  if (width != levels_.back().width) {
    error(here, "unindent does not match any outer indentation level");
    // Recover by treating the line as belonging to the enclosing level.
  }
}

void IndentTokenSource::run() {
  lexer_ = std::make_unique<NscLexer>(&source_);
  lexer_->removeErrorListeners(); // ERROR_CHAR matches whatever else there is
  levels_.push_back({0, 0});
  while (!fatal_) {
    std::unique_ptr<Token> raw = lexer_->nextToken();
    size_t type = raw->getType();
    if (type == Token::EOF)
      break;
    if (!handleTrivia(raw.get(), type))
      handleSignificant(raw.get(), type);
  }
  finish();
}

bool IndentTokenSource::handleTrivia(Token *raw, size_t type) {
  // --- comments -------------------------------------------------------
  if (type == NscLexer::UNTERMINATED_DOC_COMMENT) {
    error(SourceRange(source_.locAt(raw->getStartIndex()), source_.locAt(raw->getStartIndex() + 3)),
          "unterminated '\"\"\"' comment");
    return true;
  }
  if (type == NscLexer::DOC_COMMENT || type == NscLexer::LINE_COMMENT) {
    if (atLineStart_)
      collectComment(raw);
    return true;
  }

  // --- line ends ------------------------------------------------------
  if (type == NscLexer::NEWLINE) {
    if (!brackets_.empty() || atLineStart_)
      return true;
    // A line ending in ',' continues (e.g. kernels joined by commas).
    if (lastType_ == NscLexer::COMMA)
      return true;
    auto nl = std::make_unique<CommonToken>(raw);
    nl->setText("\n");
    emit(std::move(nl));
    lastType_ = NscLexer::NEWLINE;
    atLineStart_ = true;
    opsInLine_ = 0;
    return true;
  }

  // --- stray characters -------------------------------------------------
  if (type == NscLexer::ERROR_CHAR) {
    // One diagnostic per run of bad characters.
    if (raw->getStartIndex() != lastErrorCharStop_ + 1)
      error(source_.rangeOf(raw), "unexpected character " + describeChar(source_.at(raw->getStartIndex())));
    lastErrorCharStop_ = raw->getStopIndex();
    return true;
  }
  return false;
}

void IndentTokenSource::recordDocstring(Token *keyword) {
  std::string doc;
  for (size_t i = 0; i < pendingComments_.size(); ++i)
    doc += (i ? "\n" : "") + pendingComments_[i];
  while (!doc.empty() && doc.back() == '\n')
    doc.pop_back();
  while (!doc.empty() && doc.front() == '\n')
    doc.erase(0, 1);
  if (!doc.empty())
    docstrings_[static_cast<uint32_t>(keyword->getLine())] = doc;
}

void IndentTokenSource::handleSignificant(Token *raw, size_t type) {
  if (atLineStart_) {
    if (brackets_.empty()) {
      handleLineStart(raw);
      if (fatal_)
        return;
    }
    if (type == NscLexer::MODEL || type == NscLexer::NEURON || type == NscLexer::SYNAPSE ||
        type == NscLexer::NETWORK)
      recordDocstring(raw);
    pendingComments_.clear();
    atLineStart_ = false;
  }

  if (type == NscLexer::UNTERMINATED_STRING) {
    error(SourceRange(source_.locAt(raw->getStartIndex())),
          "missing terminating '\"' character");
    type = NscLexer::STRING;
  }

  if (isOperator(type) && ++opsInLine_ > kMaxOperatorsPerLine) {
    error(source_.rangeOf(raw),
          "expression too complex (more than " + std::to_string(kMaxOperatorsPerLine) +
              " operators in one statement)");
    fatal_ = true;
    return;
  }
  emitTracked(raw, type);
}

std::vector<std::unique_ptr<CommonToken>> IndentTokenSource::splitBracketPair(Token *raw, size_t single) {
  // Two one-character tokens from a two-character one.
  std::vector<std::unique_ptr<CommonToken>> parts;
  for (int k = 0; k < 2; ++k) {
    auto p = std::make_unique<CommonToken>(raw);
    p->setType(single);
    p->setStartIndex(raw->getStartIndex() + k);
    p->setStopIndex(raw->getStartIndex() + k);
    p->setCharPositionInLine(raw->getCharPositionInLine() + k);
    p->setText(single == NscLexer::LBRACK ? "[" : "]");
    parts.push_back(std::move(p));
  }
  return parts;
}

void IndentTokenSource::openBracket(CommonToken *t) {
  brackets_.push_back(t);
  if (brackets_.size() > kMaxBracketDepth) {
    error(source_.rangeOf(t), "brackets nested too deeply (more than " +
                                  std::to_string(kMaxBracketDepth) + " levels)");
    fatal_ = true;
  }
}

void IndentTokenSource::emitTracked(Token *raw, size_t type) {
  auto tok = std::make_unique<CommonToken>(raw);
  tok->setType(type);

  // Brackets: `[[`/`]]` are guard delimiters only where a guard can be.
  if (type == NscLexer::LLBRACK && !endsOperand(lastType_)) {
    for (auto &p : splitBracketPair(raw, NscLexer::LBRACK))
      openBracket(emit(std::move(p)));
    lastType_ = NscLexer::LBRACK;
    return;
  }
  if (type == NscLexer::RRBRACK &&
      (brackets_.empty() || brackets_.back()->getType() != NscLexer::LLBRACK)) {
    for (auto &p : splitBracketPair(raw, NscLexer::RBRACK)) {
      if (!brackets_.empty())
        brackets_.pop_back();
      emit(std::move(p));
    }
    lastType_ = NscLexer::RBRACK;
    return;
  }
  CommonToken *t = emit(std::move(tok));
  lastType_ = type;
  if (type == NscLexer::LPAREN || type == NscLexer::LBRACK || type == NscLexer::LLBRACK)
    openBracket(t);
  else if ((type == NscLexer::RPAREN || type == NscLexer::RBRACK ||
            type == NscLexer::RRBRACK) && !brackets_.empty())
    brackets_.pop_back();
}

void IndentTokenSource::finish() {
  size_t end = source_.size();
  if (!fatal_ && !brackets_.empty()) {
    CommonToken *b = brackets_.back();
    error(source_.rangeOf(b), "'" + b->getText() + "' was never closed");
    fatal_ = true;
  }
  if (!fatal_) {
    if (lastType_ != Token::INVALID_TYPE && lastType_ != NscLexer::NEWLINE)
      emit(synth(NscLexer::NEWLINE, end, "\n"));
    while (levels_.size() > 1) {
      levels_.pop_back();
      emit(synth(NscLexer::DEDENT, end, "<DEDENT>"));
    }
  }
  auto eof = synth(Token::EOF, end, "<EOF>");
  eof->setStopIndex(end - 1);
  emit(std::move(eof));
}

} // namespace nsc::parse
