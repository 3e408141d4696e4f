//===- VerilogCommand.h - nsc FILE --target=verilog -------------*- C++ -*-===//
//
//   nsc FILE --target=verilog -o DIR [--network NAME]   writes the designs
//   nsc FILE --emit=verilog [--network NAME]             prints the modules
//
// The designs are the network's `homeostasis for` / `aer for` blocks
// (docs/verilog.md); DIR gets the .v files, Verilator harnesses, Icarus
// testbenches, run scripts and a README (backends/verilog).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/CompilerSession.h"

#include <string>

namespace nsc::driver {

struct VerilogRequest {
  std::string network;   // --network (default: the only network)
  std::string outputDir; // -o; empty or "-" prints to stdout
  bool print = false;    // --emit=verilog
};

/// Lowers the session's input and generates. Returns the exit status
/// (0, or 1 after diagnostics).
int runVerilogCommand(CompilerSession &session, const VerilogRequest &req);

} // namespace nsc::driver
