//===- PlotCommand.h - nsc plot RESULTS -o IMAGE [--kind ...] ---*- C++ -*-===//
//
// Draws a run's results with the Python package's `nsc.plot` (matplotlib):
// the driver runs `/usr/bin/python3 -m nsc.plot ARGS...` and returns its exit
// status, so the arguments, --help and error messages are Python's
// (python/nsc/plot.py). Exit status: Python's (0 done, 1 bad input, 2 bad
// command line); 2 when python3 or the package cannot be found; 128+N when
// Python died of signal N.
//
//===----------------------------------------------------------------------===//
#pragma once

namespace nsc::driver {

/// `nsc plot RESULTS -o IMAGE ...`; argv[0] is the program name.
int plotMain(int argc, char **argv);

} // namespace nsc::driver
