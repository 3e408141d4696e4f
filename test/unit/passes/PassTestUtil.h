//===- PassTestUtil.h - Lower a source string, run passes on it -*- C++ -*-===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/frontend/Lowering.h"
#include "nsc/frontend/Parser.h"
#include "nsc/frontend/Sema.h"
#include "nsc/support/SourceManager.h"
#include "nsc/ir/Printer.h"
#include "nsc/ir/Verifier.h"
#include "nsc/passes/PassManager.h"

#include <gtest/gtest.h>

#include <sstream>

namespace nsc::test {

class PassTest : public ::testing::Test {
protected:
  SourceManager sm;
  DiagnosticEngine diags{sm};
  ast::Program program;
  std::unique_ptr<ir::Module> module;
  std::ostringstream log, printed;
  passes::PassOptions options;

  /// Parses, analyses and lowers `src`; false (with a test failure) on errors.
  bool lower(const std::string &src) {
    auto f = parseFile(sm, diags, sm.addBuffer("test.nrn", src));
    if (!f || !(program.files.push_back(std::move(f)), analyzeProgram(program, diags)) ||
        !(module = lowerToIR(program, diags)) || diags.hasErrors()) {
      ADD_FAILURE() << "front-end errors:\n" << dump();
      return false;
    }
    return true;
  }

  /// Runs the pipeline `spec` on the lowered module (verifier after each pass).
  bool run(const std::string &spec, bool logPasses = true) {
    passes::PassManager pm;
    if (!pm.addPipeline(spec, diags))
      return false;
    pm.setLogPasses(logPasses);
    pm.setPrintStream(&printed);
    passes::PassContext ctx(diags, log, options);
    bool ok = pm.run(*module, ctx);
    EXPECT_TRUE(ok || diags.hasErrors()) << "a failing pass must report why";
    return ok;
  }

  std::string dump() const {
    std::string out;
    for (const Diagnostic &d : diags.diagnostics())
      out += diags.format(d);
    return out;
  }
  std::string text() const { return module ? ir::printModuleToString(*module) : "<no module>"; }
  bool contains(const std::string &needle) const { return text().find(needle) != std::string::npos; }
  bool hasDiag(Severity sev, const std::string &needle) const {
    for (const Diagnostic &d : diags.diagnostics())
      if (d.severity == sev && d.message.find(needle) != std::string::npos)
        return true;
    return false;
  }
  ir::Model &model(size_t i = 0) { return *module->models.at(i); }
};

} // namespace nsc::test
