//===- nsc_cuda_launcher.cpp - Runs an nsc CUDA output on a GPU -----------===//
//
// See nsc_cuda_launcher.h. Per step k, in one stream (so in this order,
// docs/semantics.md §2 and docs/cuda.md):
//   1. zero every population's spike counter;
//   2. continuous-input kernels (R18), projection order;
//   3. each model population's step kernel (phases 1-4, spike compaction);
//   4. each source's kernel (R20, R21);
//   5. each projection's delivery kernel, declaration order (R14, R17);
//   6. spike recording; trace sampling when (k + 1) is a multiple of the
//      recorder's interval (R22).
// Every `batch` steps the recordings and status words are copied back.
//
//===----------------------------------------------------------------------===//
#include "nsc_cuda_launcher.h"

#include "nsc_cuda_abi.h"
#include "nsc_cuda_image.h"

#include <cuda.h>
#include <nvrtc.h>

#include <dlfcn.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

namespace nsc_cuda {

namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

//===----------------------------------------------------------------------===//
// The driver API and NVRTC, loaded at run time: a machine without a GPU
// driver (no libcuda.so.1) can still start the program and be told so,
// and the toolkit version need not match the one nsc was built with.
//===----------------------------------------------------------------------===//

#define NSC_STR2(x) #x
#define NSC_STR(x) NSC_STR2(x) /* after macro expansion: cuMemAlloc -> "cuMemAlloc_v2" */
#define NSC_CU_FUNCTIONS(X)                                                                        \
  X(cuInit) X(cuDeviceGetCount) X(cuDeviceGet) X(cuDeviceGetAttribute) X(cuDeviceGetName)         \
  X(cuDevicePrimaryCtxRetain) X(cuDevicePrimaryCtxRelease) X(cuCtxSetCurrent) X(cuGetErrorName)   \
  X(cuGetErrorString) X(cuLaunchKernel) X(cuMemAlloc) X(cuMemFree) X(cuMemcpyDtoH) X(cuMemcpyHtoD) \
  X(cuMemsetD32Async) X(cuMemsetD8) X(cuModuleGetFunction) X(cuModuleLoad) X(cuModuleLoadData)    \
  X(cuModuleUnload) X(cuStreamCreate) X(cuStreamSynchronize)
#define NSC_NVRTC_FUNCTIONS(X)                                                                     \
  X(nvrtcCompileProgram) X(nvrtcCreateProgram) X(nvrtcDestroyProgram) X(nvrtcGetErrorString)      \
  X(nvrtcGetPTX) X(nvrtcGetPTXSize) X(nvrtcGetProgramLog) X(nvrtcGetProgramLogSize)

struct Api {
#define NSC_MEMBER(f) decltype(&::f) f = nullptr;
  NSC_CU_FUNCTIONS(NSC_MEMBER)
  NSC_NVRTC_FUNCTIONS(NSC_MEMBER)
#undef NSC_MEMBER
  bool cudaLoaded = false, nvrtcLoaded = false;
  std::string cudaError, nvrtcError;

  Api() {
    void *cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!cuda) {
      cudaError = "the CUDA driver library libcuda.so.1 is not installed";
    } else {
      cudaLoaded = true;
#define NSC_LOAD(f)                                                                                \
  if (!(f = reinterpret_cast<decltype(f)>(dlsym(cuda, NSC_STR(f))))) {                             \
    cudaLoaded = false;                                                                            \
    cudaError = std::string("libcuda.so.1 lacks ") + NSC_STR(f);                                   \
  }
      NSC_CU_FUNCTIONS(NSC_LOAD)
#undef NSC_LOAD
    }
    void *nvrtc = nullptr;
    for (const char *name : {"libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2",
#ifdef NSC_CUDA_LIBDIR
                             NSC_CUDA_LIBDIR "/libnvrtc.so",
#endif
                             "/usr/local/cuda/lib64/libnvrtc.so"})
      if ((nvrtc = dlopen(name, RTLD_NOW | RTLD_LOCAL)))
        break;
    if (!nvrtc) {
      nvrtcError = "libnvrtc.so not found";
    } else {
      nvrtcLoaded = true;
#define NSC_LOAD(f)                                                                                \
  if (!(f = reinterpret_cast<decltype(f)>(dlsym(nvrtc, NSC_STR(f))))) {                            \
    nvrtcLoaded = false;                                                                           \
    nvrtcError = std::string("libnvrtc lacks ") + NSC_STR(f);                                      \
  }
      NSC_NVRTC_FUNCTIONS(NSC_LOAD)
#undef NSC_LOAD
    }
  }
};

Api &api() {
  static Api a;
  return a;
}


//===----------------------------------------------------------------------===//
// CUDA helpers
//===----------------------------------------------------------------------===//

std::string cuText(CUresult r) {
  const char *name = nullptr, *text = nullptr;
  api().cuGetErrorName(r, &name);
  api().cuGetErrorString(r, &text);
  return std::string(name ? name : "CUDA error") + (text ? std::string(": ") + text : "");
}

/// Device memory freed at scope exit.
struct DeviceBuffer {
  CUdeviceptr ptr = 0;
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer &) = delete;
  ~DeviceBuffer() {
    if (ptr)
      api().cuMemFree(ptr);
  }
};

class Session {
public:
  ~Session() {
    buffers_.clear();
    if (module_)
      api().cuModuleUnload(module_);
    if (ctx_)
      api().cuDevicePrimaryCtxRelease(dev_);
  }
  LaunchStatus run(const LaunchOptions &o, LaunchResult &res, std::string &error);

private:
  bool check(CUresult r, const char *what, std::string &error) {
    if (r == CUDA_SUCCESS)
      return true;
    error = std::string(what) + ": " + cuText(r);
    return false;
  }
  /// Allocates and uploads; 0 for empty data.
  CUdeviceptr upload(const void *data, size_t bytes, std::string &error) {
    if (!bytes)
      return 0;
    auto b = std::make_unique<DeviceBuffer>();
    if (!check(api().cuMemAlloc(&b->ptr, bytes), "cuMemAlloc", error))
      return 0;
    if (data && !check(api().cuMemcpyHtoD(b->ptr, data, bytes), "cuMemcpyHtoD", error))
      return 0;
    if (!data && !check(api().cuMemsetD8(b->ptr, 0, bytes), "cuMemsetD8", error))
      return 0;
    CUdeviceptr p = b->ptr;
    buffers_.push_back(std::move(b));
    return p;
  }
  template <class T> CUdeviceptr upload(const std::vector<T> &v, std::string &error) {
    return upload(v.data(), v.size() * sizeof(T), error);
  }
  bool loadModule(const LaunchOptions &o, LaunchResult &res, std::string &error);
  bool kernel(const std::string &name, CUfunction &f, std::string &error) {
    return check(api().cuModuleGetFunction(&f, module_, name.c_str()), ("kernel '" + name + "'").c_str(), error);
  }
  bool launch1(CUfunction f, uint64_t threads, void **args, std::string &error) {
    uint64_t blocks = std::max<uint64_t>(1, (threads + NSC_BLOCK - 1) / NSC_BLOCK);
    blocks = std::min<uint64_t>(blocks, 0x7FFFFFFFull);
    return check(api().cuLaunchKernel(f, unsigned(blocks), 1, 1, NSC_BLOCK, 1, 1, 0, stream_, args, nullptr),
                 "cuLaunchKernel", error);
  }

  // The steps of run(), in order.
  LaunchStatus openDevice(const LaunchOptions &o, LaunchResult &res, std::string &error);
  bool uploadPopulations(LaunchResult &res, std::string &error);
  bool uploadProjections(std::string &error);
  bool loadKernels(std::string &error);
  bool allocateRecordings(const LaunchOptions &o, LaunchResult &res, std::string &error);
  bool launchStep(const LaunchOptions &o, uint64_t k, std::string &error);
  /// Copies the recordings of the last batch back and checks the status words.
  bool drain(const LaunchOptions &o, LaunchResult &res, uint64_t stepsDone, std::string &error);
  bool drainSpikes(const LaunchOptions &o, LaunchResult &res, std::string &error);
  bool drainTraces(LaunchResult &res, std::string &error);
  bool checkStatus(LaunchResult &res, std::string &error);

  struct TraceBuf {
    CUdeviceptr slots = 0, kinds = 0, out = 0;
    uint64_t samples = 0, capacity = 0;
  };

  CUdevice dev_ = 0;
  CUcontext ctx_ = nullptr;
  CUmodule module_ = nullptr;
  CUstream stream_ = nullptr;
  int major_ = 0, minor_ = 0;
  std::vector<std::unique_ptr<DeviceBuffer>> buffers_;

  Image img_;
  // Per population: its descriptor, that descriptor on the device, its step kernel.
  std::vector<nsc_pop> pops_;
  std::vector<CUdeviceptr> popOnDevice_;
  std::vector<CUfunction> popKernel_;
  uint64_t totalN_ = 0;
  // Per projection: its descriptor and its delivery kernel.
  std::vector<nsc_proj> projs_;
  std::vector<CUfunction> projKernel_;
  CUfunction recordSpikes_ = nullptr, recordTrace_ = nullptr;
  // Recording: `batch_` steps between copies, the first step of this batch.
  uint64_t batch_ = 1, batchStart_ = 0;
  std::vector<CUdeviceptr> spikeBuf_, spikeCount_;
  std::vector<TraceBuf> traceBuf_;
};

bool Session::loadModule(const LaunchOptions &o, LaunchResult &res, std::string &error) {
  auto t0 = Clock::now();
  const std::string &path = o.module;
  bool isSource = path.size() > 3 && path.compare(path.size() - 3, 3, ".cu") == 0;
  if (!isSource) {
    bool ok = check(api().cuModuleLoad(&module_, path.c_str()), ("loading '" + path + "'").c_str(), error);
    res.compileMs = msSince(t0);
    return ok;
  }
  if (!api().nvrtcLoaded) {
    error = "NVRTC (libnvrtc) is not available: " + api().nvrtcError + "; compile '" + path +
            "' with nvcc -ptx and pass the .ptx";
    return false;
  }
  std::ifstream in(path);
  if (!in) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::string src((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nvrtcProgram prog;
  if (api().nvrtcCreateProgram(&prog, src.c_str(), path.c_str(), 0, nullptr, nullptr) != NVRTC_SUCCESS) {
    error = "nvrtcCreateProgram failed";
    return false;
  }
  std::string arch = "--gpu-architecture=compute_" + std::to_string(major_) + std::to_string(minor_);
  std::string inc = "--include-path=" + (o.includeDir.empty() ? std::string(".") : o.includeDir);
  // R25, R26: no FMA contraction, no flush to zero, IEEE division and sqrt.
  std::vector<const char *> opts = {arch.c_str(), inc.c_str(), "--std=c++17", "--fmad=false", "--ftz=false",
                                    "--prec-div=true", "--prec-sqrt=true"};
  // Fixed-point kernels compute in __int128 (FixedPointCore.h), which NVRTC
  // accepts only when asked (CUDA 11.5 and later).
  if (src.find("FixedPointCore.h") != std::string::npos)
    opts.push_back("--device-int128");
  nvrtcResult cr = api().nvrtcCompileProgram(prog, int(opts.size()), opts.data());
  size_t logSize = 0;
  api().nvrtcGetProgramLogSize(prog, &logSize);
  std::string log(logSize, '\0');
  if (logSize)
    api().nvrtcGetProgramLog(prog, log.data());
  if (cr != NVRTC_SUCCESS) {
    api().nvrtcDestroyProgram(&prog);
    error = "NVRTC could not compile '" + path + "': " + api().nvrtcGetErrorString(cr) + "\n" + log;
    return false;
  }
  size_t ptxSize = 0;
  api().nvrtcGetPTXSize(prog, &ptxSize);
  std::string ptx(ptxSize, '\0');
  api().nvrtcGetPTX(prog, ptx.data());
  api().nvrtcDestroyProgram(&prog);
  bool ok = check(api().cuModuleLoadData(&module_, ptx.c_str()), "loading the compiled kernels", error);
  res.compileMs = msSince(t0);
  return ok;
}

LaunchStatus Session::run(const LaunchOptions &o, LaunchResult &res, std::string &error) {
  if (!readImage(o.image, img_, error))
    return kLaunchError;
  LaunchStatus opened = openDevice(o, res, error);
  if (opened != kLaunchOk)
    return opened;

  auto t0 = Clock::now();
  if (!uploadPopulations(res, error) || !uploadProjections(error) || !loadKernels(error) ||
      !allocateRecordings(o, res, error))
    return kLaunchError;
  res.uploadMs = msSince(t0);
  res.dtMs = img_.dt;

  auto t1 = Clock::now();
  for (uint64_t k = 0; k < o.steps; ++k) {
    if (!launchStep(o, k, error))
      return kLaunchError;
    if ((k + 1) % batch_ == 0 || k + 1 == o.steps)
      if (!drain(o, res, k + 1, error))
        return kLaunchError;
    res.steps = k + 1;
  }
  res.runMs = msSince(t1);
  return kLaunchOk;
}

/// The driver, the device, its primary context, the kernels and a stream.
LaunchStatus Session::openDevice(const LaunchOptions &o, LaunchResult &res, std::string &error) {
  if (!api().cudaLoaded) {
    error = "no CUDA device: " + api().cudaError;
    return kLaunchNoDevice;
  }
  CUresult init = api().cuInit(0);
  int count = 0;
  if (init != CUDA_SUCCESS || api().cuDeviceGetCount(&count) != CUDA_SUCCESS || count == 0) {
    error = "no CUDA device: " + (init != CUDA_SUCCESS ? cuText(init) : std::string("the driver reports none"));
    return kLaunchNoDevice;
  }
  if (o.device < 0 || o.device >= count) {
    error = "no CUDA device " + std::to_string(o.device) + " (" + std::to_string(count) + " present)";
    return kLaunchNoDevice;
  }
  if (!check(api().cuDeviceGet(&dev_, o.device), "cuDeviceGet", error) ||
      !check(api().cuDevicePrimaryCtxRetain(&ctx_, dev_), "cuDevicePrimaryCtxRetain", error) ||
      !check(api().cuCtxSetCurrent(ctx_), "cuCtxSetCurrent", error))
    return kLaunchError;
  api().cuDeviceGetAttribute(&major_, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev_);
  api().cuDeviceGetAttribute(&minor_, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev_);
  char name[256] = {0};
  api().cuDeviceGetName(name, sizeof name - 1, dev_);
  res.device = std::string(name) + " (sm_" + std::to_string(major_) + std::to_string(minor_) + ")";
  if (!loadModule(o, res, error))
    return kLaunchError;
  if (!check(api().cuStreamCreate(&stream_, CU_STREAM_NON_BLOCKING), "cuStreamCreate", error))
    return kLaunchError;
  return kLaunchOk;
}

bool Session::uploadPopulations(LaunchResult &res, std::string &error) {
  const size_t P = img_.pops.size();
  pops_.resize(P);
  popOnDevice_.assign(P, 0);
  for (size_t p = 0; p < P; ++p) {
    const ImagePop &ip = img_.pops[p];
    nsc_pop &d = pops_[p];
    std::memset(&d, 0, sizeof d);
    d.n = ip.n;
    d.D = ip.D;
    d.ports = ip.ports;
    d.index = p;
    d.kind = ip.kind;
    d.dt = img_.dt;
    d.rng_key = ip.rngKey;
    d.lambda = ip.lambda;
    d.sub_lambda = ip.subLambda;
    d.exp_neg_sub = ip.expNegSub;
    d.parts = ip.parts;
    d.start_step = ip.start;
    d.stop_step = ip.stop;
    d.amplitude = ip.amplitude;
    totalN_ += ip.n;
    if (ip.kind == NSC_POP_MODEL) {
      d.state = upload(ip.cells, error);
      d.ring_value = upload(nullptr, ip.D * ip.ports * ip.n * sizeof(double), error);
      d.ring_count = upload(nullptr, ip.D * ip.ports * ip.n * sizeof(uint32_t), error);
      d.count_weight = upload(ip.countWeight, error);
      bool anyInput = std::any_of(ip.constInput.begin(), ip.constInput.end(), [](double c) { return c != 0; });
      d.const_input = anyInput ? upload(ip.constInput, error) : 0;
    }
    d.mult = upload(nullptr, std::max<uint64_t>(1, ip.n) * sizeof(uint32_t), error);
    d.spikes = upload(nullptr, std::max<uint64_t>(1, ip.n) * sizeof(uint32_t), error);
    d.spike_count = upload(nullptr, sizeof(uint32_t), error);
    uint64_t status[4] = {~0ull, 0, 0, 0};
    d.status = upload(status, sizeof status, error);
    d.schedule_step = upload(ip.schedStep, error);
    d.schedule_value = upload(ip.schedValue, error);
    d.schedule_len = ip.schedStep.size();
    if (!error.empty())
      return false;
    popOnDevice_[p] = upload(&d, sizeof d, error);
    res.populations.push_back(ip.name);
    res.populationSize.push_back(ip.n);
    res.isSource.push_back(ip.kind != NSC_POP_MODEL);
  }
  res.populationSpikes.assign(P, 0);
  // A failed descriptor upload leaves `error` set for a later step's check.
  return true;
}

/// A projection's synapses by target (CSC): a stable counting sort of the
/// rows, so each column is in (source, row position) order.
struct Columns {
  std::vector<uint64_t> ptr;
  std::vector<uint32_t> src, delay;
  std::vector<double> weight;
};

Columns columnsOf(const ImageProj &ip, uint64_t srcN, uint64_t tgtN) {
  const size_t S = ip.targets.size();
  Columns c;
  c.ptr.assign(tgtN + 1, 0);
  for (uint32_t t : ip.targets)
    ++c.ptr[t + 1];
  for (uint64_t t = 0; t < tgtN; ++t)
    c.ptr[t + 1] += c.ptr[t];
  std::vector<uint64_t> fill(c.ptr.begin(), c.ptr.end() - 1);
  c.src.resize(S);
  c.delay.resize(S);
  c.weight.resize(S);
  for (uint64_t s = 0; s < srcN; ++s)
    for (uint64_t at = ip.rowPtr[s]; at < ip.rowPtr[s + 1]; ++at) {
      uint64_t to = fill[ip.targets[at]]++;
      c.src[to] = uint32_t(s);
      c.weight[to] = ip.weights[at];
      c.delay[to] = ip.delays[at];
    }
  return c;
}

/// Projections: CSR as written (reference order) for pre-synaptic
/// delivery, else CSC (columnsOf).
bool Session::uploadProjections(std::string &error) {
  projs_.resize(img_.projs.size());
  projKernel_.assign(img_.projs.size(), nullptr);
  for (size_t q = 0; q < img_.projs.size(); ++q) {
    const ImageProj &ip = img_.projs[q];
    const ImagePop &src = img_.pops[ip.src], &tgt = img_.pops[ip.tgt];
    nsc_proj &d = projs_[q];
    std::memset(&d, 0, sizeof d);
    d.src_n = src.n;
    d.tgt_n = tgt.n;
    d.D = tgt.D;
    d.ports = tgt.ports;
    d.base_port = ip.basePort;
    d.neg_port = ip.negPort;
    d.src_mult = pops_[ip.src].mult;
    d.src_spikes = pops_[ip.src].spikes;
    d.src_spike_count = pops_[ip.src].spike_count;
    d.ring_value = pops_[ip.tgt].ring_value;
    d.ring_count = pops_[ip.tgt].ring_count;
    d.src_pop = popOnDevice_[ip.src];
    Columns cols = columnsOf(ip, src.n, tgt.n);
    if (ip.strategy == NSC_DELIVER_PRE_COUNT) {
      d.row_ptr = upload(ip.rowPtr, error);
      d.row_tgt = upload(ip.targets, error);
      d.row_d = upload(ip.delays, error);
    } else {
      d.col_ptr = upload(cols.ptr, error);
      d.col_src = upload(cols.src, error);
      d.col_w = upload(cols.weight, error);
      d.col_d = upload(cols.delay, error);
    }
    if (!error.empty() || !kernel(ip.kernel, projKernel_[q], error))
      return false;
  }
  return true;
}

bool Session::loadKernels(std::string &error) {
  const size_t P = img_.pops.size();
  popKernel_.assign(P, nullptr);
  for (size_t p = 0; p < P; ++p)
    if (!img_.pops[p].kernel.empty() && !kernel(img_.pops[p].kernel, popKernel_[p], error))
      return false;
  return kernel("nsc_record_spikes", recordSpikes_, error) && kernel("nsc_record_trace", recordTrace_, error);
}

/// Recording buffers: up to `batch_` steps of every neuron firing, and of
/// every recorder's samples.
bool Session::allocateRecordings(const LaunchOptions &o, LaunchResult &res, std::string &error) {
  const size_t P = img_.pops.size();
  batch_ = std::clamp<uint64_t>((uint64_t(64) << 20) / std::max<uint64_t>(1, 12 * totalN_), 1, 1000);
  spikeBuf_.assign(P, 0);
  spikeCount_.assign(P, 0);
  if (o.recordSpikes)
    for (size_t p = 0; p < P; ++p) {
      spikeBuf_[p] = upload(nullptr, std::max<uint64_t>(1, batch_ * img_.pops[p].n) * 12, error);
      spikeCount_[p] = upload(nullptr, 8, error);
    }
  traceBuf_.resize(img_.recorders.size());
  for (size_t r = 0; r < img_.recorders.size(); ++r) {
    const ImageRecorder &c = img_.recorders[r];
    TraceBuf &b = traceBuf_[r];
    b.slots = upload(c.slots, error);
    b.kinds = upload(c.kinds, error);
    b.capacity = std::max<uint64_t>(1, batch_ / c.every + 1);
    b.out = upload(nullptr, b.capacity * (c.end - c.begin) * c.slots.size() * sizeof(double), error);
    TraceOutput t;
    t.label = c.label;
    t.population = uint32_t(c.pop);
    t.variables = c.names;
    res.traces.push_back(std::move(t));
  }
  return error.empty();
}

/// Step k's kernels, in the order of the file comment (1-6).
bool Session::launchStep(const LaunchOptions &o, uint64_t k, std::string &error) {
  const size_t P = img_.pops.size();
  for (size_t p = 0; p < P; ++p)
    if (!check(api().cuMemsetD32Async(pops_[p].spike_count, 0, 1, stream_), "cuMemsetD32Async", error))
      return false;
  for (size_t q = 0; q < img_.projs.size(); ++q)
    if (img_.projs[q].strategy == NSC_DELIVER_CURRENT) {
      void *args[] = {&projs_[q], &k};
      if (!launch1(projKernel_[q], projs_[q].tgt_n, args, error))
        return false;
    }
  for (int pass = 0; pass < 2; ++pass) // models first, then sources (R20: sources emit after the model phase)
    for (size_t p = 0; p < P; ++p) {
      bool model = img_.pops[p].kind == NSC_POP_MODEL;
      if (!popKernel_[p] || model != (pass == 0) || !img_.pops[p].n)
        continue;
      void *args[] = {&pops_[p], &k};
      if (!launch1(popKernel_[p], img_.pops[p].n, args, error))
        return false;
    }
  for (size_t q = 0; q < img_.projs.size(); ++q) {
    const ImageProj &ip = img_.projs[q];
    if (ip.strategy == NSC_DELIVER_CURRENT)
      continue;
    void *args[] = {&projs_[q], &k};
    uint64_t threads = ip.strategy == NSC_DELIVER_PRE_COUNT ? std::min<uint64_t>(img_.pops[ip.src].n, 1u << 16) * 32
                                                            : img_.pops[ip.tgt].n;
    if (!launch1(projKernel_[q], threads, args, error))
      return false;
  }
  for (size_t p = 0; p < P && o.recordSpikes; ++p) {
    uint64_t begin = 0, end = img_.pops[p].n, cap = batch_ * img_.pops[p].n;
    void *args[] = {&pops_[p], &k, &begin, &end, &spikeBuf_[p], &spikeCount_[p], &cap};
    if (img_.pops[p].n && !launch1(recordSpikes_, img_.pops[p].n, args, error))
      return false;
  }
  for (size_t r = 0; r < img_.recorders.size(); ++r) {
    const ImageRecorder &c = img_.recorders[r];
    if ((k + 1) % c.every)
      continue;
    TraceBuf &b = traceBuf_[r];
    uint64_t begin = c.begin, end = c.end, items = c.slots.size(), sample = b.samples++;
    void *args[] = {&pops_[c.pop], &begin, &end, &b.slots, &b.kinds, &items, &b.out, &sample};
    if ((end - begin) * items != 0 && !launch1(recordTrace_, (end - begin) * items, args, error))
      return false;
  }
  return true;
}

bool Session::drain(const LaunchOptions &o, LaunchResult &res, uint64_t stepsDone, std::string &error) {
  if (!check(api().cuStreamSynchronize(stream_), "running the kernels", error))
    return false;
  if (!drainSpikes(o, res, error) || !drainTraces(res, error) || !checkStatus(res, error))
    return false;
  batchStart_ = stepsDone;
  return true;
}

/// The batch's spikes, in (step, population, index) order.
bool Session::drainSpikes(const LaunchOptions &o, LaunchResult &res, std::string &error) {
  const size_t P = img_.pops.size();
  std::vector<SpikeEvent> events;
  for (size_t p = 0; p < P && o.recordSpikes; ++p) {
    uint64_t n = 0;
    if (!check(api().cuMemcpyDtoH(&n, spikeCount_[p], 8), "cuMemcpyDtoH", error))
      return false;
    if (n > batch_ * img_.pops[p].n) {
      error = "internal error: the spike buffer of '" + img_.pops[p].name + "' overflowed";
      return false;
    }
    std::vector<uint32_t> rows(3 * n);
    if (n && !check(api().cuMemcpyDtoH(rows.data(), spikeBuf_[p], rows.size() * 4), "cuMemcpyDtoH", error))
      return false;
    for (uint64_t e = 0; e < n; ++e) {
      // The kernel keeps the step's low 32 bits; the batch is shorter than 2^32 steps.
      uint64_t step = (batchStart_ & ~0xFFFFFFFFull) | rows[3 * e];
      if (step < batchStart_)
        step += uint64_t(1) << 32;
      events.push_back({step, uint32_t(p), rows[3 * e + 1], rows[3 * e + 2]});
      res.populationSpikes[p] += rows[3 * e + 2];
    }
    api().cuMemsetD8(spikeCount_[p], 0, 8);
  }
  std::sort(events.begin(), events.end(), [](const SpikeEvent &a, const SpikeEvent &b) {
    if (a.step != b.step)
      return a.step < b.step;
    if (a.population != b.population)
      return a.population < b.population;
    return a.index < b.index;
  });
  res.spikes.insert(res.spikes.end(), events.begin(), events.end());
  return true;
}

/// The batch's trace samples.
bool Session::drainTraces(LaunchResult &res, std::string &error) {
  for (size_t r = 0; r < img_.recorders.size(); ++r) {
    const ImageRecorder &c = img_.recorders[r];
    TraceBuf &b = traceBuf_[r];
    uint64_t width = c.end - c.begin, items = c.slots.size();
    std::vector<double> vals(b.samples * width * items);
    if (!vals.empty() && !check(api().cuMemcpyDtoH(vals.data(), b.out, vals.size() * 8), "cuMemcpyDtoH", error))
      return false;
    TraceOutput &t = res.traces[r];
    // Samples are taken after steps k with (k + 1) % every == 0 (R22).
    uint64_t first = (batchStart_ + c.every) / c.every;
    for (uint64_t s = 0; s < b.samples; ++s)
      for (uint64_t i = 0; i < width; ++i) {
        t.step.push_back((first + s) * c.every - 1);
        t.index.push_back(c.begin + i);
        t.values.insert(t.values.end(), vals.begin() + (s * width + i) * items,
                        vals.begin() + (s * width + i + 1) * items);
      }
    b.samples = 0;
  }
  return true;
}

/// The populations' status words: warnings are collected (and cleared),
/// a fatal loop or a non-finite state stops the run.
bool Session::checkStatus(LaunchResult &res, std::string &error) {
  const size_t P = img_.pops.size();
  for (size_t p = 0; p < P; ++p) {
    if (img_.pops[p].kind != NSC_POP_MODEL)
      continue;
    uint64_t st[4];
    if (!check(api().cuMemcpyDtoH(st, pops_[p].status, sizeof st), "cuMemcpyDtoH", error))
      return false;
    if (st[1] & NSC_WARN_INDEX)
      res.warnings.push_back(img_.pops[p].name + ": a vector index was out of range (clamped)");
    if (st[1] & NSC_WARN_INT_DIV_ZERO)
      res.warnings.push_back(img_.pops[p].name + ": integer division by zero (result 0)");
    if (st[1] & NSC_WARN_FOR_STEP_ZERO)
      res.warnings.push_back(img_.pops[p].name + ": for loop with step 0 skipped");
    for (size_t q = 0; q < img_.pops[p].warnings.size(); ++q)
      if (st[1] >> (16 + q) & 1)
        res.warnings.push_back(img_.pops[p].warnings[q] + " (population '" + img_.pops[p].name + "')");
    if (st[1]) {
      st[1] = 0;
      api().cuMemcpyHtoD(pops_[p].status + 8, &st[1], 8);
    }
    if (st[2]) {
      error = "population '" + img_.pops[p].name + "': " +
              (st[2] == NSC_FATAL_FOR_LOOP     ? "a for loop ran more than 10^8 iterations"
               : st[2] == NSC_FATAL_WHILE_LOOP ? "a while loop ran more than 10^8 iterations in one step"
                                               : "more than 65536 random blocks for one neuron in one step");
      return false;
    }
    if (st[0] != ~0ull) {
      char t[64];
      std::snprintf(t, sizeof t, "%.10g", double(st[0] + 1) * img_.dt);
      error = "numeric trouble: a state variable of population '" + img_.pops[p].name +
              "' became NaN or infinite in the step ending at t = " + t + " ms; the run stops (results after "
              "that step are discarded)";
      res.steps = st[0] + 1;
      return false;
    }
  }
  return true;
}

std::string timeText(uint64_t step, double dtMs) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", double(step + 1) * dtMs);
  return buf;
}

} // namespace

LaunchStatus launch(const LaunchOptions &options, LaunchResult &result, std::string &error) {
  Session s;
  return s.run(options, result, error);
}

bool probeDevice(int device, std::string &why) {
  if (!api().cudaLoaded) {
    why = api().cudaError;
    return false;
  }
  CUresult init = api().cuInit(0);
  int count = 0;
  if (init != CUDA_SUCCESS || api().cuDeviceGetCount(&count) != CUDA_SUCCESS || count == 0) {
    why = init != CUDA_SUCCESS ? cuText(init) : std::string("the driver reports none");
    return false;
  }
  if (device < 0 || device >= count) {
    why = "device " + std::to_string(device) + " requested, " + std::to_string(count) + " present";
    return false;
  }
  return true;
}

bool writeSpikesCsv(const LaunchResult &r, const std::string &path, std::string &error) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    error = "cannot open '" + path + "' for writing";
    return false;
  }
  out << "t_ms,population,index\n";
  for (const SpikeEvent &e : r.spikes)
    for (uint32_t m = 0; m < e.multiplicity; ++m)
      out << timeText(e.step, r.dtMs) << ',' << r.populations[e.population] << ',' << e.index << '\n';
  return bool(out);
}

bool writeTraceCsv(const LaunchResult &r, const TraceOutput &t, const std::string &path, std::string &error) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    error = "cannot open '" + path + "' for writing";
    return false;
  }
  out << "t_ms,population,index";
  for (const std::string &v : t.variables)
    out << ',' << v;
  out << '\n';
  size_t nv = t.variables.size();
  for (size_t row = 0; row < t.step.size(); ++row) {
    out << timeText(t.step[row], r.dtMs) << ',' << r.populations[t.population] << ',' << t.index[row];
    for (size_t v = 0; v < nv; ++v) {
      char buf[40];
      auto res = std::to_chars(buf, buf + sizeof buf, t.values[row * nv + v]);
      out << ',' << std::string(buf, res.ptr);
    }
    out << '\n';
  }
  return bool(out);
}

} // namespace nsc_cuda
