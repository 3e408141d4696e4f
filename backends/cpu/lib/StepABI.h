//===- StepABI.h - How generated step functions meet the runtime -*- C++ -*-===//
//
// The contract between the LLVM code generator (ModelCodegen) and the network
// engine's CPU population kernel (CpuKernel). It is internal to the cpu
// backend: the layout below is what generated code indexes, so both sides
// include this one header.
//
// State is structure-of-arrays in the layout of nsc/ir/StateLayout.h
// (ir::layoutOf, the one definition every target shares): columns[slot] is
// the column of 8-byte cells of variable slot `slot` (real -> double, int ->
// int64_t, bool -> int64_t 0 or 1, which generated code must store exactly;
// fixed point -> the raw int64_t), and port slot p has a column of double
// sums and one of uint32_t arrival counts for this step.
//
// Per model the generator emits
//   extern "C" uint32_t nsc_step_<symbol>(const nsc_step_args *args);
// which, for every neuron i in [begin, end), runs in order: `update`, the
// on_receive handlers whose port had an arrival (count > 0) in the order of
// docs/semantics.md R8 (priority descending, then declaration order), and the
// on_condition blocks in declaration order (R11); it writes spiked[i] = 1 if
// the neuron called emit_spike() this step and 0 otherwise (always written),
// and sets neuron i's cells of every port value and count column to zero:
// the ring slot is free for the next round (docs/semantics.md R5), and
// clearing it here, while the cells are in cache and with plain stores, is
// cheaper than a separate pass.
// The return value is a bit set of nsc_step_status.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

extern "C" {

/// Per-thread run-time context (warnings, fatal errors, the random key).
struct nsc_runtime;

struct nsc_step_args {
  uint64_t begin, end;       // neuron range to advance
  uint64_t step;             // k: the step goes from t_k to t_{k+1}
  double tMs;                // double(k) * dt, the value of time() in this step
  void *const *columns;      // columns[slot]: the population's column for that slot (n cells)
  const double *const *portValue;    // portValue[portSlot][i]
  const uint32_t *const *portCount;  // portCount[portSlot][i]
  uint8_t *spiked;           // spiked[i], i in [begin, end)
  nsc_runtime *rt;
  /// One cell per variable slot: the value of every variable the function
  /// was specialised as uniform (generateStepFunction's `uniform`), read
  /// once per call instead of once per neuron. Other cells are unused.
  const void *uniforms;
};

enum nsc_step_status : uint32_t {
  NSC_STEP_OK = 0,
  /// Some real State variable of some neuron in the range is NaN or infinite
  /// after the step; the engine finds the first one and reports it.
  NSC_STEP_NONFINITE = 1,
  /// nsc_rt_fatal was called; the run stops (message in the context).
  NSC_STEP_FATAL = 2,
};

/// Synapse models (SynapseCodegen.h): one synapse on its scratch row, the
/// ModelExecutor's row (slot s of ir::layoutOf is row[s], an 8-byte cell).
///   uint32_t nsc_step_<symbol>_synapse(nsc_synapse_args *args);
/// runs `update:` when runUpdate != 0, then the onReceive handlers of the
/// ports whose bit is set in `arrived`, in R8 order; returns a bit set of
/// nsc_step_status plus NSC_SYNAPSE_EMITTED when emit_spike(w, d) was
/// called (its arguments, from the first call, are in emit).
///   uint32_t nsc_step_<symbol>_catchup(uint64_t *row, uint64_t from, uint64_t to,
///                                      uint64_t synapse, nsc_runtime *rt, const double *zeroPorts);
/// runs `update:` for each step j in [from, to) with time() = double(j)*dt,
/// step j's stream-6 draws and the ports reading zeroPorts (all 0).
struct nsc_synapse_args {
  uint64_t *row;
  const double *ports; // by port slot
  uint64_t arrived;    // bit p: spike port p received
  uint64_t runUpdate;
  uint64_t step;
  double tMs;
  uint64_t synapse;    // R33 synapse index: the random draws' index
  nsc_runtime *rt;
  double emit[3];      // weight, delay, number of arguments
};
enum { NSC_SYNAPSE_EMITTED = 4 };

// Support routines the generated code calls (defined in RuntimeSupport.cpp,
// handed to the JIT as absolute symbols and to objects by name).

/// Size and alignment of the per-neuron random stream buffer (an alloca in
/// generated code) that nsc_rt_rng_init fills.
enum { NSC_RNG_BUFFER_BYTES = 256, NSC_RNG_BUFFER_ALIGN = 16 };
void nsc_rt_rng_init(void *buffer, const nsc_runtime *rt, uint64_t neuron, uint64_t step);
double nsc_rt_rng_uniform(void *buffer, double lo, double hi);
double nsc_rt_rng_normal(void *buffer, double mean, double sd);
double nsc_rt_rng_lognormal(void *buffer, double mu, double sigma);
double nsc_rt_rng_exponential(void *buffer, double rate);
int64_t nsc_rt_rng_poisson(void *buffer, double mean);

/// Messages from print/println/info/warning: begin, pieces, end.
void nsc_rt_msg_begin(nsc_runtime *rt);
void nsc_rt_msg_str(nsc_runtime *rt, const char *text);
void nsc_rt_msg_real(nsc_runtime *rt, double v);  // "%.17g", as the interpreter
void nsc_rt_msg_int(nsc_runtime *rt, int64_t v);
void nsc_rt_msg_bool(nsc_runtime *rt, int64_t v);
/// kind: 0 print (no newline), 1 println, 2 info (newline), 3 warning
/// (counted as "<model>: <text>", like the interpreter's warnings()).
void nsc_rt_msg_end(nsc_runtime *rt, uint32_t kind);

/// The interpreter's recoverable trouble, counted under the same text.
void nsc_rt_warn_index(nsc_runtime *rt, int64_t index, uint64_t size); // index clamped
void nsc_rt_warn_int_div_zero(nsc_runtime *rt);
void nsc_rt_warn_for_step_zero(nsc_runtime *rt);
/// Stops the run: 1 = a for loop ran more than 10^8 iterations, 2 = a while
/// loop did (same messages as the interpreter), 3 = user functions nested
/// more than 256 calls deep (the interpreter's "function 'NAME' recursed
/// more than 256 levels"; sema forbids recursion, the IR does not).
void nsc_rt_fatal(nsc_runtime *rt, uint32_t code);

/// Fixed-point operations that generated code does not inline (R28-R31,
/// nsc/ir/FixedPoint.h). A format travels packed in one i64:
/// intBits | fracBits << 8 | rounding << 16 | overflow << 24.
int64_t nsc_rt_fx_input(double v, int64_t format);        // fx::inputFromDouble
int64_t nsc_rt_fx_from_double(double v, int64_t format);  // fx::fromDouble (R31)
/// op: 0 div, 1 mod (a in fa, b in fb, result in fr).
int64_t nsc_rt_fx_binary(uint32_t op, int64_t a, int64_t fa, int64_t b, int64_t fb, int64_t fr);
/// op: 0 floor, 1 ceil, 2 round, 3 abs, 4 real -> integer (fr ignored).
int64_t nsc_rt_fx_unary(uint32_t op, int64_t a, int64_t fa, int64_t fr);
int64_t nsc_rt_fx_scale(int64_t a, int64_t fa, double factor, int64_t fr); // fx::scaleBy

} // extern "C"
