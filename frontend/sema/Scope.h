//===- Scope.h - Symbol tables for models, functions and blocks -*- C++ -*-===//
//
// Internal to nsc_sema. One Scope per model (parameters, state, internals,
// inline expressions, kernels, ports, functions), one per function (its
// parameters) and one per statement block (locals). Lookup walks outwards;
// names not found in any scope are then tried as predefined names (`t`, `e`)
// and finally as unit names, so a declared `ms` or `d` shadows the unit.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/AST.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nsc::sema {

enum class SymbolKind { Variable, Port, Kernel, Inline, Function };

struct Symbol {
  SymbolKind kind = SymbolKind::Variable;
  std::string name;
  /// The declared name's range (for "declared here" notes).
  SourceRange range;
  /// VarDecl, InputPort, KernelDecl, InlineDecl or FunctionDecl.
  const ast::Node *decl = nullptr;
  /// Which name of a VarDecl, or which part of a KernelDecl.
  unsigned index = 0;
  /// Value type (variables, inline expressions, ports, kernels); the return
  /// type for functions.
  ir::Type type;
  /// Variables only: where it was declared.
  ast::DeclContext context = ast::DeclContext::Local;
  bool isVector = false;
  /// Model variables: position in declaration order within the model, used
  /// to reject initial values that refer to later declarations.
  unsigned order = 0;
};

class Scope {
public:
  explicit Scope(const Scope *parent = nullptr) : parent_(parent) {}

  /// Adds `s` unless a symbol of that name exists in this scope; returns the
  /// existing one in that case and nullptr on success.
  const Symbol *declare(Symbol s);
  const Symbol *lookupLocal(const std::string &name) const;
  Symbol *findLocal(const std::string &name);
  /// This scope, then the enclosing ones.
  const Symbol *lookup(const std::string &name) const;
  /// Every visible name (for "did you mean" suggestions).
  void collectNames(std::vector<std::string> &out) const;
  const Scope *parent() const { return parent_; }
  /// Symbols of this scope in declaration order.
  const std::vector<const Symbol *> &symbols() const { return order_; }

private:
  const Scope *parent_;
  std::map<std::string, std::unique_ptr<Symbol>> table_;
  std::vector<const Symbol *> order_;
};

} // namespace nsc::sema
