//===- nsc_cuda_abi.h - What nsc's CUDA kernels and their launcher share ---===//
//
// Part of the output of `nsc FILE --target=cuda -o DIR` (docs/cuda.md). The
// generated kernels (NAME.cu, through nsc_cuda_runtime.cuh) and the host
// launcher (nsc_cuda_launcher.cpp) both include this header: the structs
// below are passed by value as kernel parameters, so both sides must see the
// same layout. Every field is 8 bytes wide (pointers travel as 64-bit
// integers), which makes the layout identical for nvcc, NVRTC and the host
// compiler without any packing rules.
//
// Memory layout, the same as the cpu runtime's (docs/cpu.md):
//  - state: rowSize columns of n 8-byte cells, cell (slot, i) at slot*n + i;
//    real -> double (a float32 variable holds the binary32 value widened),
//    integer -> int64, boolean -> int64 0 or 1;
//  - ring buffer: D slots of [portSlot][neuron]; value (double) and count
//    (uint32) of cell (slot, port, i) at (slot*ports + port)*n + i (R15).
//
//===----------------------------------------------------------------------===//
#ifndef NSC_CUDA_ABI_H
#define NSC_CUDA_ABI_H

typedef unsigned long long nsc_u64;
typedef long long nsc_i64;
typedef unsigned int nsc_u32;

/// Threads per block of every kernel (compaction assumes a multiple of 32).
#define NSC_BLOCK 256

/// Bits of nsc_pop.status[1]: recoverable trouble, reported as warnings.
#define NSC_WARN_INDEX 1u          /* a vector index was out of range (clamped) */
#define NSC_WARN_INT_DIV_ZERO 2u   /* integer division by zero (result 0) */
#define NSC_WARN_FOR_STEP_ZERO 4u  /* a for loop with step 0 was skipped */
/* Bits 16 + i: the model's i-th warning() call site ran (texts in the image). */
/// nsc_pop.status[2]: fatal codes (the run stops), as the cpu target's.
#define NSC_FATAL_FOR_LOOP 1u      /* a for loop ran more than 10^8 iterations */
#define NSC_FATAL_WHILE_LOOP 2u    /* a while loop did */

/// Population kinds (ir::PopulationKind).
#define NSC_POP_MODEL 0
#define NSC_POP_POISSON 1
#define NSC_POP_SPIKE_GENERATOR 2
#define NSC_POP_DC 3
#define NSC_POP_STEP_CURRENT 4

/// One population on the device.
struct nsc_pop {
  nsc_u64 n, D, ports, index;
  nsc_u64 state;        /* double/int64 cells, slot-major */
  nsc_u64 ring_value;   /* double [D][ports][n] */
  nsc_u64 ring_count;   /* uint32 [D][ports][n] */
  nsc_u64 count_weight; /* double [ports]: the weight of a count-mode port (docs/cuda.md) */
  nsc_u64 const_input;  /* double [ports]: --current-input, or 0 */
  nsc_u64 mult;         /* uint32 [n]: this step's spikes, multiplicity (0 = none) */
  nsc_u64 spikes;       /* uint32 [n]: this step's firing neurons, compacted */
  nsc_u64 spike_count;  /* uint32: entries in `spikes` (zeroed before each step) */
  nsc_u64 status;       /* uint64 [4]: first non-finite step (~0: none), warning bits, fatal code, fatal step */
  nsc_u64 rng_key;      /* k0 | k1 << 32: K(p, 1) for models, K(p, 0) for Poisson sources */
  double dt;
  /* Poisson sources (R20, R35): lambda per step and what inversion needs,
     computed on the host with nsc's portable exp. */
  double lambda, sub_lambda, exp_neg_sub;
  nsc_u64 parts;
  nsc_i64 start_step, stop_step;
  /* spike_generator: (step, multiplicity) pairs; step_current_generator:
     (step, value) pairs; dc_generator: amplitude. */
  nsc_u64 schedule_step;  /* uint64 [schedule_len] */
  nsc_u64 schedule_value; /* uint64 multiplicities or double values */
  nsc_u64 schedule_len;
  double amplitude;
  nsc_u64 kind;
};

/// One static projection on the device: CSR by source (the reference order,
/// R17) and the same synapses as CSC by target, stable, so each target's
/// column is in (source, row position) order.
struct nsc_proj {
  nsc_u64 src_n, tgt_n, D, ports, base_port;
  nsc_i64 neg_port;       /* split port (R5), or -1 */
  nsc_u64 src_mult, src_spikes, src_spike_count;
  nsc_u64 ring_value, ring_count;  /* the target's ring */
  nsc_u64 row_ptr, row_tgt, row_w, row_d;  /* uint64 [src_n+1], uint32, double, uint32 */
  nsc_u64 col_ptr, col_src, col_w, col_d;  /* uint64 [tgt_n+1], uint32, double, uint32 */
  nsc_u64 src_pop;        /* continuous projections: the source's nsc_pop (device copy) */
};

/// Delivery strategies (docs/cuda.md "Spike delivery").
#define NSC_DELIVER_PRE_COUNT 0   /* pre-synaptic span, one warp per spike, atomic counts */
#define NSC_DELIVER_POST_ORDERED 1 /* post-synaptic span, one thread per target, reference order */
#define NSC_DELIVER_POST_SHARED 2  /* the same, the source's spikes staged in shared memory */
#define NSC_DELIVER_CURRENT 3      /* continuous input from a current source (R18) */

#endif
