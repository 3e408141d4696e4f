//===- SmallWorldRows.cpp - small_world(k, p) rows (R33) ------------------===//

#include "SmallWorldRows.h"

#include "nsc/runtime/Random.h"

#include <algorithm>

namespace nsc::runtime {

namespace {

std::string str(uint64_t v) { return std::to_string(v); }

uint64_t ringOrigin(const ConnectionSpec &s) { return s.ringOrigin == UINT64_MAX ? s.target.begin : s.ringOrigin; }

} // namespace

std::string checkSmallWorld(const ConnectionSpec &s) {
  uint64_t n = s.source.size(), k = s.count, origin = ringOrigin(s);
  std::string rule = "small_world(" + str(k) + ", " + std::to_string(s.probability) + ")";
  if (!(s.probability >= 0 && s.probability <= 1))
    return rule + " needs a rewiring probability between 0 and 1";
  bool whole = s.ringOrigin == UINT64_MAX; // else a rank's part of the ring
  if (whole ? s.target.size() != n : s.target.size() > 0 && (s.target.begin < origin || s.target.end - origin > n))
    return rule + " needs source and target of equal size (a ring of " + str(n) + " neurons)";
  if (k == 0 || k % 2 != 0 || k >= n)
    return rule + " needs an even k with 0 < k < N, but the ring has N = " + str(n) + " neurons";
  if (k > s.maxSynapses / std::max<uint64_t>(1, s.target.size()))
    return rule + " for " + str(s.target.size()) + " neurons exceeds the synapse limit of " + str(s.maxSynapses);
  return {};
}

void drawSmallWorldRow(const ConnectionSpec &s, PhiloxKey key, uint64_t t, std::vector<uint32_t> &row,
                       std::vector<uint8_t> &inRow) {
  row.clear();
  const uint64_t n = s.source.size(), half = s.count / 2;
  const uint64_t r = t - ringOrigin(s); // the target's ring position
  RandomStream rs = RandomStream::perIndex(key, t, 0);
  // First every lattice edge decides (one uniform each, in the order
  // r-1, r+1, r-2, r+2, ...): kept edges are fixed before any replacement
  // is drawn, so a replacement never duplicates a kept edge.
  uint64_t rewired = 0;
  for (uint64_t d = 1; d <= half; ++d)
    for (uint64_t pos : {(r + n - d) % n, (r + d) % n}) {
      if (rs.uniform() < s.probability) {
        ++rewired;
        continue;
      }
      inRow[pos] = 1;
      row.push_back(uint32_t(s.source.begin + pos));
    }
  // Replacements: uniform over the ring, skipping r and sources already in
  // the row (a rewired-away lattice source may be drawn again, as in
  // Watts–Strogatz). k < N leaves at least N - k >= 1 candidate free.
  inRow[r] = 1;
  for (uint64_t e = 0; e < rewired;) {
    uint64_t c = uint64_t(rs.uniform() * double(n));
    c = c < n ? c : n - 1;
    if (inRow[c])
      continue;
    inRow[c] = 1;
    row.push_back(uint32_t(s.source.begin + c));
    ++e;
  }
  inRow[r] = 0;
  for (uint32_t src : row)
    inRow[src - s.source.begin] = 0;
  std::sort(row.begin(), row.end());
}

} // namespace nsc::runtime
