//===- LoopCommand.h - nsc loop MODEL --mea=REC.npy --sample-rate=... -*- C++ -*-===//
//
// Replays a recorded multi-electrode array through the closed loop of
// nsc::Session (docs/closed-loop.md): MAD spike detection, AER events into
// the model, stochastic-computing bitstreams, optogenetic pulses, with the
// latency of every stage. Prints a summary; --report writes every frame's
// result and the latency summary as JSON (atomically). Exit status: 0
// done, 1 errors in the input (model, recording, session options), 2 bad
// command line, 3 internal error.
//
//===----------------------------------------------------------------------===//
#pragma once

namespace nsc::driver {

/// `nsc loop MODEL --mea=... --sample-rate=...`; argv[0] is the program name.
int loopMain(int argc, char **argv);

} // namespace nsc::driver
