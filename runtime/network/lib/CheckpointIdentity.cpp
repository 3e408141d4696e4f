//===- CheckpointIdentity.cpp - What a checkpoint is of -------------------===//
#include "CheckpointIdentity.h"

#include "nsc/ir/Printer.h"

#include <cstdio>
#include <sstream>

namespace nsc::network {

using namespace ir;

namespace {

uint64_t hashText(const std::string &s) {
  ckpt::Hash64 h;
  h.add(s.data(), s.size());
  return h.h;
}

} // namespace

uint64_t modelHash(const Model &m) {
  std::ostringstream os;
  printModel(m, os);
  return hashText(os.str());
}

uint64_t networkHash(const Network &net, const Module &mod) {
  std::ostringstream os;
  printNetwork(net, mod, os);
  return hashText(os.str());
}

void writeStrings(ckpt::Writer &w, const std::vector<std::string> &v) {
  w.u64(v.size());
  for (const std::string &s : v)
    w.str(s);
}

std::vector<std::string> readStrings(ckpt::Cursor &c) {
  std::vector<std::string> v;
  uint64_t n = c.u64();
  for (uint64_t i = 0; i < n && !c.failed(); ++i)
    v.push_back(c.str());
  return v;
}

namespace {

std::string joined(const std::vector<std::string> &v) {
  std::string s;
  for (const std::string &x : v)
    s += (s.empty() ? "" : ",") + x;
  return s.empty() ? "(none)" : s;
}

std::string msText(double ms) {
  char b[64];
  std::snprintf(b, sizeof b, "%.10g ms", ms);
  return b;
}
} // namespace

void CheckpointIdentity::write(ckpt::Writer &w) const {
  w.str(producer);
  w.str(target);
  w.str(network);
  w.u8(singleModel);
  w.f64(dtMs);
  w.u64(seed);
  w.str(precision);
  w.u64(step);
  w.u64(pops.size());
  for (const Pop &p : pops) {
    w.str(p.name);
    w.str(p.model);
    w.u32(p.kind);
    w.u64(p.n);
    w.u64(p.modelHash);
    w.u32(p.ringSlots);
    w.u32(p.rowSize);
    w.u32(p.ports);
  }
  w.u64(projs.size());
  for (const Proj &q : projs) {
    w.str(q.label);
    w.str(q.synapseModel);
    w.u8(q.plastic);
    w.u64(q.synapses);
    w.u64(q.digest);
    w.u64(q.synapseHash);
  }
  w.u64(networkHash);
  writeStrings(w, traceVariables);
}

void CheckpointIdentity::read(ckpt::Cursor &c) {
  producer = c.str();
  target = c.str();
  network = c.str();
  singleModel = c.u8();
  dtMs = c.f64();
  seed = c.u64();
  precision = c.str();
  step = c.u64();
  uint64_t np = c.u64();
  for (uint64_t i = 0; i < np && !c.failed(); ++i) {
    Pop p;
    p.name = c.str();
    p.model = c.str();
    p.kind = c.u32();
    p.n = c.u64();
    p.modelHash = c.u64();
    p.ringSlots = c.u32();
    p.rowSize = c.u32();
    p.ports = c.u32();
    pops.push_back(std::move(p));
  }
  uint64_t nq = c.u64();
  for (uint64_t i = 0; i < nq && !c.failed(); ++i) {
    Proj q;
    q.label = c.str();
    q.synapseModel = c.str();
    q.plastic = c.u8();
    q.synapses = c.u64();
    q.digest = c.u64();
    q.synapseHash = c.u64();
    projs.push_back(std::move(q));
  }
  networkHash = c.u64();
  traceVariables = readStrings(c);
}

std::string identityDifference(const CheckpointIdentity &f, const CheckpointIdentity &h) {
  if (f.producer != h.producer)
    return "it was written by nsc " + f.producer + "; this is nsc " + h.producer +
           " (resuming is bit-identical only within one version)";
  if (f.target != h.target)
    return "it was written by target '" + f.target + "'; this run is on target '" + h.target + "'";
  if (f.network != h.network || f.singleModel != h.singleModel) {
    auto name = [](const auto &x) {
      return x.singleModel ? "a single-model run" : "network '" + x.network + "'";
    };
    return "it is of " + name(f) + "; this run is " + name(h);
  }
  if (f.dtMs != h.dtMs)
    return "it was written with dt = " + msText(f.dtMs) + "; this network has dt = " + msText(h.dtMs);
  if (f.seed != h.seed)
    return "it was written with seed " + std::to_string(int64_t(f.seed)) + "; this network has seed " +
           std::to_string(int64_t(h.seed));
  if (f.precision != h.precision)
    return "it was written with precision " + f.precision + "; this network has precision " + h.precision;
  if (f.pops.size() != h.pops.size())
    return "it has " + std::to_string(f.pops.size()) + " populations; this network has " +
           std::to_string(h.pops.size());
  for (size_t i = 0; i < f.pops.size(); ++i) {
    const auto &a = f.pops[i], &b = h.pops[i];
    if (a.name != b.name)
      return "its population " + std::to_string(i) + " is '" + a.name + "'; this network's is '" + b.name + "'";
    if (a.kind != b.kind || a.model != b.model)
      return "its population '" + a.name + "' is of '" + a.model + "'; this network's is of '" + b.model + "'";
    if (a.n != b.n)
      return "its population '" + a.name + "' has " + std::to_string(a.n) + " neurons; this network's has " +
             std::to_string(b.n);
    if (a.modelHash != b.modelHash || a.rowSize != b.rowSize || a.ports != b.ports)
      return "the model '" + b.model + "' of population '" + b.name +
             "' differs from the checkpoint's (its code, parameters, semantics or the pass options changed)";
    if (a.ringSlots != b.ringSlots)
      return "population '" + b.name + "' buffers delays of up to " + std::to_string(b.ringSlots - 1) +
             " steps; the checkpoint's buffered " + std::to_string(a.ringSlots - 1);
  }
  if (f.projs.size() != h.projs.size())
    return "it has " + std::to_string(f.projs.size()) + " projections; this network has " +
           std::to_string(h.projs.size());
  for (size_t i = 0; i < f.projs.size(); ++i) {
    const auto &a = f.projs[i], &b = h.projs[i];
    if (a.label != b.label || a.plastic != b.plastic)
      return "its projection " + std::to_string(i) + " is " + a.label + "; this network's is " + b.label;
    if (a.synapses != b.synapses)
      return "its projection " + a.label + " has " + std::to_string(a.synapses) + " synapses; this network's has " +
             std::to_string(b.synapses);
    if (a.digest != b.digest)
      return "the synapses of projection " + b.label +
             " differ from the checkpoint's (connection rule, weights, delays or connection file changed)";
    if (a.synapseModel != b.synapseModel || a.synapseHash != b.synapseHash)
      return "the synapse model '" + b.synapseModel + "' of projection " + b.label +
             " differs from the checkpoint's";
  }
  if (f.networkHash != h.networkHash)
    return h.singleModel ? "the single-model run differs from the checkpoint's (--n, --param, --spike-input or "
                           "--current-input changed)"
                         : "network '" + h.network +
                               "' differs from the checkpoint's (its sources, inputs, initial values or recorders "
                               "changed)";
  if (f.traceVariables != h.traceVariables)
    return "it records --trace=" + joined(f.traceVariables) + "; this run asks for --trace=" +
           joined(h.traceVariables);
  return {};
}

} // namespace nsc::network
