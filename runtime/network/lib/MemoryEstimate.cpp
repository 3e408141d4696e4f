//===- MemoryEstimate.cpp - A network's memory, before building it ---------===//
//
// Each figure follows the allocation it stands for in Engine.cpp,
// CompactSynapses.cpp, ModelSynapses.cpp and Recorders.cpp; a change of
// layout there changes the byte counts here (the ctest
// reliability.memory-estimate compares the total with the measured peak).
//
//===----------------------------------------------------------------------===//
#include "nsc/network/MemoryEstimate.h"
#include "nsc/network/TraceSelection.h"

#include "CompactSynapses.h"
#include "SynapseModelInfo.h"
#include "nsc/passes/ProjectionConnections.h"
#include "nsc/hw/Homeostat.h"
#include "nsc/ir/StateLayout.h"
#include "nsc/network/NetworkValue.h"
#include "nsc/runtime/ConnectionRows.h"
#include "nsc/runtime/Recording.h"
#include "nsc/runtime/Schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iomanip>
#include <sstream>

namespace nsc::network {

using namespace ir;

namespace {

// The engine's element sizes.
constexpr double kCell = 8;         // one state cell (eval::Value)
constexpr double kRingCell = 8 + 4; // ring buffer: float64 sum + uint32 count per port slot
constexpr double kSpikeEvent = sizeof(runtime::SpikeRecording::Event);
constexpr double kSampleRow = 8 + 4 + 8; // a trace row: step, population, index (+ 8 per value)
// The synapse list a connection rule returns (uint32 source and target)
// and, while CompactSynapses sorts it, the float64 weights, uint32 delay
// steps and uint64 destination index of every synapse.
constexpr double kStaticBuildTemp = 8 + 8 + 4 + 8;
// A plastic projection: the list, then either the sort index or the
// float64 weights (one after the other).
constexpr double kPlasticBuildTemp = 8 + 8;
// from_file: the parsed rows (source, target, weight, delay and a row
// pointer) before they become the list, and the list's weight and delay.
constexpr double kFileBuildTemp = 40 + 16;
// spike_generator with per-neuron times, while its events are built: the
// times and neuron columns (float64 each), the (step, neuron) pairs being
// sorted (16 B), and a file's parsed rows (two float64 and a row pointer).
constexpr double kSpikeEventsBuildTemp = 16 + 16 + 24;
// Code generation and JIT of one kernel (LLVM context, module, optimiser,
// code): measured at 4-10 MiB for the example models (docs/reliability.md).
constexpr double kJitPerKernel = 12.0 * 1024 * 1024;

uint64_t toBytes(double x) { return !(x > 0) ? 0 : x >= 1.8e19 ? UINT64_MAX : uint64_t(x); }

std::string count(double x) {
  char buf[48];
  if (x < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", x);
  else
    std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

double sliceSize(const PopulationSlice &s) { return s.end > s.begin ? double(s.end - s.begin) : 0.0; }

/// Non-empty lines of a from_file CSV (the header and comments included:
/// an upper bound), or 0 when it cannot be read.
double fileLines(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return 0;
  double lines = 0;
  char buf[1 << 16];
  bool any = false;
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    std::streamsize got = in.gcount();
    for (std::streamsize i = 0; i < got; ++i) {
      if (buf[i] == '\n') {
        lines += any;
        any = false;
      } else if (buf[i] != '\r' && buf[i] != ' ') {
        any = true;
      }
    }
  }
  return lines + any;
}

/// A spike_generator's spike times: per neuron (`neurons = [...]` or
/// `file = "..."`, whose non-empty lines bound the events from above) or
/// the same times for every neuron.
struct SpikeGeneratorEvents {
  double events = 0;
  bool perNeuron = false;
};

SpikeGeneratorEvents spikeGeneratorEvents(const Population &pop) {
  SpikeGeneratorEvents ev;
  ev.perNeuron = !pop.file.empty();
  for (const PopulationInit &i : pop.inits) {
    if (i.name == "times")
      ev.events = double(NetworkValue::list(*i.value).size());
    else if (i.name == "neurons")
      ev.perNeuron = true;
  }
  if (!pop.file.empty())
    ev.events = fileLines(pop.file);
  return ev;
}

/// The synapses a connection rule is expected to make.
double expectedSynapses(const Projection &pr) {
  double ns = sliceSize(pr.source), nt = sliceSize(pr.target);
  double overlap = 0;
  if (pr.source.population == pr.target.population) {
    uint64_t lo = std::max(pr.source.begin, pr.target.begin), hi = std::min(pr.source.end, pr.target.end);
    overlap = hi > lo ? double(hi - lo) : 0.0;
  }
  double autapses = pr.conn.allowAutapses ? 0.0 : overlap;
  switch (pr.conn.rule) {
  case ConnectionRule::AllToAll: return ns * nt - autapses;
  case ConnectionRule::OneToOne: return std::min(ns, nt) - autapses;
  case ConnectionRule::FixedProbability: return pr.conn.probability * (ns * nt - autapses);
  case ConnectionRule::FixedIndegree: return double(pr.conn.count) * nt;
  case ConnectionRule::FixedOutdegree: return double(pr.conn.count) * ns;
  case ConnectionRule::FromFile: return fileLines(pr.conn.path);
  case ConnectionRule::SmallWorld: return double(pr.conn.count) * nt;
  case ConnectionRule::PairwiseBernoulli: return ns * nt - autapses; // an upper bound: p(i, j) is not summed here
  }
  return 0;
}

/// The largest value a distribution is expected to give among `draws`.
double distributionHigh(const runtime::Distribution &d, double draws) {
  using K = runtime::Distribution::Kind;
  double tail = std::sqrt(2 * std::log(std::max(draws, 2.0))); // z of the largest of `draws` normals
  switch (d.kind) {
  case K::Constant: return d.a;
  case K::Uniform: return std::max(d.a, d.b);
  case K::Normal: return d.a + tail * std::abs(d.b);
  case K::Lognormal: return std::exp(d.a + tail * std::abs(d.b));
  case K::Exponential: return d.a * std::log(std::max(draws, 2.0));
  }
  return d.a;
}

/// The longest delay, in steps, a static projection's synapses get.
double maxDelaySteps(const Projection &pr, double synapses, double dtMs) {
  if (!pr.delay || !NetworkValue::isRandom(*pr.delay))
    return double(std::max<int64_t>(1, pr.delaySteps));
  double hi = distributionHigh(NetworkValue::distribution(*pr.delay), synapses);
  return double(runtime::drawnDelaySteps(hi, dtMs));
}

/// A plastic projection's longest delay: the value of what its synapse
/// model passes to emit_spike as the delay, when that is a parameter with a
/// constant value (the projection's argument or the model's default).
double plasticDelaySteps(const Model &syn, const Projection &pr, const SynapseModelInfo &info, double dtMs) {
  double hi = 1;
  for (const EmitSpike *e : info.emits) {
    if (e->args.size() < 2)
      continue;
    auto *ref = dyn_cast<VarRef>(e->args[1].get());
    if (!ref || ref->var >= syn.variables.size())
      continue;
    const Variable &v = syn.variables[ref->var];
    const Expr *value = v.init.get();
    for (const PopulationInit &a : pr.synapseParams)
      if (a.var == ref->var)
        value = a.value.get();
    if (!value)
      continue;
    double x = NetworkValue::isRandom(*value) ? distributionHigh(NetworkValue::distribution(*value), 1e6)
                                               : NetworkValue::eval(*value, nullptr);
    double toMs = v.type.unit.isDimensionless() ? 1.0 : units::lookupUnit("ms")->conversionFrom(v.type.unit);
    if (std::isfinite(x))
      hi = std::max(hi, double(runtime::drawnDelaySteps(x * toMs, dtMs)));
  }
  return hi;
}

class Estimator {
public:
  Estimator(const Module &m, const Network &net, const MemoryRequest &req, MemoryEstimate &out)
      : mod_(m), net_(net), req_(req), out_(out), dt_(net.semantics.dtMs),
        ringSlots_(net.populations.size(), 2.0), inputsTraced_(net.populations.size(), false) {}

  void run() {
    auto steps = runtime::timeToSteps(req_.durationMs, dt_);
    out_.steps = steps && *steps > 0 ? uint64_t(*steps) : 0;
    for (const Projection &pr : net_.projections)
      projection(pr);
    markTracedInputs();
    std::vector<MemoryPart> projections = std::move(out_.parts);
    out_.parts.clear();
    for (uint32_t p = 0; p < net_.populations.size(); ++p)
      population(p);
    for (MemoryPart &part : projections)
      out_.parts.push_back(std::move(part));
    recorders();
    kernels();
    double resident = 0, temporary = 0;
    for (const MemoryPart &part : out_.parts) {
      if (part.temporary)
        temporary = std::max(temporary, double(part.bytes));
      else
        resident += double(part.bytes);
    }
    out_.total = toBytes(resident + temporary);
  }

private:
  void add(std::string name, std::string detail, double bytes, SourceRange loc, bool temporary = false) {
    out_.parts.push_back({std::move(name), std::move(detail), toBytes(bytes), loc, temporary});
  }

  void projection(const Projection &pr) {
    const Population &src = net_.populations[pr.source.population];
    const Population &tgt = net_.populations[pr.target.population];
    std::string name = "projection " + (pr.name.empty() ? "" : "'" + pr.name + "' ") + src.name + " -> " + tgt.name;
    double S = expectedSynapses(pr);
    double rows = double(src.size) + 1;
    std::string rule = connectionRuleName(pr.conn.rule);
    bool fromFile = pr.conn.rule == ConnectionRule::FromFile;
    double temp = fromFile ? kFileBuildTemp : 0;
    if (pr.hasSynapse && pr.synapseModel < mod_.models.size()) {
      plastic(pr, name, rule, S, rows, temp);
      return;
    }
    // CompactSynapses: uint32 targets, weights and delays only when they differ.
    bool randomWeight = fromFile || (pr.weight && NetworkValue::isRandom(*pr.weight));
    double delays = maxDelaySteps(pr, S, dt_);
    bool randomDelay = fromFile || (pr.delay && NetworkValue::isRandom(*pr.delay));
    double delayBytes = !randomDelay ? 0 : delays <= 255 ? 1 : delays <= 65535 ? 2 : 4;
    double perSynapse = 4 + (randomWeight ? 8 : 0) + delayBytes;
    if (tgt.kind == PopulationKind::Model && !pr.hasSynapse &&
        mod_.models[tgt.model]->ports.size() > pr.port &&
        mod_.models[tgt.model]->ports[pr.port].kind != PortKind::Continuous)
      ringSlots_[pr.target.population] = std::max(ringSlots_[pr.target.population], delays + 1);
    add(name, count(S) + " synapses (" + rule + ") x " + count(perSynapse) + " B + " + count(rows) +
                  " row offsets x 8 B",
        S * perSynapse + rows * 8, pr.loc);
    if (!randomWeight && !randomDelay && pr.conn.rule != ConnectionRule::FixedOutdegree) {
      // Drawn straight into the CSR (CompactSynapses::buildFromRows): the
      // rows packed as varints, one uint32 counter per source and thread.
      runtime::ConnectionSpec spec = passes::connectionSpecOf(net_, pr, uint32_t(&pr - net_.projections.data()));
      double packed = CompactSynapses::packedRowBytes(spec) * sliceSize(pr.target);
      double chunks = std::min<double>(runtime::connectionBuildThreads(req_.threads), std::max(1.0, sliceSize(pr.target)));
      add(name + ", while built", count(packed) + " B packed rows + " + count(chunks) + " threads x " + count(rows) +
                                      " source counters x 4 B",
          packed + chunks * rows * 4, pr.loc, true);
      return;
    }
    add(name + ", while built", count(S) + " synapses x " + count(kStaticBuildTemp + temp) +
                                    " B (synapse list, weights, delays, sort index)",
        S * (kStaticBuildTemp + temp) + rows * 16, pr.loc, true);
  }

  void plastic(const Projection &pr, const std::string &name, const std::string &rule, double S, double rows,
               double temp) {
    const Model &syn = *mod_.models[pr.synapseModel];
    SynapseModelInfo info;
    std::string error;
    bool known = analyzeSynapseModel(syn, info, error); // errors come when the network is built
    StateLayout layout = layoutOf(syn);
    // Per-synapse values: states and whatever code assigns (ModelSynapses'
    // own_), plus the weight when weights differ between synapses.
    double own = 0;
    for (const Variable &v : syn.variables) {
      if (v.role == VarRole::Local || v.role == VarRole::Argument)
        continue;
      if (v.role == VarRole::State || (known && v.id < info.assigned.size() && info.assigned[v.id]))
        own += layout.elements(v.id);
    }
    bool randomWeight = pr.conn.rule == ConnectionRule::FromFile || (pr.weight && NetworkValue::isRandom(*pr.weight));
    bool randomArgs = false;
    for (const PopulationInit &a : pr.synapseParams)
      randomArgs = randomArgs || NetworkValue::isRandom(*a.value);
    double perSynapse = 4 + own * kCell;
    std::string detail = "target + " + count(own) + " values";
    if (randomWeight) {
      // ModelSynapses' weight_ by position, and the weight's own cell
      // when it is not a state or assigned anyway.
      bool counted = known && info.weightVar && *info.weightVar < syn.variables.size() &&
                     (syn.variables[*info.weightVar].role == VarRole::State || info.assigned[*info.weightVar]);
      perSynapse += 8 + (counted ? 0 : kCell);
      detail += " + weight";
    }
    if (known && info.postPort)
      perSynapse += 4, detail += " + index by target";
    if (known && (info.usesRandom || info.initUsesRandom || randomArgs))
      perSynapse += 4, detail += " + synapse number";
    if (known && info.lazyUpdate && !info.emptyUpdate)
      perSynapse += 4, detail += " + update count";
    double extraRows = known && info.postPort ? double(net_.populations[pr.target.population].size) + 1 : 0;
    if (known) {
      uint32_t t = pr.target.population;
      ringSlots_[t] = std::max(ringSlots_[t], plasticDelaySteps(syn, pr, info, dt_) + 1);
    }
    add(name, count(S) + " synapses (" + rule + ", " + syn.name + ") x " + count(perSynapse) + " B: " + detail,
        S * perSynapse + (rows + extraRows) * 8, pr.loc);
    add(name + ", while built", count(S) + " synapses x " + count(kPlasticBuildTemp + temp) +
                                    " B (synapse list, sort index or weights)",
        S * (kPlasticBuildTemp + temp) + rows * 8, pr.loc, true);
  }

  void markTracedInputs() {
    TraceSelection sel;
    std::string ignored;
    parseTraceSelection(req_.traceVariables, sel, ignored);
    for (uint32_t p = 0; p < net_.populations.size(); ++p) {
      const Population &pop = net_.populations[p];
      if (pop.kind != PopulationKind::Model)
        continue;
      const Model &m = *mod_.models[pop.model];
      for (const std::string &v : sel.variables)
        if (!m.findVariable(v) && m.findInline(v))
          inputsTraced_[p] = true;
    }
    for (const Recorder &r : net_.recorders)
      for (const RecordItem &it : r.what)
        if (it.kind == RecordItem::Kind::Inline)
          inputsTraced_[r.target.population] = true;
  }

  void population(uint32_t p) {
    const Population &pop = net_.populations[p];
    double n = double(pop.size);
    std::string name = "population '" + pop.name + "'";
    if (pop.kind != PopulationKind::Model) {
      double bytes = n * 8; // this step's fired list and multiplicities, at most every neuron
      std::string detail = count(n) + " " + populationKindName(pop.kind) + " neurons";
      SpikeGeneratorEvents ev;
      if (pop.kind == PopulationKind::SpikeGenerator) {
        ev = spikeGeneratorEvents(pop);
        // per neuron: eventStep (8 B), eventNeuron and eventMultiplicity
        // (4 B each); shared: the schedule's step and multiplicity
        bytes += ev.events * 16;
        detail += ", " + count(ev.events) + (ev.perNeuron ? " per-neuron spike events x 16 B" : " spike times");
      }
      add(name, detail, bytes, pop.loc);
      if (ev.perNeuron) // while built: the columns (or the file's rows) and the sorted pairs
        add(name + ", while built", count(ev.events) + " events x " + count(kSpikeEventsBuildTemp) + " B",
            ev.events * kSpikeEventsBuildTemp, pop.loc, /*temporary=*/true);
      return;
    }
    const Model &m = *mod_.models[pop.model];
    StateLayout layout = layoutOf(m);
    double slots = std::max(1u, layout.rowSize), ports = layout.portSlots, D = ringSlots_[p];
    double bytes = n * (slots * kCell + D * ports * kRingCell + 1 /* spiked */);
    std::string detail = count(n) + " x " + m.name + ": " + count(slots) + " state cells x 8 B";
    if (ports)
      detail += " + ring buffer " + count(D) + " steps x " + count(ports) + " ports x 12 B";
    if (inputsTraced_[p]) {
      bytes += n * ports * 8;
      detail += " + traced inputs";
    }
    for (const Homeostasis &h : net_.homeostats)
      if (h.population == p)
        bytes += n * sizeof(hw::HomeostatNeuron);
    add(name, detail, bytes, pop.loc);
  }

  void recorders() {
    double steps = double(out_.steps);
    TraceSelection sel;
    std::string selError; // reported when the run sets its traces up
    if (!req_.traceVariables.empty() && parseTraceSelection(req_.traceVariables, sel, selError)) {
      double neurons = 0;
      for (const Population &pop : net_.populations) {
        if (pop.kind != PopulationKind::Model)
          continue;
        const Model &m = *mod_.models[pop.model];
        bool all = true;
        for (const std::string &v : sel.variables)
          all = all && (m.findVariable(v) || m.findInline(v));
        if (all && sel.neurons.empty())
          neurons += double(pop.size);
        for (const TraceSelection::Neurons &n : sel.neurons) {
          uint64_t b = 0, e = 0;
          if (all && n.population == pop.name && resolveTraceNeurons(n, pop.size, b, e, selError))
            neurons += double(e - b);
        }
      }
      double samples = std::floor(steps / double(std::max<uint64_t>(1, req_.traceEverySteps)));
      double vars = double(sel.variables.size()), row = kSampleRow + 8 * vars, rows = neurons * samples;
      add("--trace", count(neurons) + " neurons x " + count(samples) + " samples x " + count(row) + " B", rows * row,
          {});
      // The writers of these formats build the whole table in memory
      // first (runtime/lib/Recording.cpp, RecordingHdf5.cpp; libhdf5 and
      // nlohmann::json add their own copies: per row measured with
      // /usr/bin/time on 3 million rows, docs/reliability.md); CSV streams.
      std::string ignored;
      std::optional<runtime::RecordingFormat> format =
          runtime::recordingFormatFor(req_.traceOut.empty() ? "trace.csv" : req_.traceOut, ignored);
      double perRow = !format ? 0
                      : *format == runtime::RecordingFormat::Npy  ? (3 + vars) * 8
                      : *format == runtime::RecordingFormat::Hdf5 ? vars * 16 + 28
                      : *format == runtime::RecordingFormat::Json ? (3 + vars) * 50
                                                                   : 0;
      if (perRow > 0)
        add("--trace-out, while written", count(rows) + " rows x " + count(perRow) + " B (the table built to write it)",
            rows * perRow, {}, true);
    }
    for (const Recorder &r : net_.recorders) {
      double values = 0;
      for (const RecordItem &it : r.what)
        values += it.kind != RecordItem::Kind::Spikes;
      if (!values)
        continue;
      double samples = std::floor(steps / double(std::max<uint64_t>(1, r.intervalSteps)));
      double neurons = sliceSize(r.target), row = kSampleRow + 8 * values;
      add("recorder '" + r.label + "'", count(neurons) + " neurons x " + count(samples) + " samples x " +
                                            count(row) + " B",
          neurons * samples * row, r.loc);
    }
    for (const SynapseRecorder &r : net_.synapseRecorders) {
      const Projection &pr = net_.projections[r.projection];
      double targets = sliceSize(pr.target), onto = double(r.targetEnd - r.targetBegin);
      double synapses = expectedSynapses(pr) * (targets > 0 ? std::min(1.0, onto / targets) : 0.0);
      double samples = std::floor(steps / double(std::max<uint64_t>(1, r.intervalSteps)));
      double row = kSampleRow + 8 * double(r.variables.size());
      add("recorder '" + r.label + "'", count(synapses) + " synapses x " + count(samples) + " samples x " +
                                            count(row) + " B",
          synapses * samples * row, r.loc);
    }
    // Spikes are kept until the run ends; sources' counts are known.
    double sourceSpikes = 0;
    double modelNeurons = 0;
    for (const Population &pop : net_.populations) {
      if (pop.kind == PopulationKind::Model) {
        modelNeurons += double(pop.size);
      } else if (pop.kind == PopulationKind::PoissonGenerator) {
        double rate = 0, start = 0, stop = INFINITY;
        for (const PopulationInit &i : pop.inits) {
          double v = NetworkValue::eval(*i.value, nullptr);
          if (i.name == "rate")
            rate = v;
          else if (i.name == "start")
            start = v;
          else if (i.name == "stop")
            stop = v;
        }
        double active = std::max(0.0, std::min(stop, steps * dt_) - start);
        if (std::isfinite(rate))
          sourceSpikes += double(pop.size) * rate * active / 1000.0;
      } else if (pop.kind == PopulationKind::SpikeGenerator) {
        // Per-neuron times: one spike per event; otherwise every neuron
        // spikes at every time.
        SpikeGeneratorEvents ev = spikeGeneratorEvents(pop);
        sourceSpikes += ev.perNeuron ? ev.events : ev.events * double(pop.size);
      }
    }
    if (sourceSpikes > 0)
      add("spikes of the sources", count(sourceSpikes) + " expected spikes x " + count(kSpikeEvent) + " B",
          sourceSpikes * kSpikeEvent, {});
    if (modelNeurons > 0) {
      double at10Hz = modelNeurons * 10.0 * steps * dt_ / 1000.0;
      out_.notes.push_back("not counted: the spikes of model populations, " + count(kSpikeEvent) +
                           " B each until the run ends (at a mean rate of 10 Hz this run would keep " +
                           formatBytes(toBytes(at10Hz * kSpikeEvent)) + ")");
    }
  }

  void kernels() {
    if (!req_.compiledKernels)
      return;
    std::vector<uint32_t> models;
    for (const Population &pop : net_.populations)
      if (pop.kind == PopulationKind::Model && std::find(models.begin(), models.end(), pop.model) == models.end())
        models.push_back(pop.model);
    add("compiled code", count(double(models.size())) + (models.size() == 1 ? " model x " : " models x ") + formatBytes(toBytes(kJitPerKernel)) +
                             " (LLVM code generation and JIT)",
        double(models.size()) * kJitPerKernel, {});
  }

  const Module &mod_;
  const Network &net_;
  const MemoryRequest &req_;
  MemoryEstimate &out_;
  double dt_;
  std::vector<double> ringSlots_;
  std::vector<bool> inputsTraced_;
};

} // namespace

const MemoryPart *MemoryEstimate::largest() const {
  const MemoryPart *best = nullptr;
  for (const MemoryPart &p : parts)
    if (!best || p.bytes > best->bytes)
      best = &p;
  return best;
}

MemoryEstimate estimateNetworkMemory(const Module &module, uint32_t networkIndex, const MemoryRequest &request) {
  MemoryEstimate out;
  const Network &net = *module.networks[networkIndex];
  out.network = net.name;
  Estimator(module, net, request, out).run();
  return out;
}

bool checkNetworkMemory(const MemoryEstimate &estimate, const MemoryBudget &budget, DiagnosticEngine &diags) {
  if (estimate.total <= budget.bytes)
    return true;
  const MemoryPart *big = estimate.largest();
  std::string msg = "the network needs about " + formatBytes(estimate.total) + " of memory, more than the " +
                    formatBytes(budget.bytes) + " available (" + budget.source + ")";
  if (big)
    msg += "; the largest part is " + big->name + ": " + formatBytes(big->bytes) + " (" + big->detail + ")";
  diags.error(big ? big->loc : SourceRange{}, msg)
      .note({}, "`--dry-run` prints the estimate part by part; `--max-memory=SIZE` sets the limit");
  return false;
}

void printMemoryEstimate(const MemoryEstimate &e, const MemoryBudget &budget, std::ostream &out) {
  out << "memory estimate for network '" << e.network << "', " << e.steps << " steps:\n";
  size_t width = 0;
  for (const MemoryPart &p : e.parts)
    width = std::max(width, p.name.size());
  for (const MemoryPart &p : e.parts)
    out << "  " << std::left << std::setw(int(width)) << p.name << "  " << std::right << std::setw(10)
        << formatBytes(p.bytes) << "  " << p.detail << (p.temporary ? " [temporary]" : "") << "\n";
  out << "  " << std::left << std::setw(int(width)) << "total" << "  " << std::right << std::setw(10)
      << formatBytes(e.total) << "  resident parts + the largest temporary one\n";
  for (const std::string &n : e.notes)
    out << "  " << n << "\n";
  if (uint64_t now = currentResidentBytes())
    out << "this process now: " << formatBytes(now) << " resident (compiler, libraries)\n";
  if (budget.bytes == UINT64_MAX)
    out << "available: no limit found\n";
  else
    out << "available: " << formatBytes(budget.bytes) << " (" << budget.source << ")"
        << (e.total <= budget.bytes ? "; the run fits" : "; the run would be refused") << "\n";
}

} // namespace nsc::network
