//===- Subcommands.h - `nsc NAME ...` commands beside `nsc FILE ...` -*- C++ -*-===//
//
// A subcommand owns everything after its name: its own CLI11 parser, its
// own --help, its own exit statuses. main() hands argv over before it
// parses the classic `nsc FILE... [options]` command line, so that command
// keeps working unchanged (a file literally named like a subcommand is
// reached as ./NAME). Adding one: a `int NAMEMain(int argc, char **argv)`
// in tools/nsc/<Thing>Command.cpp and one line in Subcommands.cpp; a
// target's own commands (loihi's `nsc run`) come from the target table.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace nsc::driver {

struct Subcommand {
  std::string name;    // "verify"
  std::string summary; // one line for `nsc --help`
  /// argv[0] is "nsc NAME"; returns the process exit status.
  std::function<int(int argc, char **argv)> main;
};

const std::vector<Subcommand> &subcommands();

/// When argv[1] names a subcommand, runs it and sets `status`; false
/// otherwise (the classic command line).
bool dispatchSubcommand(int argc, char **argv, int &status);

/// "Subcommands: nsc verify FILE ... (compare ...)", for `nsc --help`.
std::string subcommandHelp();

} // namespace nsc::driver
