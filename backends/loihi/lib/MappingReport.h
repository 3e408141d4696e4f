//===- MappingReport.h - The Loihi quantization report ----------*- C++ -*-===//
//
// `nsc FILE --target=loihi --explain-quantization`: per compartment group
// and synapse group, each register's value, its scale (model units per
// LSB), the representable range, the range it must hold and the worst-case
// error one step adds (docs/loihi.md §3). The mapping fills the rows; this
// file lays them out.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace nsc::loihi {

struct ReportRow {
  std::string reg, value, lsb, representable, needed, error;
};
struct ReportBlock {
  std::string title;
  std::vector<ReportRow> rows;
  std::vector<std::string> notes;
};

void printMappingReport(const std::string &header, const std::vector<ReportBlock> &blocks, std::ostream &out);

} // namespace nsc::loihi
