//===- Suggest.cpp - "did you mean" for misspelt names --------------------===//
#include "nsc/support/Suggest.h"

#include <algorithm>
#include <cctype>

namespace nsc {

unsigned suggestionDistance(const std::string &a, const std::string &b) {
  // Optimal string alignment (Damerau-Levenshtein without repeated edits of
  // one substring), three rows.
  std::vector<unsigned> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = unsigned(2 * j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = unsigned(2 * i);
    for (size_t j = 1; j <= b.size(); ++j) {
      unsigned sub = 2;
      if (a[i - 1] == b[j - 1])
        sub = 0;
      else if (std::tolower((unsigned char)a[i - 1]) == std::tolower((unsigned char)b[j - 1]))
        sub = 1;
      cur[j] = std::min({prev[j] + 2, cur[j - 1] + 2, prev[j - 1] + sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && a[i - 1] != a[i - 2])
        cur[j] = std::min(cur[j], prev2[j - 2] + 2);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> closestName(const std::string &name, const std::vector<std::string> &candidates) {
  if (name.empty())
    return std::nullopt;
  size_t edits = name.size() <= 2 ? 1 : std::max<size_t>(2, name.size() / 3);
  unsigned best = unsigned(2 * edits) + 1;
  const std::string *bestName = nullptr;
  for (const std::string &c : candidates) {
    if (c == name || c.empty())
      continue;
    unsigned d = suggestionDistance(name, c);
    if (d < best) {
      best = d;
      bestName = &c;
    }
  }
  if (!bestName)
    return std::nullopt;
  return *bestName;
}

std::string didYouMean(const std::string &name, const std::vector<std::string> &candidates) {
  auto s = closestName(name, candidates);
  return s ? " (did you mean '" + *s + "'?)" : "";
}

} // namespace nsc
