//===- TraceSelection.h - What --trace samples ------------------*- C++ -*-===//
//
// `--trace` entries name variables, optionally with the neurons to sample:
//
//   V_m                  every model population that has V_m
//   V_m[exc]             every neuron of population exc
//   V_m[exc[3]]          neuron 3 of exc
//   V_m[exc[0:10]]       neurons 0..9 of exc (`[a:]`, `[:b]` as in Python)
//
// The variables are the distinct names in order; the selections the
// distinct bracketed parts in order. Every variable is sampled on every
// selected neuron (`V_m,I_syn[exc[0:10]]` samples both on exc[0:10]); with
// no selection, every model population that has all the variables.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nsc::network {

struct TraceSelection {
  struct Neurons {
    std::string population;
    std::optional<uint64_t> begin, end; // absent: from 0 / to the population's size
    std::string text;                   // as written, for messages: "exc[0:10]"
  };
  std::vector<std::string> variables;
  std::vector<Neurons> neurons; // empty: every model population with the variables
};

/// Parses `entries` (the --trace values); false with `error` set
/// ("--trace 'V_m[exc[0:x]]': ...").
bool parseTraceSelection(const std::vector<std::string> &entries, TraceSelection &out, std::string &error);

/// The neurons [begin, end) `n` selects in a population of `size`; false
/// with `error` set when they lie outside it or are empty.
bool resolveTraceNeurons(const TraceSelection::Neurons &n, uint64_t size, uint64_t &begin, uint64_t &end,
                         std::string &error);

} // namespace nsc::network
