//===- NetworkEmitter.cpp - Kernels of a network and their strategies -----===//
//
// planNetwork decides, from the IR alone, how each projection delivers its
// spikes (docs/cuda.md "Spike delivery"); emitCuda writes the .cu file:
// the models' device code (ModelEmitter), one step kernel per model
// population, one delivery kernel per projection.
//
// The rule behind the choice is R17: the cpu runtime adds the weights that
// reach a ring cell one after the other in (emission step, projection,
// source, row position) order, and a float sum depends on that order. The
// GPU gets the same bits in one of two ways:
//  - count mode: a port that only ever receives one weight value w, one
//    spike at a time (model sources, constant weights), holds the sum of c
//    copies of w added from 0, whatever their order; the GPU counts arrivals
//    with integer atomics (order-free) and the step kernel adds w c times.
//    Sparse projections into such ports use the pre-synaptic span.
//  - ordered: otherwise one thread per target walks its incoming synapses
//    in the reference order (post-synaptic span), projection kernels run in
//    declaration order, steps in order: every cell sees the cpu's sequence
//    of additions. Dense projections stage the source's spikes in shared
//    memory first.
//
//===----------------------------------------------------------------------===//
#include "nsc/cuda/CudaBackend.h"

#include "ModelEmitter.h"

#include "nsc/ir/StateLayout.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace nsc::cuda {

using namespace ir;
using detail::identifier;

const char *deliveryName(Delivery d) {
  switch (d) {
  case Delivery::PreCount: return "pre_count";
  case Delivery::PostOrdered: return "post_ordered";
  case Delivery::PostShared: return "post_shared";
  case Delivery::Current: return "current";
  }
  return "?";
}

namespace {

/// Sources larger than this do not fit shared memory (48 KiB of uint32).
constexpr uint64_t kSharedSources = 12288;
/// Expected fraction of the source slice per target from which a projection
/// counts as dense.
constexpr double kDense = 0.1;

bool isRandomValue(const Expr *e) {
  auto *c = e ? dyn_cast<Call>(e) : nullptr;
  return c && (c->builtin == Builtin::RandomUniform || c->builtin == Builtin::RandomNormal ||
               c->builtin == Builtin::RandomLognormal || c->builtin == Builtin::RandomExponential);
}

double density(const Network &net, const Projection &pr) {
  double src = double(pr.source.end - pr.source.begin), tgt = double(pr.target.end - pr.target.begin);
  if (src <= 0 || tgt <= 0)
    return 0;
  switch (pr.conn.rule) {
  case ConnectionRule::AllToAll: return 1.0;
  case ConnectionRule::OneToOne: return 1.0 / src;
  case ConnectionRule::FixedProbability: return pr.conn.probability;
  case ConnectionRule::FixedIndegree: return std::min(1.0, double(pr.conn.count) / src);
  case ConnectionRule::FixedOutdegree: return std::min(1.0, double(pr.conn.count) / tgt);
  case ConnectionRule::FromFile: return 0; // unknown: treated as sparse
  case ConnectionRule::SmallWorld: return std::min(1.0, double(pr.conn.count) / src);
  case ConnectionRule::PairwiseBernoulli: return 0; // unknown: treated as sparse
  }
  (void)net;
  return 0;
}

std::string fmtDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

} // namespace

bool planNetwork(const Module &m, const Network &net, NetworkPlan &plan, DiagnosticEngine &diags) {
  plan = NetworkPlan{};
  plan.network = &net;
  std::vector<StateLayout> layouts; // by model
  for (const auto &model : m.models)
    layouts.push_back(layoutOf(*model));
  bool ok = true;
  // Count mode per (population, port slot): every projection into it has a
  // constant weight equal to the others', from a model population (so every
  // event has multiplicity 1), no per-synapse sign split. The weight value
  // itself is checked against the built synapses (writeNetworkImage).
  std::map<std::pair<uint32_t, unsigned>, std::vector<double>> weights; // slot -> weights (NaN: not eligible)
  for (const Projection &pr : net.projections) {
    const Population &tp = net.populations[pr.target.population];
    if (tp.kind != PopulationKind::Model)
      continue;
    const Model &tm = *m.models[tp.model];
    if (pr.port >= tm.ports.size())
      continue;
    const Port &port = tm.ports[pr.port];
    if (port.kind != PortKind::Spike)
      continue;
    unsigned slot = layouts[tp.model].portSlot(pr.port);
    double w = NAN;
    bool eligible = !pr.hasSynapse && !port.vectorSize && !pr.negativePort &&
                    pr.conn.rule != ConnectionRule::FromFile &&
                    net.populations[pr.source.population].kind == PopulationKind::Model;
    if (eligible && pr.weight && !isRandomValue(pr.weight.get()) && evaluateConstant(*pr.weight, w))
      weights[{pr.target.population, slot}].push_back(w);
    else
      weights[{pr.target.population, slot}].push_back(NAN);
    if (pr.negativePort)
      weights[{pr.target.population, layouts[tp.model].portSlot(*pr.negativePort)}].push_back(NAN);
  }
  std::set<std::pair<uint32_t, unsigned>> countSlots;
  for (auto &[key, ws] : weights) {
    bool same = !ws.empty() && key.second < 64;
    for (double w : ws)
      same = same && !std::isnan(w) && w == ws[0];
    if (same)
      countSlots.insert(key);
  }
  for (uint32_t p = 0; p < net.populations.size(); ++p) {
    const Population &pop = net.populations[p];
    PopulationPlan pp;
    switch (pop.kind) {
    case PopulationKind::Model: {
      pp.kernel = "nsc_step_p" + std::to_string(p) + "_" + identifier(pop.name);
      for (auto &[key, _] : weights)
        if (key.first == p && countSlots.count(key))
          pp.countMask |= uint64_t(1) << key.second;
      break;
    }
    case PopulationKind::PoissonGenerator: pp.kernel = "nsc_poisson_source"; break;
    case PopulationKind::SpikeGenerator: pp.kernel = "nsc_spike_generator"; break;
    case PopulationKind::DcGenerator:
    case PopulationKind::StepCurrentGenerator: break; // read by the delivery kernels
    default:
      // The sources of issue 19 have no device code yet (docs/cuda.md "Limits").
      diags.error(pop.loc, std::string("the cuda target does not run ") + populationKindName(pop.kind) +
                               " yet: source '" + pop.name + "'; use --target=cpu or --target=interp");
      ok = false;
      break;
    }
    if (pop.kind == PopulationKind::SpikeGenerator && !pop.file.empty()) {
      diags.error(pop.loc, "the cuda target does not run spike_generator with per-neuron times yet: source '" +
                               pop.name + "'; use --target=cpu or --target=interp");
      ok = false;
    }
    for (const PopulationInit &i : pop.inits)
      if (pop.kind == PopulationKind::SpikeGenerator && i.name == "neurons") {
        diags.error(pop.loc, "the cuda target does not run spike_generator with per-neuron times yet: source '" +
                                 pop.name + "'; use --target=cpu or --target=interp");
        ok = false;
      }
    plan.populations.push_back(pp);
  }
  for (uint32_t q = 0; q < net.projections.size(); ++q) {
    const Projection &pr = net.projections[q];
    ProjectionPlan jp;
    jp.kernel = "nsc_deliver_q" + std::to_string(q);
    const Population &tp = net.populations[pr.target.population];
    if (pr.coupling != Coupling::None) {
      diags.error(pr.loc, std::string("the cuda target does not run ") +
                              (pr.coupling == Coupling::GapJunction ? "gap junctions" : "variable projections") +
                              " yet ('" + pr.variableName + "'); use --target=cpu or --target=interp");
      ok = false;
      plan.projections.push_back(jp);
      continue;
    }
    if (pr.hasSynapse) {
      // Plastic synapses need per-synapse state on the device, their
      // update/onReceive code per synapse with the runtime's lazy catch-up,
      // and their emit_spike() sums in R17 order (docs/cuda.md "Limits").
      auto d = diags.error(pr.loc, "the cuda target does not run plastic synapses yet: projection " +
                                       (pr.name.empty() ? std::string() : "'" + pr.name + "' ") + "uses '" +
                                       pr.synapseName +
                                       "', whose per-synapse state and handlers have no device code; use "
                                       "--target=cpu or --target=interp");
      if (pr.synapseModel < m.models.size())
        d.note(m.models[pr.synapseModel]->loc, "synapse model '" + pr.synapseName + "' declared here");
      ok = false;
      plan.projections.push_back(jp);
      continue;
    }
    if (tp.kind != PopulationKind::Model) {
      plan.projections.push_back(jp);
      continue;
    }
    const Model &tm = *m.models[tp.model];
    jp.density = density(net, pr);
    jp.constDelay = pr.delaySteps >= 1 && !(pr.delay && isRandomValue(pr.delay.get())) &&
                    pr.conn.rule != ConnectionRule::FromFile;
    jp.delaySteps = jp.constDelay ? uint32_t(pr.delaySteps) : 0;
    if (pr.port < tm.ports.size() && tm.ports[pr.port].kind == PortKind::Continuous) {
      jp.delivery = Delivery::Current;
      jp.reason = "continuous input: one thread per target adds w * I(k - d + 1) in row order (R18)";
      plan.projections.push_back(jp);
      continue;
    }
    unsigned slot = pr.port < tm.ports.size() ? layouts[tp.model].portSlot(pr.port) : 0;
    jp.countMode = countSlots.count({pr.target.population, slot}) > 0 && !pr.negativePort;
    uint64_t srcN = net.populations[pr.source.population].size;
    bool dense = jp.density >= kDense;
    if (jp.countMode && !dense) {
      jp.delivery = Delivery::PreCount;
      jp.reason = "sparse (density " + fmtDouble(jp.density) +
                  "), count-mode port: one warp per spike, atomic arrival counts";
    } else if (dense && srcN <= kSharedSources) {
      jp.delivery = Delivery::PostShared;
      jp.reason = "dense (density " + fmtDouble(jp.density) + "), " + std::to_string(srcN) +
                  " sources staged in shared memory, one thread per target in reference order";
    } else {
      jp.delivery = Delivery::PostOrdered;
      jp.reason = std::string(jp.countMode ? "dense" : "float sums must keep the reference order (R17)") +
                  ": one thread per target walks its synapses in reference order";
    }
    plan.projections.push_back(jp);
  }
  return ok;
}

bool emitCuda(const Module &m, const Network *net, NetworkPlan *plan, const std::string &fileName,
              std::string &out, DiagnosticEngine &diags) {
  std::ostringstream o;
  o << "// " << fileName << ": generated by nsc --target=cuda (docs/cuda.md). Do not edit.\n"
    << "//\n"
    << "// Device code only (NVRTC compiles it as it is); the host side is\n"
    << "// nsc_cuda_launcher.cpp, which reads the network image and launches, per\n"
    << "// step k: continuous inputs, each model population's step kernel, each\n"
    << "// source, each projection's delivery kernel in declaration order, the\n"
    << "// recorders. Float operations are explicit round-to-nearest intrinsics:\n"
    << "// no FMA contraction whatever the compiler flags (R26).\n";
  if (net)
    o << "//\n// network " << net->name << ": " << net->populations.size() << " populations, "
      << net->projections.size() << " projections, dt = " << net->semantics.dtMs << " ms\n";
  o << "\n#include \"nsc_cuda_runtime.cuh\"\n\n";
  std::string text = o.str();
  bool ok = true;
  // Models: those the network's populations use, else every neuron model.
  std::vector<uint32_t> models;
  if (net) {
    for (const Population &p : net->populations)
      if (p.kind == PopulationKind::Model && std::find(models.begin(), models.end(), p.model) == models.end())
        models.push_back(p.model);
  } else {
    for (uint32_t i = 0; i < m.models.size(); ++i)
      if (m.models[i]->kind == ModelKind::Neuron)
        models.push_back(i);
  }
  std::map<uint32_t, std::string> prefix;
  std::set<std::string> usedPrefix;
  for (uint32_t i : models) {
    std::string p = identifier(m.models[i]->name);
    while (!usedPrefix.insert(p).second)
      p += "_" + std::to_string(i);
    prefix[i] = p;
    double dt = net ? net->semantics.dtMs : m.models[i]->semantics.dtMs;
    std::vector<std::string> warnings;
    ok = detail::emitModel(*m.models[i], dt, p, text, warnings, diags) && ok;
    if (net && plan)
      for (uint32_t q = 0; q < net->populations.size(); ++q)
        if (net->populations[q].kind == PopulationKind::Model && net->populations[q].model == i)
          plan->populations[q].warnings = warnings;
  }
  // Fixed-point models compute with the interpreter's integer rules,
  // FixedPointCore.h (shipped in the output next to the runtime).
  if (text.find("nsc_fx::") != std::string::npos) {
    std::string inc = "#include \"nsc_cuda_runtime.cuh\"\n";
    text.replace(text.find(inc), inc.size(), inc + "#include \"FixedPointCore.h\" // R28-R31, FixedPoint.h's integer steps\n");
  }
  std::ostringstream k;
  if (!net) {
    k << "//===----------------------------------------------------------------------===//\n"
      << "// Kernels: one population per model, every port summed in order (no count mode).\n"
      << "//===----------------------------------------------------------------------===//\n\n";
    for (uint32_t i : models)
      k << "extern \"C\" __global__ void __launch_bounds__(NSC_BLOCK) nsc_step_" << prefix[i]
        << "(nsc_pop P, nsc_u64 k) {\n  nsc_" << prefix[i] << "_step<0ull>(P, k);\n}\n\n";
  } else if (plan) {
    k << "//===----------------------------------------------------------------------===//\n"
      << "// Population kernels: one thread per neuron.\n"
      << "//===----------------------------------------------------------------------===//\n\n";
    for (uint32_t p = 0; p < net->populations.size(); ++p) {
      const Population &pop = net->populations[p];
      if (pop.kind != PopulationKind::Model) {
        k << "// " << pop.name << "[" << pop.size << "]: " << populationKindName(pop.kind)
          << (plan->populations[p].kernel.empty() ? " (read by its projections' kernels)"
                                                  : " (" + plan->populations[p].kernel + ", nsc_cuda_runtime.cuh)")
          << "\n\n";
        continue;
      }
      char mask[32];
      std::snprintf(mask, sizeof mask, "0x%llxull", (unsigned long long)plan->populations[p].countMask);
      k << "// " << pop.name << " = " << m.models[pop.model]->name << "[" << pop.size << "]; count-mode port slots "
        << mask << "\n";
      k << "extern \"C\" __global__ void __launch_bounds__(NSC_BLOCK) " << plan->populations[p].kernel
        << "(nsc_pop P, nsc_u64 k) {\n  nsc_" << prefix[pop.model] << "_step<" << mask << ">(P, k);\n}\n\n";
    }
    k << "//===----------------------------------------------------------------------===//\n"
      << "// Delivery kernels, launched in projection order after the population kernels.\n"
      << "//===----------------------------------------------------------------------===//\n\n";
    for (uint32_t q = 0; q < net->projections.size(); ++q) {
      const Projection &pr = net->projections[q];
      const ProjectionPlan &jp = plan->projections[q];
      if (pr.hasSynapse)
        continue;
      k << "// connect " << (pr.name.empty() ? "" : pr.name + ": ") << net->populations[pr.source.population].name
        << " -> " << net->populations[pr.target.population].name << ": " << connectionRuleName(pr.conn.rule)
        << ", port " << pr.portName << (pr.negativePort ? " / " + pr.negativePortName : "") << "\n";
      k << "// strategy " << deliveryName(jp.delivery) << ": " << jp.reason << "\n";
      k << "extern \"C\" __global__ void __launch_bounds__(NSC_BLOCK) " << jp.kernel << "(nsc_proj Q, nsc_u64 k) {\n";
      switch (jp.delivery) {
      case Delivery::PreCount:
        k << "  nsc_deliver_pre_count<" << (jp.constDelay ? "true" : "false") << ">(Q, k, " << jp.delaySteps
          << "u);\n";
        break;
      case Delivery::PostShared:
        k << "  nsc_deliver_post<true, " << net->populations[pr.source.population].size << "u, "
          << (jp.countMode ? "true" : "false") << ">(Q, k);\n";
        break;
      case Delivery::PostOrdered:
        k << "  nsc_deliver_post<false, 1u, " << (jp.countMode ? "true" : "false") << ">(Q, k);\n";
        break;
      case Delivery::Current: k << "  nsc_deliver_current(Q, k);\n"; break;
      }
      k << "}\n\n";
    }
  }
  text += k.str();
  out = text;
  return ok;
}

} // namespace nsc::cuda
