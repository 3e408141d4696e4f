//===- IRWalk.h - Visiting every expression and statement of a model -*- C++ -*-===//
//
// Passes rewrite expressions in place through the owning ExprPtr, so the
// walkers hand out `ExprPtr &` slots: a visitor may replace the node the
// slot holds. forEachRootExpr() visits the top of every expression tree a
// model owns (initial values, guards, ODE/kernel/inline right-hand sides,
// conditions, statement operands); forEachChild() the operands of one node.
// Variable renumbering lives here too because every pass that deletes a
// variable must update the same places (the model and the networks that
// use it).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"

#include <functional>

namespace nsc::ir {

using ExprSlotFn = std::function<void(ir::ExprPtr &)>;
using StmtFn = std::function<void(ir::Stmt &)>;

/// Calls fn on each direct operand slot of `e` (non-null ones only).
void forEachChild(ir::Expr &e, const ExprSlotFn &fn);
void forEachChild(const ir::Expr &e, const std::function<void(const ir::Expr &)> &fn);

/// Calls fn on each expression slot a statement owns directly (not those of
/// nested statements).
void forEachStmtExpr(ir::Stmt &s, const ExprSlotFn &fn);

/// Calls fn on each statement of the block, nested ones included (pre-order).
void forEachStmt(ir::Block &b, const StmtFn &fn);

/// Every nested block a statement owns (then/else, loop bodies).
std::vector<ir::Block *> childBlocks(ir::Stmt &s);

/// Every block of the model: update, handlers, functions.
std::vector<ir::Block *> modelBlocks(ir::Model &m);

/// Calls fn on the root slot of every expression tree the model owns.
/// Inline right-hand sides are included unless `skipInlines`.
void forEachRootExpr(ir::Model &m, const ExprSlotFn &fn, bool skipInlines = false);

/// Calls fn on every node of every expression of the model (post-order,
/// read-only).
void forEachExprNode(ir::Model &m, const std::function<void(const ir::Expr &)> &fn);
void forEachNode(const ir::Expr &e, const std::function<void(const ir::Expr &)> &fn);

/// Rewrites the tree rooted at `slot` bottom-up: fn sees each slot after
/// its children were rewritten and may replace the node.
void rewritePostOrder(ir::ExprPtr &slot, const ExprSlotFn &fn);

/// Number of times each variable of the model is read (VarRef, Derivative),
/// counting model expressions only; network references are separate, see
/// variablesUsedByNetworks().
std::vector<unsigned> countVariableReads(ir::Model &m);

/// Variables of module.models[model] named by a network: population
/// initial values, synapse parameters, recorders.
std::vector<bool> variablesUsedByNetworks(const ir::Module &module, uint32_t model);

/// Deletes the variables with remove[v] set from module.models[model] and
/// renumbers every reference to the others, in the model and in every
/// network that uses it. The caller guarantees nothing still refers to a
/// removed variable. Returns the number removed.
unsigned removeVariables(ir::Module &module, uint32_t model, const std::vector<bool> &remove);

/// Inline ids of module.models[model] that a network recorder names.
std::vector<bool> inlinesRecorded(const ir::Module &module, uint32_t model);

/// Deletes the inline expressions of module.models[model] that are neither
/// `recordable` nor marked in `keep`, and renumbers the InlineRefs of the
/// model and the recorders of every network that names the others. The
/// caller guarantees nothing still refers to a removed inline. Returns the
/// number removed.
unsigned removeInlines(ir::Module &module, uint32_t model, const std::vector<bool> &keep);

/// True when evaluating `e` has no effect besides its value: no random
/// draws, prints or user function calls (which may do either).
bool isPure(const ir::Expr &e);

} // namespace nsc::ir
