// Generated CUDA step kernels as host C++ (test/cuda/check_cuda.py
// `emulate`): the CUDA keywords and intrinsics the generated .cu and
// nsc_cuda_runtime.cuh use, defined for one thread per block, run one after
// the other. Round-to-nearest intrinsics are plain IEEE operations (compile
// with -ffp-contract=off); atomics are plain read-modify-writes; a warp
// vote sees only its own lane. Only the model step kernels are run this way
// (spike compaction then writes garbage to the spike list, which the
// emulation does not read: it reads the multiplicities and the state).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <math.h>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(x)
#define __shared__ static

struct nsc_emu_dim3 {
  unsigned x = 0, y = 0, z = 0;
};
inline nsc_emu_dim3 blockIdx, threadIdx, blockDim, gridDim;

inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __ddiv_rn(double a, double b) { return a / b; }
inline double __dsqrt_rn(double a) { return std::sqrt(a); }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fsqrt_rn(float a) { return std::sqrt(a); }
inline unsigned __umulhi(unsigned a, unsigned b) { return unsigned((unsigned long long)a * b >> 32); }
inline float __int_as_float(int x) {
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}
inline double __longlong_as_double(long long x) {
  double d;
  std::memcpy(&d, &x, 8);
  return d;
}
template <class T> T atomicAdd(T *p, T v) {
  T old = *p;
  *p = old + v;
  return old;
}
template <class T> T atomicOr(T *p, T v) {
  T old = *p;
  *p = old | v;
  return old;
}
template <class T> T atomicMin(T *p, T v) {
  T old = *p;
  *p = v < old ? v : old;
  return old;
}
template <class T> T atomicCAS(T *p, T cmp, T v) {
  T old = *p;
  if (old == cmp)
    *p = v;
  return old;
}
inline unsigned __ballot_sync(unsigned, int pred) { return pred ? 1u : 0u; }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline void __syncthreads() {}
template <class T> T __shfl_sync(unsigned, T v, int, int = 32) { return v; }
