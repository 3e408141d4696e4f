//===- Error.cpp - Diagnostics and exceptions of the embedding API --------===//
#include "Impl.h"

namespace nsc {

namespace {
std::string joinTexts(const std::vector<Message> &diags) {
  std::string out;
  for (const Message &d : diags)
    out += d.text;
  if (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out;
}
} // namespace

std::string locationOf(const Message &d) {
  if (d.file.empty() || d.line == 0)
    return "";
  return d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
}

Error::Error(const std::string &what, std::vector<Message> diagnostics)
    : std::runtime_error(what.empty() ? joinTexts(diagnostics) : what), diagnostics_(std::move(diagnostics)) {}

// Out-of-line destructors anchor the vtables and type_info of the exception
// classes in libnsc.so, so `catch (const nsc::CompileError &)` in an
// application matches what the library throws.
Error::~Error() = default;
CompileError::~CompileError() = default;
SimulationError::~SimulationError() = default;
ArgumentError::~ArgumentError() = default;

namespace detail {

namespace {
Message::Severity convertSeverity(nsc::Severity s) {
  switch (s) {
  case nsc::Severity::Note:
    return Message::Severity::Note;
  case nsc::Severity::Warning:
    return Message::Severity::Warning;
  case nsc::Severity::Error:
    break;
  }
  return Message::Severity::Error;
}
} // namespace

std::vector<Message> convertDiagnostics(const DiagnosticEngine &diags, size_t from) {
  const SourceManager &sm = diags.sourceManager();
  std::vector<Message> out;
  const auto &all = diags.diagnostics();
  for (size_t i = from; i < all.size(); ++i) {
    const nsc::Diagnostic &d = all[i];
    Message api;
    api.severity = convertSeverity(d.severity);
    if (d.range.valid() && d.range.begin.file <= sm.numFiles()) {
      api.file = sm.path(d.range.begin.file);
      api.line = d.range.begin.line;
      api.column = d.range.begin.col;
    }
    api.message = d.message;
    api.text = diags.format(d);
    out.push_back(std::move(api));
  }
  return out;
}

void throwArgumentError(const std::string &message) {
  Message d;
  d.severity = Message::Severity::Error;
  d.message = message;
  d.text = "nsc: error: " + message + "\n";
  throw ArgumentError("", {d});
}

std::mutex &buildMutex() {
  static std::mutex m;
  return m;
}

} // namespace detail
} // namespace nsc
