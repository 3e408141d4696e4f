//===- FixedProgram.h - A neuron's step as straight-line integer code -*- C++ -*-===//
//
// The fixed-point neuron core of docs/verilog.md §6 executes one neuron's
// step (update, onReceive, onCondition after if-conversion) as a list of
// single-assignment integer operations. The Verilog backend builds the list
// from the model's IR and emits one datapath operation per entry; this
// header evaluates the same list in C++ with the integer rules of
// docs/semantics.md R28-R30 (exact result in 128 bits, one rounding to the
// format's fraction bits with its rounding mode, then saturate or wrap).
// It is the C++ reference the generated Verilator harness steps beside the
// RTL, and nsc's unit tests check it bit for bit against the interpreter's
// FixedEval (nsc/ir/FixedPoint.h). Header-only and free of other nsc
// headers: the backend copies it next to the harness.
//
// Every fixed-point value of a program has the model's one format Qm.n;
// integers are 64-bit two's complement (wrapping, as the interpreter's
// int64); booleans are 0/1.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nsc::hw {

enum class FxRounding : uint8_t { NearestEven, TowardZero, Floor };

struct FxFormat {
  int intBits = 8, fracBits = 8; // Qm.n: m + n bits, m including the sign
  FxRounding rounding = FxRounding::NearestEven;
  bool saturate = true; // false: wrap
  int width() const { return intBits + fracBits; }
  int64_t maxRaw() const { return width() >= 64 ? INT64_MAX : int64_t((uint64_t(1) << (width() - 1)) - 1); }
  int64_t minRaw() const { return -maxRaw() - 1; }
};

enum class ValueKind : uint8_t { Fixed, Int, Bool };

/// One operation. Operands a, b, c are indices of earlier values.
enum class FxOp : uint8_t {
  Const,     // k (raw fixed, int or 0/1)
  State,     // state variable a of the neuron (its stored value)
  Theta,     // the neuron's threshold from the homeostat, in the format
  PortSum,   // spike port a's weight sum of this step (raw, the format's
             // fraction bits), brought into the format with its overflow mode
  PortRecv,  // port a received at least one spike this step
  Add, Sub, Mul, Neg, Abs, Min, Max, // fixed (R29) or, for Int values, int64
  Lt, Le, Gt, Ge, Eq, Ne,            // on a's kind; result Bool
  And, Or, Not,
  Select,    // a ? b : c
  IntToFixed // fromInt: a·2^n, then the overflow mode
};

struct FxInstr {
  FxOp op = FxOp::Const;
  ValueKind kind = ValueKind::Fixed; // kind of the result
  int32_t a = -1, b = -1, c = -1;
  int64_t k = 0;
};

struct FxProgram {
  FxFormat format;
  std::vector<FxInstr> code;
  std::vector<ValueKind> stateKinds; // per state variable
  std::vector<int32_t> stateNext;    // per state variable: the value it holds after the step
  int32_t spike = -1;                // Bool value: the neuron emits a spike (-1: never)
  uint32_t ports = 0;                // spike ports (PortSum / PortRecv operands)
};

namespace fxrules {

using i128 = __int128;

/// v·2^-s rounded with mode r (s >= 0). NSC_HW_WRONG_FIXED_ROUNDING turns
/// nearest-even into floor and the other modes into nearest-even: the
/// harness's self-test builds the reference that way and must then fail.
inline i128 shiftRound(i128 v, int s, FxRounding r) {
#ifdef NSC_HW_WRONG_FIXED_ROUNDING
  r = r == FxRounding::NearestEven ? FxRounding::Floor : FxRounding::NearestEven;
#endif
  if (s <= 0)
    return v * (i128(1) << -s);
  i128 q = v >> s; // floor (arithmetic shift of a signed __int128)
  i128 rem = v - q * (i128(1) << s);
  if (rem == 0)
    return q;
  switch (r) {
  case FxRounding::Floor: return q;
  case FxRounding::TowardZero: return v < 0 ? q + 1 : q;
  case FxRounding::NearestEven: {
    i128 half = i128(1) << (s - 1);
    return (rem > half || (rem == half && (q & 1) != 0)) ? q + 1 : q;
  }
  }
  return q;
}

/// The format's overflow mode applied to an exact raw value; `ovf` is set
/// when the value lay outside the range (saturated or wrapped).
inline int64_t overflow(i128 v, const FxFormat &f, bool &ovf) {
  const i128 hi = f.maxRaw(), lo = f.minRaw();
  if (v >= lo && v <= hi)
    return int64_t(v);
  ovf = true;
  if (f.saturate)
    return v > hi ? int64_t(hi) : int64_t(lo);
  const int w = f.width();
  uint64_t bits = uint64_t(static_cast<unsigned __int128>(v));
  if (w < 64) {
    uint64_t mask = (uint64_t(1) << w) - 1;
    bits &= mask;
    if (bits >> (w - 1))
      bits |= ~mask;
  }
  return int64_t(bits);
}

} // namespace fxrules

/// The inputs of one neuron's step and what it leaves.
struct FxNeuronStep {
  const int64_t *state = nullptr;  // per state variable (ints sign-extended, bools 0/1)
  int64_t theta = 0;               // raw, the program's format
  const int64_t *portSum = nullptr; // per port: exact sum of the raw weights
  const bool *portRecv = nullptr;  // per port
};

/// Runs the program for one neuron. Writes the new state to `next`
/// (per state variable), returns whether it spiked; `overflowed` is set when
/// any fixed-point result left the format's range (saturated or wrapped).
inline bool runFxProgram(const FxProgram &p, const FxNeuronStep &in, int64_t *next, bool &overflowed,
                         std::vector<int64_t> &values) {
  using fxrules::i128;
  const FxFormat &F = p.format;
  values.assign(p.code.size(), 0);
  bool ovf = false;
  for (size_t i = 0; i < p.code.size(); ++i) {
    const FxInstr &I = p.code[i];
    const int64_t a = I.a >= 0 ? values[size_t(I.a)] : 0, b = I.b >= 0 ? values[size_t(I.b)] : 0;
    const bool intOp = I.a >= 0 && p.code[size_t(I.a)].kind == ValueKind::Int;
    auto fit = [&](i128 v) { return fxrules::overflow(v, F, ovf); };
    int64_t r = 0;
    switch (I.op) {
    case FxOp::Const: r = I.k; break;
    case FxOp::State: r = in.state[I.a]; break;
    case FxOp::Theta: r = in.theta; break;
    case FxOp::PortSum: r = fit(i128(in.portSum[I.a])); break;
    case FxOp::PortRecv: r = in.portRecv[I.a] ? 1 : 0; break;
    case FxOp::Add: r = intOp ? int64_t(uint64_t(a) + uint64_t(b)) : fit(i128(a) + b); break;
    case FxOp::Sub: r = intOp ? int64_t(uint64_t(a) - uint64_t(b)) : fit(i128(a) - b); break;
    case FxOp::Mul:
      r = intOp ? int64_t(uint64_t(a) * uint64_t(b)) : fit(fxrules::shiftRound(i128(a) * b, F.fracBits, F.rounding));
      break;
    case FxOp::Neg: r = intOp ? int64_t(0 - uint64_t(a)) : fit(-i128(a)); break;
    case FxOp::Abs: r = intOp ? (a < 0 ? int64_t(0 - uint64_t(a)) : a) : fit(a < 0 ? -i128(a) : i128(a)); break;
    case FxOp::Min: r = b < a ? b : a; break;
    case FxOp::Max: r = b > a ? b : a; break;
    case FxOp::Lt: r = a < b; break;
    case FxOp::Le: r = a <= b; break;
    case FxOp::Gt: r = a > b; break;
    case FxOp::Ge: r = a >= b; break;
    case FxOp::Eq: r = a == b; break;
    case FxOp::Ne: r = a != b; break;
    case FxOp::And: r = (a && b) ? 1 : 0; break;
    case FxOp::Or: r = (a || b) ? 1 : 0; break;
    case FxOp::Not: r = a ? 0 : 1; break;
    case FxOp::Select: r = a ? b : values[size_t(I.c)]; break;
    case FxOp::IntToFixed: r = fit(i128(a) * (i128(1) << F.fracBits)); break;
    }
    values[i] = r;
  }
  for (size_t s = 0; s < p.stateNext.size(); ++s)
    next[s] = values[size_t(p.stateNext[s])];
  overflowed = ovf;
  return p.spike >= 0 && values[size_t(p.spike)] != 0;
}

/// Q8.8 θ from the homeostat in the program's format, as the network
/// runtime stores it (θ/256 converted like a start-up value, R31):
/// nearest-even to n fraction bits, saturating.
inline int64_t thetaToFormat(int64_t theta, const FxFormat &f) {
  const int s = 8 - f.fracBits;
  fxrules::i128 v;
  if (s <= 0) {
    v = fxrules::i128(theta) * (fxrules::i128(1) << -s);
  } else {
    fxrules::i128 q = theta >> s, rem = theta - q * (fxrules::i128(1) << s), half = fxrules::i128(1) << (s - 1);
    v = (rem > half || (rem == half && (q & 1) != 0)) ? q + 1 : q;
  }
  FxFormat sat = f;
  sat.saturate = true;
  bool unused = false;
  return fxrules::overflow(v, sat, unused);
}

} // namespace nsc::hw
