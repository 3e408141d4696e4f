//===- RangePartitions.cpp - Trace partitioning for the range analysis ----===//
#include "RangePartitions.h"

#include <algorithm>
#include <cmath>

namespace nsc::passes::detail {

using namespace ir;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

BinaryOp mirror(BinaryOp o) {
  switch (o) {
  case BinaryOp::Lt: return BinaryOp::Gt;
  case BinaryOp::Gt: return BinaryOp::Lt;
  case BinaryOp::Le: return BinaryOp::Ge;
  case BinaryOp::Ge: return BinaryOp::Le;
  default: return o;
  }
}

/// Walks conditions: every `x op c` with x a scalar integer state variable
/// and c a start-up constant adds the region starts the comparison needs.
class CutCollector {
public:
  CutCollector(const Model &m, const PartitionKeys::Constant &c, std::map<VarId, std::vector<double>> &cuts)
      : m_(m), constant_(c), cuts_(cuts) {}

  void cond(const Expr &e) {
    if (auto *u = dyn_cast<Unary>(&e)) {
      if (u->op == UnaryOp::Not)
        cond(*u->operand);
      return;
    }
    auto *b = dyn_cast<Binary>(&e);
    if (!b)
      return;
    if (b->op == BinaryOp::And || b->op == BinaryOp::Or) {
      cond(*b->lhs);
      cond(*b->rhs);
      return;
    }
    if (!isComparison(b->op))
      return;
    compare(*b->lhs, b->op, *b->rhs);
    compare(*b->rhs, mirror(b->op), *b->lhs);
  }

  void block(const Block &blk) {
    for (const StmtPtr &s : blk) {
      if (auto *i = dyn_cast<If>(s.get())) {
        cond(*i->cond);
        block(i->thenBody);
        block(i->elseBody);
      } else if (auto *f = dyn_cast<For>(s.get())) {
        block(f->body);
      } else if (auto *w = dyn_cast<While>(s.get())) {
        cond(*w->cond);
        block(w->body);
      }
    }
  }

private:
  void compare(const Expr &x, BinaryOp op, const Expr &other) {
    auto *r = dyn_cast<VarRef>(&x);
    if (!r || r->index || r->var >= m_.variables.size())
      return;
    const Variable &v = m_.variables[r->var];
    if (v.role != VarRole::State || v.vectorSize || v.type.kind != TypeKind::Int)
      return;
    std::optional<double> c = constant_(other);
    if (!c || !std::isfinite(*c) || std::fabs(*c) > 1e15)
      return;
    std::vector<double> &s = cuts_[r->var];
    switch (op) {
    case BinaryOp::Lt:
    case BinaryOp::Ge: s.push_back(std::ceil(*c)); break;
    case BinaryOp::Le:
    case BinaryOp::Gt: s.push_back(std::floor(*c) + 1); break;
    case BinaryOp::Eq:
    case BinaryOp::Ne:
      if (*c == std::floor(*c)) {
        s.push_back(*c);
        s.push_back(*c + 1);
      }
      break;
    default: break;
    }
  }

  const Model &m_;
  const PartitionKeys::Constant &constant_;
  std::map<VarId, std::vector<double>> &cuts_;
};
} // namespace

void PartitionKeys::collect(const Model &m, const Constant &constant, size_t maxPartitions,
                            const std::vector<bool> &exclude) {
  keys_.clear();
  std::map<VarId, std::vector<double>> cuts;
  CutCollector c(m, constant, cuts);
  c.block(m.update);
  for (const OnReceive &r : m.onReceive)
    c.block(r.body);
  for (const OnCondition &oc : m.onCondition) {
    c.cond(*oc.cond);
    c.block(oc.body);
  }
  for (auto &[v, s] : cuts) {
    if (v < exclude.size() && exclude[v])
      continue;
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    // A counter compared with a few nearby constants (c == 0, c >= 3) gets
    // one region per value in between, so the analysis counts its steps.
    if (s.size() >= 2 && s.back() - s.front() <= 16) {
      std::vector<double> every;
      for (double x = s.front(); x <= s.back(); ++x)
        every.push_back(x);
      s = every;
    }
    if (!s.empty())
      keys_.push_back({v, s});
  }
  auto product = [&] {
    double p = 1;
    for (const Key &k : keys_)
      p *= double(k.starts.size() + 1);
    return p;
  };
  while (!keys_.empty() && product() > double(maxPartitions)) {
    auto widest = std::max_element(keys_.begin(), keys_.end(), [](const Key &a, const Key &b) {
      return a.starts.size() < b.starts.size();
    });
    keys_.erase(widest);
  }
}

Interval PartitionKeys::region(size_t k, int r) const {
  const std::vector<double> &s = keys_[k].starts;
  double lo = r == 0 ? -kInf : s[r - 1];
  double hi = size_t(r) == s.size() ? kInf : s[r] - 1;
  return {lo, hi};
}

std::vector<RangeEnv> PartitionKeys::split(const RangeEnv &env) const {
  std::vector<RangeEnv> pieces{env};
  for (size_t k = 0; k < keys_.size(); ++k) {
    std::vector<RangeEnv> next;
    for (RangeEnv &p : pieces) {
      const Interval x = p[keys_[k].var];
      if (x.isEmpty()) {
        next.push_back(std::move(p));
        continue;
      }
      for (int r = 0; r <= int(keys_[k].starts.size()); ++r) {
        Interval part = x.intersect(region(k, r));
        if (part.isEmpty())
          continue;
        next.push_back(p);
        next.back()[keys_[k].var] = part;
      }
    }
    pieces = std::move(next);
  }
  return pieces;
}

std::vector<int> PartitionKeys::keyOf(const RangeEnv &piece) const {
  std::vector<int> key;
  for (const Key &k : keys_) {
    const Interval x = piece[k.var];
    if (x.isEmpty()) {
      key.push_back(-1);
      continue;
    }
    // The region holding the lower end (split() made the piece lie in one).
    key.push_back(int(std::upper_bound(k.starts.begin(), k.starts.end(), x.lo) - k.starts.begin()));
  }
  return key;
}

std::vector<RangeEnv> PartitionKeys::merge(const std::vector<RangeEnv> &envs) const {
  if (keys_.empty()) {
    if (envs.size() <= 1)
      return envs;
    RangeEnv all = envs[0];
    for (size_t e = 1; e < envs.size(); ++e)
      for (size_t v = 0; v < all.size(); ++v)
        all[v] = all[v].hull(envs[e][v]);
    return {all};
  }
  std::map<std::vector<int>, RangeEnv> byKey;
  for (const RangeEnv &e : envs)
    for (RangeEnv &p : split(e)) {
      auto [it, fresh] = byKey.emplace(keyOf(p), p);
      if (!fresh)
        for (size_t v = 0; v < p.size(); ++v)
          it->second[v] = it->second[v].hull(p[v]);
    }
  std::vector<RangeEnv> out;
  for (auto &[k, e] : byKey)
    out.push_back(std::move(e));
  return out;
}

std::string PartitionKeys::describe(const Model &m) const {
  std::string out;
  for (size_t k = 0; k < keys_.size(); ++k) {
    if (k)
      out += ", ";
    out += m.variables[keys_[k].var].name + " (";
    for (int r = 0; r <= int(keys_[k].starts.size()); ++r) {
      Interval x = region(k, r);
      auto num = [](double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.15g", v);
        return std::string(buf);
      };
      out += r ? ", " : "";
      out += x.lo == x.hi ? num(x.lo) : !std::isfinite(x.lo) ? "<= " + num(x.hi)
                                      : !std::isfinite(x.hi) ? ">= " + num(x.lo)
                                                             : num(x.lo) + ".." + num(x.hi);
    }
    out += ")";
  }
  return out;
}

std::vector<RangeEnv> splitOnCondition(const Expr &cond, bool truth, const RangeEnv &env,
                                       const ComparisonRefiner &refine) {
  if (auto *u = dyn_cast<Unary>(&cond); u && u->op == UnaryOp::Not)
    return splitOnCondition(*u->operand, !truth, env, refine);
  auto *b = dyn_cast<Binary>(&cond);
  if (!b)
    return {env};
  auto sequence = [&](bool lhsTruth, bool rhsTruth, std::vector<RangeEnv> &out) {
    for (const RangeEnv &l : splitOnCondition(*b->lhs, lhsTruth, env, refine))
      for (RangeEnv &r : splitOnCondition(*b->rhs, rhsTruth, l, refine))
        out.push_back(std::move(r));
  };
  if (b->op == BinaryOp::And || b->op == BinaryOp::Or) {
    bool isAnd = b->op == BinaryOp::And;
    std::vector<RangeEnv> out;
    if (isAnd == truth) {
      // a and b true / a or b false: both operands have the value `truth`.
      sequence(truth, truth, out);
      return out;
    }
    // a and b false: ¬a, or a ∧ ¬b; a or b true: a, or ¬a ∧ b.
    out = splitOnCondition(*b->lhs, truth, env, refine);
    sequence(!truth, truth, out);
    return out;
  }
  if (!isComparison(b->op))
    return {env};
  RangeEnv e = env;
  if (!refine(*b, truth, e))
    return {};
  return {e};
}

} // namespace nsc::passes::detail
