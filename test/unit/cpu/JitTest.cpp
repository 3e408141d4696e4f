//===- JitTest.cpp - Host target, O3 pipeline, object emission, JIT runs --===//
//
// Checks the properties the cpu backend relies on: the optimiser vectorizes
// a plain loop over doubles (it only does with the host TargetMachine), no
// fmul+fadd is ever contracted into an FMA (bit-identity with the
// interpreter), objects and assembly can be written, and JIT-compiled code
// computes what the same C++ computes, calling libm and the nsc_rt_*
// routines. Caching is tested in JitCacheTest.cpp.
//
//===----------------------------------------------------------------------===//
#include "Jit.h"
#include "JitTestModules.h"
#include "RuntimeSupport.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

using namespace nsc::cpu;
using namespace nsc::cpu::test;

namespace {

std::string printed(const llvm::Module &m) {
  std::string s;
  llvm::raw_string_ostream os(s);
  m.print(os, nullptr);
  return s;
}

std::unique_ptr<llvm::TargetMachine> hostTM() {
  auto tm = createHostTargetMachine();
  if (!tm) {
    ADD_FAILURE() << llvm::toString(tm.takeError());
    return nullptr;
  }
  return std::move(*tm);
}

std::string assemblyOf(llvm::Module &m, llvm::TargetMachine &tm) {
  llvm::SmallVector<char, 0> text;
  llvm::raw_svector_ostream os(text);
  llvm::Error e = emitModule(m, tm, OutputKind::Assembly, os);
  EXPECT_FALSE(bool(e)) << llvm::toString(std::move(e));
  return std::string(text.data(), text.size());
}

/// Keeps the tests of this file off the user's real cache: every engine of
/// this file uses a cache directory that cannot be created.
class JitTest : public ::testing::Test {
protected:
  void SetUp() override { setenv("NSC_CACHE_DIR", "/proc/nsc-no-cache-here", 1); }
  void TearDown() override { unsetenv("NSC_CACHE_DIR"); }

  std::unique_ptr<JitEngine> engine() {
    auto e = JitEngine::create();
    if (!e) {
      ADD_FAILURE() << llvm::toString(e.takeError());
      return nullptr;
    }
    return std::move(*e);
  }
  template <typename F> F lookup(JitEngine &jit, const char *name) {
    auto p = jit.lookup(name);
    if (!p) {
      ADD_FAILURE() << llvm::toString(p.takeError());
      return nullptr;
    }
    return reinterpret_cast<F>(*p);
  }
};

TEST_F(JitTest, HostTargetMachineDescribesThisMachine) {
  auto tm = hostTM();
  ASSERT_TRUE(tm);
  EXPECT_EQ(tm->getTargetTriple().str(), llvm::sys::getProcessTriple());
  EXPECT_EQ(tm->getTargetCPU().str(), llvm::sys::getHostCPUName().str());
  EXPECT_EQ(tm->Options.AllowFPOpFusion, llvm::FPOpFusion::Strict);
  EXPECT_FALSE(tm->Options.UnsafeFPMath);
  EXPECT_EQ(tm->getOptLevel(), llvm::CodeGenOptLevel::Aggressive);
  EXPECT_TRUE(tm->isPositionIndependent());
}

TEST_F(JitTest, OptimizeModuleVectorizesALoopOverDoubles) {
  auto tm = hostTM();
  ASSERT_TRUE(tm);
  OwnedModule om = emptyModule("vec");
  addAxpbLoop(*om.module, "axpb", false);
  ASSERT_FALSE(llvm::verifyModule(*om.module, &llvm::errs()));
  std::string before = printed(*om.module);
  EXPECT_EQ(before.find("x double>"), std::string::npos);

  optimizeModule(*om.module, *tm);
  ASSERT_FALSE(llvm::verifyModule(*om.module, &llvm::errs()));
  std::string after = printed(*om.module);
  EXPECT_NE(after.find("x double>"), std::string::npos) << after;
  // The data layout and triple come from the target machine.
  EXPECT_EQ(om.module->getTargetTriple(), tm->getTargetTriple().str());
  EXPECT_EQ(om.module->getDataLayout(), tm->createDataLayout());
}

TEST_F(JitTest, NoFmaContractionInScalarOrVectorCode) {
  auto tm = hostTM();
  ASSERT_TRUE(tm);
  OwnedModule om = emptyModule("fma");
  addAxpbLoop(*om.module, "axpb", false);
  addMulAdd(*om.module, "muladd");
  optimizeModule(*om.module, *tm);
  std::string asmText = assemblyOf(*om.module, *tm);
  ASSERT_NE(asmText.find("muladd"), std::string::npos);
  // The host has FMA (AVX2 machines do); contraction would show as vfmadd.
  EXPECT_EQ(asmText.find("vfmadd"), std::string::npos) << asmText;
  EXPECT_EQ(asmText.find("vfmsub"), std::string::npos);
  EXPECT_EQ(asmText.find("vfnmadd"), std::string::npos);
}

TEST_F(JitTest, EmitsAnElfObject) {
  auto tm = hostTM();
  ASSERT_TRUE(tm);
  OwnedModule om = standardModule();
  optimizeModule(*om.module, *tm);
  llvm::SmallVector<char, 0> bytes;
  llvm::raw_svector_ostream os(bytes);
  llvm::Error e = emitModule(*om.module, *tm, OutputKind::Object, os);
  ASSERT_FALSE(bool(e)) << llvm::toString(std::move(e));
  ASSERT_GT(bytes.size(), 64u);
  EXPECT_EQ(std::string(bytes.data(), 4), "\x7f" "ELF");
}

TEST_F(JitTest, JitCodeComputesWhatCppComputes) {
  auto jit = engine();
  ASSERT_TRUE(jit);
  OwnedModule om = standardModule();
  auto outcome = jit->addModule(std::move(om.module), std::move(om.context));
  ASSERT_TRUE(bool(outcome)) << llvm::toString(outcome.takeError());
  EXPECT_EQ(*outcome, CacheOutcome::Compiled);

  auto axpb = lookup<AxpbFn>(*jit, "nsc_test_axpb");
  auto axpbExp = lookup<AxpbFn>(*jit, "nsc_test_axpb_exp");
  ASSERT_TRUE(axpb && axpbExp);
  // 1003 elements: the vector body and the scalar remainder both run.
  const int64_t n = 1003;
  std::vector<double> x(n), out(n), outExp(n);
  for (int64_t i = 0; i < n; ++i)
    x[i] = -3.0 + 0.00731 * double(i) + 1e-9 * double(i * i);
  const double a = 1.2345678901234, b = -0.333333333333333;
  axpb(out.data(), x.data(), a, b, n);
  axpbExp(outExp.data(), x.data(), a, b, n);
  for (int64_t i = 0; i < n; ++i) {
    volatile double product = a * x[i]; // no FMA in the reference either
    double expected = product + b;
    ASSERT_EQ(out[i], expected) << "i = " << i;
    ASSERT_EQ(outExp[i], std::exp(expected)) << "i = " << i;
  }
  // n = 0 touches nothing.
  std::vector<double> untouched{42.0};
  axpb(untouched.data(), x.data(), a, b, 0);
  EXPECT_EQ(untouched[0], 42.0);
}

TEST_F(JitTest, JitCodeDoesNotContractMulAdd) {
  auto jit = engine();
  ASSERT_TRUE(jit);
  OwnedModule om = standardModule();
  ASSERT_TRUE(bool(jit->addModule(std::move(om.module), std::move(om.context))));
  auto muladd = lookup<MulAddFn>(*jit, "nsc_test_muladd");
  ASSERT_TRUE(muladd);
  // (1 + 2^-30)(1 - 2^-30) = 1 - 2^-60 rounds to 1, so a*b - 1 is 0; a fused
  // multiply-add would give -2^-60.
  double a = 1.0 + std::ldexp(1.0, -30), b = 1.0 - std::ldexp(1.0, -30);
  EXPECT_EQ(muladd(a, b, -1.0), 0.0);
  EXPECT_EQ(std::fma(a, b, -1.0), -std::ldexp(1.0, -60)); // the test can tell
}

TEST_F(JitTest, GeneratedCodeReachesTheSupportRoutines) {
  auto jit = engine();
  ASSERT_TRUE(jit);
  OwnedModule om = standardModule();
  ASSERT_TRUE(bool(jit->addModule(std::move(om.module), std::move(om.context))));
  auto divZero = lookup<RuntimeFn>(*jit, "nsc_test_div_zero");
  ASSERT_TRUE(divZero);
  nsc_runtime rt;
  rt.model = "m";
  divZero(&rt);
  divZero(&rt);
  ASSERT_EQ(rt.warnings.size(), 1u);
  EXPECT_EQ(rt.warnings["integer division by zero (result 0)"], 2u);
}

TEST_F(JitTest, EveryStepAbiRoutineResolves) {
  // A module that calls every routine: linking fails if one is missing.
  auto jit = engine();
  ASSERT_TRUE(jit);
  OwnedModule om = emptyModule("all_routines");
  for (const char *r : {"nsc_rt_rng_init", "nsc_rt_rng_uniform", "nsc_rt_rng_normal",
                        "nsc_rt_rng_lognormal", "nsc_rt_rng_exponential", "nsc_rt_rng_poisson",
                        "nsc_rt_msg_begin", "nsc_rt_msg_str", "nsc_rt_msg_real", "nsc_rt_msg_int",
                        "nsc_rt_msg_bool", "nsc_rt_msg_end", "nsc_rt_warn_index",
                        "nsc_rt_warn_int_div_zero", "nsc_rt_warn_for_step_zero", "nsc_rt_fatal"})
    addRuntimeCall(*om.module, std::string("call_") + r, r); // never called: only linked
  auto outcome = jit->addModule(std::move(om.module), std::move(om.context));
  ASSERT_TRUE(bool(outcome)) << llvm::toString(outcome.takeError());
  EXPECT_TRUE(bool(lookup<RuntimeFn>(*jit, "call_nsc_rt_fatal")));
}

TEST_F(JitTest, UnresolvedSymbolIsAnErrorNotACrash) {
  auto jit = engine();
  ASSERT_TRUE(jit);
  OwnedModule om = emptyModule("unresolved");
  addRuntimeCall(*om.module, "calls_nothing", "nsc_no_such_routine_anywhere");
  auto outcome = jit->addModule(std::move(om.module), std::move(om.context));
  ASSERT_FALSE(bool(outcome));
  std::string message = llvm::toString(outcome.takeError());
  EXPECT_NE(message.find("nsc_no_such_routine_anywhere"), std::string::npos) << message;
  // The engine stays usable.
  OwnedModule ok = standardModule();
  auto again = jit->addModule(std::move(ok.module), std::move(ok.context));
  ASSERT_TRUE(bool(again)) << llvm::toString(again.takeError());
  EXPECT_TRUE(lookup<MulAddFn>(*jit, "nsc_test_muladd"));
}

TEST_F(JitTest, LookupOfAMissingSymbolNamesIt) {
  auto jit = engine();
  ASSERT_TRUE(jit);
  auto p = jit->lookup("nsc_step_nothing");
  ASSERT_FALSE(bool(p));
  std::string message = llvm::toString(p.takeError());
  EXPECT_NE(message.find("nsc_step_nothing"), std::string::npos) << message;
}

TEST_F(JitTest, DuplicateDefinitionIsAnError) {
  auto jit = engine();
  ASSERT_TRUE(jit);
  OwnedModule first = emptyModule("dup");
  addMulAdd(*first.module, "nsc_test_same_name");
  ASSERT_TRUE(bool(jit->addModule(std::move(first.module), std::move(first.context))));
  OwnedModule second = emptyModule("dup2"); // different text, same symbol
  addMulAdd(*second.module, "nsc_test_same_name");
  addMulAdd(*second.module, "nsc_test_other_name");
  auto outcome = jit->addModule(std::move(second.module), std::move(second.context));
  ASSERT_FALSE(bool(outcome));
  std::string message = llvm::toString(outcome.takeError());
  EXPECT_NE(message.find("nsc_test_same_name"), std::string::npos) << message;
  // The first definition still works.
  auto f = lookup<MulAddFn>(*jit, "nsc_test_same_name");
  ASSERT_TRUE(f);
  EXPECT_EQ(f(2.0, 3.0, 1.0), 7.0);
}

} // namespace
