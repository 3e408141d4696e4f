//===- VerilogCommand.cpp - nsc FILE --target=verilog ---------------------===//
#include "VerilogCommand.h"

#include "nsc/passes/PassManager.h"
#include "nsc/verilog/VerilogBackend.h"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace nsc::driver {

namespace fs = std::filesystem;

int runVerilogCommand(CompilerSession &session, const VerilogRequest &req) {
  DiagnosticEngine &diags = session.diagnostics();
  if (!session.lower())
    return 1;
  // The neuron core is generated from the IR after the default pipeline
  // (quantize included); the hardware blocks are unaffected by it.
  {
    passes::PassManager pm;
    if (!pm.addPipeline("default", diags))
      return 1;
    passes::PassOptions po;
    passes::PassContext ctx(diags, std::cerr, po);
    if (!pm.run(*session.module(), ctx))
      return 1;
  }
  const ir::Module &m = *session.module();
  const ir::Network *net = nullptr;
  if (!req.network.empty()) {
    for (const auto &n : m.networks)
      if (n->name == req.network)
        net = n.get();
    if (!net) {
      diags.error({}, "no network named '" + req.network + "' in the input");
      return 1;
    }
  } else if (m.networks.size() == 1) {
    net = m.networks[0].get();
  } else {
    diags.error({}, m.networks.empty()
                        ? "--target=verilog generates a network's hardware blocks, and the input has no network"
                        : "the input has several networks: choose one with --network NAME");
    return 1;
  }
  verilog::Designs ds;
  if (!verilog::collectDesigns(m, *net, ds, diags))
    return 1;
  if (ds.empty()) {
    diags.error(net->loc, "network '" + net->name +
                              "' has no hardware blocks: add 'homeostasis for POP:' or 'aer for POP:' "
                              "(docs/verilog.md)");
    return 1;
  }
  if (req.print || req.outputDir.empty() || req.outputDir == "-") {
    std::cout << verilog::emitAll(ds);
    std::cout.flush();
    return std::cout ? 0 : 1;
  }
  std::error_code ec;
  fs::path dir(req.outputDir);
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

} // namespace nsc::driver
