//===- Checkpoint.cpp - Saving and restoring the complete state -----------===//
//
// docs/checkpoints.md. The sections of a checkpoint (container format in
// CheckpointFormat.h), in file order:
//
//   IDNT  what the checkpoint is of: nsc version, target, network, dt,
//         seed, precision, the step, every population (name, kind, size,
//         model and a hash of its IR, ring slots, row size), every
//         projection (synapse count, a hash of its connectivity, its
//         synapse model's hash), a hash of the network's IR (sources,
//         inputs, recorders) and the --trace variables. Compared field by field with the
//         simulation that restores it, so a refusal says what differs.
//   RUNS  the step counter, spike counts per population, the run-time
//         warnings so far, the parameter changes reset() re-applies
//   POPU  one per model population: every state cell (parameters,
//         internals, states, locals), the delay ring (sums and counts:
//         pending and injected events)
//   HOMS  one per homeostat: each neuron's accumulator and window count
//   SYNP  one per plastic projection: its PlasticState
//   SPKS  the spikes recorded so far
//   TRCE  the --trace recording so far
//   RECD  one per `record` statement of variables: its recording so far
//
// Random numbers need no state: every draw is a pure function of (key,
// neuron or synapse, step) (Philox, R32/R33), and the keys follow from
// the seed, so the step counter is their position. Poisson sources,
// spike and current generators are functions of the step too.
//
//===----------------------------------------------------------------------===//
#include "CheckpointIdentity.h"
#include "Engine.h"
#include "nsc/network/TraceSelection.h"

#ifndef NSC_VERSION_STRING
#define NSC_VERSION_STRING "unknown"
#endif

namespace nsc::network {

using namespace ir;

namespace {

void writeTraceRecording(ckpt::Writer &w, const runtime::TraceRecording &t) {
  writeStrings(w, t.variables);
  w.vec(t.step);
  w.vec(t.population);
  w.vec(t.index);
  w.vec(t.values);
}

/// A recording's variables and rows (the rest is set up by setupTraces).
bool readTraceRecording(ckpt::Cursor &c, runtime::TraceRecording &t) {
  t.variables = readStrings(c);
  t.step = c.vec<uint64_t>();
  t.population = c.vec<uint32_t>();
  t.index = c.vec<uint64_t>();
  t.values = c.vec<double>();
  size_t rows = t.step.size();
  return !c.failed() && c.atEnd() && t.population.size() == rows && t.index.size() == rows &&
         t.values.size() == rows * t.variables.size();
}

/// Moves `from`'s rows into `to` (set up by setupTraces).
void takeRows(runtime::TraceRecording &from, runtime::TraceRecording &to) {
  to.step = std::move(from.step);
  to.population = std::move(from.population);
  to.index = std::move(from.index);
  to.values = std::move(from.values);
}

} // namespace

uint64_t NetworkSimulation::connectivityDigest(const ProjectionRuntime &pj) const {
  if (pj.digest)
    return *pj.digest;
  if (pj.plastic) {
    pj.digest = pj.plastic->digest();
    return *pj.digest;
  }
  ckpt::Hash64 h;
  const CompactSynapses &syn = pj.synapses;
  for (uint64_t s = 0; s <= pops_[pj.src].n && syn.size(); ++s) {
    uint64_t b = s < pops_[pj.src].n ? syn.rowBegin(s) : syn.size();
    h.pod(b);
  }
  h.add(syn.targets(), syn.size() * sizeof(uint32_t));
  for (uint64_t at = 0; at < syn.size(); ++at) {
    h.pod(syn.weight(at));
    h.pod(syn.delay(at));
  }
  pj.digest = h.h;
  return *pj.digest;
}

CheckpointIdentity NetworkSimulation::identity(const std::string &target, const std::vector<std::string> &traceVariables) const {
  CheckpointIdentity id;
  id.producer = NSC_VERSION_STRING;
  id.target = target;
  id.network = net_.name;
  id.singleModel = net_.singleModel;
  id.dtMs = dt_;
  id.seed = net_.semantics.seed;
  id.precision = precisionName(net_.semantics.precision);
  id.step = step_;
  for (const PopulationRuntime &ps : pops_) {
    CheckpointIdentity::Pop p;
    p.name = ps.pop->name;
    p.kind = uint32_t(ps.pop->kind);
    p.n = ps.n;
    p.model = ps.isModel() ? ps.model->name : populationKindName(ps.pop->kind);
    if (ps.isModel()) {
      p.modelHash = modelHash(*ps.model);
      p.ringSlots = ps.D;
      p.rowSize = ps.rowSize;
      p.ports = ps.ports;
    }
    id.pops.push_back(std::move(p));
  }
  for (const ProjectionRuntime &pj : projs_) {
    CheckpointIdentity::Proj q;
    const std::string &src = pops_[pj.src].pop->name, &tgt = pops_[pj.tgt].pop->name;
    q.label = "'" + (pj.proj->name.empty() ? src + " -> " + tgt : pj.proj->name) + "'";
    q.plastic = pj.plastic != nullptr;
    q.synapses = pj.plastic ? pj.plastic->size() : pj.synapses.size();
    q.digest = connectivityDigest(pj);
    if (pj.proj->hasSynapse) {
      q.synapseModel = pj.proj->synapseName;
      q.synapseHash = modelHash(*mod_.models[pj.proj->synapseModel]);
    }
    id.projs.push_back(std::move(q));
  }
  id.networkHash = networkHash(net_, mod_);
  id.traceVariables = traceVariables;
  return id;
}

// --- saving -------------------------------------------------------------------

bool NetworkSimulation::saveCheckpoint(const std::string &path, const std::string &target,
                                       const RunResult &rec, std::string &error) {
  if (!localOnly("a checkpoint", error))
    return false;
  // Warnings the kernels hold belong to the steps done so far.
  for (auto &[model, kernel] : kernels_)
    kernel->drainWarnings(warnings_);
  if (!net_.synapseRecorders.empty()) {
    const SynapseRecorder &r = net_.synapseRecorders.front();
    error = "checkpoints do not hold synapse recordings yet: the network records synapse variables ('" + r.label +
            "', line " + std::to_string(r.loc.begin.line) + "); run it without a checkpoint";
    return false;
  }
  ckpt::Writer w;
  if (!w.open(path, error))
    return false;
  w.beginSection("IDNT");
  // The --trace entries as given (selections included), as resuming passes them.
  identity(target, recordersFor_ == &rec ? traceEntries_ : rec.traces.variables).write(w);
  w.endSection();

  w.beginSection("RUNS");
  w.u64(step_);
  w.u64(pops_.size());
  for (const PopulationRuntime &ps : pops_)
    w.u64(ps.spikeTotal);
  w.counts(warnings_);
  w.u64(overrides_.size());
  for (auto &[pop, var, values] : overrides_) {
    w.u32(pop);
    w.u32(var);
    w.vec(values);
  }
  w.endSection();

  for (const PopulationRuntime &ps : pops_) {
    if (!ps.isModel())
      continue;
    w.beginSection("POPU");
    w.u32(ps.index);
    w.vec(ps.state);
    w.vec(ps.ringSum);
    w.vec(ps.ringCount);
    w.endSection();
  }
  for (const HomeostatRuntime &h : homeostats_) {
    w.beginSection("HOMS");
    w.u32(h.population);
    w.u64(h.neurons.size());
    for (const hw::HomeostatNeuron &s : h.neurons) {
      w.pod(s.acc);
      w.u32(s.count);
    }
    w.endSection();
  }
  for (const ProjectionRuntime &pj : projs_) {
    if (!pj.plastic)
      continue;
    PlasticState st;
    pj.plastic->getState(st);
    w.beginSection("SYNP");
    w.u32(pj.index);
    w.vec(st.shared);
    w.vec(st.own);
    w.vec(st.scratch);
    w.vec(st.done);
    w.u64(st.epoch);
    w.counts(st.warnings);
    w.endSection();
  }

  w.beginSection("SPKS");
  w.u64(rec.spikes.events.size());
  for (const runtime::SpikeRecording::Event &e : rec.spikes.events) {
    w.u64(e.step);
    w.u32(e.population);
    w.u64(e.index);
  }
  w.endSection();
  w.beginSection("TRCE");
  writeTraceRecording(w, rec.traces);
  w.endSection();
  for (const auto &[label, tr] : rec.recorded) {
    w.beginSection("RECD");
    w.str(label);
    writeTraceRecording(w, tr);
    w.endSection();
  }
  return w.commit(error);
}

// --- restoring ----------------------------------------------------------------

/// A checkpoint's contents, read and checked before anything changes.
struct StagedCheckpoint {
  std::string malformed; // "checkpoint 'x' is malformed: "
  uint64_t step = 0;
  std::vector<uint64_t> spikeTotals;
  std::map<std::string, uint64_t> warnings;
  std::vector<std::tuple<uint32_t, ir::VarId, std::vector<double>>> overrides;
  struct Population {
    std::vector<Value> state;
    std::vector<double> ringSum;
    std::vector<uint32_t> ringCount;
  };
  std::vector<Population> pops;
  std::vector<std::vector<hw::HomeostatNeuron>> homeostats;
  std::vector<PlasticState> plastic;
  std::vector<runtime::SpikeRecording::Event> spikes;
  runtime::TraceRecording trace;
  std::vector<runtime::TraceRecording> recorded;

  bool fail(std::string &error, const std::string &what) {
    error = malformed + what;
    return false;
  }
};

bool NetworkSimulation::stageRun(const ckpt::Section &section, StagedCheckpoint &st, std::string &error) const {
  ckpt::Cursor c(section);
  st.step = c.u64();
  uint64_t npops = c.u64();
  for (uint64_t i = 0; i < npops && !c.failed(); ++i)
    st.spikeTotals.push_back(c.u64());
  st.warnings = c.counts();
  uint64_t noverrides = c.u64();
  for (uint64_t i = 0; i < noverrides && !c.failed(); ++i) {
    uint32_t pop = c.u32();
    uint32_t var = c.u32();
    std::vector<double> values = c.vec<double>();
    if (pop >= pops_.size() || !pops_[pop].isModel() || var >= pops_[pop].model->variables.size())
      return st.fail(error, "a parameter change names no variable");
    st.overrides.emplace_back(pop, VarId(var), std::move(values));
  }
  if (c.failed() || !c.atEnd() || npops != pops_.size())
    return st.fail(error, "its run section does not parse");
  return true;
}

bool NetworkSimulation::stageState(const ckpt::Reader &file, StagedCheckpoint &st, std::string &error) const {
  st.pops.resize(pops_.size());
  std::vector<bool> seen(pops_.size(), false);
  for (const ckpt::Section *s : file.find("POPU")) {
    ckpt::Cursor c(*s);
    uint32_t p = c.u32();
    if (p >= pops_.size() || !pops_[p].isModel() || seen[p])
      return st.fail(error, "a population section names no model population");
    seen[p] = true;
    StagedCheckpoint::Population &sp = st.pops[p];
    sp.state = c.vec<Value>();
    sp.ringSum = c.vec<double>();
    sp.ringCount = c.vec<uint32_t>();
    const PopulationRuntime &ps = pops_[p];
    if (c.failed() || !c.atEnd() || sp.state.size() != ps.state.size() || sp.ringSum.size() != ps.ringSum.size() ||
        sp.ringCount.size() != ps.ringCount.size())
      return st.fail(error, "the state of population '" + ps.pop->name + "' has another size");
  }
  for (const PopulationRuntime &ps : pops_)
    if (ps.isModel() && !seen[ps.index])
      return st.fail(error, "the state of population '" + ps.pop->name + "' is missing");

  std::vector<const ckpt::Section *> hs = file.find("HOMS");
  if (hs.size() != homeostats_.size())
    return st.fail(error, "it has " + std::to_string(hs.size()) + " homeostats; this network has " +
                              std::to_string(homeostats_.size()));
  st.homeostats.resize(hs.size());
  for (size_t h = 0; h < hs.size(); ++h) {
    ckpt::Cursor c(*hs[h]);
    uint32_t pop = c.u32();
    uint64_t n = c.u64();
    if (pop != homeostats_[h].population || n != homeostats_[h].neurons.size())
      return st.fail(error, "a homeostat's state does not fit its population");
    for (uint64_t i = 0; i < n && !c.failed(); ++i) {
      hw::HomeostatNeuron s;
      s.acc = c.pod<int64_t>();
      s.count = c.u32();
      st.homeostats[h].push_back(s);
    }
    if (c.failed() || !c.atEnd())
      return st.fail(error, "a homeostat's state does not parse");
  }

  st.plastic.resize(projs_.size());
  std::vector<bool> plasticSeen(projs_.size(), false);
  for (const ckpt::Section *s : file.find("SYNP")) {
    ckpt::Cursor c(*s);
    uint32_t q = c.u32();
    if (q >= projs_.size() || !projs_[q].plastic || plasticSeen[q])
      return st.fail(error, "a synapse section names no plastic projection");
    plasticSeen[q] = true;
    PlasticState &ps = st.plastic[q];
    ps.shared = c.vec<uint64_t>();
    ps.own = c.vec<uint64_t>();
    ps.scratch = c.vec<uint64_t>();
    ps.done = c.vec<uint32_t>();
    ps.epoch = c.u64();
    ps.warnings = c.counts();
    if (c.failed() || !c.atEnd())
      return st.fail(error, "a synapse section does not parse");
    std::string why;
    if (!projs_[q].plastic->checkState(ps, why))
      return st.fail(error, why);
  }
  for (const ProjectionRuntime &pj : projs_)
    if (pj.plastic && !plasticSeen[pj.index])
      return st.fail(error, "the synapse state of a plastic projection is missing");
  return true;
}

bool NetworkSimulation::stageRecordings(const ckpt::Reader &file, const std::vector<std::string> &traceVariables,
                                        StagedCheckpoint &st, std::string &error) const {
  std::vector<const ckpt::Section *> spikes = file.find("SPKS"), trace = file.find("TRCE");
  if (spikes.size() != 1 || trace.size() != 1)
    return st.fail(error, "a recording section is missing");
  ckpt::Cursor c(*spikes[0]);
  uint64_t n = c.u64();
  if (n > spikes[0]->size / 20)
    return st.fail(error, "its spike count does not fit the section");
  st.spikes.reserve(size_t(n));
  for (uint64_t i = 0; i < n && !c.failed(); ++i) {
    runtime::SpikeRecording::Event e;
    e.step = c.u64();
    e.population = c.u32();
    e.index = c.u64();
    if (e.population >= pops_.size() || e.index >= pops_[e.population].n || e.step >= st.step)
      return st.fail(error, "a recorded spike is out of range");
    st.spikes.push_back(e);
  }
  if (c.failed() || !c.atEnd())
    return st.fail(error, "its spikes do not parse");

  ckpt::Cursor tc(*trace[0]);
  TraceSelection selection;
  std::string ignored; // the identity compared the --trace entries already
  parseTraceSelection(traceVariables, selection, ignored);
  if (!readTraceRecording(tc, st.trace) || st.trace.variables != selection.variables)
    return st.fail(error, "its --trace recording does not parse");
  // The recordings setupTraces makes: one per `record` statement that
  // samples variables, in order.
  std::vector<std::pair<std::string, std::vector<std::string>>> expected;
  for (const Recorder &r : net_.recorders) {
    std::vector<std::string> vars;
    for (const RecordItem &it : r.what)
      if (it.kind != RecordItem::Kind::Spikes)
        vars.push_back(it.name);
    if (!vars.empty())
      expected.emplace_back(r.label, std::move(vars));
  }
  std::vector<const ckpt::Section *> rs = file.find("RECD");
  if (rs.size() != expected.size())
    return st.fail(error, "it has " + std::to_string(rs.size()) + " recordings; this network has " +
                              std::to_string(expected.size()));
  st.recorded.resize(rs.size());
  for (size_t i = 0; i < rs.size(); ++i) {
    ckpt::Cursor rc(*rs[i]);
    std::string label = rc.str();
    if (label != expected[i].first || !readTraceRecording(rc, st.recorded[i]) ||
        st.recorded[i].variables != expected[i].second)
      return st.fail(error, "the recording '" + expected[i].first + "' does not parse");
  }
  return true;
}

bool NetworkSimulation::restoreCheckpoint(const std::string &path, const std::string &target,
                                          const std::vector<std::string> &traceVariables, RunResult &rec,
                                          std::string &error) {
  if (!localOnly("resuming from a checkpoint", error))
    return false;
  ckpt::Reader file;
  if (!file.open(path, error))
    return false;
  StagedCheckpoint st;
  st.malformed = "checkpoint '" + path + "' is malformed: ";
  std::vector<const ckpt::Section *> idSection = file.find("IDNT"), runSection = file.find("RUNS");
  if (idSection.size() != 1 || runSection.size() != 1)
    return st.fail(error, "its identity or run section is missing");
  CheckpointIdentity fileId;
  ckpt::Cursor ic(*idSection[0]);
  fileId.read(ic);
  if (ic.failed() || !ic.atEnd())
    return st.fail(error, "its identity section does not parse");
  if (std::string d = identityDifference(fileId, identity(target, traceVariables)); !d.empty()) {
    error = "checkpoint '" + path + "' does not fit this run: " + d;
    return false;
  }
  if (!stageRun(*runSection[0], st, error) || !stageState(file, st, error) ||
      !stageRecordings(file, traceVariables, st, error))
    return false;
  if (st.step != fileId.step)
    return st.fail(error, "its step counters disagree");
  applyCheckpoint(st);
  // Uniform parameters are found from the values, as after a build.
  bool ok = true;
  for (PopulationRuntime &ps : pops_)
    if (ps.isModel())
      ok = bindKernel(ps) && ok;
  recordersFor_ = nullptr;
  rec = RunResult();
  ok = ok && setupTraces(traceVariables, rec);
  if (!ok) {
    error = "cannot set the restored simulation up (see the diagnostics)";
    return false;
  }
  rec.spikes.events = std::move(st.spikes);
  takeRows(st.trace, rec.traces);
  for (size_t i = 0; i < st.recorded.size(); ++i)
    takeRows(st.recorded[i], rec.recorded[i].second);
  return true;
}

void NetworkSimulation::applyCheckpoint(StagedCheckpoint &st) {
  step_ = st.step;
  for (PopulationRuntime &ps : pops_) {
    ps.spikeTotal = st.spikeTotals[ps.index];
    ps.fired.clear();
    ps.multiplicity.clear();
    if (!ps.isModel())
      continue;
    StagedCheckpoint::Population &sp = st.pops[ps.index];
    std::copy(sp.state.begin(), sp.state.end(), ps.state.begin()); // the columns keep their addresses
    ps.ringSum = std::move(sp.ringSum);
    ps.ringCount = std::move(sp.ringCount);
    // This step's ring slot (stepOnce sets it again before a kernel reads it).
    size_t block = size_t(step_ % ps.D) * ps.ports * ps.n;
    for (unsigned s = 0; s < ps.ports; ++s) {
      ps.portValue[s] = ps.ringSum.data() + block + size_t(s) * ps.n;
      ps.portCount[s] = ps.ringCount.data() + block + size_t(s) * ps.n;
    }
  }
  for (size_t h = 0; h < homeostats_.size(); ++h)
    homeostats_[h].neurons = std::move(st.homeostats[h]);
  for (ProjectionRuntime &pj : projs_)
    if (pj.plastic)
      pj.plastic->setState(std::move(st.plastic[pj.index]));
  for (auto &[model, kernel] : kernels_) {
    std::map<std::string, uint64_t> discarded; // this simulation's so far: the checkpoint's replace them
    kernel->drainWarnings(discarded);
  }
  warnings_ = std::move(st.warnings);
  overrides_ = std::move(st.overrides);
}

} // namespace nsc::network
