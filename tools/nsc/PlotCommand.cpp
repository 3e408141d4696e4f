//===- PlotCommand.cpp - nsc plot: runs python3 -m nsc.plot ---------------===//

#include "PlotCommand.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#ifndef NSC_PYTHON_DIR
#error "NSC_PYTHON_DIR (the build tree's python/ folder) must be defined by CMake"
#endif

namespace nsc::driver {

namespace {

// Debian's interpreter, not the first python3 on PATH: matplotlib and h5py
// come from Debian's packages (scripts/install-deps), which only it sees.
constexpr const char *pythonInterpreter = "/usr/bin/python3";

bool isFile(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// The folder that holds the `nsc` package: $NSC_PYTHONPATH, else the build
/// tree's python/ that CMake named.
std::string packageDirectory() {
  const char *override = std::getenv("NSC_PYTHONPATH");
  return override && *override ? override : NSC_PYTHON_DIR;
}

int waitForChild(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      std::cerr << "nsc plot: error: waiting for python3: " << std::strerror(errno) << "\n";
      return 2;
    }
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    std::cerr << "nsc plot: error: python3 died of signal " << WTERMSIG(status) << "\n";
    return 128 + WTERMSIG(status);
  }
  return 2;
}

} // namespace

int plotMain(int argc, char **argv) {
  if (::access(pythonInterpreter, X_OK) != 0) {
    std::cerr << "nsc plot: error: " << pythonInterpreter
              << " is not installed (run scripts/install-deps)\n";
    return 2;
  }
  std::string directory = packageDirectory();
  if (!isFile(directory + "/nsc/plot.py")) {
    std::cerr << "nsc plot: error: the nsc Python package is not in '" << directory
              << "' (no nsc/plot.py): build the tree, or set NSC_PYTHONPATH to the folder "
                 "holding nsc/\n";
    return 2;
  }
  std::string pythonPath = directory;
  if (const char *existing = std::getenv("PYTHONPATH"); existing && *existing)
    pythonPath += std::string(":") + existing;

  // python3 -m nsc.plot, then our arguments after "nsc plot".
  std::vector<std::string> words = {pythonInterpreter, "-m", "nsc.plot"};
  words.insert(words.end(), argv + 1, argv + argc);
  std::vector<char *> childArgv;
  for (std::string &w : words)
    childArgv.push_back(w.data());
  childArgv.push_back(nullptr);

  std::cout.flush();
  pid_t child = ::fork();
  if (child < 0) {
    std::cerr << "nsc plot: error: cannot start python3: " << std::strerror(errno) << "\n";
    return 2;
  }
  if (child == 0) {
    ::setenv("PYTHONPATH", pythonPath.c_str(), 1);
    ::execv(pythonInterpreter, childArgv.data());
    // Only reached when exec failed; _exit: the parent's buffers are not ours to flush.
    std::string message = std::string("nsc plot: error: cannot run ") + pythonInterpreter + ": " +
                          std::strerror(errno) + "\n";
    (void)!::write(STDERR_FILENO, message.data(), message.size());
    ::_exit(127);
  }
  return waitForChild(child);
}

} // namespace nsc::driver
