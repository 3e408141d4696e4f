//===- Lowering.cpp - Checked AST to typed IR: entry point and models -----===//
#include "nsc/frontend/Lowering.h"

#include "ModelLowerer.h"
#include "ProgramLowering.h"

#include <set>

namespace nsc {

namespace lowering {

void ProgramLowering::run(const ast::Program &program) {
  for (const auto &file : program.files) {
    SemanticsOverrides o;
    if (file->nestml) {
      // NESTML's defaults: what NESTML's NEST code generator gives a
      // numerically integrated model (GSL's absolute and relative error
      // tolerances 1e-6; docs/solvers.md, "nsc and NESTML defaults").
      o.rk45Atol = 1e-6;
      o.rk45Rtol = 1e-6;
    }
    o.mergeFrom(readSemantics(file->semantics.get(), diags_));
    fileOverrides_[file.get()] = o;
  }
  lowerModels(program);
  for (const auto &file : program.files)
    for (const auto &net : file->networks)
      lowerNetwork(*net, fileOverrides_[file.get()]);
}

void ProgramLowering::lowerModels(const ast::Program &program) {
  std::set<std::string> seen;
  for (const auto &file : program.files) {
    for (const auto &m : file->models) {
      // Sema reports duplicate models; the first declaration wins.
      if (!seen.insert(m->name).second)
        continue;
      ModelEntry e;
      e.ast = m.get();
      e.fileOverrides = fileOverrides_[file.get()];
      // Several model blocks merge key by key, later ones winning.
      for (const auto &member : m->members)
        if (auto *s = ast::dyn_cast<ast::SemanticsBlock>(member.get()))
          e.modelOverrides.mergeFrom(readSemantics(s, diags_));
      ir::Semantics sem;
      e.fileOverrides.applyTo(sem);
      e.modelOverrides.applyTo(sem);
      applyCommandLine(sem);
      e.index = static_cast<uint32_t>(module_.models.size());
      module_.addModel(ModelLowerer(m.get(), sem, diags_).run(m->name));
      models_.push_back(std::move(e));
    }
  }
}

void ProgramLowering::applyCommandLine(ir::Semantics &sem) const {
  if (options_.dtOverrideMs)
    sem.dtMs = *options_.dtOverrideMs;
}

const ModelEntry *ProgramLowering::entryFor(const ast::Model *decl, const std::string &name) const {
  for (const ModelEntry &e : models_)
    if (decl && e.ast == decl)
      return &e;
  for (const ModelEntry &e : models_)
    if (e.ast->name == name)
      return &e;
  return nullptr;
}

uint32_t ProgramLowering::modelFor(const ModelEntry &entry, const ir::Semantics &sem,
                                   const std::string &network, const std::string &population) {
  if (module_.models[entry.index]->semantics == sem)
    return entry.index;
  for (const Specialization &s : specializations_)
    if (s.ast == entry.ast && s.semantics == sem)
      return s.index;
  std::string name = entry.ast->name + "." + network;
  if (module_.findModel(name))
    name += "." + population;
  for (unsigned n = 2; module_.findModel(name); ++n)
    name = entry.ast->name + "." + network + "." + population + "." + std::to_string(n);
  auto model = ModelLowerer(entry.ast, sem, diags_).run(name);
  model->specializationOf = entry.ast->name;
  uint32_t index = static_cast<uint32_t>(module_.models.size());
  module_.addModel(std::move(model));
  specializations_.push_back({entry.ast, sem, index});
  return index;
}

} // namespace lowering

std::unique_ptr<ir::Module> lowerToIR(const ast::Program &program, DiagnosticEngine &diags,
                                      const LoweringOptions &options) {
  unsigned errorsBefore = diags.errorCount();
  auto module = std::make_unique<ir::Module>();
  lowering::ProgramLowering(*module, diags, options).run(program);
  // Lowering errors are reported; a module with errors is never handed on.
  if (diags.errorCount() != errorsBefore)
    return nullptr;
  return module;
}

} // namespace nsc
