//===- VerilogTarget.cpp - --target=verilog -------------------------------===//
//
//   nsc FILE --target=verilog -o DIR [--network NAME]   writes the designs
//   nsc FILE --emit=verilog [--network NAME]             prints the modules
//
// The designs are the network's `homeostasis for` / `aer for` blocks
// (docs/verilog.md); DIR gets the .v files, Verilator harnesses, Icarus
// testbenches, run scripts and a README (backends/verilog).
//
//===----------------------------------------------------------------------===//
#include "TargetEntries.h"

#include "nsc/verilog/VerilogBackend.h"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace nsc::targets {

namespace fs = std::filesystem;

int verilogMain(CompilerSession &session, const Invocation &inv) {
  DiagnosticEngine &diags = session.diagnostics();
  if (!session.lower())
    return 1;
  // The neuron core is generated from the IR after the pipeline (quantize
  // included); the hardware blocks are unaffected by it.
  if (!passes::runPipeline(*session.module(), diags, inv.pipeline))
    return 1;
  const ir::Module &m = *session.module();
  bool ok = true;
  std::optional<uint32_t> index = selectOutputNetwork(session, inv.run, ok);
  if (!ok)
    return 1;
  if (!index) {
    diags.error({}, "--target=verilog generates a network's hardware blocks, and the input has no network");
    return 1;
  }
  const ir::Network *net = m.networks[*index].get();
  verilog::Designs ds;
  if (!verilog::collectDesigns(m, *net, ds, diags))
    return 1;
  if (ds.empty()) {
    diags.error(net->loc, "network '" + net->name +
                              "' has no hardware blocks: add 'homeostasis for POP:', 'aer for POP:' or "
                              "'detector for POP:' (docs/verilog.md)");
    return 1;
  }
  if (inv.emit == "verilog" || inv.output.empty() || inv.output == "-") {
    std::cout << verilog::emitAll(ds);
    std::cout.flush();
    return std::cout ? 0 : 1;
  }
  std::error_code ec;
  fs::path dir(inv.output);
  for (const verilog::OutputFile &f : verilog::outputFiles(ds)) {
    fs::path p = dir / f.path;
    fs::create_directories(p.parent_path(), ec);
    std::ofstream out(p, std::ios::binary);
    out << f.text;
    out.close();
    if (!out || ec) {
      diags.error({}, "cannot write '" + p.string() + "'" + (ec ? ": " + ec.message() : std::string()));
      return 1;
    }
    if (p.extension() == ".sh")
      fs::permissions(p, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::add, ec);
  }
  return 0;
}

} // namespace nsc::targets
