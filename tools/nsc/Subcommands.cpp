//===- Subcommands.cpp - The table of `nsc NAME ...` commands -------------===//
#include "Subcommands.h"

#include "LoopCommand.h"
#include "PlotCommand.h"
#include "VerifyCommand.h"

#include "nsc/targets/Target.h"

#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>

namespace nsc::driver {

const std::vector<Subcommand> &subcommands() {
  // The driver's own commands, then those the targets bring (target table).
  static const std::vector<Subcommand> table = [] {
    std::vector<Subcommand> t = {
        {"verify", "run one model or network on several targets and compare their spikes and traces",
         verifyMain},
        {"plot", "draw a raster, rates or traces of a run's results (.npz, .h5, CSV folder) to an image",
         plotMain},
        {"loop", "replay an MEA recording through the closed loop: spike detection, the model, light pulses",
         loopMain},
    };
    for (const targets::Target &target : targets::targetTable())
      for (const targets::Subcommand &s : target.subcommands)
        t.push_back({s.name, s.summary, s.main});
    return t;
  }();
  return table;
}

bool dispatchSubcommand(int argc, char **argv, int &status) {
  if (argc < 2)
    return false;
  for (const Subcommand &s : subcommands()) {
    if (s.name != argv[1])
      continue;
    std::string prog = "nsc " + s.name;
    std::vector<char *> args(argv + 1, argv + argc);
    args[0] = prog.data();
    try {
      status = s.main(int(args.size()), args.data());
    } catch (const std::bad_alloc &) {
      std::cerr << "nsc " << s.name << ": error: out of memory\n";
      status = 1;
    } catch (const std::filesystem::filesystem_error &e) {
      std::cerr << "nsc " << s.name << ": error: " << e.what() << "\n";
      status = 1;
    } catch (const std::exception &e) {
      // As in main(): a bug in nsc, never the user's fault.
      std::cerr << "nsc: internal error: " << e.what() << "\n";
      status = 3;
    }
    return true;
  }
  return false;
}

std::string subcommandHelp() {
  std::string text = "Subcommands (each has its own --help):\n";
  for (const Subcommand &s : subcommands())
    text += "  nsc " + s.name + " ...  " + s.summary + "\n";
  return text;
}

} // namespace nsc::driver
