//===- LoihiCommand.h - nsc FILE --target=loihi, nsc run net.json -*- C++ -*-===//
//
//   nsc FILE --target=loihi -o net.json [--stats] [--chips=N] [--range V=LO..HI]
//       [--explain-quantization]   map + place, write the
//       configuration, print the placement utilisation (stderr; --stats: JSON
//       on stdout)
//   nsc FILE --target=loihi --run=DURATION [--spikes=F --trace=V --trace-out=F
//       --record-dir=D --stats] [-o net.json]        map, place and emulate
//   nsc run net.json [--run=DURATION] [outputs]      emulate a saved configuration
//
//===----------------------------------------------------------------------===//
#pragma once

#include "RunCommand.h"

#include "nsc/frontend/CompilerSession.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nsc::driver {

/// Loihi-only options: --range (as for the quantize pass), --explain-quantization
/// (the register report, stderr), --chips (most chips placement may use; 0: any).
struct LoihiOptions {
  std::vector<std::string> ranges;
  bool explainQuantization = false;
  uint32_t maxChips = 0;
};

/// `--target=loihi` on the session's input files (not yet lowered).
/// Returns the exit status (0, or 1 after diagnostics).
int runLoihiCommand(CompilerSession &session, const RunRequest &req, const std::string &output,
                    const LoihiOptions &options = {});

/// `nsc run CONFIG.json ...` (argv[0] is "nsc run").
int loihiRunMain(int argc, char **argv);

} // namespace nsc::driver
