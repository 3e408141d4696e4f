//===- RunOutputs.cpp - The files and the summary of a finished run -------===//
#include "RunOutputs.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace nsc::targets {

namespace {

/// Files written to temporaries and renamed together: a failed run or a
/// failed write leaves none of them behind (and replaces no older file).
class StagedFiles {
public:
  ~StagedFiles() {
    for (auto &[temporary, path] : staged_)
      std::remove(temporary.c_str());
  }
  /// Where to write `path`: a hidden sibling with the same extension (the
  /// writers choose the format by it).
  std::string stage(const std::string &path) {
    std::filesystem::path p(path);
    std::string name = ".nsc-" + std::to_string(::getpid()) + "-" + p.filename().string();
    std::string temporary = (p.parent_path() / name).string();
    staged_.emplace_back(temporary, path);
    return temporary;
  }
  /// Renames every staged file into place; false with `error` set.
  bool commit(std::string &error) {
    for (auto &[temporary, path] : staged_)
      if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        error = "cannot write '" + path + "': " + std::strerror(errno);
        return false;
      }
    staged_.clear();
    return true;
  }
  size_t size() const { return staged_.size(); }

private:
  std::vector<std::pair<std::string, std::string>> staged_; // temporary, final path
};

/// The spikes of `r`'s slice of its population.
runtime::SpikeRecording spikesOf(const ir::Recorder &r, const runtime::SpikeRecording &all) {
  runtime::SpikeRecording out;
  out.dtMs = all.dtMs;
  out.populations = all.populations;
  for (const runtime::SpikeRecording::Event &e : all.events)
    if (e.population == r.target.population && e.index >= r.target.begin && e.index < r.target.end)
      out.events.push_back(e);
  return out;
}

bool isNpz(const std::string &path) { return path.size() > 4 && path.compare(path.size() - 4, 4, ".npz") == 0; }

} // namespace

std::string checkWeightsOutput(const RunRequest &r, const ir::Network &net) {
  if (r.weightsOut.empty())
    return {};
  for (const ir::Projection &pr : net.projections)
    if (pr.hasSynapse)
      return {};
  return "--weights: network '" + net.name +
         "' has no plastic projection ('synapse = MODEL(...)'); static weights do not change while it runs";
}

std::string collectWeights(const RunRequest &r, const ir::Module &module, const ir::Network &net,
                           const network::Simulation &sim, std::vector<runtime::NpzArray> &out) {
  out.clear();
  const bool npz = isNpz(r.weightsOut);
  unsigned plastic = 0;
  for (const ir::Projection &pr : net.projections)
    plastic += pr.hasSynapse;
  if (!npz)
    out.push_back({"w", {}, {}, false});
  for (uint32_t q = 0; q < net.projections.size(); ++q) {
    const ir::Projection &pr = net.projections[q];
    if (!pr.hasSynapse)
      continue;
    const std::string projName = pr.name.empty() ? "projection" + std::to_string(q) : pr.name;
    network::SynapseValues v;
    std::string error;
    if (!npz) {
      std::string w = sim.synapseWeightVariable(q);
      if (w.empty())
        return "--weights: the synapse model '" + pr.synapseName + "' of projection '" + projName +
               "' has no weight variable (the first argument of emit_spike, or 'w'); write .npz for its variables";
      if (!sim.getSynapseValues(q, w, v, error))
        return "--weights: " + error;
      out[0].f8.insert(out[0].f8.end(), v.value.begin(), v.value.end());
      continue;
    }
    const std::string prefix = plastic > 1 ? projName + "/" : "";
    bool first = true;
    for (const ir::Variable &var : module.models[pr.synapseModel]->variables) {
      // What the model declares: not vectors, not the internals the passes
      // add (propagator coefficients such as `P[x,x]`, not identifiers).
      bool identifier = !var.name.empty();
      for (char ch : var.name)
        identifier = identifier && (std::isalnum((unsigned char)ch) || ch == '_');
      if (var.vectorSize || !identifier ||
          (var.role != ir::VarRole::State && var.role != ir::VarRole::Parameter &&
           var.role != ir::VarRole::Internal))
        continue;
      if (!sim.getSynapseValues(q, var.name, v, error))
        return "--weights: " + error;
      if (first) {
        out.push_back({prefix + "source", {}, {v.source.begin(), v.source.end()}, true});
        out.push_back({prefix + "target", {}, {v.target.begin(), v.target.end()}, true});
        first = false;
      }
      out.push_back({prefix + var.name, std::move(v.value), {}, false});
    }
  }
  return {};
}

bool refuseSynapseRecorders(const ir::Network &net, const std::string &target, DiagnosticEngine &diags) {
  if (net.synapseRecorders.empty())
    return true;
  const ir::SynapseRecorder &r = net.synapseRecorders.front();
  diags.error(r.loc, "--target=" + target + " cannot record synapse variables (recorder '" + r.label +
                         "'); record them on --target=cpu or --target=interp");
  return false;
}

std::string recordExtension(const RunRequest &r) {
  return "." + (r.recordFormat.empty() ? std::string("csv") : r.recordFormat);
}

std::string writeRunFiles(const RunRequest &r, const RunRecordings &rec, size_t *written) {
  StagedFiles files;
  if (!r.spikesOut.empty() && rec.spikes)
    if (std::string e = runtime::writeSpikes(*rec.spikes, files.stage(r.spikesOut)); !e.empty())
      return "--spikes: " + e;
  if (!r.trace.empty() && rec.trace)
    if (std::string e = runtime::writeTraces(*rec.trace, files.stage(r.traceOut.empty() ? "trace.csv" : r.traceOut));
        !e.empty())
      return "--trace-out: " + e;
  if (!r.recordDir.empty()) {
    std::error_code ec; // made by checkRunOutputs; only gone if removed since
    std::filesystem::create_directories(r.recordDir, ec);
    if (ec)
      return "--record-dir: cannot create directory '" + r.recordDir + "': " + ec.message();
    const std::string ext = recordExtension(r);
    auto file = [&](const std::string &name) { return files.stage(r.recordDir + "/" + name + ext); };
    if (rec.network && rec.spikes)
      for (const ir::Recorder &rr : rec.network->recorders) {
        bool spikes = false, variables = false;
        for (const ir::RecordItem &it : rr.what)
          (it.kind == ir::RecordItem::Kind::Spikes ? spikes : variables) = true;
        if (!spikes)
          continue;
        // `record spikes, V_m from x`: the variables keep the label's file.
        std::string name = variables ? rr.label + ".spikes" : rr.label;
        if (std::string e = runtime::writeSpikes(spikesOf(rr, *rec.spikes), file(name)); !e.empty())
          return "--record-dir: " + e;
      }
    if (rec.variables)
      for (auto &[label, tr] : *rec.variables)
        if (std::string e = runtime::writeTraces(tr, file(label)); !e.empty())
          return "--record-dir: " + e;
    if (rec.synapses)
      for (auto &[label, sr] : *rec.synapses)
        if (std::string e = runtime::writeSynapses(sr, file(label)); !e.empty())
          return "--record-dir: " + e;
  }
  if (!r.weightsOut.empty() && rec.weights) {
    std::ofstream out(files.stage(r.weightsOut), std::ios::binary);
    std::string e;
    if (r.weightsOut.size() > 4 && r.weightsOut.compare(r.weightsOut.size() - 4, 4, ".npz") == 0)
      e = runtime::writeNpz(out, *rec.weights);
    else if (!rec.weights->empty())
      runtime::writeNpyVector(out, rec.weights->front().f8.data(), rec.weights->front().f8.size());
    out.close();
    if (e.empty() && !out)
      e = "cannot write '" + r.weightsOut + "'";
    if (!e.empty())
      return "--weights: " + e;
  }
  size_t n = files.size();
  std::string error;
  if (!files.commit(error))
    return error;
  if (written)
    *written = n;
  return {};
}

void printRunSummary(const RunRequest &r, const RunSummary &s) {
  if (r.stats || r.quiet)
    return;
  auto count = [](uint64_t n, const char *what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  char line[400];
  std::snprintf(line, sizeof line, "nsc: %.10g ms simulated in %.3g s: %s, %s, %s (%.4g Hz mean rate)", s.simulatedMs,
                s.wallMs / 1000.0, count(s.neurons, "neuron").c_str(), count(s.synapses, "synapse").c_str(),
                count(s.spikes, "spike").c_str(), s.meanRateHz);
  std::cerr << line;
  if (s.files)
    std::cerr << "; " << s.files << (s.files == 1 ? " file" : " files") << " written";
  std::cerr << "\n";
}

} // namespace nsc::targets
