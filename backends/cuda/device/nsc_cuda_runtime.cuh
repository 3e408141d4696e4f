//===- nsc_cuda_runtime.cuh - Device code every nsc CUDA output shares ----===//
//
// Part of the output of `nsc FILE --target=cuda` (docs/cuda.md). Included by
// the generated NAME.cu; compiles with nvcc and with NVRTC (no system
// headers: NVRTC has none).
//
// Floating point: every float operation in generated code is an explicit
// round-to-nearest intrinsic (__dadd_rn, __fmul_rn, ...), which the compiler
// never contracts into an FMA whatever --fmad says (docs/semantics.md R25,
// R26). The launcher also compiles with --fmad=false --ftz=false
// --prec-div=true --prec-sqrt=true for what the intrinsics do not cover.
//
//===----------------------------------------------------------------------===//
#ifndef NSC_CUDA_RUNTIME_CUH
#define NSC_CUDA_RUNTIME_CUH

#include "nsc_cuda_abi.h"
// exp, expm1, log, pow, tanh, sin, cos: the interpreter's and the cpu
// target's functions, operation for operation (runtime/include/nsc/
// runtime/VectorMath.h, copied next to this file).
#include "VectorMath.h"

#define NSC_PTR(T, x) (reinterpret_cast<T *>(x))

//===----------------------------------------------------------------------===//
// Philox-4x32-10 and nsc's counters (R32-R34), bit for bit the host's
// runtime/lib/Philox.cpp and Random.cpp.
//===----------------------------------------------------------------------===//

struct nsc_block4 { nsc_u32 w[4]; };

__device__ __forceinline__ nsc_block4 nsc_philox(nsc_u32 c0, nsc_u32 c1, nsc_u32 c2, nsc_u32 c3,
                                                 nsc_u32 k0, nsc_u32 k1) {
#pragma unroll
  for (int round = 0; round < 10; ++round) {
    nsc_u32 hi0 = __umulhi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
    nsc_u32 hi1 = __umulhi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
    nsc_u32 n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  nsc_block4 out = {{c0, c1, c2, c3}};
  return out;
}

/// U = ((a >> 5)·2^26 + (b >> 6))·2^-53 (R34); every operation is exact.
__device__ __forceinline__ double nsc_uniform_from_words(nsc_u32 a, nsc_u32 b) {
  return __dmul_rn(__dadd_rn(__dmul_rn((double)(a >> 5), 67108864.0), (double)(b >> 6)),
                   1.1102230246251565e-16 /* 2^-53 */);
}

/// A per-step stream (key, i, step) of R33: block b has counter
/// (i_lo32, i_hi16 | b << 16, step_lo32, step_hi32). Streams 0 and 1.
struct nsc_rng {
  nsc_u32 k0, k1;
  nsc_u64 i, step, next, cached;
  nsc_block4 words;
};

__device__ __forceinline__ void nsc_rng_init(nsc_rng &r, nsc_u64 key, nsc_u64 i, nsc_u64 step) {
  r.k0 = (nsc_u32)key;
  r.k1 = (nsc_u32)(key >> 32);
  r.i = i;
  r.step = step;
  r.next = 0;
  r.cached = ~0ull;
}

/// The next uniform (R34). More than 2^16 blocks in one step (the host
/// throws) is reported through `overflow`.
__device__ __forceinline__ double nsc_rng_next(nsc_rng &r, nsc_u32 *overflow) {
  nsc_u64 b = r.next >> 1;
  if (b > 0xFFFFull) {
    *overflow = 1;
    b &= 0xFFFFull;
  }
  if (b != r.cached) {
    r.words = nsc_philox((nsc_u32)r.i, (nsc_u32)((r.i >> 32) & 0xFFFFu) | ((nsc_u32)b << 16),
                         (nsc_u32)r.step, (nsc_u32)(r.step >> 32), r.k0, r.k1);
    r.cached = b;
  }
  double u = (r.next & 1) ? nsc_uniform_from_words(r.words.w[2], r.words.w[3])
                          : nsc_uniform_from_words(r.words.w[0], r.words.w[1]);
  ++r.next;
  return u;
}

/// random_uniform(lo, hi) = lo + (hi - lo)·U (R35).
__device__ __forceinline__ double nsc_rng_uniform(nsc_rng &r, double lo, double hi, nsc_u32 *overflow) {
  return __dadd_rn(lo, __dmul_rn(__dsub_rn(hi, lo), nsc_rng_next(r, overflow)));
}

/// One Poisson inversion draw (R35) with p0 = exp(-lambda) from the host's
/// portable exp; the loop is runtime/lib/Random.cpp's, operation for
/// operation.
__device__ __forceinline__ nsc_u64 nsc_poisson_inversion(double lambda, double p0, double u) {
  nsc_u64 x = 0;
  double p = p0, F = p0;
  while (u > F && F < 1.0) {
    x += 1;
    p = __dmul_rn(p, __ddiv_rn(lambda, (double)x));
    double next = __dadd_rn(F, p);
    if (next == F)
      break;
    F = next;
  }
  return x;
}

//===----------------------------------------------------------------------===//
// Integer rules of the interpreter (wrapping, division by zero, shifts).
//===----------------------------------------------------------------------===//

__device__ __forceinline__ nsc_i64 nsc_iadd(nsc_i64 a, nsc_i64 b) { return (nsc_i64)((nsc_u64)a + (nsc_u64)b); }
__device__ __forceinline__ nsc_i64 nsc_isub(nsc_i64 a, nsc_i64 b) { return (nsc_i64)((nsc_u64)a - (nsc_u64)b); }
__device__ __forceinline__ nsc_i64 nsc_imul(nsc_i64 a, nsc_i64 b) { return (nsc_i64)((nsc_u64)a * (nsc_u64)b); }
__device__ __forceinline__ nsc_i64 nsc_ineg(nsc_i64 a) { return (nsc_i64)(0ull - (nsc_u64)a); }
__device__ __forceinline__ nsc_i64 nsc_idiv(nsc_i64 a, nsc_i64 b, nsc_u64 *status) {
  if (b == 0) {
    atomicOr(&status[1], (nsc_u64)NSC_WARN_INT_DIV_ZERO);
    return 0;
  }
  const nsc_i64 kMin = (nsc_i64)0x8000000000000000ull;
  return (a == kMin && b == -1) ? a : a / b;
}
__device__ __forceinline__ nsc_i64 nsc_imod(nsc_i64 a, nsc_i64 b) {
  const nsc_i64 kMin = (nsc_i64)0x8000000000000000ull;
  return (b == 0 || (a == kMin && b == -1)) ? 0 : a % b;
}
__device__ __forceinline__ nsc_i64 nsc_ipow(nsc_i64 a, nsc_i64 b) {
  nsc_i64 acc = 1;
  for (nsc_i64 k = 0; k < b && k < 64; ++k)
    acc = nsc_imul(acc, a);
  return b < 0 ? 0 : acc;
}
__device__ __forceinline__ nsc_i64 nsc_ishl(nsc_i64 a, nsc_i64 b) {
  return b < 0 || b > 63 ? 0 : (nsc_i64)((nsc_u64)a << b);
}
__device__ __forceinline__ nsc_i64 nsc_ishr(nsc_i64 a, nsc_i64 b) {
  return b < 0 || b > 63 ? (a < 0 ? -1 : 0) : a >> b;
}
__device__ __forceinline__ nsc_i64 nsc_iabs(nsc_i64 a) { return a < 0 ? nsc_ineg(a) : a; }
__device__ __forceinline__ nsc_i64 nsc_imin(nsc_i64 a, nsc_i64 b) { return b < a ? b : a; }
__device__ __forceinline__ nsc_i64 nsc_imax(nsc_i64 a, nsc_i64 b) { return b > a ? b : a; }
__device__ __forceinline__ nsc_i64 nsc_iclip(nsc_i64 x, nsc_i64 lo, nsc_i64 hi) { return x < lo ? lo : x > hi ? hi : x; }

/// real -> integer: truncation, 0 for values that do not fit (the interpreter's rule).
__device__ __forceinline__ nsc_i64 nsc_real_to_int(double x) {
  return isfinite(x) && fabs(x) < 9.2e18 ? (nsc_i64)x : 0;
}

/// NaN-propagating min/max and clip, as the interpreter's.
__device__ __forceinline__ double nsc_dmin(double a, double b) { return isnan(a) || isnan(b) ? __longlong_as_double(0x7FF8000000000000ll) : (b < a ? b : a); }
__device__ __forceinline__ double nsc_dmax(double a, double b) { return isnan(a) || isnan(b) ? __longlong_as_double(0x7FF8000000000000ll) : (b > a ? b : a); }
__device__ __forceinline__ double nsc_dclip(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/// A vector index out of range is clamped and reported (the interpreter's rule).
__device__ __forceinline__ nsc_u64 nsc_index(nsc_i64 i, nsc_u64 size, nsc_u64 *status) {
  if (i < 0 || (nsc_u64)i >= size) {
    atomicOr(&status[1], (nsc_u64)NSC_WARN_INDEX);
    return i < 0 ? 0 : size - 1;
  }
  return (nsc_u64)i;
}

__device__ __forceinline__ nsc_i64 nsc_cell_i(const nsc_pop &P, nsc_u64 slot, nsc_u64 i) {
  return NSC_PTR(nsc_i64, P.state)[slot * P.n + i];
}
__device__ __forceinline__ double nsc_cell_r(const nsc_pop &P, nsc_u64 slot, nsc_u64 i) {
  return NSC_PTR(double, P.state)[slot * P.n + i];
}

/// The value a spike port reads in this step (R5, R9): the ring cell's sum,
/// or, for a count-mode port, the sum of `count` copies of its one weight
/// added one after the other from 0 — the cpu runtime's sum for any arrival
/// order (docs/cuda.md) — plus --current-input.
__device__ __forceinline__ double nsc_port_value(const nsc_pop &P, nsc_u64 base, nsc_u64 port, nsc_u64 i,
                                                 nsc_u32 count, bool countMode) {
  double v;
  if (countMode) {
    double w = NSC_PTR(const double, P.count_weight)[port];
    v = 0.0;
    for (nsc_u32 c = 0; c < count; ++c)
      v = __dadd_rn(v, w);
  } else {
    v = NSC_PTR(const double, P.ring_value)[base + port * P.n + i];
  }
  if (P.const_input) {
    double c = NSC_PTR(const double, P.const_input)[port];
    if (c != 0)
      v = __dadd_rn(v, c);
  }
  return v;
}

//===----------------------------------------------------------------------===//
// Spike compaction: one global atomic per block.
//===----------------------------------------------------------------------===//

/// Appends the block's firing neurons to P.spikes with a single atomicAdd
/// on P.spike_count per block; inside a block the entries are in neuron
/// order (warp by warp, lane by lane). Every thread of the block must call
/// it (it synchronises).
__device__ __forceinline__ void nsc_compact_spikes(const nsc_pop &P, bool fired, nsc_u64 i) {
  __shared__ nsc_u32 warpCount[NSC_BLOCK / 32];
  __shared__ nsc_u32 blockBase;
  const unsigned lane = threadIdx.x & 31u, warp = threadIdx.x >> 5;
  unsigned ballot = __ballot_sync(0xFFFFFFFFu, fired);
  if (lane == 0)
    warpCount[warp] = __popc(ballot);
  __syncthreads();
  if (threadIdx.x == 0) {
    nsc_u32 total = 0;
    for (unsigned w = 0; w < blockDim.x / 32; ++w) {
      nsc_u32 c = warpCount[w];
      warpCount[w] = total;
      total += c;
    }
    blockBase = total ? atomicAdd(NSC_PTR(nsc_u32, P.spike_count), total) : 0;
  }
  __syncthreads();
  if (fired)
    NSC_PTR(nsc_u32, P.spikes)[blockBase + warpCount[warp] + __popc(ballot & ((1u << lane) - 1u))] = (nsc_u32)i;
}

//===----------------------------------------------------------------------===//
// Sources (R20, R21): one thread per neuron, then compaction.
//===----------------------------------------------------------------------===//

extern "C" __global__ void nsc_poisson_source(nsc_pop P, nsc_u64 k) {
  nsc_u64 i = (nsc_u64)blockIdx.x * blockDim.x + threadIdx.x;
  nsc_u32 count = 0;
  bool active = (nsc_i64)k >= P.start_step && (P.stop_step == (nsc_i64)0x7FFFFFFFFFFFFFFFll || (nsc_i64)k < P.stop_step);
  if (i < P.n && active && P.lambda > 0) {
    nsc_rng r;
    nsc_rng_init(r, P.rng_key, i, k);
    nsc_u32 overflow = 0;
    nsc_u64 total = 0;
    if (P.parts <= 1) {
      total = nsc_poisson_inversion(P.lambda, P.exp_neg_sub, nsc_rng_next(r, &overflow));
    } else {
      for (nsc_u64 q = 0; q < P.parts; ++q)
        total += nsc_poisson_inversion(P.sub_lambda, P.exp_neg_sub, nsc_rng_next(r, &overflow));
    }
    count = (nsc_u32)total;
  }
  if (i < P.n)
    NSC_PTR(nsc_u32, P.mult)[i] = count;
  nsc_compact_spikes(P, count != 0, i);
}

extern "C" __global__ void nsc_spike_generator(nsc_pop P, nsc_u64 k) {
  nsc_u64 i = (nsc_u64)blockIdx.x * blockDim.x + threadIdx.x;
  nsc_u32 count = 0;
  for (nsc_u64 q = 0; q < P.schedule_len; ++q)
    if (NSC_PTR(const nsc_u64, P.schedule_step)[q] == k)
      count += (nsc_u32)NSC_PTR(const nsc_u64, P.schedule_value)[q];
  if (i < P.n)
    NSC_PTR(nsc_u32, P.mult)[i] = count;
  nsc_compact_spikes(P, i < P.n && count != 0, i);
}

/// I(j) of a current source (R19).
__device__ __forceinline__ double nsc_current_at(const nsc_pop &S, nsc_i64 j) {
  if (S.kind == NSC_POP_DC)
    return j >= S.start_step && j < S.stop_step ? S.amplitude : 0.0;
  double v = 0;
  for (nsc_u64 q = 0; q < S.schedule_len && NSC_PTR(const nsc_i64, S.schedule_step)[q] <= j; ++q)
    v = NSC_PTR(const double, S.schedule_value)[q];
  return v;
}

//===----------------------------------------------------------------------===//
// Spike delivery (docs/cuda.md). Each generated projection kernel calls one
// of these with its strategy's constants.
//===----------------------------------------------------------------------===//

/// Pre-synaptic span: one warp per spike of this step, the lanes stride
/// over its row and count arrivals with atomics. Only for count-mode ports:
/// integer counts are order-free, so the result does not depend on which
/// warp comes first.
template <bool ConstDelay>
__device__ __forceinline__ void nsc_deliver_pre_count(const nsc_proj &Q, nsc_u64 k, nsc_u32 constDelay) {
  const nsc_u32 spikes = *NSC_PTR(const nsc_u32, Q.src_spike_count);
  const nsc_u64 lane = threadIdx.x & 31u;
  const nsc_u64 warps = ((nsc_u64)gridDim.x * blockDim.x) >> 5;
  for (nsc_u64 w = ((nsc_u64)blockIdx.x * blockDim.x + threadIdx.x) >> 5; w < spikes; w += warps) {
    nsc_u32 s = NSC_PTR(const nsc_u32, Q.src_spikes)[w];
    nsc_u32 m = NSC_PTR(const nsc_u32, Q.src_mult)[s];
    nsc_u64 b = NSC_PTR(const nsc_u64, Q.row_ptr)[s], e = NSC_PTR(const nsc_u64, Q.row_ptr)[s + 1];
    for (nsc_u64 at = b + lane; at < e; at += 32) {
      nsc_u64 d = ConstDelay ? constDelay : NSC_PTR(const nsc_u32, Q.row_d)[at];
      nsc_u64 t = NSC_PTR(const nsc_u32, Q.row_tgt)[at];
      atomicAdd(NSC_PTR(nsc_u32, Q.ring_count) + (((k + d) % Q.D) * Q.ports + Q.base_port) * Q.tgt_n + t, m);
    }
  }
}

/// Post-synaptic span: one thread per target neuron walks its column in
/// (source, row position) order and adds each arriving weight to its ring
/// cell, so every cell receives the cpu runtime's additions in the cpu
/// runtime's order (R17) and no atomics are needed. Shared: the source's
/// multiplicities are first staged in shared memory (dense projections,
/// where every block reads most of them). CountMode: the target port only
/// counts (see nsc_port_value).
template <bool Shared, nsc_u32 SharedSources, bool CountMode>
__device__ __forceinline__ void nsc_deliver_post(const nsc_proj &Q, nsc_u64 k) {
  __shared__ nsc_u32 staged[Shared ? SharedSources : 1];
  if (Shared) {
    for (nsc_u64 s = threadIdx.x; s < Q.src_n; s += blockDim.x)
      staged[s] = NSC_PTR(const nsc_u32, Q.src_mult)[s];
    __syncthreads();
  }
  nsc_u64 t = (nsc_u64)blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= Q.tgt_n)
    return;
  if (!Shared && *NSC_PTR(const nsc_u32, Q.src_spike_count) == 0)
    return;
  const nsc_u64 b = NSC_PTR(const nsc_u64, Q.col_ptr)[t], e = NSC_PTR(const nsc_u64, Q.col_ptr)[t + 1];
  double *ringValue = NSC_PTR(double, Q.ring_value);
  nsc_u32 *ringCount = NSC_PTR(nsc_u32, Q.ring_count);
  for (nsc_u64 at = b; at < e; ++at) {
    nsc_u32 s = NSC_PTR(const nsc_u32, Q.col_src)[at];
    nsc_u32 m = Shared ? staged[s] : NSC_PTR(const nsc_u32, Q.src_mult)[s];
    if (!m)
      continue;
    double w = NSC_PTR(const double, Q.col_w)[at];
    nsc_u64 port = Q.base_port;
    if (Q.neg_port >= 0 && w < 0) {
      port = (nsc_u64)Q.neg_port;
      w = -w;
    }
    nsc_u64 d = NSC_PTR(const nsc_u32, Q.col_d)[at];
    nsc_u64 r = (((k + d) % Q.D) * Q.ports + port) * Q.tgt_n + t;
    if (!CountMode)
      ringValue[r] = __dadd_rn(ringValue[r], m == 1 ? w : __dmul_rn(w, (double)m));
    ringCount[r] += m;
  }
}

/// Continuous input (R18): port value += w · I(k − d + 1), per target in
/// (source, row position) order, projection after projection, as the cpu
/// runtime adds them before the model phase of step k.
__device__ __forceinline__ void nsc_deliver_current(const nsc_proj &Q, nsc_u64 k) {
  nsc_u64 t = (nsc_u64)blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= Q.tgt_n)
    return;
  const nsc_pop &S = *NSC_PTR(const nsc_pop, Q.src_pop);
  const nsc_u64 b = NSC_PTR(const nsc_u64, Q.col_ptr)[t], e = NSC_PTR(const nsc_u64, Q.col_ptr)[t + 1];
  double *ringValue = NSC_PTR(double, Q.ring_value);
  for (nsc_u64 at = b; at < e; ++at) {
    nsc_i64 j = (nsc_i64)k - (nsc_i64)NSC_PTR(const nsc_u32, Q.col_d)[at] + 1;
    double I = j < 0 ? 0.0 : nsc_current_at(S, j);
    double w = NSC_PTR(const double, Q.col_w)[at];
    nsc_u64 port = Q.base_port;
    if (Q.neg_port >= 0 && w < 0) {
      port = (nsc_u64)Q.neg_port;
      w = -w;
    }
    nsc_u64 r = ((k % Q.D) * Q.ports + port) * Q.tgt_n + t;
    ringValue[r] = __dadd_rn(ringValue[r], __dmul_rn(w, I));
  }
}

//===----------------------------------------------------------------------===//
// Recording into device buffers (copied back in batches by the launcher).
//===----------------------------------------------------------------------===//

/// Appends (step, neuron, multiplicity) of this step's spikes of neurons in
/// [begin, end) to `out` (3 uint32 per spike; step modulo 2^32, the launcher
/// restores it); `*count` is the number of entries written so far.
extern "C" __global__ void nsc_record_spikes(nsc_pop P, nsc_u64 k, nsc_u64 begin, nsc_u64 end, nsc_u64 out,
                                             nsc_u64 count, nsc_u64 capacity) {
  nsc_u64 q = (nsc_u64)blockIdx.x * blockDim.x + threadIdx.x;
  if (q >= *NSC_PTR(const nsc_u32, P.spike_count))
    return;
  nsc_u32 i = NSC_PTR(const nsc_u32, P.spikes)[q];
  if (i < begin || i >= end)
    return;
  nsc_u64 at = atomicAdd(NSC_PTR(nsc_u64, count), 1ull);
  if (at < capacity) {
    nsc_u32 *row = NSC_PTR(nsc_u32, out) + 3 * at;
    row[0] = (nsc_u32)k;
    row[1] = i;
    row[2] = NSC_PTR(const nsc_u32, P.mult)[i];
  }
}

/// Copies `items` cells (slots[q], kind[q]: 0 real, 1 integer/boolean,
/// 2 | n << 8 fixed point with n fraction bits, recorded as X·2^-n) of
/// neurons [begin, end) into sample `sample` of `out` (double [sample][neuron][item]).
extern "C" __global__ void nsc_record_trace(nsc_pop P, nsc_u64 begin, nsc_u64 end, nsc_u64 slots, nsc_u64 kinds,
                                            nsc_u64 items, nsc_u64 out, nsc_u64 sample) {
  nsc_u64 q = (nsc_u64)blockIdx.x * blockDim.x + threadIdx.x;
  nsc_u64 width = end - begin;
  if (q >= width * items)
    return;
  nsc_u64 i = begin + q / items, item = q % items;
  nsc_u64 slot = NSC_PTR(const nsc_u64, slots)[item];
  nsc_u64 kind = NSC_PTR(const nsc_u64, kinds)[item];
  double v = kind == 0   ? nsc_cell_r(P, slot, i)
             : kind == 1 ? (double)nsc_cell_i(P, slot, i)
                         : ldexp((double)nsc_cell_i(P, slot, i), -(int)(kind >> 8));
  NSC_PTR(double, out)[sample * width * items + q] = v;
}

#endif
