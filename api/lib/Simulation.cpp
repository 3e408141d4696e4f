//===- Simulation.cpp - nsc::Simulation over the network runtime ----------===//
//
// A thin layer over network::Simulation: names instead of indices,
// exceptions instead of status flags and diagnostics, spikes as API values
// moved out of the engine's recording after every call (so that clearing
// them is cheap and memory stays bounded in a stepping loop).
//
//===----------------------------------------------------------------------===//
#include "Impl.h"
#include "nsc/support/Suggest.h"

#include "nsc/loop/AerEvents.h"
#include "nsc/targets/RunPreflight.h"
#include "nsc/support/Units.h"
#include "nsc/runtime/Recording.h"

#include <algorithm>
#include <cmath>

namespace nsc {

using namespace detail;

// --- SimulationImpl ---------------------------------------------------------

namespace detail {

void SimulationImpl::takeSpikes() {
  runtime::SpikeRecording &rec = result.spikes;
  if (rec.events.empty())
    return;
  // The engine appends step by step, so sorting only the new events keeps
  // the whole list in canonical order.
  rec.sortCanonical();
  double dt = sim->dtMs();
  // No exact-size reserve here: it would defeat the vector's geometric
  // growth and copy every spike kept so far on each step() call (a Python
  // run in chunks became quadratic: 90 s for the 5th 100 ms of
  // network_with_import).
  for (const runtime::SpikeRecording::Event &e : rec.events)
    spikes.push_back({runtime::labelTimeMs(e.step, dt), e.step, e.population, e.index});
  rec.events.clear();
}

void SimulationImpl::throwRunError(const std::string &fallback) {
  std::vector<Message> diags = convertDiagnostics(*this->diags);
  this->diags->clear();
  bool anyError = false;
  for (const Message &d : diags)
    anyError = anyError || d.severity == Message::Severity::Error;
  if (!anyError) {
    Message d;
    d.message = fallback;
    d.text = "nsc: error: " + fallback + "\n";
    diags.push_back(std::move(d));
  }
  throw SimulationError("", std::move(diags));
}

bool SimulationImpl::advance(uint64_t n) {
  const uint64_t end = sim->currentStep() + n;
  while (sim->currentStep() < end) {
    const uint64_t now = sim->currentStep();
    // Deliver this step's events, grouped by population and port.
    auto [first, last] = scheduled.equal_range(now);
    while (first != last) {
      const ScheduledSpike &head = first->second;
      std::vector<uint64_t> indices;
      std::vector<double> weights;
      for (auto it = first; it != last; ++it)
        if (it->second.population == head.population && it->second.port == head.port) {
          indices.push_back(it->second.index);
          weights.push_back(it->second.weight);
        }
      std::string error;
      if (!sim->injectSpikes(head.population, head.port, indices, weights, 0, error)) {
        diags->error({}, "delivering scheduled spikes: " + error);
        return false;
      }
      uint32_t population = head.population;
      std::string port = head.port;
      for (auto it = first; it != last;) {
        if (it->second.population == population && it->second.port == port)
          it = scheduled.erase(it);
        else
          ++it;
      }
      std::tie(first, last) = scheduled.equal_range(now);
    }
    uint64_t next = scheduled.empty() ? end : std::min(end, scheduled.begin()->first);
    if (next <= now)
      next = now + 1;
    if (!sim->step(next - now, result))
      return false;
  }
  return n != 0 || sim->step(0, result);
}

uint32_t SimulationImpl::modelPopulation(const std::string &name) const {
  auto p = sim->population(name);
  if (!p) {
    std::string names;
    std::vector<std::string> list;
    for (const PopulationInfo &pi : populations) {
      names += (names.empty() ? "'" : ", '") + pi.name + "'";
      list.push_back(pi.name);
    }
    throwArgumentError("no population named '" + name + "'" + didYouMean(name, list) + " (populations: " + names +
                       ")");
  }
  if (populations[*p].isSource)
    throwArgumentError("population '" + name + "' is a " + populations[*p].model +
                       ", not a model population: it has no variables");
  return *p;
}

} // namespace detail

namespace {

/// Runs an engine call, turning failures (and internal exceptions) into
/// SimulationError with the engine's diagnostics.
template <class Fn> void guarded(SimulationImpl &impl, const char *what, Fn fn) {
  bool ok = false;
  try {
    ok = fn();
  } catch (const Error &) {
    throw;
  } catch (const std::bad_alloc &) {
    impl.diags->error({}, std::string("out of memory in ") + what + " (at step " +
                              std::to_string(impl.sim->currentStep()) +
                              "; spikes and samples are kept until clearSpikes() or the end)");
  } catch (const std::exception &e) {
    impl.diags->error({}, std::string("internal error in ") + what + ": " + e.what());
  }
  impl.takeSpikes();
  if (!ok || impl.diags->hasErrors())
    impl.throwRunError(std::string(what) + " failed");
}

std::vector<PopulationInfo> describePopulations(const ir::Module &mod, const ir::Network &net) {
  std::vector<PopulationInfo> out;
  for (const ir::Population &p : net.populations) {
    PopulationInfo info;
    info.name = p.name;
    info.size = p.size;
    info.isSource = p.kind != ir::PopulationKind::Model;
    if (info.isSource) {
      info.model = ir::populationKindName(p.kind);
    } else {
      const ir::Model &m = *mod.models[p.model];
      info.model = m.specializationOf.empty() ? m.name : m.specializationOf;
    }
    out.push_back(std::move(info));
  }
  return out;
}

} // namespace

// --- Simulation -------------------------------------------------------------

Simulation::Simulation(std::unique_ptr<SimulationImpl> impl) : impl_(std::move(impl)) {
  impl_->populations = describePopulations(*impl_->model->session->module(), *impl_->network);
  // Zero steps: sets the recorders up and fills in the network's figures
  // (synapses, memory) so that trace() and stats() answer before a run.
  guarded(*impl_, "building the simulation", [&] { return impl_->sim->step(0, impl_->result); });
}
Simulation::Simulation(Simulation &&) noexcept = default;
Simulation &Simulation::operator=(Simulation &&) noexcept = default;
Simulation::~Simulation() = default;

SimulationImpl *Simulation::impl() const {
  if (!impl_)
    throwArgumentError("use of a moved-from nsc::Simulation");
  return impl_.get();
}


void Simulation::run(double duration_ms) {
  if (!std::isfinite(duration_ms) || duration_ms < 0)
    throwArgumentError("the run duration must be a finite, non-negative time in ms");
  std::string tooLong;
  std::optional<uint64_t> steps = targets::runSteps(duration_ms, impl()->sim->dtMs(), tooLong);
  if (!steps)
    throwArgumentError("the run duration " + tooLong);
  if (!impl()->scheduled.empty()) {
    // Scheduled spikes cut the run into pieces; R3's rounding as run().
    step(*steps);
    return;
  }
  network::RunOptions opt;
  opt.durationMs = duration_ms;
  guarded(*impl(), "run", [&] { return impl()->sim->run(opt, impl()->result); });
}

void Simulation::step(uint64_t n) {
  if (impl()->scheduled.empty()) {
    guarded(*impl(), "step", [&] { return impl()->sim->step(n, impl()->result); });
    return;
  }
  guarded(*impl(), "step", [&] { return impl()->advance(n); });
}

uint64_t Simulation::steps() const { return impl()->sim->currentStep(); }
double Simulation::dt_ms() const { return impl()->sim->dtMs(); }
double Simulation::time_ms() const { return double(impl()->sim->currentStep()) * impl()->sim->dtMs(); }

void Simulation::reset(bool keepParameters) {
  // A fresh result: the engine sets its recorders up again on the next call.
  impl()->result = network::RunResult();
  impl()->spikes.clear();
  impl()->scheduled.clear();
  guarded(*impl(), "reset", [&] {
    return impl()->sim->reset(keepParameters) && impl()->sim->step(0, impl()->result);
  });
}

const std::vector<PopulationInfo> &Simulation::populations() const { return impl()->populations; }

uint32_t Simulation::populationIndex(const std::string &population) const {
  auto p = impl()->sim->population(population);
  if (!p)
    impl()->modelPopulation(population); // throws with the list of names
  return *p;
}

std::vector<VariableInfo> Simulation::variables(const std::string &population) const {
  uint32_t p = impl()->modelPopulation(population);
  const ir::Module &mod = *impl()->model->session->module();
  const ir::Model &m = *mod.models[impl()->network->populations[p].model];
  std::vector<VariableInfo> out;
  for (const ir::Variable &v : m.variables) {
    if (v.role != ir::VarRole::Parameter && v.role != ir::VarRole::State && v.role != ir::VarRole::Internal)
      continue;
    if (v.vectorSize)
      continue; // not readable by name (see get())
    VariableInfo info;
    info.name = v.name;
    info.role = v.role == ir::VarRole::Parameter ? "parameter" : v.role == ir::VarRole::State ? "state" : "internal";
    info.type = v.type.kind == ir::TypeKind::Int ? "integer" : v.type.kind == ir::TypeKind::Bool ? "boolean" : "real";
    if (v.type.kind == ir::TypeKind::Real || v.type.kind == ir::TypeKind::Int)
      info.unit = units::formatUnit(v.type.unit);
    if (info.unit == "1")
      info.unit.clear();
    out.push_back(std::move(info));
  }
  return out;
}

void Simulation::get(const std::string &population, const std::string &variable, std::vector<double> &out) const {
  uint32_t p = impl()->modelPopulation(population);
  std::string error;
  if (!impl()->sim->getValues(p, variable, out, error))
    throwArgumentError(error);
}

std::vector<double> Simulation::get(const std::string &population, const std::string &variable) const {
  std::vector<double> out;
  get(population, variable, out);
  return out;
}

void Simulation::set(const std::string &population, const std::string &variable, const std::vector<double> &values) {
  uint32_t p = impl()->modelPopulation(population);
  for (double v : values)
    if (!std::isfinite(v))
      throwArgumentError("non-finite value given for '" + variable + "'");
  std::string error;
  bool ok = false;
  try {
    ok = impl()->sim->setValues(p, variable, values, error);
  } catch (const std::bad_alloc &) {
    impl()->throwRunError("out of memory in set");
  } catch (const std::exception &e) {
    impl()->throwRunError(std::string("internal error in set: ") + e.what());
  }
  if (!ok) {
    // Reported through the engine's diagnostics (a failing recomputation)
    // or as a plain message (an unknown name, a wrong count).
    if (impl()->diags->hasErrors())
      impl()->throwRunError(error);
    throwArgumentError(error);
  }
}

void Simulation::set(const std::string &population, const std::string &variable, double value) {
  set(population, variable, std::vector<double>{value});
}

void Simulation::injectSpikes(const std::string &population, const std::string &port,
                              const std::vector<uint64_t> &indices, const std::vector<double> &weights,
                              uint32_t delaySteps) {
  uint32_t p = impl()->modelPopulation(population);
  for (double w : weights)
    if (!std::isfinite(w))
      throwArgumentError("non-finite weight given for injected spikes");
  std::string error;
  if (!impl()->sim->injectSpikes(p, port, indices, weights, delaySteps, error))
    throwArgumentError(error);
}

void Simulation::scheduleSpikes(const std::string &population, const std::string &port,
                                const std::vector<uint64_t> &steps, const std::vector<uint64_t> &indices,
                                const std::vector<double> &weights) {
  uint32_t p = impl()->modelPopulation(population);
  if (steps.size() != indices.size())
    throwArgumentError("give one step per scheduled spike: " + std::to_string(steps.size()) + " steps for " +
                       std::to_string(indices.size()) + " neurons");
  for (double w : weights)
    if (!std::isfinite(w))
      throwArgumentError("non-finite weight given for scheduled spikes");
  // The port, the weights' count and the indices are checked by the
  // engine's own test: an injection of no events with a matching weight.
  std::string error;
  std::vector<double> probe = weights.size() == 1 ? weights : std::vector<double>{};
  if (!impl()->sim->injectSpikes(p, port, {}, probe, 0, error))
    throwArgumentError(error);
  if (weights.size() != 1 && weights.size() != indices.size())
    throwArgumentError("give one weight, or one per scheduled spike (" + std::to_string(indices.size()) +
                       "), not " + std::to_string(weights.size()));
  const uint64_t now = impl()->sim->currentStep(), size = impl()->populations[p].size;
  for (size_t e = 0; e < indices.size(); ++e) {
    if (indices[e] >= size)
      throwArgumentError("neuron " + std::to_string(indices[e]) + " is out of range for population '" +
                         population + "' of " + std::to_string(size));
    if (steps[e] < now)
      throwArgumentError("a spike scheduled for step " + std::to_string(steps[e]) +
                         " is in the past (the simulation is at step " + std::to_string(now) + ")");
  }
  for (size_t e = 0; e < indices.size(); ++e)
    impl()->scheduled.emplace(steps[e], SimulationImpl::ScheduledSpike{p, port, indices[e],
                                                                       weights.size() == 1 ? weights[0] : weights[e]});
}

void Simulation::injectAer(const std::string &population, const std::string &port, const std::vector<AerEvent> &events,
                           double tick_hz, double weight) {
  if (!std::isfinite(tick_hz) || !(tick_hz > 0))
    throwArgumentError("the AER clock (tick rate) must be a positive frequency");
  std::vector<uint64_t> steps, indices;
  steps.reserve(events.size());
  indices.reserve(events.size());
  for (const AerEvent &e : events) {
    steps.push_back(loop::stepOfTick(e.tick, tick_hz, dt_ms()));
    indices.push_back(e.id);
  }
  scheduleSpikes(population, port, steps, indices, {weight});
}

uint64_t Simulation::scheduledSpikes() const { return impl()->scheduled.size(); }

std::vector<std::string> Simulation::spikePorts(const std::string &population) const {
  uint32_t p = impl()->modelPopulation(population);
  const ir::Module &mod = *impl()->model->session->module();
  const ir::Model &m = *mod.models[impl()->network->populations[p].model];
  std::vector<std::string> out;
  for (const ir::Port &port : m.ports)
    if (port.kind == ir::PortKind::Spike && !port.vectorSize)
      out.push_back(port.name);
  return out;
}

std::vector<std::string> Simulation::plasticProjections() const {
  std::vector<std::string> out;
  for (const ir::Projection &p : impl()->network->projections)
    if (p.hasSynapse && !p.name.empty())
      out.push_back(p.name);
  return out;
}

SynapseValues Simulation::synapses(const std::string &projection, const std::string &variable) const {
  std::optional<uint32_t> q = projection.empty() ? std::nullopt : impl()->sim->projection(projection);
  if (!q || !impl()->network->projections[*q].hasSynapse) {
    std::string names;
    for (const std::string &n : plasticProjections())
      names += (names.empty() ? "'" : ", '") + n + "'";
    throwArgumentError("no plastic projection named '" + projection + "'" +
                       didYouMean(projection, plasticProjections()) + " (plastic projections: " +
                       (names.empty() ? "none" : names) + ")");
  }
  network::SynapseValues v;
  std::string error;
  if (!impl()->sim->getSynapseValues(*q, variable, v, error))
    throwArgumentError(error);
  SynapseValues out;
  out.source = std::move(v.source);
  out.target = std::move(v.target);
  out.values = std::move(v.value);
  return out;
}

const std::vector<Spike> &Simulation::spikes() const { return impl()->spikes; }

std::vector<Spike> Simulation::spikesSince(uint64_t step) const {
  const std::vector<Spike> &all = impl()->spikes;
  auto first = std::lower_bound(all.begin(), all.end(), step, [](const Spike &s, uint64_t k) { return s.step < k; });
  return std::vector<Spike>(first, all.end());
}

void Simulation::clearSpikes() {
  impl()->spikes.clear();
  impl()->spikes.shrink_to_fit();
}

std::vector<std::string> Simulation::recorders() const {
  std::vector<std::string> out;
  for (const ir::Recorder &r : impl()->network->recorders)
    for (const ir::RecordItem &it : r.what)
      if (it.kind != ir::RecordItem::Kind::Spikes) {
        out.push_back(r.label);
        break;
      }
  return out;
}

Trace Simulation::trace(const std::string &label) const {
  const ir::Recorder *rec = nullptr;
  for (const ir::Recorder &r : impl()->network->recorders)
    if (r.label == label)
      rec = &r;
  std::vector<std::string> labels = recorders();
  if (!rec || std::find(labels.begin(), labels.end(), label) == labels.end()) {
    std::string names;
    for (const std::string &l : labels)
      names += (names.empty() ? "'" : ", '") + l + "'";
    throwArgumentError("no recorder of variables labelled '" + label + "' (recorders: " +
                       (names.empty() ? "none" : names) + ")");
  }
  Trace out;
  out.label = label;
  out.population = impl()->network->populations[rec->target.population].name;
  for (const ir::RecordItem &it : rec->what)
    if (it.kind != ir::RecordItem::Kind::Spikes)
      out.variables.push_back(it.name);
  // Before the first run or step the engine has not set the recorders up.
  for (const auto &[l, tr] : impl()->result.recorded) {
    if (l != label)
      continue;
    out.time_ms.reserve(tr.rows());
    for (size_t r = 0; r < tr.rows(); ++r)
      out.time_ms.push_back(runtime::labelTimeMs(tr.step[r], tr.dtMs));
    out.index = tr.index;
    out.values = tr.values;
  }
  return out;
}

void Simulation::clearTraces() {
  // The engine keeps pointers to these recordings: empty them in place.
  for (auto &entry : impl()->result.recorded) {
    runtime::TraceRecording &tr = entry.second;
    tr.step.clear();
    tr.population.clear();
    tr.index.clear();
    tr.values.clear();
  }
}

Stats Simulation::stats() const {
  const SimulationImpl &s = *impl();
  Stats st;
  st.target = targetName(s.model->options.target);
  st.threads = s.threads;
  st.dt_ms = s.sim->dtMs();
  st.steps = s.sim->currentStep();
  st.time_ms = double(st.steps) * st.dt_ms;
  const network::RunResult &r = s.result;
  st.synapses = r.synapses;
  st.synapseBytes = r.synapseMemory.bytes;
  st.bytesPerSynapse = r.synapseMemory.bytesPerSynapse();
  st.compile_ms = s.model->compileMs;
  st.build_ms = s.buildMs;
  st.connect_ms = s.sim->connectMs();
  if (s.backend.addStats) {
    // The target's own figures (the cpu target: code generation, JIT, cache).
    nlohmann::json j;
    s.backend.addStats(j);
    st.codegen_ms = j.value("codegen_ms", 0.0);
    st.jit_ms = j.value("jit_ms", 0.0);
    if (j.contains("cache")) {
      st.modelsCompiled = j["cache"].value("compiled", 0u);
      st.memoryCacheHits = j["cache"].value("memory_hits", 0u);
      st.diskCacheHits = j["cache"].value("disk_hits", 0u);
    }
  }
  st.run_ms = r.runMs;
  double seconds = st.time_ms / 1000.0;
  // Before the first run or step the engine has filled in no figures.
  if (r.populations.empty()) {
    for (const PopulationInfo &p : s.populations) {
      st.populations.push_back({p.name, p.size, 0, 0.0, p.isSource});
      if (!p.isSource)
        st.neurons += p.size;
    }
  } else {
    for (const network::PopulationStats &p : r.populations) {
      double rate = seconds > 0 && p.size ? double(p.spikes) / double(p.size) / seconds : 0.0;
      st.populations.push_back({p.name, p.size, p.spikes, rate, p.isSource});
      if (!p.isSource) {
        st.neurons += p.size;
        st.spikes += p.spikes;
      }
    }
  }
  st.meanRate_hz = seconds > 0 && st.neurons ? double(st.spikes) / double(st.neurons) / seconds : 0.0;
  st.warnings = r.warnings;
  return st;
}

void Simulation::saveCheckpoint(const std::string &path) const {
  SimulationImpl &s = *impl();
  // The engine's recording is empty between calls (takeSpikes moves its
  // spikes out): lend it the API's for the write.
  std::vector<runtime::SpikeRecording::Event> &events = s.result.spikes.events;
  events.reserve(s.spikes.size());
  for (const Spike &sp : s.spikes)
    events.push_back({sp.step, sp.population, sp.index});
  std::string error;
  bool ok = false;
  try {
    ok = s.sim->saveCheckpoint(path, targetName(s.model->options.target), s.result, error);
  } catch (...) {
    events.clear();
    throw;
  }
  events.clear();
  if (!ok)
    throwArgumentError("cannot save the checkpoint: " + error);
}

void Simulation::restoreCheckpoint(const std::string &path) {
  SimulationImpl &s = *impl();
  std::string error;
  if (!s.sim->restoreCheckpoint(path, targetName(s.model->options.target), {}, s.result, error)) {
    if (s.diags->hasErrors())
      s.throwRunError(error);
    throwArgumentError(error);
  }
  s.spikes.clear();
  // Zero steps: moves the restored spikes out and fills in the figures.
  guarded(s, "restoreCheckpoint", [&] { return s.sim->step(0, s.result); });
}

} // namespace nsc
