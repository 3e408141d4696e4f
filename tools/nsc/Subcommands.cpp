//===- Subcommands.cpp - The table of `nsc NAME ...` commands -------------===//
#include "Subcommands.h"

#include "VerifyCommand.h"
#ifdef NSC_HAVE_LOIHI
#include "LoihiCommand.h"
#endif

#include <cstring>
#include <exception>
#include <iostream>

namespace nsc::driver {

const std::vector<Subcommand> &subcommands() {
  static const std::vector<Subcommand> table = {
      {"verify", "run one model or network on several targets and compare their spikes and traces",
       verifyMain},
#ifdef NSC_HAVE_LOIHI
      {"run", "emulate a saved Loihi core configuration (nsc run net.json --run=1s)", loihiRunMain},
#endif
  };
  return table;
}

bool dispatchSubcommand(int argc, char **argv, int &status) {
  if (argc < 2)
    return false;
  for (const Subcommand &s : subcommands()) {
    if (std::strcmp(argv[1], s.name) != 0)
      continue;
    std::string prog = std::string("nsc ") + s.name;
    std::vector<char *> args(argv + 1, argv + argc);
    args[0] = prog.data();
    try {
      status = s.main(int(args.size()), args.data());
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
    text += std::string("  nsc ") + s.name + " ...  " + s.summary + "\n";
  return text;
}

} // namespace nsc::driver
