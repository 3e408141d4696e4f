//===- StateLayout.h - Where a model's per-neuron values live ---*- C++ -*-===//
//
// The one definition of the per-neuron state layout that every executing
// target shares: the interpreter (eval::ModelExecutor), the network engine,
// the cpu backend's generated step functions (backends/cpu/lib/StepABI.h),
// the cuda backend's kernels and network image, the Loihi mapping and the
// Verilog core builder. Nothing else computes slots.
//
// State is structure-of-arrays. Every variable of a model (parameters,
// internals, states, locals and arguments; a vector variable has one column
// per element) owns one slot, a column of 8-byte cells, in the variable
// order of the IR: variable v's element e is slot(v) + e, and rowSize is
// the number of slots. The cell of a variable holds
//   real             -> Real64:   a double (a float32 variable holds the
//                                 binary32 value widened to double)
//   int              -> Int64:    an int64_t
//   bool             -> Bool:     an int64_t 0 or 1 (code that stores one
//                                 must store exactly 0 or 1)
//   real, fixed(Qm.n) (R28-R31)
//                    -> FixedRaw: the raw integer (value * 2^n) in an
//                                 int64_t; `fixed` says which format
// (any other type kind, which no stored variable has, is Int64).
// Ports likewise: port p's element e is port slot portSlot(p) + e, and
// portSlots is the number of port slots; a port slot's cells are this
// step's summed weights (double) and arrival counts (uint32_t), whatever
// the port's type.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Model.h"
#include "nsc/ir/Type.h"

#include <cstdint>
#include <vector>

namespace nsc::ir {

/// How one 8-byte cell encodes a value (see the file comment).
enum class CellEncoding { Real64, Int64, Bool, FixedRaw };

/// The encoding of a stored value of type t.
CellEncoding cellEncodingOf(const Type &t);
/// "real64", "int64", "bool", "fixed_raw".
const char *cellEncodingName(CellEncoding e);

struct StateLayout {
  /// One variable's cells.
  struct VarCells {
    unsigned slot = 0;     // its first slot; element e is slot + e
    unsigned elements = 1; // vectorSize, or 1 for a scalar
    CellEncoding encoding = CellEncoding::Real64;
    Precision fixed;       // FixedRaw: the Qm.n format of the raw integer
  };
  /// One port's slots.
  struct PortCells {
    unsigned slot = 0;
    unsigned elements = 1;
  };

  std::vector<VarCells> vars;   // by VarId
  std::vector<PortCells> ports; // by port index
  unsigned rowSize = 0;         // variable slots per neuron
  unsigned portSlots = 0;       // port slots per neuron

  unsigned slot(VarId v) const { return vars[v].slot; }
  unsigned elements(VarId v) const { return vars[v].elements; }
  CellEncoding encoding(VarId v) const { return vars[v].encoding; }
  bool isFixedRaw(VarId v) const { return vars[v].encoding == CellEncoding::FixedRaw; }
  unsigned portSlot(uint32_t p) const { return ports[p].slot; }
  unsigned portElements(uint32_t p) const { return ports[p].elements; }
};

/// The layout of m's variables and ports.
StateLayout layoutOf(const Model &m);

} // namespace nsc::ir
