//===- CompilerSession.cpp ------------------------------------------------===//
#include "nsc/frontend/CompilerSession.h"

#include "nsc/frontend/Lowering.h"
#include "nsc/frontend/ModelLibrary.h"
#include "nsc/frontend/Parser.h"
#include "nsc/frontend/Sema.h"
#include "nsc/ir/Verifier.h"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace nsc {

CompilerSession::CompilerSession() : diags_(sm_) {}
CompilerSession::~CompilerSession() = default;

bool CompilerSession::addInputFile(const std::string &path) {
  std::optional<FileId> id = sm_.findFile(path);
  if (!id)
    id = sm_.loadFile(path);
  if (!id) {
    std::error_code ec;
    const char *why = !fs::exists(path, ec)        ? "no such file"
                      : fs::is_directory(path, ec) ? "is a directory"
                                                   : "cannot be read";
    diags_.error({}, "cannot open input file '" + path + "': " + why);
    return false;
  }
  if (std::find(inputs_.begin(), inputs_.end(), *id) == inputs_.end())
    inputs_.push_back(*id);
  return true;
}

FileId CompilerSession::addInputBuffer(const std::string &path, std::string contents) {
  FileId id = sm_.addBuffer(path, std::move(contents));
  inputs_.push_back(id);
  return id;
}

const std::vector<std::string> &CompilerSession::libraryDirs() {
  if (!libraryDirsResolved_) {
    libraryDirs_ = modelLibraryDirs();
    libraryDirsResolved_ = true;
  }
  return libraryDirs_;
}

std::vector<std::string> CompilerSession::importDirs() {
  std::vector<std::string> dirs = includeDirs_;
  for (const std::string &d : libraryDirs())
    dirs.push_back(d);
  return dirs;
}

static std::optional<fs::path> firstExisting(const std::vector<fs::path> &candidates) {
  for (const fs::path &c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec))
      return c;
  }
  return std::nullopt;
}

std::optional<FileId> CompilerSession::resolveImport(const ast::Import &imp, FileId from) {
  // Candidates: the string form names a path; the name form names a model
  // file NAME.nrn or NAME.nestml, dots separating folders as in Python
  // (`import cortex.l23_pyr` -> cortex/l23_pyr.nrn). Each is looked up next
  // to the importing file first, then on the -I path, in order, then (name
  // imports only) in the model library.
  std::vector<std::string> names;
  std::string stem = imp.name;
  std::replace(stem.begin(), stem.end(), '.', '/');
  if (!imp.path.empty())
    names.push_back(imp.path);
  else
    names = {stem + ".nrn", stem + ".nestml"};

  std::vector<fs::path> dirs;
  dirs.push_back(fs::path(sm_.path(from)).parent_path());
  for (const std::string &d : includeDirs_)
    dirs.emplace_back(d);
  std::vector<fs::path> library;
  if (imp.path.empty())
    for (const std::string &d : libraryDirs())
      library.emplace_back(d);

  std::vector<fs::path> local, inLibrary;
  for (const std::string &name : names) {
    fs::path p(name);
    if (p.is_absolute()) {
      local.push_back(p);
      continue;
    }
    for (const fs::path &d : dirs)
      local.push_back(d / p);
    for (const fs::path &d : library)
      inLibrary.push_back(d / p);
  }
  std::optional<fs::path> found = firstExisting(local);
  std::optional<fs::path> libraryFile = firstExisting(inLibrary);
  if (found && libraryFile) {
    // A local file wins over the library, but never silently: a user who
    // writes `import izhikevich_rs` next to an own izhikevich_rs.nrn is told
    // that the library's model of that name is not the one used.
    std::error_code ec;
    if (!fs::equivalent(*found, *libraryFile, ec))
      diags_.warning(imp.range, "import '" + imp.name + "' uses '" + found->string() +
                                    "', which shadows the model library's '" +
                                    libraryFile->string() + "'");
  }
  if (!found)
    found = libraryFile;
  if (found) {
    if (std::optional<FileId> id = sm_.findFile(found->string()))
      return id;
    if (std::optional<FileId> id = sm_.loadFile(found->string()))
      return id;
  }
  std::string what = imp.path.empty() ? "model file for '" + imp.name + "'" : "'" + imp.path + "'";
  auto diag = diags_.error(imp.range, "cannot find imported " + what);
  if (imp.path.empty())
    diag.note({}, "searched for " + stem + ".nrn and " + stem +
                      ".nestml next to the importing file, on the -I path and in the model "
                      "library (NSC_MODEL_PATH)");
  return std::nullopt;
}

bool CompilerSession::parseRecursive(FileId file, std::vector<FileId> &stack) {
  if (std::find(parsed_.begin(), parsed_.end(), file) != parsed_.end())
    return true;
  if (std::find(stack.begin(), stack.end(), file) != stack.end())
    return true; // an import cycle: the file is already being parsed
  stack.push_back(file);
  std::unique_ptr<ast::File> ast = parseFile(sm_, diags_, file);
  bool ok = ast != nullptr;
  if (ast) {
    ast->nestml = fs::path(sm_.path(file)).extension() == ".nestml";
    for (const auto &imp : ast->imports) {
      std::optional<FileId> dep = resolveImport(*imp, file);
      if (!dep) {
        ok = false;
        continue;
      }
      ok &= parseRecursive(*dep, stack);
    }
    // Post-order: every import precedes its importer.
    program_.files.push_back(std::move(ast));
  }
  stack.pop_back();
  parsed_.push_back(file);
  return ok;
}

bool CompilerSession::parse() {
  if (stage_ != Stage::None)
    return stage_ != Stage::Failed;
  bool ok = !diags_.hasErrors();
  std::vector<FileId> stack;
  for (FileId f : inputs_)
    ok &= parseRecursive(f, stack);
  stage_ = ok ? Stage::Parsed : Stage::Failed;
  return ok;
}

bool CompilerSession::analyze() {
  if (!parse())
    return false;
  if (stage_ >= Stage::Analyzed)
    return true;
  program_.importDirs = importDirs();
  if (!analyzeProgram(program_, diags_) || diags_.hasErrors()) {
    stage_ = Stage::Failed;
    return false;
  }
  stage_ = Stage::Analyzed;
  return true;
}

bool CompilerSession::lower() {
  if (!analyze())
    return false;
  if (stage_ == Stage::Lowered)
    return true;
  module_ = lowerToIR(program_, diags_, lowering_);
  if (!module_ || diags_.hasErrors() || !ir::verifyModule(*module_, diags_)) {
    stage_ = Stage::Failed;
    return false;
  }
  stage_ = Stage::Lowered;
  return true;
}

} // namespace nsc
