//===- Parser.cpp - parseFile() and dumpTokens() --------------------------===//
#include "nsc/frontend/Parser.h"

#include "AstBuilder.h"
#include "IndentTokenSource.h"
#include "NscLexer.h"
#include "NscParser.h"
#include "SyntaxErrorStrategy.h"

#include <ostream>

namespace nsc {

using parse::DecodedSource;
using parse::IndentTokenSource;

std::unique_ptr<ast::File> parseFile(const SourceManager &sm, DiagnosticEngine &diags,
                                     FileId file) {
  DecodedSource source(sm.contents(file), file);
  source.name = sm.path(file);
  IndentTokenSource tokens(source, diags);
  if (tokens.fatal())
    return nullptr;

  antlr4::CommonTokenStream stream(&tokens);
  antlr::NscParser parser(&stream);
  parser.removeErrorListeners();
  auto strategy = std::make_shared<parse::SyntaxErrorStrategy>(source, diags);
  parser.setErrorHandler(strategy);
  antlr::NscParser::FileContext *tree = nullptr;
  try {
    tree = parser.file();
  } catch (const std::exception &e) {
    // ANTLR recovers from every syntax error itself; this is a last guard so
    // that an internal failure is a diagnostic rather than a crash.
    diags.error(SourceRange(SourceLoc{file, 1, 1}),
                std::string("internal parser error: ") + e.what());
    return nullptr;
  }
  if (parser.getNumberOfSyntaxErrors() > 0 || tokens.errorCount() > 0)
    return nullptr;

  parse::AstBuilder builder(source, tokens, diags);
  auto result = builder.build(tree);
  if (builder.errorCount() > 0)
    return nullptr;
  return result;
}

static std::string escapeText(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\'': out += "\\'"; break;
    case '\\': out += "\\\\"; break;
    default: out += c;
    }
  }
  return out;
}

void dumpTokens(const SourceManager &sm, DiagnosticEngine &diags, FileId file,
                std::ostream &os) {
  DecodedSource source(sm.contents(file), file);
  source.name = sm.path(file);
  IndentTokenSource tokens(source, diags);
  const antlr4::dfa::Vocabulary &vocab = tokens.vocabulary();
  for (;;) {
    std::unique_ptr<antlr4::Token> t = tokens.nextToken();
    SourceRange r = source.rangeOf(t.get());
    size_t type = t->getType();
    std::string kind = type == antlr4::Token::EOF ? "EOF" : vocab.getSymbolicName(type);
    std::string text;
    if (type != antlr4::Token::EOF && type != antlr::NscLexer::INDENT &&
        type != antlr::NscLexer::DEDENT)
      text = type == antlr::NscLexer::NEWLINE ? "\n"
                                                : source.bytes(t->getStartIndex(),
                                                               t->getStopIndex() + 1);
    os << r.begin.line << ':' << r.begin.col << ' ' << kind << " '" << escapeText(text)
       << "'\n";
    if (type == antlr4::Token::EOF)
      break;
  }
}

} // namespace nsc
