//===- ModelLibrary.h - Where `import NAME` finds the model library -*- C++ -*-===//
//
// The model library (models/ in the repository, share/nsc/models when
// installed) is searched by name imports after the importing file's folder
// and the -I directories. NSC_MODEL_PATH (a ':'-separated list of folders)
// replaces the built-in location; an empty NSC_MODEL_PATH turns the library
// off. See docs/language.md §11.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

namespace nsc {

/// The folders of the model library, in search order (existing folders only).
std::vector<std::string> modelLibraryDirs();

} // namespace nsc
