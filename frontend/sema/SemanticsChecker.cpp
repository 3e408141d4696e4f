//===- SemanticsChecker.cpp - `semantics:` settings -----------------------===//
#include "SemanticsChecker.h"
#include "ConstEval.h"
#include "ExprChecker.h"

#include <cctype>

namespace nsc::sema {

using namespace ast;

static const std::vector<std::string> kKeys = {"dt",   "solver", "precision", "spikes",
                                               "seed", "rk45_rtol", "rk45_atol"};
static const std::vector<std::string> kSolvers = {"auto", "exact", "exp_euler",
                                                  "rk4",  "rk45",  "euler"};
static const std::vector<std::string> kRoundings = {"nearest_even", "toward_zero", "floor"};
static const std::vector<std::string> kOverflows = {"saturate", "wrap"};
static const std::vector<std::string> kFixedFormats = {"uniform", "per_variable"};
static const std::vector<std::string> kSpikeModes = {"event"};

static std::string joinNames(const std::vector<std::string> &names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i)
    s += (i ? ", " : "") + names[i];
  return s;
}

std::optional<std::pair<int, int>> parseQFormat(const std::string &text) {
  if (text.size() < 4 || (text[0] != 'Q' && text[0] != 'q'))
    return std::nullopt;
  size_t dot = text.find('.');
  if (dot == std::string::npos || dot == 1 || dot + 1 == text.size())
    return std::nullopt;
  auto digits = [](const std::string &s) {
    if (s.empty() || s.size() > 4)
      return -1;
    for (char c : s)
      if (!std::isdigit(static_cast<unsigned char>(c)))
        return -1;
    return std::stoi(s);
  };
  int m = digits(text.substr(1, dot - 1));
  int n = digits(text.substr(dot + 1));
  if (m < 0 || n < 0)
    return std::nullopt;
  return std::make_pair(m, n);
}

namespace {

class SettingChecker {
public:
  SettingChecker(SemaContext &ctx) : diags_(ctx.diags), ec_(ctx, nullptr) {
    ec_.region = Region::Network;
  }

  /// A setting word from `allowed`; marks the NameRef as resolved.
  bool word(Expr *value, const std::string &key, const std::vector<std::string> &allowed) {
    auto *n = dyn_cast<NameRef>(value);
    if (!n || n->index || n->diffOrder) {
      diags_.error(value->range, "'" + key + "' must be one of: " + joinNames(allowed));
      return false;
    }
    for (const std::string &a : allowed)
      if (a == n->name) {
        n->resolution = NameRef::Resolution::Predefined;
        n->type = ir::Type::string();
        return true;
      }
    auto d = diags_.error(value->range, "unknown value '" + n->name + "' for '" + key + "'");
    if (auto s = closestName(n->name, allowed))
      d.note(value->range, "did you mean '" + *s + "'?");
    else
      d.note(value->range, "expected one of: " + joinNames(allowed));
    return false;
  }

  std::optional<ConstValue> constant(Expr *value, const std::string &key) {
    ir::Type t = ec_.checkValue(value);
    if (t.isError())
      return std::nullopt;
    auto c = evaluateConstant(value);
    if (!c)
      diags_.error(value->range, "'" + key + "' must be a constant");
    return c;
  }

  void precision(Expr *value) {
    if (isa<NameRef>(value)) {
      word(value, "precision", {"float64", "float32"});
      return;
    }
    auto *c = dyn_cast<Call>(value);
    if (!c || c->callee != "fixed") {
      diags_.error(value->range, "'precision' must be float64, float32 or fixed(Qm.n, ...)");
      return;
    }
    c->type = ir::Type::string();
    if (c->args.size() != 1 || !c->args[0]) {
      diags_.error(c->range, "fixed() expects one format such as 'Q8.8'");
      return;
    }
    auto *q = dyn_cast<NameRef>(c->args[0].get());
    auto mn = q ? parseQFormat(q->name) : std::nullopt;
    if (!mn) {
      diags_.error(c->args[0]->range, "invalid fixed-point format; expected 'Qm.n', e.g. 'Q8.8'");
    } else {
      q->resolution = NameRef::Resolution::Predefined;
      q->type = ir::Type::string();
      auto [m, n] = *mn;
      if (m < 1 || m + n > 64)
        diags_.error(q->range, "fixed-point format '" + q->name +
                                   "' needs 1 <= m and m + n <= 64 (m integer bits including the "
                                   "sign, n fraction bits)");
    }
    std::map<std::string, SourceRange> seen;
    for (NamedArg &na : c->namedArgs) {
      SourceRange r = na.nameRange.valid() ? na.nameRange : c->range;
      if (auto it = seen.find(na.name); it != seen.end()) {
        diags_.error(r, "duplicate option '" + na.name + "'").note(it->second, "previous value is here");
        continue;
      }
      seen[na.name] = r;
      if (!na.value)
        continue;
      if (na.name == "rounding")
        word(na.value.get(), "rounding", kRoundings);
      else if (na.name == "overflow")
        word(na.value.get(), "overflow", kOverflows);
      else if (na.name == "formats")
        word(na.value.get(), "formats", kFixedFormats);
      else {
        auto d = diags_.error(r, "unknown fixed-point option '" + na.name + "'");
        suggestName(d, r, na.name, {"rounding", "overflow", "formats"});
      }
    }
  }

  void setting(Setting &s) {
    Expr *v = s.value.get();
    if (!v)
      return;
    if (s.key == "dt") {
      auto c = constant(v, "dt");
      if (c && (c->unit.dim != units::Dimension::time() || !(c->value > 0)))
        diags_.error(v->range, "'dt' must be a positive time, e.g. '0.1 ms'");
    } else if (s.key == "solver") {
      word(v, "solver", kSolvers);
    } else if (s.key == "precision") {
      precision(v);
    } else if (s.key == "spikes") {
      // `rate` is reserved (docs/language.md §10) but no target runs
      // rate-coded spike trains; accepting it would change nothing.
      auto *n = dyn_cast<NameRef>(v);
      if (n && !n->index && !n->diffOrder && n->name == "rate") {
        n->resolution = NameRef::Resolution::Predefined;
        n->type = ir::Type::string();
        diags_.error(v->range, "'spikes = rate' (rate-coded spike trains) is not supported by any target; "
                               "the supported value is 'event'");
      } else {
        word(v, "spikes", kSpikeModes);
      }
    } else if (s.key == "seed") {
      auto c = constant(v, "seed");
      if (c && (!c->isInteger() || !c->unit.isDimensionless() || c->value < 0))
        diags_.error(v->range, "'seed' must be a non-negative integer");
    } else if (s.key == "rk45_rtol" || s.key == "rk45_atol") {
      auto c = constant(v, s.key);
      if (c && (!c->unit.isDimensionless() || !(c->value > 0)))
        diags_.error(v->range, "'" + s.key + "' must be a positive dimensionless number");
    }
  }

private:
  DiagnosticEngine &diags_;
  ExprChecker ec_;
};

} // namespace

void checkSemanticsBlock(SemaContext &ctx, SemanticsBlock &block,
                         const std::map<std::string, SourceRange> *populations) {
  DiagnosticEngine &diags = ctx.diags;
  for (size_t i = 0; i < block.populations.size(); ++i) {
    SourceRange r = i < block.populationRanges.size() ? block.populationRanges[i] : block.range;
    const std::string &name = block.populations[i];
    if (!populations) {
      diags.error(r, "'semantics for' is only allowed inside a network");
      break;
    }
    if (!populations->count(name)) {
      auto d = diags.error(r, "unknown population '" + name + "'");
      std::vector<std::string> names;
      for (auto &kv : *populations)
        names.push_back(kv.first);
      suggestName(d, r, name, names);
    }
  }
  SettingChecker checker(ctx);
  std::map<std::string, SourceRange> seen;
  for (Setting &s : block.settings) {
    SourceRange r = s.keyRange.valid() ? s.keyRange : block.range;
    bool known = false;
    for (const std::string &k : kKeys)
      known |= k == s.key;
    if (!known) {
      auto d = diags.error(r, "unknown semantics setting '" + s.key + "'");
      if (auto sug = closestName(s.key, kKeys))
        d.note(r, "did you mean '" + *sug + "'?");
      else
        d.note(r, "known settings: " + joinNames(kKeys));
      continue;
    }
    if (auto it = seen.find(s.key); it != seen.end()) {
      diags.error(r, "duplicate setting '" + s.key + "'").note(it->second, "previous value is here");
      continue;
    }
    seen[s.key] = r;
    if (s.key == "seed" && !block.populations.empty())
      // R38: one seed per network keys every population's streams.
      diags.error(r, "'seed' cannot be set per population: every population's random streams are keyed by "
                     "the network's seed (docs/semantics.md R38); set 'seed' in the network's semantics block");
    checker.setting(s);
  }
}

} // namespace nsc::sema
