// The fixed-point rules on a GPU (docs/cuda.md, "Fixed point"): every
// operation of ir/include/nsc/ir/FixedPointCore.h — the code behind
// nsc/ir/FixedPoint.h that the interpreter and the cuda kernels share — is
// evaluated on edge vectors (format limits, rounding ties, division by
// zero, wrap-around, NaN/infinite/huge inputs, 64-bit formats) by the host
// and by a kernel, and the raw results must be equal; the host's must also
// hash to the value nsc-ir-tests (FixedPointVectorsTest) requires from
// FixedPoint.h itself, so nvcc's compilation is checked against the
// library's on this machine too.
//
//   nvcc -std=c++17 --fmad=false -I ir/include fixed_point_device.cu -o fx_check
//   ./fx_check            exit 0: equal; 1: a difference; 77: no CUDA device (host part ran)
//
// check_cuda.py builds it for sm_80 and sm_90 in `compile` mode (the header
// compiles as device code, __int128 division included) and runs it in `run`
// mode.
#include "fixed_point_cases.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

using namespace nsc_fx_cases;

__global__ void evaluateAll(const Case *cases, i64 *out, size_t n) {
  size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = evaluate(cases[i]);
}

int main() {
  std::vector<Case> cases = makeCases();
  std::vector<i64> host(cases.size());
  for (size_t i = 0; i < cases.size(); ++i)
    host[i] = evaluate(cases[i]);
  unsigned long long h = hashResults(host);
  std::printf("fixed point: %zu cases evaluated on the host (nvcc's host code), hash 0x%llx\n", cases.size(), h);
  if (h != kGoldenHash) {
    std::printf("FAIL: the results differ from nsc/ir/FixedPoint.h's (hash 0x%llx expected; "
                "test/unit/ir/FixedPointVectorsTest.cpp)\n", kGoldenHash);
    return 1;
  }
  int devices = 0;
  cudaError_t e = cudaGetDeviceCount(&devices);
  if (e != cudaSuccess || devices == 0) {
    std::printf("SKIP device part: no CUDA device (%s)\n", e != cudaSuccess ? cudaGetErrorString(e) : "none");
    return 77;
  }
  Case *dc = nullptr;
  i64 *dout = nullptr;
  if (cudaMalloc(&dc, cases.size() * sizeof(Case)) != cudaSuccess ||
      cudaMalloc(&dout, cases.size() * sizeof(i64)) != cudaSuccess ||
      cudaMemcpy(dc, cases.data(), cases.size() * sizeof(Case), cudaMemcpyHostToDevice) != cudaSuccess) {
    std::printf("FAIL: device allocation or copy\n");
    return 1;
  }
  evaluateAll<<<(unsigned)((cases.size() + 255) / 256), 256>>>(dc, dout, cases.size());
  std::vector<i64> device(cases.size());
  if (cudaMemcpy(device.data(), dout, cases.size() * sizeof(i64), cudaMemcpyDeviceToHost) != cudaSuccess) {
    std::printf("FAIL: kernel or copy back: %s\n", cudaGetErrorString(cudaGetLastError()));
    return 1;
  }
  size_t differ = 0;
  for (size_t i = 0; i < cases.size(); ++i)
    if (host[i] != device[i] && differ++ < 10) {
      const Case &c = cases[i];
      std::printf("differ: op %d a %lld (f%d) b %lld (f%d) d %.17g -> Q%d.%d r%d o%d: host %lld, device %lld\n", c.op,
                  c.a, c.fa, c.b, c.fb, c.d, c.pr.intBits, c.pr.fracBits, c.pr.rounding, c.pr.overflow, host[i],
                  device[i]);
    }
  std::printf("fixed point on the device: %zu of %zu cases differ from the host\n", differ, cases.size());
  return differ ? 1 : 0;
}
