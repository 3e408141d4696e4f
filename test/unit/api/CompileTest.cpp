//===- CompileTest.cpp - nsc::Compiler: sources to models, errors ---------===//
//
// Only the public API (nsc/nsc.h) is used, linked against libnsc.so, so
// these tests also check that what applications need is exported.
//
//===----------------------------------------------------------------------===//
#include "TestModels.h"

#include <nsc/nsc.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <fstream>

namespace {

nsc::Compiler interpCompiler() {
  nsc::CompilerOptions o;
  o.target = nsc::Target::Interp;
  return nsc::Compiler(o);
}

TEST(ApiCompile, StringListsModelsAndNetworks) {
  nsc::Model m = interpCompiler().compileString(nsc::test::kSmallNetwork, "small.nrn");
  EXPECT_EQ(m.models(), std::vector<std::string>{"lif"});
  EXPECT_EQ(m.networks(), std::vector<std::string>{"small"});
  EXPECT_TRUE(m.warnings().empty());
  EXPECT_GT(m.compile_ms(), 0.0);
  EXPECT_EQ(m.target(), nsc::Target::Interp);
}

TEST(ApiCompile, FileWithItsNetwork) {
  nsc::Model m = interpCompiler().compileFile(NSC_SOURCE_DIR "/examples/cuba.nrn");
  EXPECT_EQ(m.networks(), std::vector<std::string>{"cuba"});
  EXPECT_EQ(m.models(), std::vector<std::string>{"cuba_neuron"});
}

TEST(ApiCompile, ErrorCarriesEveryDiagnosticWithLocation) {
  // Two independent errors: both must be reported, each with file:line:col.
  const char *src = "model bad:\n"
                    "    state:\n"
                    "        V_m mV = -70 mV\n"
                    "    update:\n"
                    "        V_m = V_n\n"
                    "        V_m = 3 ms\n";
  try {
    interpCompiler().compileString(src, "bad.nrn");
    FAIL() << "expected nsc::CompileError";
  } catch (const nsc::CompileError &e) {
    const auto &d = e.diagnostics();
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].severity, nsc::Message::Severity::Error);
    EXPECT_EQ(d[0].file, "bad.nrn");
    EXPECT_EQ(d[0].line, 5u);
    EXPECT_EQ(d[0].column, 15u);
    EXPECT_EQ(d[0].message, "use of undeclared variable 'V_n'");
    EXPECT_EQ(nsc::locationOf(d[0]), "bad.nrn:5:15");
    // The clang-style text: location, message, source line and caret.
    EXPECT_EQ(d[0].text.rfind("bad.nrn:5:15: error: use of undeclared variable 'V_n'\n", 0), 0u) << d[0].text;
    EXPECT_NE(d[0].text.find("        V_m = V_n\n"), std::string::npos) << d[0].text;
    EXPECT_NE(d[0].text.find("^"), std::string::npos);
    // The note ("did you mean 'V_m'?") belongs to the first diagnostic.
    EXPECT_NE(d[0].text.find("note: did you mean 'V_m'?"), std::string::npos) << d[0].text;
    EXPECT_EQ(nsc::locationOf(d[1]), "bad.nrn:6:15");
    EXPECT_EQ(d[1].message, "cannot assign a value of type 'ms' to 'V_m' of type 'mV'");
    // what() is the whole list as the command line prints it.
    std::string what = e.what();
    EXPECT_NE(what.find("bad.nrn:5:15: error:"), std::string::npos) << what;
    EXPECT_NE(what.find("bad.nrn:6:"), std::string::npos) << what;
  }
}

TEST(ApiCompile, SyntaxErrorIsACompileError) {
  try {
    interpCompiler().compileString("model m:\n    state:\n        x real = (1 +\n", "syntax.nrn");
    FAIL() << "expected nsc::CompileError";
  } catch (const nsc::CompileError &e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].file, "syntax.nrn");
    EXPECT_GT(e.diagnostics()[0].line, 0u);
  }
}

TEST(ApiCompile, MissingFileIsACompileError) {
  try {
    interpCompiler().compileFile("/nonexistent/dir/model.nrn");
    FAIL() << "expected nsc::CompileError";
  } catch (const nsc::CompileError &e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/model.nrn"), std::string::npos) << e.what();
  }
}

TEST(ApiCompile, CatchableAsStdException) {
  try {
    interpCompiler().compileString("model", "x.nrn");
    FAIL();
  } catch (const std::exception &e) {
    EXPECT_NE(dynamic_cast<const nsc::Error *>(&e), nullptr);
  }
}

TEST(ApiCompile, WarningsAreKeptOrFatalWithWerror) {
  const char *src = "model w:\n"
                    "    state:\n"
                    "        x real = 1\n"
                    "    update:\n"
                    "        x = 7 / 2\n";
  nsc::Model m = interpCompiler().compileString(src, "w.nrn");
  ASSERT_FALSE(m.warnings().empty());
  EXPECT_EQ(m.warnings()[0].severity, nsc::Message::Severity::Warning);
  EXPECT_EQ(m.warnings()[0].file, "w.nrn");
  EXPECT_EQ(m.warnings()[0].line, 5u);
  EXPECT_EQ(m.warnings()[0].message, "integer division yields 3");
  nsc::CompilerOptions o;
  o.target = nsc::Target::Interp;
  o.warningsAsErrors = true;
  EXPECT_THROW(nsc::Compiler(o).compileString(src, "w.nrn"), nsc::CompileError);
}

TEST(ApiCompile, ImportsFollowIncludeDirs) {
  std::string dir = ::testing::TempDir() + "nsc_api_import";
  std::string mkdir = "mkdir -p '" + dir + "'";
  ASSERT_EQ(std::system(mkdir.c_str()), 0);
  {
    std::ofstream f(dir + "/lifmodel.nrn");
    std::string src = nsc::test::kSmallNetwork;
    f << src.substr(0, src.find("\nsemantics:")); // just the model
  }
  const char *net = "import lifmodel\n"
                    "network two:\n"
                    "    a = lif[2]\n";
  EXPECT_THROW(interpCompiler().compileString(net, "net.nrn"), nsc::CompileError);
  nsc::Compiler c = interpCompiler();
  c.options().includeDirs.push_back(dir);
  nsc::Model m = c.compileString(net, "net.nrn");
  EXPECT_EQ(m.networks(), std::vector<std::string>{"two"});
}

TEST(ApiCompile, InvalidOptionsAreArgumentErrors) {
  nsc::CompilerOptions o;
  o.target = nsc::Target::Interp;
  o.threads = 0;
  EXPECT_THROW(nsc::Compiler(o).compileString(nsc::test::kSmallNetwork), nsc::ArgumentError);
  o.threads = 1;
  o.passes = "inline-expressions,no-such-pass";
  try {
    nsc::Compiler(o).compileString(nsc::test::kSmallNetwork);
    FAIL() << "expected nsc::ArgumentError";
  } catch (const nsc::ArgumentError &e) {
    EXPECT_NE(std::string(e.what()).find("no-such-pass"), std::string::npos) << e.what();
  }
}

TEST(ApiCompile, TimeStepOptionSetsEveryModelAndNetwork) {
  nsc::CompilerOptions o;
  o.target = nsc::Target::Interp;
  EXPECT_DOUBLE_EQ(nsc::Compiler(o).compileString(nsc::test::kSmallNetwork).simulate().dt_ms(), 0.1);
  o.dtMs = 0.025;
  nsc::Simulation sim = nsc::Compiler(o).compileString(nsc::test::kSmallNetwork).simulate();
  EXPECT_EQ(sim.dt_ms(), 0.025);
  for (double bad : {-0.1, std::numeric_limits<double>::infinity(), std::nan("")}) {
    o.dtMs = bad;
    EXPECT_THROW(nsc::Compiler(o).compileString(nsc::test::kSmallNetwork), nsc::ArgumentError) << bad;
  }
}

TEST(ApiCompile, CustomPipelineWithoutSolverCannotRun) {
  // Without solve-odes the ODEs remain: compiling works, running must fail
  // with a diagnostic rather than crash.
  nsc::CompilerOptions o;
  o.target = nsc::Target::Interp;
  o.passes = "inline-expressions";
  nsc::Model m = nsc::Compiler(o).compileString(nsc::test::kSmallNetwork);
  EXPECT_THROW(
      {
        nsc::Simulation s = m.simulate();
        s.run(1.0);
      },
      nsc::Error);
}

TEST(ApiCompile, TargetsAndVersion) {
  EXPECT_TRUE(nsc::targetAvailable(nsc::Target::Cpu));
  EXPECT_TRUE(nsc::targetAvailable(nsc::Target::Interp));
  EXPECT_STREQ(nsc::targetName(nsc::Target::Cpu), "cpu");
  EXPECT_STREQ(nsc::targetName(nsc::Target::Interp), "interp");
  EXPECT_STRNE(nsc::version(), "");
}

} // namespace
