//===- HardwareChecker.cpp - The hardware blocks of a network -------------===//
#include "HardwareChecker.h"
#include "ConstEval.h"
#include "ExprChecker.h"

#include <algorithm>
#include <cmath>

namespace nsc::sema {

using namespace ast;

namespace {

const std::vector<std::string> kHomeostasisKeys = {"threshold", "target_rate", "tau",  "theta_min",
                                                   "theta_max", "window",      "mode"};
const std::vector<std::string> kAerKeys = {"timestamp_bits", "handshake"};
const std::vector<std::string> kDetectorKeys = {"alpha",       "refractory", "warmup",     "step_bits",
                                                "sample_bits", "polarity",   "sample_rate"};

class HardwareChecker {
public:
  HardwareChecker(SemaContext &ctx, HardwareBlock &b, HardwareCheckState &st)
      : diags_(ctx.diags), b_(b), st_(st), ec_(ctx, nullptr) {
    ec_.region = Region::Network;
  }

  void run() {
    bool homeo = b_.blockKind == HardwareBlock::BlockKind::Homeostasis;
    bool detector = b_.blockKind == HardwareBlock::BlockKind::Detector;
    const char *blockName = homeo ? "homeostasis" : detector ? "detector" : "aer";
    if (b_.populations.empty())
      diags_.error(b_.kindRange, std::string("'") + blockName + " for' needs at least one population");
    auto &seen = homeo ? st_.homeostasisFor : detector ? st_.detectorFor : st_.aerFor;
    for (size_t i = 0; i < b_.populations.size(); ++i) {
      const std::string &p = b_.populations[i];
      SourceRange r = b_.populationRanges[i];
      auto it = st_.populations.find(p);
      if (it == st_.populations.end()) {
        std::vector<std::string> names;
        for (auto &kv : st_.populations)
          names.push_back(kv.first);
        auto d = diags_.error(r, "unknown population '" + p + "'");
        if (auto s = closestName(p, names))
          d.note(r, "did you mean '" + *s + "'?");
        continue;
      }
      if (homeo && !it->second.isModel)
        diags_.error(r, "'homeostasis for' needs a model population; '" + p + "' is a stimulus source")
            .note(it->second.range, "'" + p + "' declared here");
      if (detector && !it->second.isSpikeSource)
        diags_.error(r, "'detector for' needs a spike source population (its channels, e.g. "
                        "'mea = spike_generator[60](...)'); '" + p + "' is not one")
            .note(it->second.range, "'" + p + "' declared here");
      if (auto s = seen.find(p); s != seen.end())
        diags_.error(r, std::string("population '") + p + "' already has a '" + blockName + "' block")
            .note(s->second, "previous block is here");
      else
        seen[p] = b_.kindRange;
    }
    std::map<std::string, SourceRange> keys;
    const auto &allowed = homeo ? kHomeostasisKeys : detector ? kDetectorKeys : kAerKeys;
    for (Setting &s : b_.settings) {
      if (auto it = keys.find(s.key); it != keys.end()) {
        diags_.error(s.keyRange, "duplicate setting '" + s.key + "'").note(it->second, "previous value is here");
        continue;
      }
      keys[s.key] = s.keyRange;
      if (std::find(allowed.begin(), allowed.end(), s.key) == allowed.end()) {
        auto d = diags_.error(s.keyRange, "unknown " + std::string(blockName) + " setting '" + s.key + "'");
        if (auto c = closestName(s.key, allowed))
          d.note(s.keyRange, "did you mean '" + *c + "'?");
        else
          d.note(s.keyRange, "expected one of: " + join(allowed));
        continue;
      }
      check(s);
    }
    if (homeo && !keys.count("threshold"))
      diags_.error(b_.kindRange, "'homeostasis for' needs 'threshold = PARAMETER' (the model parameter it moves)");
    if (homeo) {
      auto lo = thetaMin_.value_or(64), hi = thetaMax_.value_or(512);
      if (lo > hi)
        diags_.error(keys.count("theta_min") ? keys["theta_min"] : keys["theta_max"],
                     "theta_min (" + std::to_string(lo) + ") is greater than theta_max (" + std::to_string(hi) + ")");
    }
  }

private:
  static std::string join(const std::vector<std::string> &v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i)
      s += (i ? ", " : "") + v[i];
    return s;
  }

  void check(Setting &s) {
    Expr *v = s.value.get();
    if (s.key == "threshold") {
      auto *n = dyn_cast<NameRef>(v);
      if (!n || n->index || n->diffOrder) {
        diags_.error(v->range, "'threshold' must name a parameter of the model, e.g. 'threshold = V_th'");
        return;
      }
      // Resolved against the model by lowering.
      n->resolution = NameRef::Resolution::Predefined;
      n->type = ir::Type::string();
    } else if (s.key == "mode") {
      word(v, s.key, {"accumulator", "plain"});
    } else if (s.key == "handshake") {
      word(v, s.key, {"valid_ready", "four_phase"});
    } else if (s.key == "polarity") {
      word(v, s.key, {"negative", "positive", "both"});
    } else if (s.key == "alpha") {
      if (auto c = constant(v, s.key))
        if (!c->unit.isDimensionless() || !(c->value > 0) || !(c->value <= 100))
          diags_.error(v->range, "'alpha' must be a number of standard deviations in (0, 100]");
    } else if (s.key == "refractory") {
      integer(v, s.key, 0, 65535, "a number of samples in [0, 65535]");
    } else if (s.key == "warmup") {
      integer(v, s.key, 0, 1 << 20, "a number of samples in [0, 1048576]");
    } else if (s.key == "step_bits") {
      integer(v, s.key, 0, 12, "a bit count in [0, 12] (the median moves 2^-step_bits LSB per sample)");
    } else if (s.key == "sample_bits") {
      integer(v, s.key, 2, 24, "a bit count in [2, 24]");
    } else if (s.key == "target_rate") {
      if (auto c = quantity(v, s.key, "Hz", "a rate such as '10 Hz'"))
        if (!(*c >= 0) || !std::isfinite(*c))
          diags_.error(v->range, "'target_rate' must be a finite non-negative rate");
    } else if (s.key == "sample_rate") {
      if (auto c = quantity(v, s.key, "Hz", "a rate such as '20 kHz'"))
        if (!(*c > 0) || !std::isfinite(*c))
          diags_.error(v->range, "'sample_rate' must be a positive rate");
    } else if (s.key == "tau") {
      if (auto c = quantity(v, s.key, "s", "a time such as '10 s'"))
        if (!(*c > 0) || !std::isfinite(*c))
          diags_.error(v->range, "'tau' must be a positive time");
    } else if (s.key == "theta_min" || s.key == "theta_max") {
      if (auto c = integer(v, s.key, -32768, 32767, "a Q8.8 value (256 = 1.0) in [-32768, 32767]"))
        (s.key == "theta_min" ? thetaMin_ : thetaMax_) = *c;
    } else if (s.key == "window") {
      integer(v, s.key, 1, 1 << 20, "a number of steps in [1, 1048576]");
    } else if (s.key == "timestamp_bits") {
      integer(v, s.key, 1, 48, "a bit count in [1, 48]");
    }
  }

  void word(Expr *v, const std::string &key, const std::vector<std::string> &allowed) {
    auto *n = dyn_cast<NameRef>(v);
    if (!n || n->index || n->diffOrder) {
      diags_.error(v->range, "'" + key + "' must be one of: " + join(allowed));
      return;
    }
    if (std::find(allowed.begin(), allowed.end(), n->name) == allowed.end()) {
      auto d = diags_.error(v->range, "unknown value '" + n->name + "' for '" + key + "'");
      if (auto c = closestName(n->name, allowed))
        d.note(v->range, "did you mean '" + *c + "'?");
      else
        d.note(v->range, "expected one of: " + join(allowed));
      return;
    }
    n->resolution = NameRef::Resolution::Predefined;
    n->type = ir::Type::string();
  }

  std::optional<ConstValue> constant(Expr *v, const std::string &key) {
    ir::Type t = ec_.checkValue(v);
    if (t.isError())
      return std::nullopt;
    auto c = evaluateConstant(v);
    if (!c)
      diags_.error(v->range, "'" + key + "' must be a constant");
    return c;
  }

  /// The value in `unitName`; its dimension must be that unit's.
  std::optional<double> quantity(Expr *v, const std::string &key, const char *unitName, const char *expected) {
    auto c = constant(v, key);
    if (!c)
      return std::nullopt;
    units::Unit u = *units::lookupUnit(unitName);
    if (c->unit.dim != u.dim) {
      diags_.error(v->range, "'" + key + "' has type '" + typeStr(v->type) + "', expected " + expected);
      return std::nullopt;
    }
    return c->in(u);
  }

  std::optional<long long> integer(Expr *v, const std::string &key, long long lo, long long hi,
                                   const char *expected) {
    auto c = constant(v, key);
    if (!c)
      return std::nullopt;
    if (!c->unit.isDimensionless() || !c->isInteger() || c->value < double(lo) || c->value > double(hi)) {
      diags_.error(v->range, "'" + key + "' must be " + expected);
      return std::nullopt;
    }
    return (long long)c->value;
  }

  DiagnosticEngine &diags_;
  HardwareBlock &b_;
  HardwareCheckState &st_;
  ExprChecker ec_;
  std::optional<long long> thetaMin_, thetaMax_;
};

} // namespace

void checkHardwareBlock(SemaContext &ctx, HardwareBlock &block, HardwareCheckState &state) {
  HardwareChecker(ctx, block, state).run();
}

} // namespace nsc::sema
