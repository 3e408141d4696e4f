//===- MappingReport.cpp - The Loihi quantization report ------------------===//
#include "MappingReport.h"

#include <algorithm>
#include <iomanip>

namespace nsc::loihi {

void printMappingReport(const std::string &header, const std::vector<ReportBlock> &blocks, std::ostream &out) {
  out << header << "\n";
  const ReportRow head{"register", "value", "LSB", "representable", "must hold", "error/step"};
  for (const ReportBlock &b : blocks) {
    out << b.title << "\n";
    size_t w[6] = {0, 0, 0, 0, 0, 0};
    auto widen = [&](const ReportRow &r) {
      const std::string *c[6] = {&r.reg, &r.value, &r.lsb, &r.representable, &r.needed, &r.error};
      for (int i = 0; i < 6; ++i)
        w[i] = std::max(w[i], c[i]->size());
    };
    widen(head);
    for (const ReportRow &r : b.rows)
      widen(r);
    auto line = [&](const ReportRow &r) {
      const std::string *c[6] = {&r.reg, &r.value, &r.lsb, &r.representable, &r.needed, &r.error};
      out << "   ";
      for (int i = 0; i < 6; ++i)
        out << " " << std::left << std::setw(int(i == 5 ? 0 : w[i] + 1)) << *c[i];
      out << "\n";
    };
    line(head);
    for (const ReportRow &r : b.rows)
      line(r);
    for (const std::string &n : b.notes)
      out << "    " << n << "\n";
  }
  out << "(LSB: model units per register step; error/step: worst case one step adds to the model value from the "
         "register's rounding, decays rounded toward zero and 12-bit decay factors; weights: per spike; "
         "docs/loihi.md §3)\n";
}

} // namespace nsc::loihi
