//===- ProjectionConnections.h - A projection's synapses, as built -*- C++ -*-===//
//
// The one translation from an IR projection's connection rule to the
// runtime's connection builder, with the network's seed and the
// projection's index as its random stream (R34). The network engine builds
// its synapses with it, and so do the compile-time users that must see the
// very same synapses: the range analysis (passes/lib/NetworkRanges.cpp) and
// the Loihi mapping. Header-only, so that those need no link dependency on
// the engine.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Network.h"
#include "nsc/passes/PairProbability.h"
#include "nsc/runtime/Connectivity.h"

#include <fstream>
#include <optional>

namespace nsc::passes {

/// The connection spec of projection `q` of `net`.
inline runtime::ConnectionSpec connectionSpecOf(const ir::Network &net, const ir::Projection &pr, uint32_t q) {
  runtime::ConnectionSpec spec;
  using R = runtime::ConnectRule;
  switch (pr.conn.rule) {
  case ir::ConnectionRule::AllToAll: spec.rule = R::AllToAll; break;
  case ir::ConnectionRule::OneToOne: spec.rule = R::OneToOne; break;
  case ir::ConnectionRule::FixedProbability: spec.rule = R::FixedProbability; break;
  case ir::ConnectionRule::FixedIndegree: spec.rule = R::FixedIndegree; break;
  case ir::ConnectionRule::FixedOutdegree: spec.rule = R::FixedOutdegree; break;
  case ir::ConnectionRule::FromFile: spec.rule = R::FromFile; break;
  case ir::ConnectionRule::SmallWorld: spec.rule = R::SmallWorld; break;
  case ir::ConnectionRule::PairwiseBernoulli: spec.rule = R::PairwiseBernoulli; break;
  }
  spec.source = {pr.source.population, pr.source.begin, pr.source.end};
  spec.target = {pr.target.population, pr.target.begin, pr.target.end};
  spec.probability = pr.conn.probability;
  spec.count = pr.conn.count;
  spec.path = pr.conn.path;
  spec.allowAutapses = pr.conn.allowAutapses;
  spec.allowMultapses = pr.conn.allowMultapses;
  spec.seed = net.semantics.seed;
  spec.projection = q;
  if (std::shared_ptr<const ir::Expr> p = pr.conn.pairProbability) // shared: the spec may outlive `pr`'s copy
    spec.pairProbability = [p](uint64_t i, uint64_t j) { return evaluatePairExpression(*p, i, j); };
  return spec;
}

/// The synapses of `spec` (from_file reads its CSV). Empty when the file
/// of a from_file rule cannot be opened; otherwise check ok()/error.
/// `threads` draws target-owned rules in parallel (the same result).
inline std::optional<runtime::ConnectResult> buildProjectionConnections(const runtime::ConnectionSpec &spec,
                                                                      unsigned threads = 1) {
  if (spec.rule != runtime::ConnectRule::FromFile)
    return runtime::buildConnections(spec, threads);
  std::ifstream in(spec.path);
  if (!in)
    return std::nullopt;
  return runtime::connectFromCsv(in, spec.path, spec);
}

} // namespace nsc::passes
