//===- LoihiCommand.h - nsc FILE --target=loihi, nsc run net.json -*- C++ -*-===//
//
//   nsc FILE --target=loihi -o net.json [--stats]   map + place, write the
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

#include <string>

namespace nsc::driver {

/// `--target=loihi` on the session's input files (not yet lowered).
/// Returns the exit status (0, or 1 after diagnostics).
int runLoihiCommand(CompilerSession &session, const RunRequest &req, const std::string &output);

/// `nsc run CONFIG.json ...` (argv[0] is "nsc run").
int loihiRunMain(int argc, char **argv);

} // namespace nsc::driver
