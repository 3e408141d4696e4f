//===- RuntimeSupportTest.cpp - nsc_rt_* against the interpreter ----------===//
//
// The support routines must record and draw exactly what the reference
// interpreter does: the same random numbers (bit for bit) for the same
// calls, the same warning texts and counts, the same printed text. Each
// test runs a small model in the interpreter's ModelExecutor and makes the
// calls generated code would make for it.
//
//===----------------------------------------------------------------------===//
#include "RuntimeSupport.h"

#include "nsc/frontend/Lowering.h"
#include "nsc/frontend/Parser.h"
#include "nsc/frontend/Sema.h"
#include "nsc/eval/ModelExecutor.h"
#include "nsc/passes/PassManager.h"
#include "nsc/runtime/Random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iostream>
#include <sstream>

using namespace nsc;
using nsc::runtime::RandomStream;

namespace {

/// One model compiled through the default pipeline and run for single
/// neurons in the interpreter's executor.
struct InterpretedModel {
  SourceManager sm;
  DiagnosticEngine diags{sm};
  ast::Program program;
  std::unique_ptr<ir::Module> module;
  const ir::Model *model = nullptr;
  std::unique_ptr<eval::ModelExecutor> exec;

  bool compile(const std::string &src, const std::string &name) {
    auto f = parseFile(sm, diags, sm.addBuffer(name + ".nrn", src));
    if (!f)
      return false;
    program.files.push_back(std::move(f));
    if (!analyzeProgram(program, diags) || !(module = lowerToIR(program, diags)))
      return false;
    passes::PassManager pm;
    std::ostringstream log;
    passes::PassContext ctx(diags, log);
    if (!pm.addPipeline("default", diags) || !pm.run(*module, ctx) || diags.hasErrors())
      return false;
    auto index = module->findModel(name);
    if (!index)
      return false;
    model = module->models[*index].get();
    exec = std::make_unique<eval::ModelExecutor>(*model, 0.1);
    return true;
  }
  std::string errors() const {
    std::string out;
    for (auto &d : diags.diagnostics())
      out += diags.format(d);
    return out;
  }

  /// A neuron's row with the variables' initial values (all constants here).
  std::vector<eval::Value> initialRow() {
    std::vector<eval::Value> row(exec->rowSize(), eval::Value{});
    eval::NeuronFrame f;
    f.row = row.data();
    for (ir::VarId v = 0; v < model->variables.size(); ++v)
      if (const auto &init = model->variables[v].init)
        row[exec->slotOf(v)] = exec->evalAs(*init, model->variables[v].type, f);
    return row;
  }
  /// Runs `update` once for `neuron` in `step` on `row`.
  void update(std::vector<eval::Value> &row, uint64_t neuron, uint64_t step,
              runtime::PhiloxKey key = {}) {
    eval::NeuronFrame f;
    f.row = row.data();
    f.neuron = neuron;
    f.step = step;
    f.tMs = double(step) * 0.1;
    f.rngKey = key;
    exec->exec(model->update, f);
  }
  double real(const std::vector<eval::Value> &row, const std::string &var) {
    auto v = model->findVariable(var);
    EXPECT_TRUE(v.has_value()) << var;
    return v ? row[exec->slotOf(*v)].r : NAN;
  }
  int64_t integer(const std::vector<eval::Value> &row, const std::string &var) {
    auto v = model->findVariable(var);
    EXPECT_TRUE(v.has_value()) << var;
    return v ? row[exec->slotOf(*v)].i : 0;
  }
};

/// Captures what is written to std::cout while it lives.
class CoutCapture {
public:
  CoutCapture() : old_(std::cout.rdbuf(buffer_.rdbuf())) {}
  ~CoutCapture() { std::cout.rdbuf(old_); }
  std::string text() const { return buffer_.str(); }

private:
  std::ostringstream buffer_;
  std::streambuf *old_;
};

/// The rng buffer as generated code declares it (an aligned stack slot).
struct RngBuffer {
  alignas(NSC_RNG_BUFFER_ALIGN) unsigned char bytes[NSC_RNG_BUFFER_BYTES];
};

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

const runtime::PhiloxKey kKey = runtime::deriveStreamKey(12345, 2, runtime::Stream::NeuronRandom);

TEST(RuntimeSupportTest, RngDrawsEqualTheRandomStream) {
  nsc_runtime rt;
  rt.rngKey = kKey;
  RngBuffer buf;
  for (uint64_t neuron : {0ull, 1ull, 977ull, (1ull << 40) + 3}) {
    for (uint64_t step : {0ull, 1ull, 123456789ull}) {
      // The same buffer is reused neuron after neuron (no destructor call).
      nsc_rt_rng_init(buf.bytes, &rt, neuron, step);
      RandomStream ref = RandomStream::perStep(kKey, neuron, step);
      SCOPED_TRACE("neuron " + std::to_string(neuron) + " step " + std::to_string(step));
      EXPECT_TRUE(sameBits(nsc_rt_rng_uniform(buf.bytes, -1, 3), ref.uniform(-1, 3)));
      // Three normals: z0, the cached z1, then a fresh pair.
      for (int k = 0; k < 3; ++k)
        EXPECT_TRUE(sameBits(nsc_rt_rng_normal(buf.bytes, 0.5, 2), ref.normal(0.5, 2)));
      EXPECT_TRUE(sameBits(nsc_rt_rng_lognormal(buf.bytes, -0.2, 0.7), ref.lognormal(-0.2, 0.7)));
      EXPECT_TRUE(sameBits(nsc_rt_rng_exponential(buf.bytes, 4.5), ref.exponential(4.5)));
      EXPECT_EQ(nsc_rt_rng_poisson(buf.bytes, 3.5), int64_t(ref.poisson(3.5)));
      EXPECT_EQ(nsc_rt_rng_poisson(buf.bytes, 250.0), int64_t(ref.poisson(250.0)));
      EXPECT_EQ(nsc_rt_rng_poisson(buf.bytes, 0.0), int64_t(ref.poisson(0.0)));
      EXPECT_TRUE(sameBits(nsc_rt_rng_normal(buf.bytes, 0, 1), ref.normal(0, 1)));
    }
  }
  EXPECT_TRUE(rt.fatal.empty());
  EXPECT_TRUE(rt.warnings.empty());
}

TEST(RuntimeSupportTest, RngDrawsEqualTheInterpreters) {
  InterpretedModel m;
  ASSERT_TRUE(m.compile(R"(
model rng_draws:
    state:
        u real = 0
        n1 real = 0
        n2 real = 0
        n3 real = 0
        p integer = 0
        q integer = 0
    update:
        u = random_uniform(-1, 2)
        n1 = random_normal(0.5, 2)
        n2 = random_normal(0.5, 2)
        n3 = random_normal(0, 1)
        p = random_poisson(42.5)
        q = random_poisson(0.25)
)",
                        "rng_draws"))
      << m.errors();
  nsc_runtime rt;
  rt.rngKey = kKey;
  RngBuffer buf;
  for (uint64_t neuron : {0ull, 5ull, 4000ull})
    for (uint64_t step : {0ull, 17ull, 10000ull}) {
      SCOPED_TRACE("neuron " + std::to_string(neuron) + " step " + std::to_string(step));
      auto row = m.initialRow();
      m.update(row, neuron, step, kKey);
      nsc_rt_rng_init(buf.bytes, &rt, neuron, step);
      EXPECT_TRUE(sameBits(nsc_rt_rng_uniform(buf.bytes, -1, 2), m.real(row, "u")));
      EXPECT_TRUE(sameBits(nsc_rt_rng_normal(buf.bytes, 0.5, 2), m.real(row, "n1")));
      EXPECT_TRUE(sameBits(nsc_rt_rng_normal(buf.bytes, 0.5, 2), m.real(row, "n2")));
      EXPECT_TRUE(sameBits(nsc_rt_rng_normal(buf.bytes, 0, 1), m.real(row, "n3")));
      EXPECT_EQ(nsc_rt_rng_poisson(buf.bytes, 42.5), m.integer(row, "p"));
      EXPECT_EQ(nsc_rt_rng_poisson(buf.bytes, 0.25), m.integer(row, "q"));
    }
  EXPECT_TRUE(m.exec->warnings().empty());
  EXPECT_TRUE(rt.fatal.empty());
}

TEST(RuntimeSupportTest, InvalidPoissonMeanStopsTheRunInsteadOfThrowing) {
  nsc_runtime rt;
  rt.model = "bad_rate";
  rt.rngKey = kKey;
  RngBuffer buf;
  nsc_rt_rng_init(buf.bytes, &rt, 3, 9);
  EXPECT_EQ(nsc_rt_rng_poisson(buf.bytes, -1.0), 0);
  ASSERT_FALSE(rt.fatal.empty());
  EXPECT_NE(rt.fatal.find("bad_rate"), std::string::npos) << rt.fatal;
  EXPECT_NE(rt.fatal.find("Poisson mean must be finite and non-negative"), std::string::npos)
      << rt.fatal;
  // The first failure is kept.
  std::string first = rt.fatal;
  EXPECT_EQ(nsc_rt_rng_poisson(buf.bytes, NAN), 0);
  EXPECT_EQ(nsc_rt_rng_poisson(buf.bytes, INFINITY), 0);
  nsc_rt_fatal(&rt, 1);
  EXPECT_EQ(rt.fatal, first);
}

TEST(RuntimeSupportTest, TooManyDrawsInOneStepStopTheRun) {
  nsc_runtime rt;
  rt.model = "greedy";
  rt.rngKey = kKey;
  RngBuffer buf;
  nsc_rt_rng_init(buf.bytes, &rt, 0, 0);
  // 2^16 blocks of two uniforms each are allowed per neuron and step.
  for (int k = 0; k < 2 * 65536; ++k)
    ASSERT_FALSE(std::isnan(nsc_rt_rng_uniform(buf.bytes, 0, 1))) << k;
  EXPECT_TRUE(rt.fatal.empty());
  EXPECT_TRUE(std::isnan(nsc_rt_rng_uniform(buf.bytes, 0, 1)));
  EXPECT_NE(rt.fatal.find("greedy"), std::string::npos) << rt.fatal;
  EXPECT_NE(rt.fatal.find("more than 65536 random blocks"), std::string::npos) << rt.fatal;
}

TEST(RuntimeSupportTest, WarningTextsAndCountsEqualTheInterpreters) {
  InterpretedModel m;
  ASSERT_TRUE(m.compile(R"(
model warn_texts:
    state:
        x[3] real = 0
        i integer = 5
        j integer = -2
        z integer = 0
        q integer = 0
        s real = 0
        k real = 0
    update:
        x[i] = 1
        x[j] = 2
        q = 7 / z
        for k in 0 ... 3 step s:
            q += 1
        warning("step done")
)",
                        "warn_texts"))
      << m.errors();
  auto row = m.initialRow();
  m.update(row, 0, 0);
  m.update(row, 0, 1);
  ASSERT_TRUE(m.exec->fatal().empty()) << m.exec->fatal();
  const auto &expected = m.exec->warnings();
  ASSERT_EQ(expected.size(), 5u); // every kind of warning happened

  nsc_runtime rt;
  rt.model = "warn_texts";
  for (int step = 0; step < 2; ++step) {
    nsc_rt_warn_index(&rt, 5, 3);
    nsc_rt_warn_index(&rt, -2, 3);
    nsc_rt_warn_int_div_zero(&rt);
    nsc_rt_warn_for_step_zero(&rt);
    nsc_rt_msg_begin(&rt);
    nsc_rt_msg_str(&rt, "step done");
    nsc_rt_msg_end(&rt, 3);
  }
  EXPECT_EQ(rt.warnings, expected);
  EXPECT_TRUE(rt.messages.empty());
}

TEST(RuntimeSupportTest, PrintedTextEqualsTheInterpreters) {
  InterpretedModel m;
  ASSERT_TRUE(m.compile(R"(
model printer:
    state:
        n integer = -7
        big real = 1e308
        on boolean = false
    update:
        print("a", 0.1, " ", n, " ", on, " ", big * 10)
        println("|x=", -0.0, " ", 1.0 / 3.0)
        print("end")
        println()
)",
                        "printer"))
      << m.errors();
  auto row = m.initialRow();
  std::string interpreted;
  {
    CoutCapture capture;
    m.update(row, 0, 0);
    interpreted = capture.text();
  }
  nsc_runtime rt;
  rt.model = "printer";
  std::string compiled;
  {
    CoutCapture capture;
    nsc_rt_msg_begin(&rt);
    nsc_rt_msg_str(&rt, "a");
    nsc_rt_msg_real(&rt, 0.1);
    nsc_rt_msg_str(&rt, " ");
    nsc_rt_msg_int(&rt, -7);
    nsc_rt_msg_str(&rt, " ");
    nsc_rt_msg_bool(&rt, 0);
    nsc_rt_msg_str(&rt, " ");
    nsc_rt_msg_real(&rt, 1e308 * 10);
    nsc_rt_msg_end(&rt, 0);
    nsc_rt_msg_begin(&rt);
    nsc_rt_msg_str(&rt, "|x=");
    nsc_rt_msg_real(&rt, -0.0);
    nsc_rt_msg_str(&rt, " ");
    nsc_rt_msg_real(&rt, 1.0 / 3.0);
    nsc_rt_msg_end(&rt, 1);
    nsc_rt_msg_begin(&rt);
    nsc_rt_msg_str(&rt, "end");
    nsc_rt_msg_end(&rt, 0);
    nsc_rt_msg_begin(&rt);
    nsc_rt_msg_end(&rt, 1);
    compiled = capture.text();
  }
  EXPECT_EQ(compiled, interpreted);
  EXPECT_EQ(compiled, "a0.10000000000000001 -7 false inf|x=-0 0.33333333333333331\nend\n");
  EXPECT_TRUE(rt.warnings.empty());
}

TEST(RuntimeSupportTest, InfoPrintsALine) {
  nsc_runtime rt;
  rt.model = "m";
  CoutCapture capture;
  nsc_rt_msg_begin(&rt);
  nsc_rt_msg_str(&rt, "info ");
  nsc_rt_msg_int(&rt, 3);
  nsc_rt_msg_end(&rt, 2);
  EXPECT_EQ(capture.text(), "info 3\n");
  EXPECT_TRUE(rt.warnings.empty());
}

TEST(RuntimeSupportTest, WarningMessagesFormatLikePrint) {
  // The language's warning() takes one string today; the routine formats
  // any pieces the way print does, under the model's prefix.
  nsc_runtime rt;
  rt.model = "fmt";
  nsc_rt_msg_begin(&rt);
  nsc_rt_msg_str(&rt, "v=");
  nsc_rt_msg_real(&rt, 0.1);
  nsc_rt_msg_str(&rt, " n=");
  nsc_rt_msg_int(&rt, -5);
  nsc_rt_msg_str(&rt, " b=");
  nsc_rt_msg_bool(&rt, 1);
  nsc_rt_msg_str(&rt, " ");
  nsc_rt_msg_real(&rt, NAN);
  nsc_rt_msg_end(&rt, 3);
  EXPECT_EQ(rt.warnings, (std::map<std::string, uint64_t>{{"fmt: v=0.10000000000000001 n=-5 b=true nan", 1}}));
}

TEST(RuntimeSupportTest, NestedMessagesDoNotMix) {
  // print("outer ", f()) where f prints while the outer message is open.
  nsc_runtime rt;
  rt.model = "nest";
  CoutCapture capture;
  nsc_rt_msg_begin(&rt);
  nsc_rt_msg_str(&rt, "outer ");
  nsc_rt_msg_begin(&rt);
  nsc_rt_msg_str(&rt, "inner");
  nsc_rt_msg_end(&rt, 3);
  nsc_rt_msg_int(&rt, 1);
  nsc_rt_msg_end(&rt, 1);
  EXPECT_EQ(capture.text(), "outer 1\n");
  ASSERT_EQ(rt.warnings.size(), 1u);
  EXPECT_EQ(rt.warnings.begin()->first, "nest: inner");
  EXPECT_TRUE(rt.messages.empty());
}

TEST(RuntimeSupportTest, FatalTextsAreTheInterpreters) {
  // The interpreter's loops need 10^8 iterations to get there; the texts
  // are those of ModelExecutor.cpp.
  nsc_runtime forLoop;
  forLoop.model = "spin";
  nsc_rt_fatal(&forLoop, 1);
  EXPECT_EQ(forLoop.fatal, "a for loop of model 'spin' ran more than 10^8 iterations");
  nsc_runtime whileLoop;
  whileLoop.model = "spin";
  nsc_rt_fatal(&whileLoop, 2);
  EXPECT_EQ(whileLoop.fatal,
            "a while loop of model 'spin' ran more than 10^8 iterations in one step");
  nsc_runtime unknown;
  unknown.model = "spin";
  nsc_rt_fatal(&unknown, 77);
  EXPECT_NE(unknown.fatal.find("77"), std::string::npos);
}

TEST(RuntimeSupportTest, MergeWarningsAddsCounts) {
  nsc_runtime a, b;
  a.model = b.model = "m";
  nsc_rt_warn_int_div_zero(&a);
  nsc_rt_warn_int_div_zero(&b);
  nsc_rt_warn_int_div_zero(&b);
  nsc_rt_warn_index(&b, 9, 4);
  std::map<std::string, uint64_t> total;
  cpu::mergeWarnings(total, a);
  cpu::mergeWarnings(total, b);
  EXPECT_EQ(total, (std::map<std::string, uint64_t>{
                       {"integer division by zero (result 0)", 3},
                       {"index 9 out of range [0, 4): clamped", 1}}));
}

} // namespace
