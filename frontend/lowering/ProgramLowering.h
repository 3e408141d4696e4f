//===- ProgramLowering.h - Whole-program lowering state ---------*- C++ -*-===//
//
// Internal to nsc_lowering: the models of a program with the semantics
// blocks that apply to them, the module being built, and the cache of model
// specializations (a model lowered again for populations whose semantics
// differ from its standalone semantics, so that every IR model's types and
// semantics are exactly those it runs under).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "LowerSemantics.h"

#include "nsc/frontend/AST.h"
#include "nsc/frontend/Lowering.h"
#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"

#include <map>
#include <string>
#include <vector>

namespace nsc::lowering {

struct ModelEntry {
  const ast::Model *ast = nullptr;
  SemanticsOverrides fileOverrides;  // the model's file-level block
  SemanticsOverrides modelOverrides; // the model's own block
  uint32_t index = 0;                // standalone model in Module::models
};

class ProgramLowering {
public:
  ProgramLowering(ir::Module &module, DiagnosticEngine &diags, const LoweringOptions &options = {})
      : module_(module), diags_(diags), options_(options) {}

  /// Lowers every model, then every network, of the program.
  void run(const ast::Program &program);

  // Used by NetworkLowerer for populations and synapse models.
  const ModelEntry *entryFor(const ast::Model *decl, const std::string &name) const;
  /// The IR model for `entry` under `sem`: the standalone one when the
  /// semantics agree, else a (cached) specialization.
  uint32_t modelFor(const ModelEntry &entry, const ir::Semantics &sem, const std::string &network,
                    const std::string &population);
  /// Sets what the command line overrides (--dt) on merged semantics.
  void applyCommandLine(ir::Semantics &sem) const;

private:
  void lowerModels(const ast::Program &program);
  /// One network, by a NetworkLowerer (LowerNetwork.cpp).
  void lowerNetwork(const ast::Network &net, const SemanticsOverrides &fileOverrides);

  ir::Module &module_;
  DiagnosticEngine &diags_;
  LoweringOptions options_;
  std::vector<ModelEntry> models_;
  std::map<const ast::File *, SemanticsOverrides> fileOverrides_;
  struct Specialization {
    const ast::Model *ast;
    ir::Semantics semantics;
    uint32_t index;
  };
  std::vector<Specialization> specializations_;
};

} // namespace nsc::lowering
