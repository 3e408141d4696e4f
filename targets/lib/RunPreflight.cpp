//===- RunPreflight.cpp - Checks before a network is built ----------------===//
#include "nsc/targets/RunPreflight.h"

#include "nsc/network/TraceSelection.h"
#include "nsc/runtime/Recording.h"
#include "nsc/support/SystemMemory.h"
#include "nsc/targets/RunRequest.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace nsc::targets {

std::optional<uint64_t> runSteps(double durationMs, double dtMs, std::string &error) {
  // Up to 2^62 steps: the step counter (uint64) and the times t_k = k*dt
  // (float64) of every recorder stay meaningful.
  const double limit = std::ldexp(1.0, 62);
  double steps = durationMs / dtMs;
  if (std::isfinite(steps) && steps >= 0 && std::nearbyint(steps) < limit)
    return uint64_t(std::llround(steps));
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "%g ms is too long: %.3g steps of dt = %g ms, more than the 2^62 (%.3g) steps a run can count",
                durationMs, steps, dtMs, limit);
  error = buf;
  return std::nullopt;
}

bool checkMemory(const ir::Module &module, uint32_t networkIndex, const MemoryCheck &check,
                 DiagnosticEngine &diags) {
  network::MemoryEstimate estimate = network::estimateNetworkMemory(module, networkIndex, check.request);
  MemoryBudget budget = check.maxMemory ? MemoryBudget{check.maxMemory, "--max-memory"} : systemMemoryBudget();
  if (check.dryRun) {
    network::printMemoryEstimate(estimate, budget, *check.dryRun);
    return true;
  }
  return network::checkNetworkMemory(estimate, budget, diags);
}

namespace {

/// Whether `path` can be written, by trying: an existing file is opened for
/// writing (not truncated); a new one is created and removed again.
bool probeWritable(const std::string &path, std::string &error) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      error = "'" + path + "' is a directory";
      return false;
    }
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      error = "cannot write '" + path + "': " + std::strerror(errno);
      return false;
    }
    ::close(fd);
    return true;
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot create '" + path + "': " + std::strerror(errno);
    return false;
  }
  ::close(fd);
  ::unlink(path.c_str());
  return true;
}

} // namespace

bool checkRunOutputs(const RunRequest &req, DiagnosticEngine &diags) {
  auto file = [&](const char *option, const std::string &path) {
    std::string error;
    if (!runtime::recordingFormatFor(path, error) || !probeWritable(path, error)) {
      diags.error({}, std::string(option) + ": " + error);
      return false;
    }
    return true;
  };
  bool ok = true;
  if (req.recordFormat != "csv" && req.recordFormat != "json" && req.recordFormat != "npy") {
    diags.error({}, "--record-format: '" + req.recordFormat + "' is not csv, json or npy");
    ok = false;
  }
  if (!req.traceEvery.empty() && req.trace.empty()) {
    diags.error({}, "--trace-every needs --trace (the variables to sample)");
    ok = false;
  }
  network::TraceSelection selection;
  std::string selectionError;
  if (!network::parseTraceSelection(req.trace, selection, selectionError)) {
    diags.error({}, selectionError);
    ok = false;
  }
  if (!req.spikesOut.empty())
    ok &= file("--spikes", req.spikesOut);
  if (!req.weightsOut.empty()) {
    std::string error;
    const std::string &w = req.weightsOut;
    auto endsWith = [&](const char *ext) { return w.size() > 4 && w.compare(w.size() - 4, 4, ext) == 0; };
    if (!endsWith(".npy") && !endsWith(".npz")) {
      diags.error({}, "--weights: '" + w + "' must end in .npy (the weights) or .npz (every synapse variable)");
      ok = false;
    } else if (!probeWritable(w, error)) {
      diags.error({}, "--weights: " + error);
      ok = false;
    }
  }
  if (!req.trace.empty())
    ok &= file("--trace-out", req.traceOut.empty() ? "trace.csv" : req.traceOut);
  std::error_code exists;
  if (!req.recordDir.empty() && !(req.dryRun && !std::filesystem::exists(req.recordDir, exists))) {
    std::error_code ec; // a dry run creates nothing
    std::filesystem::create_directories(req.recordDir, ec);
    std::string error;
    if (ec)
      diags.error({}, "--record-dir: cannot create directory '" + req.recordDir + "': " + ec.message());
    else if (!probeWritable(req.recordDir + "/.nsc-write-test", error))
      diags.error({}, "--record-dir: " + error);
    ok &= !ec && error.empty();
  }
  return ok;
}

} // namespace nsc::targets
