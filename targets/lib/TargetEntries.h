//===- TargetEntries.h - The entry points the target table names -*- C++ -*-===//
//
// Internal to targets/: one group of functions per target, defined in the
// target's own file, and the helpers they share.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/network/Simulation.h"
#include "nsc/targets/Target.h"

#include <memory>
#include <string>

namespace nsc::targets {

// NetworkRuntimeTargets.cpp: interp and cpu.
NetworkBackend interpBackend();
NetworkBackend cpuBackend();
int interpMain(CompilerSession &session, const Invocation &inv);
int cpuMain(CompilerSession &session, const Invocation &inv);
bool verifyOnNetworkRuntime(CompilerSession &session, const RunRequest &req, const NetworkBackend &backend,
                            TargetRun &out);
/// Builds the network `req` selects on `backend`; null after diagnostics.
std::unique_ptr<network::Simulation> buildSimulation(CompilerSession &session, const RunRequest &req,
                                                     const NetworkBackend &backend, bool acceptsModel,
                                                     uint32_t *networkIndex = nullptr);
/// Runs the lowered, pass-processed module; the exit status.
int runOnNetworkRuntime(CompilerSession &session, const RunRequest &req, const NetworkBackend &backend);

// CudaTarget.cpp
int cudaMain(CompilerSession &session, const Invocation &inv);
bool verifyOnCuda(CompilerSession &session, const RunRequest &req, TargetRun &out);
std::string cudaUnavailable();

// LoihiTarget.cpp
int loihiMain(CompilerSession &session, const Invocation &inv);
bool verifyOnLoihi(CompilerSession &session, const RunRequest &req, TargetRun &out);
/// `nsc run CONFIG.json ...`: the emulator on a saved configuration.
int loihiRunConfigMain(int argc, char **argv);

// VerilogTarget.cpp
int verilogMain(CompilerSession &session, const Invocation &inv);

} // namespace nsc::targets
