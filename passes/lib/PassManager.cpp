//===- PassManager.cpp - Running pipelines of passes ----------------------===//
#include "nsc/passes/PassManager.h"

#include "nsc/ir/Printer.h"
#include "nsc/ir/Verifier.h"
#include "nsc/support/Suggest.h"

#include <algorithm>
#include <ostream>

namespace nsc::passes {

void PassContext::changed(unsigned count, const std::string &verb, const std::string &what) {
  if (count != 0)
    changes_.push_back(verb + " " + std::to_string(count) + " " + what);
}

std::vector<std::string> PassContext::takeChanges() {
  std::vector<std::string> out;
  out.swap(changes_);
  return out;
}

static std::vector<std::string> knownPassNames() {
  std::vector<std::string> out;
  for (const PassInfo &p : registeredPasses())
    out.push_back(p.name);
  out.push_back("default");
  return out;
}

static std::string knownPassList() {
  std::string out;
  for (const PassInfo &p : registeredPasses())
    out += (out.empty() ? "" : ", ") + p.name;
  return out + ", default";
}

void listPasses(std::ostream &os) {
  size_t width = 0;
  for (const PassInfo &p : registeredPasses())
    width = std::max(width, p.name.size());
  for (const PassInfo &p : registeredPasses())
    os << "  " << p.name << std::string(width + 2 - p.name.size(), ' ') << p.description << "\n";
  std::string def;
  for (const std::string &n : defaultPipeline())
    def += (def.empty() ? "" : ",") + n;
  os << "  " << "default" << std::string(width + 2 - 7, ' ') << "the default pipeline: " << def
     << "\n";
}

bool PassManager::addPipeline(const std::string &spec, DiagnosticEngine &diags) {
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    size_t comma = spec.find(',', start);
    std::string name = spec.substr(start, comma == std::string::npos ? std::string::npos
                                                                      : comma - start);
    // Surrounding blanks are forgiven ("a, b" from a shell variable).
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name == "default") {
      for (const std::string &d : defaultPipeline())
        names.push_back(d);
    } else {
      names.push_back(name);
    }
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  bool ok = true;
  for (const std::string &n : names) {
    if (n.empty()) {
      diags.error({}, "empty pass name in pipeline '" + spec + "'")
          .note({}, "known passes: " + knownPassList());
      ok = false;
    } else if (!findPass(n)) {
      diags.error({}, "unknown pass '" + n + "'" + didYouMean(n, knownPassNames()))
          .note({}, "known passes: " + knownPassList());
      ok = false;
    }
  }
  if (!ok)
    return false;
  for (const std::string &n : names)
    passes_.push_back(findPass(n)->create());
  return true;
}

bool PassManager::addPrintAfter(const std::string &name, DiagnosticEngine &diags) {
  if (!findPass(name)) {
    diags.error({}, "unknown pass '" + name + "' in --print-after" + didYouMean(name, knownPassNames()))
        .note({}, "known passes: " + knownPassList());
    return false;
  }
  printAfter_.push_back(name);
  return true;
}

std::vector<std::string> PassManager::passNames() const {
  std::vector<std::string> out;
  for (const auto &p : passes_)
    out.push_back(p->name());
  return out;
}

bool PassManager::shouldPrintAfter(const std::string &name) const {
  return printStream_ && (printAfterAll_ || std::find(printAfter_.begin(), printAfter_.end(),
                                                      name) != printAfter_.end());
}

bool PassManager::run(ir::Module &module, PassContext &ctx) {
  for (const auto &pass : passes_) {
    const std::string name = pass->name();
    unsigned errorsBefore = ctx.diags().errorCount();
    bool ok = pass->run(module, ctx);
    std::vector<std::string> changes = ctx.takeChanges();
    if (logPasses_) {
      ctx.log() << name << ": ";
      if (changes.empty())
        ctx.log() << "no changes";
      for (size_t i = 0; i < changes.size(); ++i)
        ctx.log() << (i ? ", " : "") << changes[i];
      ctx.log() << "\n";
    }
    if (!ok || ctx.diags().errorCount() != errorsBefore)
      return false;
    std::vector<std::string> errors;
    if (!ir::verifyModule(module, &errors)) {
      auto diag = ctx.diags().error({}, "internal error: IR verifier failed after pass '" +
                                            name + "'");
      for (const std::string &e : errors)
        diag.note({}, e);
      return false;
    }
    if (shouldPrintAfter(name)) {
      *printStream_ << "// -----// IR after " << name << " //----- //\n";
      ir::printModule(module, *printStream_);
    }
  }
  return true;
}

bool runPipeline(ir::Module &module, DiagnosticEngine &diags, const PipelineRequest &request, std::ostream &log) {
  PassManager pm;
  bool ok = pm.addPipeline(request.spec.empty() ? "default" : request.spec, diags);
  for (const std::string &p : request.printAfter)
    ok &= pm.addPrintAfter(p, diags);
  if (!ok)
    return false;
  pm.setPrintAfterAll(request.printAfterAll);
  pm.setPrintStream(&log);
  pm.setLogPasses(request.logPasses);
  PassContext ctx(diags, log, request.options);
  return pm.run(module, ctx);
}

} // namespace nsc::passes
