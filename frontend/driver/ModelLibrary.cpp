//===- ModelLibrary.cpp ---------------------------------------------------===//
#include "nsc/frontend/ModelLibrary.h"

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace nsc {

std::vector<std::string> modelLibraryDirs() {
  std::vector<std::string> candidates;
  if (const char *env = std::getenv("NSC_MODEL_PATH")) {
    std::string list(env);
    size_t start = 0;
    while (start <= list.size()) {
      size_t end = list.find(':', start);
      if (end == std::string::npos)
        end = list.size();
      if (end > start)
        candidates.push_back(list.substr(start, end - start));
      start = end + 1;
    }
  } else {
    // The source tree's library first (a build used in place), then the
    // installed copy; a relocated install is reached with NSC_MODEL_PATH.
    candidates = {NSC_MODEL_LIBRARY_SOURCE_DIR, NSC_MODEL_LIBRARY_INSTALL_DIR};
  }
  std::vector<std::string> dirs;
  for (const std::string &c : candidates) {
    std::error_code ec;
    if (fs::is_directory(c, ec)) {
      dirs.push_back(c);
      if (!std::getenv("NSC_MODEL_PATH"))
        break; // one built-in library, not two copies of it
    }
  }
  return dirs;
}

} // namespace nsc
