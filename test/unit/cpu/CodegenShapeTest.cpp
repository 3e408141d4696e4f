//===- CodegenShapeTest.cpp - What the generated code looks like ----------===//
//
// The optimised step function of CUBA is vectorized (the loop over neurons
// becomes SIMD with the host TargetMachine) and has no contracted or
// fast-math floating point; models the generator cannot compile give an
// error that names the construct.
//
//===----------------------------------------------------------------------===//
#include "DifferentialHarness.h"

#include <gtest/gtest.h>

using namespace nsc;
using namespace nsc::cpu::difftest;

namespace {

//===----------------------------------------------------------------------===//
// Shape of the code and what cannot be compiled
//===----------------------------------------------------------------------===//

TEST(CodegenShape, OptimisedCubaStepIsVectorizedWithoutContraction) {
  Program prog;
  ASSERT_TRUE(prog.load(examplePath("cuba.nrn"), nullptr)) << prog.errors;
  auto models = neuronModels(*prog.module);
  ASSERT_GE(models.size(), 1u);
  llvm::LLVMContext ctx;
  auto mod = nsc::cpu::generateStepFunction(*models[0], 0.1, "cuba", ctx);
  ASSERT_TRUE(bool(mod)) << llvm::toString(mod.takeError());
  auto tm = nsc::cpu::createHostTargetMachine();
  ASSERT_TRUE(bool(tm)) << llvm::toString(tm.takeError());
  nsc::cpu::optimizeModule(**mod, **tm);
  std::string text;
  llvm::raw_string_ostream os(text);
  (*mod)->print(os, nullptr);
  EXPECT_NE(text.find("x double>"), std::string::npos) << "no vector of doubles in:\n" << text;
  EXPECT_NE(text.find("@nsc_step_cuba(ptr"), std::string::npos);
  if (getenv("NSC_TEST_PRINT_IR"))
    std::printf("%s\n", text.c_str());
  EXPECT_EQ(text.find("fmuladd"), std::string::npos);
  EXPECT_EQ(text.find("llvm.fma"), std::string::npos);
  for (const char *flag : {" fast ", " contract ", " reassoc ", " afn ", " arcp "})
    EXPECT_EQ(text.find(flag), std::string::npos) << flag;
}

std::string codegenError(const std::string &src, bool pipeline, const char *name = "m.nrn") {
  Program prog;
  if (!prog.load(name, &src, pipeline))
    return "does not load: " + prog.errors;
  for (const auto &m : prog.module->models) {
    llvm::LLVMContext ctx;
    auto mod = nsc::cpu::generateStepFunction(*m, 0.1, "x", ctx);
    if (!mod)
      return llvm::toString(mod.takeError());
  }
  return "";
}

TEST(CodegenShape, UncompilableModelsGiveAnErrorNamingTheConstruct) {
  // Still ODEs: the pass pipeline was not run.
  std::string odes = "model leak:\n    state:\n        V mV = 0 mV\n    equations:\n        V' = -V / (10 ms)\n"
                     "    update:\n        integrate_odes()\n";
  EXPECT_NE(codegenError(odes, false).find("still has ODEs"), std::string::npos) << codegenError(odes, false);
  // A synapse model.
  std::string syn = readFile(examplePath("stdp_synapse.nrn"));
  EXPECT_NE(codegenError(syn, true, "stdp.nrn").find("synapse models"), std::string::npos)
      << codegenError(syn, true, "stdp.nrn");
  // Fixed point compiles (FixedCodegen.cpp).
  std::string fixed = "model q:\n    state:\n        V real = 0\n    update:\n        V = V * 0.5 + 1\n"
                      "    semantics:\n        precision = fixed(Q16.16)\n";
  EXPECT_EQ(codegenError(fixed, true), "");
}


} // namespace
