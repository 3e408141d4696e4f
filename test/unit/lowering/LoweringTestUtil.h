//===- LoweringTestUtil.h - parse + sema + lowerToIR on strings -*- C++ -*-===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/frontend/Lowering.h"
#include "nsc/frontend/Parser.h"
#include "nsc/frontend/Sema.h"
#include "nsc/support/SourceManager.h"
#include "nsc/ir/Printer.h"
#include "nsc/ir/Verifier.h"

#include <gtest/gtest.h>

namespace nsc::test {

class LoweringTest : public ::testing::Test {
protected:
  SourceManager sm;
  DiagnosticEngine diags{sm};
  ast::Program program;
  std::unique_ptr<ir::Module> module;
  LoweringOptions options; // what `nsc --dt` sets

  bool addFile(const std::string &src, const std::string &path = "test.nrn") {
    auto f = parseFile(sm, diags, sm.addBuffer(path, src));
    if (!f) {
      ADD_FAILURE() << "syntax errors:\n" << dump();
      return false;
    }
    program.files.push_back(std::move(f));
    return true;
  }

  /// Parses, analyses and lowers; on success the module also verifies.
  bool lower(const std::string &src) {
    if (!src.empty() && !addFile(src))
      return false;
    if (!analyzeProgram(program, diags)) {
      ADD_FAILURE() << "sema errors:\n" << dump();
      return false;
    }
    module = lowerToIR(program, diags, options);
    if (!module)
      return false;
    std::vector<std::string> errors;
    bool ok = ir::verifyModule(*module, &errors);
    EXPECT_TRUE(ok) << (errors.empty() ? "" : errors[0]) << "\n" << text();
    return ok;
  }

  std::string dump() const {
    std::string out;
    for (const Diagnostic &d : diags.diagnostics())
      out += diags.format(d);
    return out;
  }

  std::string text() const { return module ? ir::printModuleToString(*module) : "<no module>"; }

  bool hasDiag(Severity sev, const std::string &needle) const {
    for (const Diagnostic &d : diags.diagnostics())
      if (d.severity == sev && d.message.find(needle) != std::string::npos)
        return true;
    return false;
  }

  const ir::Model &model(const std::string &name) const {
    auto i = module->findModel(name);
    if (!i)
      throw std::runtime_error("no model " + name);
    return *module->models[*i];
  }

  bool contains(const std::string &needle) const { return text().find(needle) != std::string::npos; }
};

} // namespace nsc::test
