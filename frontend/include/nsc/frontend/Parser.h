//===- Parser.h - .nrn / .nestml text to AST --------------------*- C++ -*-===//
//
// The ANTLR4 lexer and parser are generated at build time from grammar/*.g4.
// IndentTokenSource (internal) turns leading whitespace into INDENT/DEDENT
// tokens; AstBuilder (internal) lowers the parse tree into ast:: nodes. Syntax
// errors are reported through the DiagnosticEngine with line and column.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/AST.h"
#include "nsc/support/Diagnostics.h"

#include <iosfwd>
#include <memory>

namespace nsc {

/// Parses one file. On syntax errors the diagnostics are reported and the
/// result is null (the AST of a file with syntax errors is never analysed).
std::unique_ptr<ast::File> parseFile(const SourceManager &sm, DiagnosticEngine &diags,
                                     FileId file);

/// `--emit=tokens`: one token per line, `LINE:COL KIND 'text'`, including the
/// synthesized NEWLINE / INDENT / DEDENT tokens.
void dumpTokens(const SourceManager &sm, DiagnosticEngine &diags, FileId file,
                std::ostream &os);

} // namespace nsc
