//===- CompilerSession.h - One compilation, from files to IR ----*- C++ -*-===//
//
// Owns the source manager, the diagnostics and the AST of one compilation and
// runs the front-end stages in order: load + parse (following `import`s),
// semantic analysis, lowering to IR, IR verification. The `nsc` driver and the
// embedding runtime both go through this class, so a model compiles the same
// way from the command line and from an application.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/AST.h"
#include "nsc/frontend/Lowering.h"
#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"

#include <memory>
#include <string>
#include <vector>

namespace nsc {

class CompilerSession {
public:
  CompilerSession();
  ~CompilerSession();

  /// Directories searched for imports after the importing file's own folder.
  void addIncludeDir(std::string dir) { includeDirs_.push_back(std::move(dir)); }

  /// Overrides the time step of every model and network (`nsc --dt`);
  /// call before lower().
  void setDtOverride(double ms) { lowering_.dtOverrideMs = ms; }

  /// Adds a main input from disk; reports an error when it cannot be read.
  bool addInputFile(const std::string &path);
  /// Adds a main input held in memory (`path` is used in diagnostics and to
  /// resolve relative imports).
  FileId addInputBuffer(const std::string &path, std::string contents);

  /// Parses every input and, transitively, every file they import; imports
  /// come before their importers in program().files. False on any error.
  bool parse();
  /// parse() + semantic analysis.
  bool analyze();
  /// analyze() + lowering to IR + verification. The module is kept in module().
  bool lower();

  const std::vector<FileId> &inputs() const { return inputs_; }
  SourceManager &sources() { return sm_; }
  DiagnosticEngine &diagnostics() { return diags_; }
  ast::Program &program() { return program_; }
  ir::Module *module() { return module_.get(); }

private:
  bool parseRecursive(FileId file, std::vector<FileId> &stack);
  std::optional<FileId> resolveImport(const ast::Import &imp, FileId from);
  /// The model library's folders (ModelLibrary.h), looked up once.
  const std::vector<std::string> &libraryDirs();
  /// The -I directories followed by the model library's.
  std::vector<std::string> importDirs();

  SourceManager sm_;
  DiagnosticEngine diags_;
  std::vector<std::string> includeDirs_;
  std::vector<std::string> libraryDirs_;
  bool libraryDirsResolved_ = false;
  LoweringOptions lowering_;
  std::vector<FileId> inputs_;
  std::vector<FileId> parsed_;
  ast::Program program_;
  std::unique_ptr<ir::Module> module_;
  enum class Stage { None, Parsed, Analyzed, Lowered, Failed } stage_ = Stage::None;
};

} // namespace nsc
