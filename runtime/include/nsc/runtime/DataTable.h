//===- DataTable.h - Numeric tables read from CSV or .npy files -*- C++ -*-===//
//
// The data files of stimulus sources (spike_generator's (neuron, time)
// pairs, signal_generator's samples, inhomogeneous_poisson_generator's
// rates): a rectangular table of numbers, from a 2-D .npy array (by the
// `.npy` extension) or from text — one row per line, values separated by
// commas or white space, `#` starting a comment, and one optional header
// line that is not numeric.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nsc::runtime {

struct DataTable {
  uint64_t rows = 0, cols = 0;
  std::vector<double> values; // row-major
  double at(uint64_t r, uint64_t c) const { return values[r * cols + c]; }
};

/// Reads `path`; false with `error` ("line 3: 'x' is not a number",
/// "rows have 2 and 3 columns", "cannot open ...") on failure. An empty
/// file is an error too.
bool readDataTable(const std::string &path, DataTable &out, std::string &error);

} // namespace nsc::runtime
