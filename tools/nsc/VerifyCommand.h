//===- VerifyCommand.h - nsc verify FILE --targets=A,B,... ------*- C++ -*-===//
//
// Runs one model or network on several targets with the same inputs and
// reports how far each is from the first (docs/verify.md): spike-count
// difference, Victor–Purpura and van Rossum distances, first divergence
// time, and the maximum and RMS error of traced variables. Exit status:
//   0  every comparison within --tolerance (or no --tolerance given)
//   1  errors in the input (diagnostics), or a run that failed
//   2  bad command line (unknown or unavailable target, bad tolerance, ...)
//   3  internal error (as for every nsc command)
//   4  a --tolerance was exceeded
//
// Targets are those of the target table (nsc/targets/Target.h) with a
// verifyRun entry point: it runs the compiled module and hands back spikes,
// traces and population sizes.
//
//===----------------------------------------------------------------------===//
#pragma once

namespace nsc::driver {

/// `nsc verify FILE ...`; argv[0] is the program name.
int verifyMain(int argc, char **argv);

} // namespace nsc::driver
