//===- Error.h - Diagnostics and the exceptions that carry them -*- C++ -*-===//
//
// Every failure of the embedding API is an exception derived from
// nsc::Error (itself a std::runtime_error), never a crash or an abort:
//
//   nsc::CompileError     the model source was rejected (syntax, units,
//                         types, imports, passes); one Message per problem
//   nsc::SimulationError  building or running a simulation failed (a network
//                         that cannot be built, numeric trouble such as a
//                         state variable becoming NaN, a backend failure)
//   nsc::ArgumentError    the application asked for something that does not
//                         exist or cannot be done: an unknown population or
//                         variable, a wrong number of values, a negative
//                         duration, a target missing from this build
//
// what() is the formatted list of diagnostics exactly as the `nsc` command
// line prints them (clang style, with the source line and a caret);
// diagnostics() gives each one as a Message with its location, for programs
// to inspect.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/Export.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace nsc {

/// One diagnostic: a problem reported by the compiler or the runtime.
struct Message {
  enum class Severity { Note, Warning, Error };
  Severity severity = Severity::Error;
  /// Source file (as given to the compiler, or the name given to
  /// compileString); empty when the problem has no source location.
  std::string file;
  /// 1-based line and column (in bytes) of the start of the offending
  /// source range; 0 when there is no location.
  unsigned line = 0;
  unsigned column = 0;
  /// The message alone: "use of undeclared variable 'V_n'".
  std::string message;
  /// The full clang-style text: "file:line:col: error: message", the source
  /// line, a caret line, and any attached notes, each line ending in '\n'.
  std::string text;
};

/// "file:line:col" of a diagnostic ("" when it has no location).
NSC_API std::string locationOf(const Message &diagnostic);

/// Base of every exception the API throws.
class NSC_API Error : public std::runtime_error {
public:
  /// `what` becomes what(); when empty, what() is the concatenated text of
  /// `diagnostics`.
  Error(const std::string &what, std::vector<Message> diagnostics);
  ~Error() override;

  /// Every diagnostic behind this error, in the order they were reported
  /// (warnings reported alongside the errors included).
  const std::vector<Message> &diagnostics() const noexcept { return diagnostics_; }

private:
  std::vector<Message> diagnostics_;
};

/// The model source was rejected; see Error.
class NSC_API CompileError : public Error {
public:
  using Error::Error;
  ~CompileError() override;
};

/// Building or running a simulation failed; see Error.
class NSC_API SimulationError : public Error {
public:
  using Error::Error;
  ~SimulationError() override;
};

/// A request of the application that cannot be met (unknown name, wrong
/// size, invalid value); see Error.
class NSC_API ArgumentError : public Error {
public:
  using Error::Error;
  ~ArgumentError() override;
};

} // namespace nsc
