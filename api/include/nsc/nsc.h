//===- nsc.h - The nsc embedding API ----------------------------*- C++ -*-===//
//
// Compile a spiking network model at start-up, then run or step it from an
// application:
//
//   #include <nsc/nsc.h>
//
//   nsc::Compiler compiler;                            // cpu target
//   nsc::Model model = compiler.compileFile("cuba.nrn"); // throws nsc::CompileError
//   nsc::Simulation sim = model.simulate();              // JIT-compiles the models
//   sim.run(1000.0);                                     // 1 s
//   sim.set("exc", "E_L", -55.0);                        // mV
//   sim.step();                                          // one dt
//   std::size_t n = sim.spikes().size();
//
// Compiler.h   options (target, threads, include dirs, passes), compiling
// Model.h      a compiled source: its models and networks, building simulations
// Simulation.h run/step/reset, values by name, spikes, recorder traces, stats
// Session.h    the closed loop: MEA frames -> spikes -> model -> light pulses
// Error.h      the exceptions and the diagnostics they carry
//
// CMake:  find_package(nsc REQUIRED)
//         target_link_libraries(app PRIVATE nsc::nsc)
// See docs/embedding.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/Compiler.h"
#include "nsc/Error.h"
#include "nsc/Model.h"
#include "nsc/Session.h"
#include "nsc/Simulation.h"
#include "nsc/Target.h"
