//===- PairwiseRows.cpp - pairwise_bernoulli rows (R33) -------------------===//

#include "PairwiseRows.h"

#include "nsc/runtime/Random.h"

#include <cstdio>
#include <string>

namespace nsc::runtime {

void drawPairwiseRow(const ConnectionSpec &s, PhiloxKey key, uint64_t t, bool selfForbidden,
                     std::vector<uint32_t> &row) {
  row.clear();
  RandomStream rs = RandomStream::perIndex(key, t, 0);
  for (uint64_t src = s.source.begin; src < s.source.end; ++src) {
    if (selfForbidden && src == t)
      continue;
    double p = s.pairProbability(src, t);
    if (!(p >= 0 && p <= 1)) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%.17g", p);
      throw PairProbabilityError("pairwise_bernoulli: the probability is " + std::string(buf) + " for source " +
                                 std::to_string(src) + " and target " + std::to_string(t) +
                                 " (indices in their populations); it must be in [0, 1]");
    }
    // One uniform per candidate, whatever p is: the row does not depend on
    // how p is computed, only on its values.
    if (rs.uniform() < p)
      row.push_back(uint32_t(src));
  }
}

} // namespace nsc::runtime
