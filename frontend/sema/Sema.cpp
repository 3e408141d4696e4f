//===- Sema.cpp - analyzeProgram: the entry point of semantic analysis ----===//
//
// Order: the table of every model in the program (duplicates across files
// are errors), then each model (ModelChecker), file-level `semantics:`
// blocks, and finally networks, which look models up in the table.
//
//===----------------------------------------------------------------------===//
#include "nsc/frontend/Sema.h"

#include "ModelChecker.h"
#include "NetworkChecker.h"
#include "SemanticsChecker.h"

namespace nsc {

using namespace sema;

bool analyzeProgram(ast::Program &program, DiagnosticEngine &diags) {
  unsigned errorsBefore = diags.errorCount();
  SemaContext ctx(diags);
  ctx.importDirs = program.importDirs;

  for (auto &file : program.files) {
    if (!file)
      continue;
    for (auto &m : file->models) {
      if (!m)
        continue;
      SourceRange r = m->nameRange.valid() ? m->nameRange : m->range;
      if (isBuiltinSource(m->name)) {
        diags.error(r, "model name '" + m->name + "' is reserved for a built-in stimulus source");
        continue;
      }
      auto [it, inserted] = ctx.models.emplace(m->name, m.get());
      if (!inserted)
        diags.error(r, "redefinition of model '" + m->name + "'")
            .note(it->second->nameRange, "previous definition is here");
    }
  }

  for (auto &file : program.files) {
    if (!file)
      continue;
    for (auto &m : file->models)
      if (m)
        ModelChecker(ctx, *m).run();
    if (file->semantics)
      checkSemanticsBlock(ctx, *file->semantics, nullptr);
  }

  std::map<std::string, const ast::Network *> networks;
  for (auto &file : program.files) {
    if (!file)
      continue;
    for (auto &n : file->networks) {
      if (!n)
        continue;
      auto [it, inserted] = networks.emplace(n->name, n.get());
      if (!inserted)
        diags.error(n->nameRange, "redefinition of network '" + n->name + "'")
            .note(it->second->nameRange, "previous definition is here");
      checkNetwork(ctx, *n);
    }
  }
  return diags.errorCount() == errorsBefore;
}

} // namespace nsc
