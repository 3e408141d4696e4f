//===- SmallWorldRows.h - small_world(k, p) rows (R33) ----------*- C++ -*-===//
//
// Watts–Strogatz connectivity drawn one target row at a time, so that it
// stays target-owned (threads and MPI ranks draw only their rows).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/runtime/Connectivity.h"

#include <string>
#include <vector>

namespace nsc::runtime {

/// The checks of a small_world spec (equal ring sizes, k even in (0, N),
/// p in [0, 1], the synapse limit); the message, or empty.
std::string checkSmallWorld(const ConnectionSpec &spec);

/// The row of target `t`: the k lattice sources at ring distance 1..k/2,
/// each kept with probability 1 - p or replaced by a uniform source that is
/// neither the target's own ring position nor already in the row; in
/// ascending source order. `inRow` is scratch of the source slice's size,
/// all zero on entry and on return.
void drawSmallWorldRow(const ConnectionSpec &spec, PhiloxKey key, uint64_t t, std::vector<uint32_t> &row,
                       std::vector<uint8_t> &inRow);

} // namespace nsc::runtime
