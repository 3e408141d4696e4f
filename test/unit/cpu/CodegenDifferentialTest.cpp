//===- CodegenDifferentialTest.cpp - Generated code vs the interpreter ----===//
//
// The cpu backend's contract: a model's JIT-compiled step function gives,
// bit for bit, the state the reference interpreter (ModelExecutor, driven per
// neuron as the interpreter's population kernel drives it) gives. For every
// example model, float32 variants and small models that exercise random
// draws, loops, functions, warnings and integer corner cases, N neurons
// (odd, not a multiple of any vector width) start from their initial values
// plus a per-neuron perturbation and receive random port inputs (values and
// arrival counts, many zero) for a few hundred steps; after every step every
// column cell is compared with memcmp, and so are the spike flags and the
// status bits. Warning counts are compared at the end.
//
//===----------------------------------------------------------------------===//
#include "Jit.h"
#include "ModelCodegen.h"
#include "RuntimeSupport.h"
#include "StepABI.h"

#include "nsc/frontend/CompilerSession.h"
#include "nsc/interp/ModelExecutor.h"
#include "nsc/passes/PassManager.h"
#include "nsc/runtime/Philox.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace nsc;
using nsc::interp::ModelExecutor;
using nsc::interp::NeuronFrame;
using nsc::interp::Value;

namespace {

using StepFn = uint32_t (*)(const nsc_step_args *);

//===----------------------------------------------------------------------===//
// Loading models
//===----------------------------------------------------------------------===//

/// A compiled program after the default pass pipeline.
struct Program {
  CompilerSession session;
  ir::Module *module = nullptr;
  std::string errors;

  bool load(const std::string &path, const std::string *contents, bool pipeline = true) {
    bool ok = true;
    if (contents)
      session.addInputBuffer(path, *contents);
    else
      ok = session.addInputFile(path);
    ok = ok && session.lower();
    if (ok && pipeline) {
      passes::PassManager pm;
      std::ostringstream log;
      passes::PassContext ctx(session.diagnostics(), log);
      ok = pm.addPipeline("default", session.diagnostics()) && pm.run(*session.module(), ctx);
    }
    for (auto &d : session.diagnostics().diagnostics())
      errors += session.diagnostics().format(d);
    if (ok && !session.diagnostics().hasErrors())
      module = session.module();
    return module != nullptr;
  }
};

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string examplePath(const std::string &name) { return std::string(NSC_SOURCE_DIR) + "/examples/" + name; }

/// The neuron models of a program, with the specializations its networks
/// made (another precision or dt for a population).
std::vector<const ir::Model *> neuronModels(const ir::Module &m) {
  std::vector<const ir::Model *> out;
  for (const auto &model : m.models)
    if (model->kind == ir::ModelKind::Neuron)
      out.push_back(model.get());
  return out;
}

//===----------------------------------------------------------------------===//
// Compiling
//===----------------------------------------------------------------------===//

/// One JIT for the whole file (the symbols of each compile are unique).
llvm::Expected<nsc::cpu::JitEngine *> sharedJit() {
  static std::unique_ptr<nsc::cpu::JitEngine> jit;
  if (!jit) {
    // Off the user's cache: a directory that cannot be created.
    setenv("NSC_CACHE_DIR", "/proc/nsc-no-cache-here", 1);
    auto e = nsc::cpu::JitEngine::create();
    if (!e)
      return e.takeError();
    jit = std::move(*e);
  }
  return jit.get();
}

std::string uniqueSymbol(const std::string &name) {
  static unsigned counter = 0;
  std::string s;
  for (char c : name)
    s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s + "_" + std::to_string(counter++);
}

StepFn compile(const ir::Model &m, double dtMs, std::string &error) {
  auto jit = sharedJit();
  if (!jit) {
    error = llvm::toString(jit.takeError());
    return nullptr;
  }
  auto ctx = std::make_unique<llvm::LLVMContext>();
  std::string symbol = uniqueSymbol(m.name);
  auto mod = nsc::cpu::generateStepFunction(m, dtMs, symbol, *ctx);
  if (!mod) {
    error = llvm::toString(mod.takeError());
    return nullptr;
  }
  auto added = (*jit)->addModule(std::move(*mod), std::move(ctx));
  if (!added) {
    error = llvm::toString(added.takeError());
    return nullptr;
  }
  auto addr = (*jit)->lookup(nsc::cpu::stepFunctionName(symbol));
  if (!addr) {
    error = llvm::toString(addr.takeError());
    return nullptr;
  }
  return reinterpret_cast<StepFn>(*addr);
}

//===----------------------------------------------------------------------===//
// The differential run
//===----------------------------------------------------------------------===//

/// splitmix64: the test's own inputs, reproducible.
struct TestRng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * double(next() >> 11) * 0x1p-53; }
};

/// A plausible magnitude for inputs on a port of this unit.
double portScale(const ir::Port &p) {
  std::string u = units::formatUnit(p.type.unit);
  if (u == "mV")
    return 3.0;
  if (u == "pA")
    return p.kind == ir::PortKind::Continuous ? 600.0 : 300.0;
  if (u == "nS")
    return 8.0;
  return 1.0;
}

struct DiffConfig {
  unsigned neurons = 37;
  unsigned steps = 200;
  uint64_t seed = 12345;
  /// Every other step runs the JIT in two calls ([0, 17) and [17, n)).
  bool splitRange = true;
};

struct DiffStats {
  uint64_t steps = 0, cells = 0, spikes = 0, warnings = 0, nans = 0;
  bool fatal = false;
};

std::string describe(const Value &v, ir::TypeKind k) {
  char buf[96];
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  if (k == ir::TypeKind::Real)
    std::snprintf(buf, sizeof buf, "%.17g (0x%016" PRIx64 ")", v.r, bits);
  else
    std::snprintf(buf, sizeof buf, "%" PRId64 " (0x%016" PRIx64 ")", v.i, bits);
  return buf;
}

class Differential {
public:
  Differential(const ir::Model &m, const DiffConfig &cfg)
      : m_(m), cfg_(cfg), dt_(m.semantics.dtMs), ex_(m, dt_), n_(cfg.neurons) {}

  ::testing::AssertionResult run(DiffStats &stats) {
    std::string error;
    StepFn step = compile(m_, dt_, error);
    if (!step)
      return ::testing::AssertionFailure() << "model '" << m_.name << "' does not compile: " << error;
    rngKey_ = runtime::deriveStreamKey(cfg_.seed, 0, runtime::Stream::NeuronRandom);
    initialise();
    jitCells_ = interpCells_;
    rt_.model = m_.name;
    rt_.rngKey = rngKey_;
    std::vector<void *> columns(ex_.rowSize());
    for (unsigned s = 0; s < ex_.rowSize(); ++s)
      columns[s] = jitCells_.data() + size_t(s) * n_;
    std::vector<const double *> portValues(ex_.portSlots());
    std::vector<const uint32_t *> portCounts(ex_.portSlots());
    for (unsigned s = 0; s < ex_.portSlots(); ++s) {
      portValues[s] = portValue_.data() + size_t(s) * n_;
      portCounts[s] = portCount_.data() + size_t(s) * n_;
    }
    std::vector<uint8_t> spiked(n_);
    for (uint64_t k = 0; k < cfg_.steps; ++k) {
      setInputs(k);
      bool interpNonFinite = false, interpFatal = false;
      std::vector<uint8_t> interpSpiked(n_, 0);
      for (uint64_t i = 0; i < n_ && !interpFatal; ++i) {
        NeuronFrame f = frame(i, k);
        interpFatal = !stepInterp(f, i);
        interpSpiked[i] = f.spiked;
        for (const ir::Variable &v : m_.variables)
          if (v.role == ir::VarRole::State && v.type.kind == ir::TypeKind::Real)
            interpNonFinite = interpNonFinite || !std::isfinite(f.cell(ex_.slotOf(v.id)).r);
      }
      std::fill(spiked.begin(), spiked.end(), 0xAB); // must be overwritten
      nsc_step_args args{};
      args.step = k;
      args.tMs = double(k) * dt_;
      args.columns = columns.data();
      args.portValue = portValues.data();
      args.portCount = portCounts.data();
      args.spiked = spiked.data();
      args.rt = &rt_;
      uint32_t status = 0;
      unsigned split = cfg_.splitRange && (k % 2) && n_ > 17 ? 17 : n_;
      for (auto [b, e] : {std::pair<unsigned, unsigned>{0, split}, {split, n_}}) {
        if (b == e)
          continue;
        args.begin = b;
        args.end = e;
        status |= step(&args);
        if (status & NSC_STEP_FATAL)
          break;
      }
      ++stats.steps;
      bool jitFatal = (status & NSC_STEP_FATAL) != 0;
      if (jitFatal != interpFatal)
        return ::testing::AssertionFailure()
               << m_.name << " step " << k << ": fatal " << jitFatal << " (cpu, '" << rt_.fatal
               << "') vs " << interpFatal << " (interpreter, '" << ex_.fatal() << "')";
      if (interpFatal) {
        stats.fatal = true;
        if (rt_.fatal.empty())
          return ::testing::AssertionFailure() << m_.name << ": fatal status without a message";
        return ::testing::AssertionSuccess();
      }
      if (bool(status & NSC_STEP_NONFINITE) != interpNonFinite)
        return ::testing::AssertionFailure() << m_.name << " step " << k << ": non-finite flag "
                                             << bool(status & NSC_STEP_NONFINITE) << " vs " << interpNonFinite;
      if (auto r = compareCells(k, stats); !r)
        return r;
      for (unsigned i = 0; i < n_; ++i) {
        if (spiked[i] != interpSpiked[i])
          return ::testing::AssertionFailure() << m_.name << " step " << k << " neuron " << i << ": spiked "
                                               << int(spiked[i]) << " (cpu) vs " << int(interpSpiked[i]);
        stats.spikes += spiked[i];
      }
    }
    if (rt_.warnings != ex_.warnings()) {
      std::string a, b;
      for (auto &[w, c] : rt_.warnings)
        a += "  " + w + " x" + std::to_string(c) + "\n";
      for (auto &[w, c] : ex_.warnings())
        b += "  " + w + " x" + std::to_string(c) + "\n";
      return ::testing::AssertionFailure() << m_.name << ": warnings differ\ncpu:\n" << a << "interpreter:\n" << b;
    }
    for (auto &[w, c] : rt_.warnings)
      stats.warnings += c;
    return ::testing::AssertionSuccess();
  }

private:
  NeuronFrame frame(uint64_t i, uint64_t k) {
    NeuronFrame f;
    f.row = interpCells_.data() + i;
    f.stride = n_;
    f.portValue = ex_.portSlots() ? portValue_.data() + i : nullptr;
    f.neuron = i;
    f.step = k;
    f.tMs = double(k) * dt_;
    f.rngKey = rngKey_;
    return f;
  }

  /// What the interpreter's population kernel does for one neuron.
  bool stepInterp(NeuronFrame &f, uint64_t i) {
    ex_.exec(m_.update, f);
    std::vector<unsigned> order;
    for (unsigned h = 0; h < m_.onReceive.size(); ++h)
      order.push_back(h);
    std::stable_sort(order.begin(), order.end(), [&](unsigned a, unsigned b) {
      return m_.onReceive[a].priority > m_.onReceive[b].priority;
    });
    for (unsigned h : order) {
      const ir::OnReceive &r = m_.onReceive[h];
      unsigned slot = ex_.portSlot(r.port);
      unsigned elems = m_.ports[r.port].vectorSize ? m_.ports[r.port].vectorSize : 1;
      bool arrived = false;
      for (unsigned e = 0; e < elems; ++e)
        arrived = arrived || portCount_[size_t(slot + e) * n_ + i] > 0;
      if (arrived)
        ex_.exec(r.body, f);
    }
    for (const ir::OnCondition &c : m_.onCondition)
      if (ex_.eval(*c.cond, f).b)
        ex_.exec(c.body, f);
    return ex_.fatal().empty();
  }

  /// Initial values (init order), prepare, then a per-neuron perturbation
  /// of the state so that neurons differ (some start above threshold).
  void initialise() {
    interpCells_.assign(size_t(ex_.rowSize()) * n_, Value{});
    portValue_.assign(size_t(ex_.portSlots()) * n_, 0.0);
    portCount_.assign(size_t(ex_.portSlots()) * n_, 0);
    std::vector<ir::VarId> order = m_.initOrder;
    if (order.empty())
      for (const ir::Variable &v : m_.variables)
        order.push_back(v.id);
    TestRng rng{cfg_.seed * 7919 + 1};
    for (uint64_t i = 0; i < n_; ++i) {
      NeuronFrame f = frame(i, 0);
      for (ir::VarId v : order) {
        const ir::Variable &var = m_.variables[v];
        if (var.role == ir::VarRole::Local || var.role == ir::VarRole::Argument || !var.init)
          continue;
        for (unsigned e = 0; e < (var.vectorSize ? var.vectorSize : 1); ++e)
          f.cell(ex_.slotOf(v) + e) = ex_.evalAs(*var.init, var.type, f);
      }
      ex_.exec(m_.prepare, f);
      for (const ir::Variable &var : m_.variables) {
        if (var.role != ir::VarRole::State)
          continue;
        for (unsigned e = 0; e < (var.vectorSize ? var.vectorSize : 1); ++e) {
          Value &c = f.cell(ex_.slotOf(var.id) + e);
          if (var.type.kind == ir::TypeKind::Real)
            ex_.store(var.id, c.r + rng.uniform(-1, 1) * (0.25 * std::fabs(c.r) + 0.5), f, e);
          else if (var.type.kind == ir::TypeKind::Int)
            c.i += int64_t(rng.next() % 4);
          else if (var.type.kind == ir::TypeKind::Bool)
            c = Value{}, c.b = rng.next() % 2;
        }
      }
    }
  }

  /// This step's port sums and arrival counts: about half the spike ports
  /// of a neuron get nothing; continuous ports a fresh value.
  void setInputs(uint64_t k) {
    TestRng rng{cfg_.seed ^ (k * 0x9E3779B97F4A7C15ull)};
    for (uint32_t p = 0; p < m_.ports.size(); ++p) {
      const ir::Port &port = m_.ports[p];
      double scale = portScale(port);
      for (unsigned e = 0; e < (port.vectorSize ? port.vectorSize : 1); ++e) {
        size_t base = size_t(ex_.portSlot(p) + e) * n_;
        for (uint64_t i = 0; i < n_; ++i) {
          if (port.kind == ir::PortKind::Continuous) {
            portValue_[base + i] = rng.uniform(0, scale);
            portCount_[base + i] = 0;
            continue;
          }
          uint32_t count = uint32_t(std::max<int>(0, int(rng.next() % 6) - 2));
          double sum = 0;
          for (uint32_t c = 0; c < count; ++c)
            sum += rng.uniform(0, scale);
          portValue_[base + i] = sum;
          portCount_[base + i] = count;
        }
      }
    }
  }

  ::testing::AssertionResult compareCells(uint64_t k, DiffStats &stats) {
    for (const ir::Variable &v : m_.variables) {
      if (v.role == ir::VarRole::Local || v.role == ir::VarRole::Argument)
        continue; // allocas in generated code, not columns
      for (unsigned e = 0; e < (v.vectorSize ? v.vectorSize : 1); ++e) {
        size_t base = size_t(ex_.slotOf(v.id) + e) * n_;
        for (unsigned i = 0; i < n_; ++i) {
          ++stats.cells;
          const Value &a = jitCells_[base + i], &b = interpCells_[base + i];
          // NaN payloads and signs are not specified by IEEE 754 or LLVM
          // (an operand order the optimiser may swap picks the NaN): two
          // NaNs count as equal. The engine stops a run at the first one.
          bool bothNaN = v.type.kind == ir::TypeKind::Real && std::isnan(a.r) && std::isnan(b.r);
          stats.nans += bothNaN;
          if (std::memcmp(&a, &b, 8) != 0 && !bothNaN)
            return ::testing::AssertionFailure()
                   << m_.name << " step " << k << " neuron " << i << ": '" << v.name
                   << (v.vectorSize ? "[" + std::to_string(e) + "]" : "") << "' is "
                   << describe(a, v.type.kind) << " (cpu) vs " << describe(b, v.type.kind) << " (interpreter)";
        }
      }
    }
    return ::testing::AssertionSuccess();
  }

  const ir::Model &m_;
  DiffConfig cfg_;
  double dt_;
  ModelExecutor ex_;
  unsigned n_;
  runtime::PhiloxKey rngKey_{};
  std::vector<Value> interpCells_, jitCells_;
  std::vector<double> portValue_;
  std::vector<uint32_t> portCount_;
  nsc_runtime rt_;
};

/// Runs the differential test on one model.
DiffStats checkModel(const ir::Model &m, const DiffConfig &cfg) {
  DiffStats stats;
  Differential diff(m, cfg);
  EXPECT_TRUE(diff.run(stats));
  return stats;
}

/// Loads `path` (or `contents` named `path`) and runs the differential test
/// on every neuron model in it; returns the models run.
unsigned checkProgram(const std::string &path, const std::string *contents, const DiffConfig &cfg,
                      DiffStats &total, bool expectFloat32 = false) {
  Program prog;
  if (!prog.load(path, contents)) {
    ADD_FAILURE() << path << " does not compile:\n" << prog.errors;
    return 0;
  }
  unsigned models = 0;
  for (const ir::Model *m : neuronModels(*prog.module)) {
    if (expectFloat32)
      EXPECT_EQ(m->semantics.precision.kind, ir::Precision::F32) << m->name;
    DiffStats stats;
    Differential diff(*m, cfg);
    EXPECT_TRUE(diff.run(stats)) << "in " << path;
    total.steps += stats.steps;
    total.cells += stats.cells;
    total.spikes += stats.spikes;
    total.warnings += stats.warnings;
    total.nans += stats.nans;
    total.fatal = total.fatal || stats.fatal;
    ++models;
  }
  return models;
}

void report(const char *what, const DiffStats &s) {
  std::printf("[ %s ] %llu steps, %llu cells compared bit for bit (%llu NaN), %llu spikes, %llu warnings\n",
              what, (unsigned long long)s.steps, (unsigned long long)s.cells, (unsigned long long)s.nans,
              (unsigned long long)s.spikes, (unsigned long long)s.warnings);
}

/// The source with `precision = float32` in its file-level semantics block
/// (replacing a float64 setting, or in a block of its own).
std::string asFloat32(std::string source) {
  if (size_t p = source.find("precision = float64"); p != std::string::npos)
    return source.replace(p, 19, "precision = float32");
  const std::string block = "\nsemantics:\n";
  if (size_t p = source.find(block); p != std::string::npos)
    return source.insert(p + block.size(), "    precision = float32\n");
  return source + "\n\nsemantics:\n    precision = float32\n";
}

const std::vector<std::string> kExamples = {
    "aeif_cond_exp.nrn", "coba.nrn",          "cuba.nrn",       "hh_psc_alpha.nrn",
    "iaf_cond_exp.nrn",  "iaf_psc_alpha.nrn", "iaf_psc_exp.nrn", "izhikevich.nrn",
    "network_with_import.nrn", "nestml/iaf_psc_exp_neuron.nestml",
};

//===----------------------------------------------------------------------===//
// Small models for what the examples do not exercise
//===----------------------------------------------------------------------===//

const char *kRandomModel = R"(
model rand_neuron:
    parameters:
        tau ms = 10 ms
        sigma mV = 2 mV
    state:
        V mV = -65 mV
        k integer = 0
        x real = 0
        y real = 0
    input:
        spikes <- spike
        I_in pA <- continuous
    output:
        spike
    function jitter(s real) real:
        return random_normal(0, s)
    update:
        V += random_normal(0 mV, sigma) + (-65 mV - V) * resolution() / tau + I_in * 0.001 mV/pA
        x = random_uniform(0, 1) * random_uniform(-1, 3) + jitter(0.5)
        y = random_normal(1, 2)
        k = random_poisson(3.0) + random_poisson(40.0)
    onReceive(spikes):
        V += random_uniform(0 mV, 1 mV) + spikes * 0.01 mV * s
    onCondition(V > -60 mV and random_uniform(0, 1) < 0.7):
        V = -70 mV + random_normal(0 mV, 1 mV)
        emit_spike()
)";

const char *kControlModel = R"(
model control_neuron:
    parameters:
        n_iter integer = 5
        gain real = 0.25
    state:
        V mV = -65 mV
        acc real = 0
        count integer = 3
        buf[4] real = 0
        hist[3] integer = 0
        flag boolean = false
    input:
        spikes <- spike
    output:
        spike
    function fact(n integer) integer:
        r integer = 1
        k integer = 2
        while k <= n:
            r *= k
            k += 1
        return r
    function twice(n integer) integer:
        return fact(n) + fact(n + 1)
    function scale(x real, f real) real:
        y real = x * f
        acc += 0.001
        return y + 0.5
    function shared(n integer) integer:
        tmp integer = n
        if n > 0:
            tmp2 integer = twice(n - 1)
            tmp += tmp2
        return tmp + n
    update:
        i integer = 0
        z real = 0
        q integer = 7
        for i in 0 ... n_iter:
            acc += scale(i, gain)
        j integer = 10
        while j > 0:
            j -= 3
            count += j % 4
        for z in 1.5 ... -1.0 step -0.5:
            acc -= z
        for q in 3 ... 1:
            acc += 100
        buf[count % 4] = acc
        buf[count % 7] += 1
        hist[count % 5 - 1] = count
        count = count / (count % 3)
        flag = not flag
        if flag and acc > 3:
            warning("acc is large")
        elif count > 100:
            warning("count is large")
        count = fact(count % 6) + twice(count % 4) + shared(count % 4)
        V += (acc - floor(acc)) * 1 mV + buf[1] * 0.01 mV
        acc = acc - 10 * floor(acc / 10)
    onReceive(spikes):
        count += 1
        buf[0] += spikes * s
    onCondition(V > -60 mV and count % 2 == 0):
        V = -70 mV
        emit_spike()
)";

const char *kOpsModel = R"(
model ops_neuron:
    parameters:
        sh integer = 3
        lim real = 2.5
    state:
        V mV = -65 mV
        a integer = 7
        b integer = -5
        c integer = 0
        x real = 0.3
        w real = 1.0
        on boolean = true
        m ms = 0 ms
    input:
        exc mV <- spike
        drive pA <- continuous
    output:
        spike
    update:
        c = (a << (b % 70)) + (a >> sh) + (b >> 65) + (a << 64) + a ** 3 + b ** 5 + a ** 70
        c = c + (a & b) + (a | sh) + (a ^ b) + ~a - -b + abs(b) + min(a, b) + max(a, b) + clip(c, -1000, 1000)
        c = c % 1000003 + (c % -7) + steps(m) + steps(2.25 ms)
        nanv real = 0.0 / 0.0
        x = min(x, 0.9) + max(x, -0.9) + clip(x, -lim, lim) + abs(x - 1) + sqrt(abs(x)) + exp(-x) + expm1(x / 30) + ln(1 + abs(x)) + log10(2 + x * x)
        x = x + sin(x) + cos(x) + tan(x / 40) + sinh(x / 50) + cosh(x / 50) + tanh(x) + erf(x) + erfc(x) + floor(x * 3) / 3 + ceil(x * 7) / 7 + round(x * 2.5)
        x = x + (min(nanv, 1.0) == min(nanv, 1.0) ? 1.0 : 2.0) + (max(1.0, nanv) != max(1.0, nanv) ? 0.5 : 0.25)
        x = x % 17.5 + abs(x) ** 1.5 * 0.01 + 2.0 ** (x / 10) + (x / 10) ** 2
        x = x - 20 * floor(x / 20)
        w = on ? w * 1.01 : w / 1.01
        w = (x > 3 and w < 2) or (x < 1) ? w + x / 100 : w - 0.001
        on = not on or a > b and c != 0
        a = a + 1
        b = b - a % 3
        m = m + resolution() + t * 0.0
        V += (x - 10) * 0.01 mV + drive * 0.002 mV/pA
    onReceive(exc, priority = 1):
        V += exc
        a = a % 50 + 1
    onCondition(V > -55 mV):
        V = -70 mV
        emit_spike()
)";

//===----------------------------------------------------------------------===//
// Tests
//===----------------------------------------------------------------------===//

TEST(CodegenDifferential, EveryExampleMatchesTheInterpreterBitForBit) {
  DiffStats total;
  unsigned models = 0;
  for (const std::string &name : kExamples)
    models += checkProgram(examplePath(name), nullptr, DiffConfig{}, total);
  EXPECT_GE(models, kExamples.size());
  EXPECT_GT(total.spikes, 0u) << "the inputs never made a neuron fire: the test would miss emit_spike";
  EXPECT_EQ(total.nans, 0u);
  report("examples, float64", total);
}

TEST(CodegenDifferential, ExamplesInFloat32MatchTheInterpreterBitForBit) {
  DiffStats total;
  for (const char *name : {"cuba.nrn", "iaf_psc_exp.nrn", "iaf_cond_exp.nrn", "izhikevich.nrn",
                           "hh_psc_alpha.nrn", "aeif_cond_exp.nrn"}) {
    std::string src = asFloat32(readFile(examplePath(name)));
    checkProgram(examplePath(name), &src, DiffConfig{}, total, /*expectFloat32=*/true);
  }
  EXPECT_GT(total.spikes, 0u);
  EXPECT_EQ(total.nans, 0u);
  report("examples, float32", total);
}

TEST(CodegenDifferential, RandomDrawsMatchTheInterpreter) {
  DiffStats total;
  std::string src = kRandomModel;
  EXPECT_EQ(checkProgram("rand.nrn", &src, DiffConfig{}, total), 1u);
  EXPECT_GT(total.spikes, 0u);
  DiffConfig other;
  other.seed = 99;
  other.neurons = 5;
  checkProgram("rand.nrn", &src, other, total);
  EXPECT_EQ(total.nans, 0u);
  report("random draws", total);
}

TEST(CodegenDifferential, LoopsFunctionsVectorsAndWarningsMatchTheInterpreter) {
  DiffStats total;
  std::string src = kControlModel;
  EXPECT_EQ(checkProgram("control.nrn", &src, DiffConfig{}, total), 1u);
  std::string f32 = asFloat32(kControlModel);
  checkProgram("control.nrn", &f32, DiffConfig{}, total, true);
  EXPECT_GT(total.warnings, 0u) << "the model is meant to warn (index, division by zero, warning())";
  EXPECT_EQ(total.nans, 0u);
  report("loops, functions, warnings", total);
}

TEST(CodegenDifferential, IntegerAndRealCornerCasesMatchTheInterpreter) {
  DiffStats total;
  std::string src = kOpsModel;
  EXPECT_EQ(checkProgram("ops.nrn", &src, DiffConfig{}, total), 1u);
  std::string f32 = asFloat32(kOpsModel);
  checkProgram("ops.nrn", &f32, DiffConfig{}, total, true);
  EXPECT_EQ(total.nans, 0u);
  report("integer and real corner cases", total);
}

//===----------------------------------------------------------------------===//
// Recursion and fatal errors (IR that sema does not produce: it forbids
// recursion, but the IR and the interpreter allow it)
//===----------------------------------------------------------------------===//

/// Makes every call to function `from` inside `e` a call to `to`.
void retargetCalls(ir::Expr &e, uint32_t from, uint32_t to);
void retargetCalls(ir::Block &b, uint32_t from, uint32_t to) {
  for (ir::StmtPtr &sp : b) {
    ir::Stmt &s = *sp;
    switch (s.kind) {
    case ir::StmtKind::Assign: {
      auto &a = *ir::cast<ir::Assign>(&s);
      if (a.index)
        retargetCalls(*a.index, from, to);
      retargetCalls(*a.value, from, to);
      break;
    }
    case ir::StmtKind::LocalDecl:
      if (auto &init = ir::cast<ir::LocalDecl>(&s)->init)
        retargetCalls(*init, from, to);
      break;
    case ir::StmtKind::If: {
      auto &i = *ir::cast<ir::If>(&s);
      retargetCalls(*i.cond, from, to);
      retargetCalls(i.thenBody, from, to);
      retargetCalls(i.elseBody, from, to);
      break;
    }
    case ir::StmtKind::While: {
      auto &w = *ir::cast<ir::While>(&s);
      retargetCalls(*w.cond, from, to);
      retargetCalls(w.body, from, to);
      break;
    }
    case ir::StmtKind::For: retargetCalls(ir::cast<ir::For>(&s)->body, from, to); break;
    case ir::StmtKind::Return:
      if (auto &v = ir::cast<ir::Return>(&s)->value)
        retargetCalls(*v, from, to);
      break;
    case ir::StmtKind::CallStmt: retargetCalls(*ir::cast<ir::CallStmt>(&s)->call, from, to); break;
    default: break;
    }
  }
}
void retargetCalls(ir::Expr &e, uint32_t from, uint32_t to) {
  if (auto *c = ir::dyn_cast<ir::Call>(&e)) {
    if (c->builtin == ir::Builtin::User && c->function == from)
      c->function = to;
    for (ir::ExprPtr &a : c->args)
      retargetCalls(*a, from, to);
  } else if (auto *b = ir::dyn_cast<ir::Binary>(&e)) {
    retargetCalls(*b->lhs, from, to);
    retargetCalls(*b->rhs, from, to);
  } else if (auto *u = ir::dyn_cast<ir::Unary>(&e)) {
    retargetCalls(*u->operand, from, to);
  } else if (auto *s = ir::dyn_cast<ir::Select>(&e)) {
    retargetCalls(*s->cond, from, to);
    retargetCalls(*s->thenExpr, from, to);
    retargetCalls(*s->elseExpr, from, to);
  } else if (auto *k = ir::dyn_cast<ir::Cast>(&e)) {
    retargetCalls(*k->operand, from, to);
  } else if (auto *uc = ir::dyn_cast<ir::UnitConvert>(&e)) {
    retargetCalls(*uc->operand, from, to);
  }
}

/// The control model with one function's calls redirected.
ir::Model *controlModelWith(Program &prog, const char *in, const char *calls, const char *instead) {
  std::string src = kControlModel;
  if (!prog.load("control.nrn", &src)) {
    ADD_FAILURE() << prog.errors;
    return nullptr;
  }
  ir::Model &m = *prog.module->models[0];
  auto f = m.findFunction(in), from = m.findFunction(calls), to = m.findFunction(instead);
  if (!f || !from || !to) {
    ADD_FAILURE() << "control model lacks a function";
    return nullptr;
  }
  retargetCalls(m.functions[*f].body, *from, *to);
  return &m;
}

TEST(CodegenDifferential, RecursionSharesLocalsAndRestoresArgumentsLikeTheInterpreter) {
  // shared(n) calls shared(n - 1): its local `tmp` is one slot for every
  // level in the interpreter (only arguments are saved and restored).
  Program prog;
  ir::Model *m = controlModelWith(prog, "shared", "twice", "shared");
  ASSERT_NE(m, nullptr);
  DiffStats s = checkModel(*m, DiffConfig{});
  EXPECT_FALSE(s.fatal);
  EXPECT_EQ(s.steps, 200u);
  report("recursion", s);
}

TEST(CodegenDifferential, RunawayRecursionIsFatalInBoth) {
  // twice(n) = twice(n) + twice(n + 1): the 258th nested call is fatal.
  Program prog;
  ir::Model *m = controlModelWith(prog, "twice", "fact", "twice");
  ASSERT_NE(m, nullptr);
  DiffStats s = checkModel(*m, DiffConfig{});
  EXPECT_TRUE(s.fatal);
  EXPECT_EQ(s.steps, 1u);
}

TEST(CodegenDifferential, RunawayLoopsStopTheRun) {
  // 10^8 iterations: only the compiled code runs them (in well under a second).
  for (auto [loop, message] : {std::pair<const char *, const char *>{
                                   "        while x >= 0:\n            x += 1\n", "a while loop of model 'spin'"},
                               {"        i integer = 0\n        for i in 0 ... 200000000:\n            x += 1\n",
                                "a for loop of model 'spin'"}}) {
    std::string src = std::string("model spin:\n    state:\n        x real = 0\n    update:\n") + loop;
    Program prog;
    ASSERT_TRUE(prog.load("spin.nrn", &src)) << prog.errors;
    const ir::Model &m = *prog.module->models[0];
    std::string error;
    StepFn step = compile(m, m.semantics.dtMs, error);
    ASSERT_NE(step, nullptr) << error;
    double x = 0;
    void *columns[] = {&x};
    uint8_t spiked = 7;
    nsc_runtime rt;
    rt.model = "spin";
    nsc_step_args args{};
    args.begin = 0;
    args.end = 1;
    args.columns = columns;
    args.spiked = &spiked;
    args.rt = &rt;
    EXPECT_EQ(step(&args) & NSC_STEP_FATAL, uint32_t(NSC_STEP_FATAL));
    EXPECT_NE(rt.fatal.find(message), std::string::npos) << rt.fatal;
  }
}

//===----------------------------------------------------------------------===//
// Shape of the code and what cannot be compiled
//===----------------------------------------------------------------------===//

TEST(CodegenShape, OptimisedCubaStepIsVectorizedWithoutContraction) {
  Program prog;
  ASSERT_TRUE(prog.load(examplePath("cuba.nrn"), nullptr)) << prog.errors;
  auto models = neuronModels(*prog.module);
  ASSERT_GE(models.size(), 1u);
  llvm::LLVMContext ctx;
  auto mod = nsc::cpu::generateStepFunction(*models[0], 0.1, "cuba", ctx);
  ASSERT_TRUE(bool(mod)) << llvm::toString(mod.takeError());
  auto tm = nsc::cpu::createHostTargetMachine();
  ASSERT_TRUE(bool(tm)) << llvm::toString(tm.takeError());
  nsc::cpu::optimizeModule(**mod, **tm);
  std::string text;
  llvm::raw_string_ostream os(text);
  (*mod)->print(os, nullptr);
  EXPECT_NE(text.find("x double>"), std::string::npos) << "no vector of doubles in:\n" << text;
  EXPECT_NE(text.find("@nsc_step_cuba(ptr"), std::string::npos);
  if (getenv("NSC_TEST_PRINT_IR"))
    std::printf("%s\n", text.c_str());
  EXPECT_EQ(text.find("fmuladd"), std::string::npos);
  EXPECT_EQ(text.find("llvm.fma"), std::string::npos);
  for (const char *flag : {" fast ", " contract ", " reassoc ", " afn ", " arcp "})
    EXPECT_EQ(text.find(flag), std::string::npos) << flag;
}

std::string codegenError(const std::string &src, bool pipeline, const char *name = "m.nrn") {
  Program prog;
  if (!prog.load(name, &src, pipeline))
    return "does not load: " + prog.errors;
  for (const auto &m : prog.module->models) {
    llvm::LLVMContext ctx;
    auto mod = nsc::cpu::generateStepFunction(*m, 0.1, "x", ctx);
    if (!mod)
      return llvm::toString(mod.takeError());
  }
  return "";
}

TEST(CodegenShape, UncompilableModelsGiveAnErrorNamingTheConstruct) {
  // Still ODEs: the pass pipeline was not run.
  std::string odes = "model leak:\n    state:\n        V mV = 0 mV\n    equations:\n        V' = -V / (10 ms)\n"
                     "    update:\n        integrate_odes()\n";
  EXPECT_NE(codegenError(odes, false).find("still has ODEs"), std::string::npos) << codegenError(odes, false);
  // A synapse model.
  std::string syn = readFile(examplePath("stdp_synapse.nrn"));
  EXPECT_NE(codegenError(syn, true, "stdp.nrn").find("synapse models"), std::string::npos)
      << codegenError(syn, true, "stdp.nrn");
  // Fixed point.
  std::string fixed = "model q:\n    state:\n        V real = 0\n    update:\n        V = V * 0.5 + 1\n"
                      "    semantics:\n        precision = fixed(Q16.16)\n";
  std::string e = codegenError(fixed, true);
  EXPECT_NE(e.find("fixed"), std::string::npos) << e;
}

} // namespace
