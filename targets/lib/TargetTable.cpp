//===- TargetTable.cpp - The table of targets -----------------------------===//
#include "TargetEntries.h"

#include <fstream>
#include <iostream>

namespace nsc::targets {

namespace {
std::string available() { return {}; }
/// The targets that run on the network runtime save and resume its state
/// (docs/checkpoints.md); the cuda driver and the Loihi emulator keep
/// theirs elsewhere and refuse these options.
/// Options of the targets that run on the network runtime: checkpoints and
/// the memory estimate (docs/checkpoints.md, docs/reliability.md).
std::vector<std::string> networkRuntimeOptions() {
  return {"--checkpoint", "--checkpoint-every", "--resume", "--dry-run", "--max-memory", "--weights"};
}
} // namespace

const std::vector<Target> &targetTable() {
  static const std::vector<Target> table = [] {
    std::vector<Target> t;
    {
      Target interp;
      interp.name = "interp";
      interp.summary = "the reference interpreter: runs the IR, the oracle every other target is compared with";
      interp.acceptsModel = true;
      interp.executes = true;
      interp.ownOptions = networkRuntimeOptions();
      interp.unavailable = available;
      interp.main = interpMain;
      interp.verifyRun = [](CompilerSession &s, const RunRequest &r, TargetRun &out) {
        return verifyOnNetworkRuntime(s, r, interpBackend(), out);
      };
      interp.networkBackend = interpBackend;
      t.push_back(std::move(interp));
    }
    {
      Target cpu;
      cpu.name = "cpu";
      cpu.summary = "LLVM code for this machine, JIT-compiled in-process (--emit=llvm|asm|obj shows it; docs/cpu.md)";
      cpu.acceptsModel = true;
      cpu.executes = true;
      cpu.emits = {"llvm", "asm", "obj"};
      cpu.ownOptions = networkRuntimeOptions();
      cpu.unavailable = available;
      cpu.main = cpuMain;
      cpu.verifyRun = [](CompilerSession &s, const RunRequest &r, TargetRun &out) {
        return verifyOnNetworkRuntime(s, r, cpuBackend(), out);
      };
      cpu.networkBackend = cpuBackend;
      t.push_back(std::move(cpu));
    }
    {
      Target cuda;
      cuda.name = "cuda";
      cuda.summary = "CUDA kernels and a host driver: -o DIR, --emit=cuda, --run on an NVIDIA GPU (docs/cuda.md)";
      cuda.acceptsModel = true;
      cuda.executes = true;
      cuda.emits = {"cuda"};
      cuda.unavailable = cudaUnavailable;
      cuda.main = cudaMain;
      cuda.verifyRun = verifyOnCuda;
      t.push_back(std::move(cuda));
    }
    {
      Target loihi;
      loihi.name = "loihi";
      loihi.summary = "a Loihi-style core configuration: -o net.json, or --run in the bit-accurate emulator "
                      "(docs/loihi.md)";
      loihi.executes = true;
      loihi.runsPipeline = false; // it maps the ODE form itself (docs/loihi.md)
      loihi.ownOptions = {"--chips"};
      loihi.unavailable = available;
      loihi.main = loihiMain;
      loihi.verifyRun = verifyOnLoihi;
      loihi.subcommands = {{"run", "emulate a saved Loihi core configuration (nsc run net.json --run=1s)",
                            loihiRunConfigMain}};
      t.push_back(std::move(loihi));
    }
    {
      Target verilog;
      verilog.name = "verilog";
      verilog.summary = "the network's hardware blocks: -o DIR gets .v files, harnesses, testbenches; "
                        "--emit=verilog prints the modules (docs/verilog.md)";
      verilog.emits = {"verilog"};
      verilog.unavailable = available;
      verilog.main = verilogMain;
      t.push_back(std::move(verilog));
    }
    return t;
  }();
  return table;
}

const Target *findTarget(const std::string &name) {
  for (const Target &t : targetTable())
    if (t.name == name)
      return &t;
  return nullptr;
}

std::string targetNames(const std::function<bool(const Target &)> &keep) {
  std::string out;
  for (const Target &t : targetTable())
    if (!keep || keep(t))
      out += (out.empty() ? "" : ", ") + t.name;
  return out;
}

bool writeOutput(const std::string &path, const std::string &text, DiagnosticEngine &diags) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    return bool(std::cout);
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    diags.error({}, "cannot write output file '" + path + "'");
    return false;
  }
  return true;
}

} // namespace nsc::targets
