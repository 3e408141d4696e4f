//===- FixedProgramTest.cpp - The core's reference vs the interpreter -----===//
//
// nsc/hw/FixedProgram.h is the C++ reference the generated neuron core is
// checked against on every cycle; it must compute what the interpreter's
// FixedEval (nsc/ir/FixedPoint.h) computes, bit for bit:
//   1. each operation on random and edge operands, in several formats and
//      every rounding/overflow mode, against fx::add/sub/mul/neg/abs/fromInt;
//   2. whole models: the program buildCore makes from a model's IR, run on
//      random states and inputs, against the interpreter executing
//      update / onReceive / onCondition on the same neuron.
//
//===----------------------------------------------------------------------===//
#include "nsc/frontend/Lowering.h"
#include "nsc/frontend/Parser.h"
#include "nsc/frontend/Sema.h"
#include "nsc/eval/ModelExecutor.h"
#include "nsc/ir/FixedPoint.h"
#include "nsc/passes/PassManager.h"
#include "nsc/verilog/VerilogBackend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

using namespace nsc;
namespace fx = nsc::ir::fx;

namespace {

hw::FxFormat toFx(const ir::Precision &p) {
  hw::FxFormat f;
  f.intBits = p.intBits;
  f.fracBits = p.fracBits;
  f.rounding = p.rounding == ir::Rounding::Floor        ? hw::FxRounding::Floor
               : p.rounding == ir::Rounding::TowardZero ? hw::FxRounding::TowardZero
                                                        : hw::FxRounding::NearestEven;
  f.saturate = p.overflow == ir::Overflow::Saturate;
  return f;
}

TEST(FixedProgram, OperationsMatchFixedPoint) {
  std::mt19937_64 rng(42);
  const int formats[][2] = {{8, 8}, {6, 10}, {16, 16}, {4, 4}, {1, 15}, {20, 4}};
  for (auto fm : formats)
    for (ir::Rounding r : {ir::Rounding::NearestEven, ir::Rounding::TowardZero, ir::Rounding::Floor})
      for (ir::Overflow o : {ir::Overflow::Saturate, ir::Overflow::Wrap}) {
        ir::Precision P = ir::Precision::fixed(fm[0], fm[1], r, o);
        hw::FxProgram p;
        p.format = toFx(P);
        p.stateKinds = {hw::ValueKind::Fixed, hw::ValueKind::Fixed, hw::ValueKind::Int};
        p.code = {{hw::FxOp::State, hw::ValueKind::Fixed, 0},   {hw::FxOp::State, hw::ValueKind::Fixed, 1},
                  {hw::FxOp::State, hw::ValueKind::Int, 2},     {hw::FxOp::Add, hw::ValueKind::Fixed, 0, 1},
                  {hw::FxOp::Sub, hw::ValueKind::Fixed, 0, 1},  {hw::FxOp::Mul, hw::ValueKind::Fixed, 0, 1},
                  {hw::FxOp::Neg, hw::ValueKind::Fixed, 0},     {hw::FxOp::Abs, hw::ValueKind::Fixed, 1},
                  {hw::FxOp::IntToFixed, hw::ValueKind::Fixed, 2}};
        p.stateNext = {3, 4, 2};
        const int64_t lo = fx::minRaw(P), hi = fx::maxRaw(P);
        const int64_t edges[] = {lo, lo + 1, -1, 0, 1, hi - 1, hi, int64_t(1) << (fm[1] - 1)};
        std::vector<int64_t> values;
        for (int i = 0; i < 20000; ++i) {
          auto pick = [&]() {
            if (rng() % 4 == 0)
              return edges[rng() % 8];
            return lo + int64_t(rng() % uint64_t(hi - lo + 1));
          };
          int64_t a = pick(), b = pick(), k = int64_t(rng() % 200) - 100;
          int64_t state[3] = {a, b, k}, next[3];
          bool ovf = false;
          hw::FxNeuronStep in;
          in.state = state;
          runFxProgram(p, in, next, ovf, values);
          ASSERT_EQ(values[3], fx::add(a, P, b, P, P)) << "Q" << fm[0] << "." << fm[1];
          ASSERT_EQ(values[4], fx::sub(a, P, b, P, P));
          ASSERT_EQ(values[5], fx::mul(a, P, b, P, P)) << a << " * " << b << " Q" << fm[0] << "." << fm[1];
          ASSERT_EQ(values[6], fx::neg(a, P, P));
          ASSERT_EQ(values[7], fx::abs(b, P, P));
          ASSERT_EQ(values[8], fx::fromInt(k, P));
        }
        // θ conversion: what the runtime's store of θ/256 gives.
        for (int64_t th = -32768; th < 32768; th += 7)
          ASSERT_EQ(hw::thetaToFormat(th, p.format), fx::fromDouble(double(th) / 256.0, P)) << th;
      }
}

struct Compiled {
  SourceManager sm;
  DiagnosticEngine diags{sm};
  ast::Program program;
  std::unique_ptr<ir::Module> module;
  bool go(const std::string &src) {
    auto f = parseFile(sm, diags, sm.addBuffer("core.nrn", src));
    if (!f)
      return false;
    program.files.push_back(std::move(f));
    if (!analyzeProgram(program, diags) || !(module = lowerToIR(program, diags)))
      return false;
    passes::PassManager pm;
    std::ostringstream log;
    passes::PassContext ctx(diags, log);
    return pm.addPipeline("default", diags) && pm.run(*module, ctx);
  }
};

const char *kModel = R"(
model core_edge:
    parameters:
        V_th mV = 0.5 mV
        g real = 0.75
        k 1/mV = 0.5 / mV
    state:
        V mV = 0 mV
        u mV = 0.25 mV
        n integer = 0
        refr integer = 0
    input:
        exc mV <- spike
        inh mV <- spike
    output:
        spike
    update:
        if refr > 0:
            refr -= 1
            u = u * g
        else:
            V = V * g + u * u * k - abs(u) * 0.125
            u = clip(u, -2 mV, 2 mV) * 0.5 + min(V, 1 mV) * 0.25 - max(V, -1 mV) * 0.0625
        n += 1
    onReceive(exc, priority = 1):
        u += exc
    onReceive(inh):
        V -= inh * 1.5
    onCondition(refr == 0 and V >= V_th):
        V = -V * 0.5
        n = n - 3
        refr = 4
        emit_spike()
    semantics:
        precision = fixed(FORMAT)
semantics:
    dt = 0.1 ms
network net:
    pop = core_edge[3]
    homeostasis for pop:
        threshold = V_th
        theta_min = -300
        theta_max = 300
    aer for pop:
        timestamp_bits = 8
)";

void checkModel(const std::string &format) {
  std::string src = kModel;
  src.replace(src.find("FORMAT"), 6, format);
  Compiled c;
  ASSERT_TRUE(c.go(src)) << format;
  const ir::Module &m = *c.module;
  verilog::Designs ds;
  ASSERT_TRUE(verilog::collectDesigns(m, *m.networks[0], ds, c.diags));
  ASSERT_EQ(ds.cores.size(), 1u);
  const verilog::CoreDesign &core = ds.cores[0];
  const ir::Model &model = *m.models[m.networks[0]->populations[0].model];
  const ir::Precision &P = model.semantics.precision;
  eval::ModelExecutor ex(model, 0.1);
  std::vector<ir::VarId> stored;
  for (const std::string &name : core.stateNames)
    for (const ir::Variable &v : model.variables)
      if (v.name == name)
        stored.push_back(v.id);
  ir::VarId theta = ir::kNoVar;
  for (const ir::Variable &v : model.variables)
    if (v.name == "V_th")
      theta = v.id;

  // The start-up row the builder used (parameters, internals, prepare).
  std::vector<eval::Value> base(ex.rowSize());
  {
    eval::NeuronFrame f;
    f.row = base.data();
    std::vector<double> ports(std::max(1u, ex.portSlots()), 0.0);
    f.portValue = ports.data();
    for (const ir::Variable &v : model.variables)
      if (v.init && v.role != ir::VarRole::Local)
        f.cell(ex.slotOf(v.id)) = ex.evalAs(*v.init, v.type, f);
    ex.exec(model.prepare, f);
  }
  std::vector<unsigned> handlers(model.onReceive.size());
  for (unsigned h = 0; h < handlers.size(); ++h)
    handlers[h] = h;
  std::stable_sort(handlers.begin(), handlers.end(), [&](unsigned a, unsigned b) {
    return model.onReceive[a].priority > model.onReceive[b].priority;
  });

  std::mt19937_64 rng(7);
  const int64_t lo = fx::minRaw(P), hi = fx::maxRaw(P);
  std::vector<int64_t> values;
  uint64_t spikes = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<eval::Value> row = base;
    std::vector<int64_t> state(stored.size()), next(stored.size());
    for (size_t j = 0; j < stored.size(); ++j) {
      const ir::Variable &v = model.variables[stored[j]];
      int64_t x = v.type.kind == ir::TypeKind::Int ? int64_t(rng() % 7) - 1
                  : rng() % 3 == 0                 ? (rng() % 2 ? hi : lo)
                                                   : int64_t(rng() % 2048) - 1024;
      state[j] = x;
      row[ex.slotOf(stored[j])].i = x;
    }
    int64_t th = int64_t(rng() % 601) - 300;
    int64_t thRaw = hw::thetaToFormat(th, core.program.format);
    row[ex.slotOf(theta)].i = thRaw;
    std::vector<int64_t> sums(model.ports.size());
    std::unique_ptr<bool[]> recv(new bool[model.ports.size()]);
    std::vector<double> portValue(std::max(1u, ex.portSlots()), 0.0);
    for (size_t q = 0; q < model.ports.size(); ++q) {
      recv[q] = rng() % 2;
      sums[q] = recv[q] ? int64_t(rng() % 4096) - 2048 : 0;
      portValue[ex.portSlot(uint32_t(q))] = std::ldexp(double(sums[q]), -P.fracBits);
    }
    eval::NeuronFrame f;
    f.row = row.data();
    f.portValue = portValue.data();
    ex.exec(model.update, f);
    for (unsigned h : handlers)
      if (recv[model.onReceive[h].port])
        ex.exec(model.onReceive[h].body, f);
    for (const ir::OnCondition &oc : model.onCondition)
      if (ex.eval(*oc.cond, f).b)
        ex.exec(oc.body, f);
    ASSERT_TRUE(ex.fatal().empty()) << ex.fatal();

    hw::FxNeuronStep in;
    in.state = state.data();
    in.theta = thRaw;
    in.portSum = sums.data();
    in.portRecv = recv.get();
    bool ovf = false;
    bool spiked = runFxProgram(core.program, in, next.data(), ovf, values);
    ASSERT_EQ(spiked, f.spiked) << format << " trial " << trial;
    spikes += spiked;
    for (size_t j = 0; j < stored.size(); ++j)
      ASSERT_EQ(next[j], row[ex.slotOf(stored[j])].i)
          << format << " trial " << trial << ": " << model.variables[stored[j]].name;
  }
  EXPECT_GT(spikes, 100u) << format;
}

TEST(FixedProgram, ModelStepMatchesInterpreter) {
  checkModel("Q8.8");
  checkModel("Q6.10, rounding = toward_zero, overflow = wrap");
  checkModel("Q12.4, rounding = floor");
}

} // namespace
