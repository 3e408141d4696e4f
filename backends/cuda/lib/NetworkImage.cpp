//===- NetworkImage.cpp - The built network as the launcher's input -------===//
//
// Format (little-endian; read by host/nsc_cuda_image.cpp, readImage):
//   "NSCCUDA1", f64 dt,
//   u64 populations, each: str name, str kernel, u64 kind, n, D, ports,
//     rowSize, countMask, rngKey; vec<u64> cells; vec<f64> constInput,
//     countWeight; f64 lambda, subLambda, expNegSub; u64 parts; i64 start,
//     stop; f64 amplitude; vec<u64> scheduleStep, scheduleValue; u64 warnings,
//     each str (the text of status bit 16 + i)
//   u64 projections, each: u64 source, target, strategy; str kernel; u64
//     basePort; i64 negativePort; vec<u64> rowPtr; vec<u32> targets;
//     vec<f64> weights; vec<u32> delays
//   u64 recorders, each: str label; u64 population, begin, end, every;
//     u64 items, each: str name, u64 slot, u64 kind (0 real, 1 integer/boolean,
//     2 | n << 8 fixed point with n fraction bits)
// with str = u64 length + bytes and vec<T> = u64 count + elements.
//
//===----------------------------------------------------------------------===//
#include "nsc/cuda/CudaBackend.h"

#include "nsc/ir/StateLayout.h"

#include "nsc/runtime/PortableMath.h"

#include <cmath>
#include <cstring>
#include <fstream>

namespace nsc::cuda {

using namespace ir;

namespace {

class Writer {
public:
  explicit Writer(std::ostream &out) : out_(out) {}
  void u64(uint64_t v) { raw(&v, 8); }
  void i64(int64_t v) { raw(&v, 8); }
  void f64(double v) { raw(&v, 8); }
  void str(const std::string &s) {
    u64(s.size());
    raw(s.data(), s.size());
  }
  template <class T> void vec(const std::vector<T> &v) {
    u64(v.size());
    raw(v.data(), v.size() * sizeof(T));
  }

private:
  void raw(const void *p, size_t n) {
    if (n)
      out_.write(static_cast<const char *>(p), std::streamsize(n));
  }
  std::ostream &out_;
};

uint64_t bitsOf(double x) {
  uint64_t u;
  std::memcpy(&u, &x, 8);
  return u;
}

/// Count-mode ports: the plan assumed one weight per port from the IR; the
/// built synapses must agree, and give the value (per population and port).
bool countModeWeights(const Network &net, const NetworkPlan &plan, const network::ExportedNetwork &ex,
                      std::vector<std::vector<double>> &countWeight, std::string &error) {
  countWeight.assign(ex.populations.size(), {});
  for (size_t p = 0; p < ex.populations.size(); ++p)
    countWeight[p].assign(ex.populations[p].portSlots, 0.0);
  std::vector<std::vector<bool>> seen(ex.populations.size());
  for (size_t p = 0; p < ex.populations.size(); ++p)
    seen[p].assign(ex.populations[p].portSlots, false);
  for (size_t q = 0; q < ex.projections.size(); ++q) {
    const network::ExportedProjection &xp = ex.projections[q];
    if (xp.plastic) {
      error = "the cuda target does not run plastic synapses yet";
      return false;
    }
    if (xp.continuous)
      continue;
    uint64_t mask = plan.populations[xp.target].countMask;
    for (size_t at = 0; at < xp.weights.size(); ++at) {
      double w = xp.weights[at];
      uint32_t slot = xp.basePort;
      if (xp.negativePort >= 0 && w < 0) {
        slot = uint32_t(xp.negativePort);
        w = -w;
      }
      if (slot >= 64 || !((mask >> slot) & 1))
        continue;
      if (seen[xp.target][slot] && bitsOf(countWeight[xp.target][slot]) != bitsOf(w)) {
        error = "internal error: count-mode port slot " + std::to_string(slot) + " of '" +
                net.populations[xp.target].name + "' receives two different weights";
        return false;
      }
      seen[xp.target][slot] = true;
      countWeight[xp.target][slot] = w;
    }
  }
  return true;
}

bool writePopulation(Writer &w, const Network &net, const NetworkPlan &plan, const network::ExportedNetwork &ex,
                     size_t p, const std::vector<double> &countWeight, std::string &error) {
  const network::ExportedPopulation &xp = ex.populations[p];
  w.str(net.populations[p].name);
  w.str(plan.populations[p].kernel);
  w.u64(xp.kind);
  w.u64(xp.n);
  w.u64(xp.ringSlots);
  w.u64(xp.portSlots);
  w.u64(xp.rowSize);
  w.u64(plan.populations[p].countMask);
  w.u64(uint64_t(xp.rngKey[0]) | uint64_t(xp.rngKey[1]) << 32);
  w.vec(xp.cells);
  std::vector<double> constInput = xp.constantInput;
  constInput.resize(xp.portSlots, 0.0);
  w.vec(constInput);
  w.vec(countWeight);
  // R20, R35: lambda = rate·dt/1000, inversion from exp(-lambda) (portable
  // exp, the host's), split into ceil(lambda/30) draws above 30.
  double lambda = xp.rateHz * ex.dtMs / 1000.0, sub = lambda, parts = 1;
  if (xp.kind == uint32_t(PopulationKind::PoissonGenerator) && !(lambda >= 0 && std::isfinite(lambda))) {
    error = "poisson_generator '" + net.populations[p].name + "' has no finite, non-negative rate";
    return false;
  }
  if (lambda > 30.0) {
    parts = std::ceil(lambda / 30.0);
    sub = lambda / parts;
  }
  w.f64(lambda);
  w.f64(sub);
  w.f64(runtime::portable::exp(-sub));
  w.u64(uint64_t(parts));
  w.i64(xp.startStep);
  w.i64(xp.stopStep);
  w.f64(xp.amplitude);
  std::vector<uint64_t> steps, values;
  if (xp.kind == uint32_t(PopulationKind::SpikeGenerator)) {
    steps = xp.emitStep;
    values.assign(xp.multiplicity.begin(), xp.multiplicity.end());
  } else if (xp.kind == uint32_t(PopulationKind::StepCurrentGenerator)) {
    for (size_t q = 0; q < xp.currentSteps.size(); ++q) {
      steps.push_back(uint64_t(xp.currentSteps[q]));
      values.push_back(bitsOf(xp.currentValues[q]));
    }
  }
  w.vec(steps);
  w.vec(values);
  w.u64(plan.populations[p].warnings.size());
  for (const std::string &text : plan.populations[p].warnings)
    w.str(text);
  return true;
}

void writeProjections(Writer &w, const NetworkPlan &plan, const network::ExportedNetwork &ex) {
  w.u64(ex.projections.size());
  for (size_t q = 0; q < ex.projections.size(); ++q) {
    const network::ExportedProjection &xp = ex.projections[q];
    w.u64(xp.source);
    w.u64(xp.target);
    w.u64(uint64_t(plan.projections[q].delivery));
    w.str(plan.projections[q].kernel);
    w.u64(xp.basePort);
    w.i64(xp.negativePort);
    w.vec(xp.rowBegin);
    w.vec(xp.targets);
    w.vec(xp.weights);
    w.vec(xp.delays);
  }
}

/// Recorders of state (spikes are recorded for every population).
bool writeRecorders(Writer &w, const Module &m, const Network &net, std::string &error) {
  std::vector<const Recorder *> traces;
  for (const Recorder &r : net.recorders)
    for (const RecordItem &it : r.what)
      if (it.kind != RecordItem::Kind::Spikes) {
        traces.push_back(&r);
        break;
      }
  w.u64(traces.size());
  for (const Recorder *r : traces) {
    const Population &pop = net.populations[r->target.population];
    const Model &model = *m.models[pop.model];
    const StateLayout layout = layoutOf(model);
    w.str(r->label);
    w.u64(r->target.population);
    w.u64(r->target.begin);
    w.u64(r->target.end);
    w.u64(std::max<uint64_t>(1, r->intervalSteps));
    uint64_t items = 0;
    for (const RecordItem &it : r->what)
      items += it.kind != RecordItem::Kind::Spikes;
    w.u64(items);
    for (const RecordItem &it : r->what) {
      if (it.kind == RecordItem::Kind::Spikes)
        continue;
      if (it.kind == RecordItem::Kind::Inline || it.id >= model.variables.size() ||
          model.variables[it.id].vectorSize) {
        error = "the cuda target cannot record '" + it.name + "' yet (recordable inlines and vectors)";
        return false;
      }
      const StateLayout::VarCells &cells = layout.vars[it.id];
      w.str(it.name);
      w.u64(cells.slot);
      w.u64(cells.encoding == CellEncoding::FixedRaw ? 2 | uint64_t(cells.fixed.fracBits) << 8
            : cells.encoding == CellEncoding::Real64 ? 0
                                                     : 1);
    }
  }
  return true;
}

} // namespace

bool writeNetworkImage(const Module &m, const Network &net, const NetworkPlan &plan,
                       const network::ExportedNetwork &ex, const std::string &path, std::string &error) {
  if (ex.populations.size() != net.populations.size() || ex.projections.size() != net.projections.size() ||
      plan.populations.size() != net.populations.size() || plan.projections.size() != net.projections.size()) {
    error = "internal error: the built network does not match its description";
    return false;
  }
  std::vector<std::vector<double>> countWeight;
  if (!countModeWeights(net, plan, ex, countWeight, error))
    return false;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    error = "cannot open '" + path + "' for writing";
    return false;
  }
  out.write("NSCCUDA1", 8);
  Writer w(out);
  w.f64(ex.dtMs);
  w.u64(ex.populations.size());
  for (size_t p = 0; p < ex.populations.size(); ++p)
    if (!writePopulation(w, net, plan, ex, p, countWeight[p], error))
      return false;
  writeProjections(w, plan, ex);
  if (!writeRecorders(w, m, net, error))
    return false;
  out.flush();
  if (!out) {
    error = "error writing '" + path + "'";
    return false;
  }
  return true;
}

} // namespace nsc::cuda
