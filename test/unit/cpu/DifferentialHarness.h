//===- DifferentialHarness.h - Run generated code beside the interpreter -*- C++ -*-===//
//
// The machinery of the cpu backend's differential tests: load a model
// through the front end and the default pass pipeline, JIT-compile its step
// function (ModelCodegen + Jit), and run N neurons for a number of steps
// twice — through ModelExecutor, neuron by neuron as the interpreter's
// population kernel drives it, and through the compiled function on the same
// structure-of-arrays columns — comparing every column cell with memcmp, the
// spike flags and the status bits after every step and the warning counts
// at the end. Initial values are the model's, then perturbed per neuron;
// port inputs are random values and arrival counts (many zero).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "Jit.h"
#include "ModelCodegen.h"
#include "RuntimeSupport.h"
#include "StepABI.h"

#include "nsc/frontend/CompilerSession.h"
#include "nsc/eval/ModelExecutor.h"
#include "nsc/passes/PassManager.h"
#include "nsc/runtime/Philox.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace nsc::cpu::difftest {

using nsc::eval::ModelExecutor;
using nsc::eval::NeuronFrame;
using nsc::eval::Value;

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

inline std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string examplePath(const std::string &name) { return std::string(NSC_SOURCE_DIR) + "/examples/" + name; }

/// The neuron models of a program, with the specializations its networks
/// made (another precision or dt for a population).
inline std::vector<const ir::Model *> neuronModels(const ir::Module &m) {
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
inline llvm::Expected<nsc::cpu::JitEngine *> sharedJit() {
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

inline std::string uniqueSymbol(const std::string &name) {
  static unsigned counter = 0;
  std::string s;
  for (char c : name)
    s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s + "_" + std::to_string(counter++);
}

inline StepFn compile(const ir::Model &m, double dtMs, std::string &error) {
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
inline double portScale(const ir::Port &p) {
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

inline std::string describe(const Value &v, ir::TypeKind k) {
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
            interpNonFinite = interpNonFinite || (v.type.precision.kind != ir::Precision::Fixed &&
                                                  !std::isfinite(f.cell(ex_.slotOf(v.id)).r));
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
          // Fixed-point cells hold raw integers (negative ones look like NaNs).
          bool bothNaN = v.type.kind == ir::TypeKind::Real && v.type.precision.kind != ir::Precision::Fixed &&
                         std::isnan(a.r) && std::isnan(b.r);
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
inline DiffStats checkModel(const ir::Model &m, const DiffConfig &cfg) {
  DiffStats stats;
  Differential diff(m, cfg);
  EXPECT_TRUE(diff.run(stats));
  return stats;
}

/// Loads `path` (or `contents` named `path`) and runs the differential test
/// on every neuron model in it; returns the models run.
inline unsigned checkProgram(const std::string &path, const std::string *contents, const DiffConfig &cfg,
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

inline void report(const char *what, const DiffStats &s) {
  std::printf("[ %s ] %llu steps, %llu cells compared bit for bit (%llu NaN), %llu spikes, %llu warnings\n",
              what, (unsigned long long)s.steps, (unsigned long long)s.cells, (unsigned long long)s.nans,
              (unsigned long long)s.spikes, (unsigned long long)s.warnings);
}

/// The source with `precision = float32` in its file-level semantics block
/// (replacing a float64 setting, or in a block of its own).
inline std::string asFloat32(std::string source) {
  if (size_t p = source.find("precision = float64"); p != std::string::npos)
    return source.replace(p, 19, "precision = float32");
  const std::string block = "\nsemantics:\n";
  if (size_t p = source.find(block); p != std::string::npos)
    return source.insert(p + block.size(), "    precision = float32\n");
  return source + "\n\nsemantics:\n    precision = float32\n";
}

/// The source with every precision setting replaced by `precision` (e.g.
/// "fixed(Q16.16)"), or a file-level block added.
inline std::string withPrecision(std::string source, const std::string &precision) {
  for (size_t p = source.find("precision = "); p != std::string::npos; p = source.find("precision = ", p + 1)) {
    size_t end = source.find('\n', p);
    source.replace(p, end - p, "precision = " + precision);
  }
  if (source.find("precision = ") == std::string::npos)
    source += "\n\nsemantics:\n    precision = " + precision + "\n";
  return source;
}

inline const std::vector<std::string> kExamples = {
    "aeif_cond_exp.nrn", "coba.nrn",          "cuba.nrn",       "hh_psc_alpha.nrn",
    "iaf_cond_exp.nrn",  "iaf_psc_alpha.nrn", "iaf_psc_exp.nrn", "izhikevich.nrn",
    "network_with_import.nrn", "nestml/iaf_psc_exp_neuron.nestml",
};


} // namespace nsc::cpu::difftest
