//===- RangeAnalysis.h - Value ranges of a model's variables ----*- C++ -*-===//
//
// Interval analysis over a model's IR after the default pipeline (ODEs
// already solved to plain statements). Every state variable, parameter,
// internal, local and every real/integer expression of the run-time code
// (update, onReceive, onCondition) gets an interval [lo, hi] in the unit of
// its IR type. Used by the quantization pass to choose fixed-point formats
// and by backends that map a model onto fixed-width hardware (Loihi,
// Verilog) to size their registers.
//
// Sources of bounds, in the order they are applied:
//   1. `--range VAR=lo..hi` overrides (RangeOptions::overrides): taken as
//      given, marked Override; the analysis never widens them.
//   2. Parameters and internals: their initial value when it is a constant
//      (or computed from constants at start-up), else their guard.
//   3. State variables: the hull of the initial value, every value the
//      update/onReceive/onCondition code can assign (interval arithmetic),
//      iterated to a fixed point with widening; a declared guard
//      `[[V_m >= -80 mV]]` clamps the result (Assumed: the guard is the
//      author's promise, not a proof). A comparison `V_m >= V_th` that
//      guards a reset (onCondition) bounds V_m from above on the path that
//      leaves the block without reset.
//   4. Spike ports: the per-step weight sum, from RangeOptions::portBounds
//      (the quantize pass fills it from the network's synapses, see
//      NetworkRanges.h) or portRanges, else a default of [-1, 1]·RangeOptions::defaultSpikeSum
//      (Assumed). Continuous ports: portRanges, else the same default
//      magnitude (Assumed).
//
// A bound is Proven when it follows from the code and constants alone,
// Assumed when it rests on a guard, a default port range or an override,
// and Unbounded (±inf) when nothing bounds it: the quantization pass warns
// about those and suggests --range.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace nsc::passes {

/// A closed interval of real numbers; lo > hi is the empty interval (a value
/// never computed). ±inf ends mean "unbounded on that side".
struct Interval {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();

  static Interval empty() { return {}; }
  static Interval all() {
    return {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  }
  static Interval point(double v) { return {v, v}; }
  static Interval of(double a, double b) { return a <= b ? Interval{a, b} : Interval{b, a}; }

  bool isEmpty() const { return !(lo <= hi); }
  bool isBounded() const;
  bool contains(double v) const { return lo <= v && v <= hi; }
  bool contains(const Interval &o) const { return o.isEmpty() || (lo <= o.lo && o.hi <= hi); }
  /// Largest |value|; inf when unbounded, 0 when empty.
  double magnitude() const;
  Interval hull(const Interval &o) const;
  Interval intersect(const Interval &o) const;
  bool operator==(const Interval &o) const {
    return (isEmpty() && o.isEmpty()) || (lo == o.lo && hi == o.hi);
  }
  bool operator!=(const Interval &o) const { return !(*this == o); }
  /// "[-80, -40]", "[-inf, 3.5]", "empty".
  std::string str() const;
};

/// Interval arithmetic (outward: ends computed in double, never narrower
/// than the exact result by more than an ulp; 0 * inf = 0).
Interval add(const Interval &a, const Interval &b);
Interval sub(const Interval &a, const Interval &b);
Interval mul(const Interval &a, const Interval &b);
/// a / b; all() when b contains 0 (the fixed-point result there is the
/// format's limit, R30).
Interval div(const Interval &a, const Interval &b);
Interval neg(const Interval &a);
Interval scale(const Interval &a, double factor);

enum class RangeKind {
  Proven,    // follows from the code, constants and proven inputs
  Assumed,   // rests on a guard, a default port range or an unproven input
  Override,  // given with --range
  Unbounded, // nothing bounds it (an end is ±inf)
};
const char *rangeKindName(RangeKind k); // "proven", "assumed", "override", "unbounded"

struct VarRange {
  Interval range;
  RangeKind kind = RangeKind::Proven;
  /// One phrase saying where the bound comes from: "initial value",
  /// "guard [[V_m >= -80 mV]]", "reset in onCondition", "fixed point of
  /// the update after 5 iterations", "widened", "--range".
  std::string why;
};

/// `--range VAR=lo..hi`: a name (variable or port) and two ends, each a
/// number optionally followed by a unit (`-80mV`, `-80 mV`, `2.5e-3`). A
/// number without a unit is in the unit of the variable's type.
struct RangeOverride {
  std::string name;
  double lo = 0, hi = 0;
  std::string loUnit, hiUnit; // empty: the variable's unit
};
/// Parses "V_m=-80mV..-40mV"; nullopt with `error` set on bad syntax
/// ("expected NAME=LO..HI, e.g. V_m=-80mV..-40mV").
std::optional<RangeOverride> parseRangeOverride(const std::string &text, std::string &error);

struct RangeOptions {
  std::vector<RangeOverride> overrides;
  /// Known ranges of spike-port sums per step / continuous port values, by
  /// port name, in the port's unit (e.g. from the network's weights).
  std::map<std::string, Interval> portRanges;
  /// Port ranges with their own kind and reason (NetworkRanges.h derives
  /// them from the networks); used before portRanges. Unbounded entries
  /// are ignored.
  std::map<std::string, VarRange> portBounds;
  /// Values populations give variables (`V_m = uniform(-60 mV, -50 mV)`):
  /// a state's initial range is the hull of its initial value and these; a
  /// parameter or internal given another value than its default is no
  /// longer a start-up constant (its range is the hull, and what is
  /// computed from it at start-up is no longer known).
  std::map<std::string, Interval> initRanges;
  /// Default per-step sum of a spike port whose range is not known:
  /// [-defaultSpikeSum, defaultSpikeSum] for ports without excitatory/
  /// inhibitory sign, [0, defaultSpikeSum] for signed ones. Assumed.
  double defaultSpikeSum = 1000;
  /// Iterations of the update before widening jumps to the guards / ±inf.
  unsigned wideningAfter = 8;
  unsigned maxIterations = 64;
};

struct RangeResult {
  /// By VarId (vector variables: the hull of their elements). A state
  /// variable's range holds its values at step boundaries and every value
  /// assigned inside the step (V_m after integration, before its reset):
  /// what a register must hold.
  std::vector<VarRange> vars;
  /// By VarId, state variables: their values at step boundaries only (the
  /// join of the analysis's partitions); empty for the others.
  std::vector<Interval> betweenSteps;
  /// By port index: the value a PortRef reads.
  std::vector<VarRange> ports;
  /// Every real/integer expression of the run-time code and of initial
  /// values, with its range over all iterations (the quantization report
  /// and per-expression formats use it). Keys point into the analysed model.
  std::unordered_map<const ir::Expr *, Interval> exprs;
  /// Iterations the fixed point took (or maxIterations).
  unsigned iterations = 0;
  /// False when an override named no variable/port or had a bad unit
  /// (reported through the DiagnosticEngine).
  bool ok = true;

  const VarRange &var(ir::VarId v) const { return vars[v]; }
  /// Range of an expression; Interval::all() when it was not analysed.
  Interval expr(const ir::Expr *e) const;
};

/// Runs the analysis. Errors (bad overrides) and nothing else are reported
/// to `diags`; unbounded variables are the caller's to report.
RangeResult analyzeRanges(const ir::Model &model, const RangeOptions &options,
                          DiagnosticEngine &diags);

} // namespace nsc::passes
