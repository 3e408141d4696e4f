//===- AstBuilder.h - Parse tree to AST -------------------------*- C++ -*-===//
//
// Internal to nsc_parse. Lowers an error-free NscParser parse tree into
// ast:: nodes with byte-accurate SourceRanges. The few checks that the
// grammar cannot express (an equation whose left side is not a derivative,
// an unknown `onReceive` parameter, a second file-level semantics block...)
// are reported here; errorCount() tells the caller whether to drop the AST.
//
// Split over AstBuilder.cpp (files, models, statements), AstBuilderExpr.cpp
// (expressions and types) and AstBuilderNetwork.cpp (networks, semantics).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "IndentTokenSource.h"
#include "NscLexer.h"
#include "NscParser.h"

#include "nsc/frontend/AST.h"

namespace nsc::parse {

using antlr::NscParser;

class AstBuilder {
public:
  AstBuilder(DecodedSource &source, IndentTokenSource &tokens, DiagnosticEngine &diags)
      : src_(source), tokens_(tokens), diags_(diags) {}

  std::unique_ptr<ast::File> build(NscParser::FileContext *ctx);
  unsigned errorCount() const { return errors_; }

  // --- locations ---
  SourceRange range(antlr4::Token *t) const;
  SourceRange range(antlr4::tree::TerminalNode *n) const { return range(n->getSymbol()); }
  SourceRange range(antlr4::ParserRuleContext *ctx) const;
  std::string text(antlr4::Token *t) const;
  std::string text(antlr4::ParserRuleContext *ctx) const;

  // --- expressions and types (AstBuilderExpr.cpp) ---
  ast::ExprPtr expr(NscParser::ExprContext *ctx);
  ast::ExprPtr primary(NscParser::PrimaryContext *ctx);
  std::unique_ptr<ast::Call> call(NscParser::CallContext *ctx);
  std::unique_ptr<ast::NameRef> variable(NscParser::VariableContext *ctx);
  ast::NamedArg namedArg(NscParser::NamedArgContext *ctx);
  ast::TypeExprPtr dataType(NscParser::DataTypeContext *ctx);
  ast::TypeExprPtr unitType(NscParser::UnitTypeContext *ctx);

  // --- models and statements (AstBuilder.cpp) ---
  std::unique_ptr<ast::Model> model(NscParser::ModelContext *ctx);
  std::unique_ptr<ast::Node> modelMember(NscParser::ModelMemberContext *ctx);
  std::unique_ptr<ast::VarDecl> declaration(NscParser::DeclarationContext *ctx,
                                            ast::DeclContext context);
  std::unique_ptr<ast::Node> equationItem(NscParser::EquationItemContext *ctx);
  std::unique_ptr<ast::InputPort> inputPort(NscParser::InputPortContext *ctx);
  std::unique_ptr<ast::FunctionDecl> function(NscParser::FunctionDeclContext *ctx);
  ast::Block block(NscParser::BlockContext *ctx);
  ast::StmtPtr stmt(NscParser::StmtContext *ctx);

  // --- networks, semantics, imports (AstBuilderNetwork.cpp) ---
  std::unique_ptr<ast::Network> network(NscParser::NetworkContext *ctx);
  std::unique_ptr<ast::SemanticsBlock> semantics(NscParser::SemanticsBlockContext *ctx);
  std::unique_ptr<ast::HardwareBlock> hardware(NscParser::HardwareBlockContext *ctx); // AstBuilderHardware.cpp
  std::unique_ptr<ast::Import> import(NscParser::ImportStmtContext *ctx);
  ast::PopulationRef popRef(NscParser::PopRefContext *ctx);

  void error(SourceRange r, std::string msg) {
    ++errors_;
    diags_.error(r, std::move(msg));
  }
  DiagnosticEngine &diags() { return diags_; }

private:
  DecodedSource &src_;
  IndentTokenSource &tokens_;
  DiagnosticEngine &diags_;
  unsigned errors_ = 0;
};

} // namespace nsc::parse
