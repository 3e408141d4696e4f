//===- TraceSelection.cpp - Parsing --trace selectors ---------------------===//
#include "nsc/network/TraceSelection.h"

#include <algorithm>
#include <cctype>

namespace nsc::network {

namespace {

bool isName(const std::string &s) {
  if (s.empty() || !(std::isalpha((unsigned char)s[0]) || s[0] == '_'))
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum((unsigned char)c) || c == '_'; });
}

bool parseIndex(const std::string &s, std::optional<uint64_t> &out) {
  if (s.empty())
    return true; // an open bound
  if (!std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit((unsigned char)c); }) || s.size() > 18)
    return false;
  out = std::stoull(s);
  return true;
}

/// "exc", "exc[3]", "exc[0:10]", "exc[:10]"; false when malformed.
bool parseNeurons(const std::string &text, TraceSelection::Neurons &n) {
  n.text = text;
  size_t open = text.find('[');
  n.population = text.substr(0, open);
  if (!isName(n.population))
    return false;
  if (open == std::string::npos)
    return true;
  if (text.back() != ']')
    return false;
  std::string inner = text.substr(open + 1, text.size() - open - 2);
  size_t colon = inner.find(':');
  if (colon == std::string::npos) {
    if (inner.empty() || !parseIndex(inner, n.begin))
      return false;
    n.end = *n.begin + 1;
    return true;
  }
  return parseIndex(inner.substr(0, colon), n.begin) && parseIndex(inner.substr(colon + 1), n.end);
}

} // namespace

bool parseTraceSelection(const std::vector<std::string> &entries, TraceSelection &out, std::string &error) {
  out = {};
  for (const std::string &raw : entries) {
    std::string e;
    for (char c : raw)
      if (!std::isspace((unsigned char)c))
        e += c;
    auto bad = [&](const std::string &why) {
      error = "--trace '" + raw + "': " + why + " (expected VAR, VAR[POP], VAR[POP[i]] or VAR[POP[a:b]])";
      return false;
    };
    size_t open = e.find('[');
    std::string var = e.substr(0, open);
    if (!isName(var))
      return bad(var.empty() ? "no variable name" : "'" + var + "' is not a variable name");
    if (std::find(out.variables.begin(), out.variables.end(), var) == out.variables.end())
      out.variables.push_back(var);
    if (open == std::string::npos)
      continue;
    if (e.back() != ']')
      return bad("missing ']'");
    TraceSelection::Neurons n;
    if (!parseNeurons(e.substr(open + 1, e.size() - open - 2), n))
      return bad("'" + e.substr(open + 1, e.size() - open - 2) +
                 "' is not a population, a neuron POP[i] or a slice POP[a:b] of non-negative integers");
    if (n.begin && n.end && *n.begin >= *n.end)
      return bad("the slice [" + std::to_string(*n.begin) + ":" + std::to_string(*n.end) + "] is empty");
    bool seen = std::any_of(out.neurons.begin(), out.neurons.end(),
                            [&](const TraceSelection::Neurons &m) { return m.text == n.text; });
    if (!seen)
      out.neurons.push_back(std::move(n));
  }
  return true;
}

bool resolveTraceNeurons(const TraceSelection::Neurons &n, uint64_t size, uint64_t &begin, uint64_t &end,
                         std::string &error) {
  begin = n.begin.value_or(0);
  end = n.end.value_or(size);
  if (begin < end && end <= size)
    return true;
  error = "--trace: '" + n.text + "' is out of range for population '" + n.population + "' of size " +
          std::to_string(size);
  return false;
}

} // namespace nsc::network
