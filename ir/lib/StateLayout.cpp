//===- StateLayout.cpp - Where a model's per-neuron values live -----------===//
#include "nsc/ir/StateLayout.h"

namespace nsc::ir {

CellEncoding cellEncodingOf(const Type &t) {
  switch (t.kind) {
  case TypeKind::Real: return t.precision.kind == Precision::Fixed ? CellEncoding::FixedRaw : CellEncoding::Real64;
  case TypeKind::Bool: return CellEncoding::Bool;
  default: return CellEncoding::Int64;
  }
}

const char *cellEncodingName(CellEncoding e) {
  switch (e) {
  case CellEncoding::Real64: return "real64";
  case CellEncoding::Int64: return "int64";
  case CellEncoding::Bool: return "bool";
  case CellEncoding::FixedRaw: return "fixed_raw";
  }
  return "real64";
}

StateLayout layoutOf(const Model &m) {
  StateLayout l;
  l.vars.reserve(m.variables.size());
  for (const Variable &v : m.variables) {
    StateLayout::VarCells c;
    c.slot = l.rowSize;
    c.elements = v.vectorSize ? v.vectorSize : 1;
    c.encoding = cellEncodingOf(v.type);
    if (c.encoding == CellEncoding::FixedRaw)
      c.fixed = v.type.precision;
    l.rowSize += c.elements;
    l.vars.push_back(c);
  }
  l.ports.reserve(m.ports.size());
  for (const Port &p : m.ports) {
    StateLayout::PortCells c;
    c.slot = l.portSlots;
    c.elements = p.vectorSize ? p.vectorSize : 1;
    l.portSlots += c.elements;
    l.ports.push_back(c);
  }
  return l;
}

} // namespace nsc::ir
