//===- NetworkTestUtil.h - Build and run networks from source text -*- C++ -*-===//
#pragma once

#include "nsc/frontend/Lowering.h"
#include "nsc/frontend/Parser.h"
#include "nsc/frontend/Sema.h"
#include "nsc/interp/Interpreter.h"
#include "nsc/network/Simulation.h"
#include "nsc/passes/PassManager.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace nsc::test {

/// The text of a file of the source tree ("examples/stdp_synapse.nrn").
inline std::string readSourceFile(const std::string &rel) {
  std::ifstream in(std::string(NSC_SOURCE_DIR) + "/" + rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Parses, analyses, lowers and runs the default pipeline on `src`, then
/// builds its first network on the interpreter's kernels.
struct NetworkRun {
  SourceManager sm;
  DiagnosticEngine diags{sm};
  ast::Program program;
  std::unique_ptr<ir::Module> module;
  std::unique_ptr<network::Simulation> sim;
  network::RunResult result;

  /// `parallelDeliveryFrom`: BuildOptions' (0: every step delivers on the workers).
  bool build(const std::string &src, unsigned threads = 1, uint64_t parallelDeliveryFrom = 1024) {
    auto f = parseFile(sm, diags, sm.addBuffer("net.nrn", src));
    if (!f)
      return false;
    program.files.push_back(std::move(f));
    if (!analyzeProgram(program, diags) || !(module = lowerToIR(program, diags)))
      return false;
    passes::PassManager pm;
    std::ostringstream log;
    passes::PassContext ctx(diags, log);
    if (!pm.addPipeline("default", diags) || !pm.run(*module, ctx))
      return false;
    network::BuildOptions opt;
    opt.kernels = interp::interpreterKernels();
    opt.threads = threads;
    opt.parallelDeliveryFrom = parallelDeliveryFrom;
    sim = network::Simulation::forNetwork(*module, 0, opt, diags);
    return sim != nullptr && !diags.hasErrors();
  }
  bool steps(uint64_t n) { return sim->step(n, result); }
  /// One value per neuron of a population.
  std::vector<double> values(const std::string &pop, const std::string &var) {
    std::vector<double> out;
    std::string error;
    auto p = sim->population(pop);
    EXPECT_TRUE(p) << pop;
    EXPECT_TRUE(p && sim->getValues(*p, var, out, error)) << error;
    return out;
  }
  network::SynapseValues synapses(uint32_t projection, const std::string &var) {
    network::SynapseValues out;
    std::string error;
    EXPECT_TRUE(sim->getSynapseValues(projection, var, out, error)) << error;
    return out;
  }
  std::string errors() const {
    std::string out;
    for (auto &d : diags.diagnostics())
      out += diags.format(d);
    return out;
  }
};

} // namespace nsc::test
