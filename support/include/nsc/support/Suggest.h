//===- Suggest.h - "did you mean" for misspelt names -------------*- C++ -*-===//
//
// The one helper every "unknown X" / "undeclared X" message uses to offer the
// closest known name (variables, functions, ports, populations, models,
// units, semantics keys, passes, targets, --param names...).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace nsc {

/// Edit distance between `a` and `b` counted in half-edits: an insertion,
/// deletion, substitution or swap of two adjacent characters costs 2, a
/// substitution that only changes case costs 1 ('mv' is closer to 'mV'
/// than to 'm').
unsigned suggestionDistance(const std::string &a, const std::string &b);

/// The candidate closest to `name` within two edits (one for names of one or
/// two characters, a third of the length for long names), or nullopt.
/// Ties go to the earlier candidate.
std::optional<std::string> closestName(const std::string &name, const std::vector<std::string> &candidates);

/// " (did you mean 'X'?)" when a candidate is close, else "": for messages
/// that are a single line (command-line and API errors).
std::string didYouMean(const std::string &name, const std::vector<std::string> &candidates);

} // namespace nsc
