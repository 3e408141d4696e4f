//===- CodegenDifferentialTest.cpp - Generated code vs the interpreter ----===//
//
// The cpu backend's contract: a model's JIT-compiled step function gives,
// bit for bit, the state the reference interpreter gives (DifferentialHarness.h
// runs both side by side). Every example model (with the specializations
// its networks make), float32 variants, and small models for what the
// examples do not exercise: random draws, loops, functions, vector
// variables, warnings, integer and real corner cases, recursion and fatal
// errors.
//
//===----------------------------------------------------------------------===//
#include "DifferentialHarness.h"

#include <gtest/gtest.h>

using namespace nsc;
using namespace nsc::cpu::difftest;

namespace {

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

// Every function of nsc's vector math (runtime/include/nsc/runtime/
// VectorMath.h) over wide arguments: overflow and underflow of exp,
// subnormal logarithms (float64), negative bases with integer exponents, large sine
// and cosine arguments, tanh's saturation and its tiny-argument range.
const char *kVectorMathModel = R"(
model vmath_neuron:
    state:
        V mV = -65 mV
        x real = 0.37
        acc real = 0.0
        big real = 0.0
    input:
        drive pA <- continuous
    output:
        spike
    update:
        x = x * 1.618 + drive * 0.013 / 1 pA
        x = x - 40 * floor(x / 40)
        a real = (x - 20) * 37.1
        big = min(exp(a), 1e30) + min(expm1(a), 1e30) * 1e-3 + min(abs(expm1(a / 1e6)), 1.0)
        acc = acc * 0.5 + ln(1 + big) + max(ln(x * 1e-300 * 1e-10 + 1e-300 * 1e-12), -800.0) * 1e-3 + ln(x + 1e-9)
        acc = acc + min((x / 7) ** (a / 20), 1e30) * 1e-30 + (-x) ** 3 * 1e-5 + (x + 0.5) ** -0.5 + 2.0 ** (a / 100)
        acc = acc + tanh(a / 30) + tanh(a * 1e-12) * 1e9 + sin(a * 1e5) + cos(a * 1e5) + sin(a) * cos(a / 3) + sin(a * 1e-9) * 1e8
        acc = acc + sqrt(x) + cos(x * 1e7)
        V += (acc - V / 1 mV - 65) * 0.001 mV
    onCondition(V > -50 mV):
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
    // Since issue 15 `auto` gives these two rk45, which in float32 at the
    // default tolerances takes ~40x longer here (970 s against 24 s for the
    // float64 test); they keep exp_euler, their former auto choice, and
    // aeif_cond_exp covers rk45 in float32. (Open: rk45's default atol is
    // below float32's resolution; docs/decisions.md.)
    if (std::string(name) == "iaf_cond_exp.nrn" || std::string(name) == "hh_psc_alpha.nrn")
      src += "    solver = exp_euler\n";
    checkProgram(examplePath(name), &src, DiffConfig{}, total, /*expectFloat32=*/true);
  }
  EXPECT_GT(total.spikes, 0u);
  EXPECT_EQ(total.nans, 0u);
  report("examples, float32", total);
}

TEST(CodegenDifferential, ExamplesInFixedPointMatchTheInterpreterBitForBit) {
  // R28-R31: the cpu target's inline i128 arithmetic and the interpreter's
  // FixedPoint.h give the same raw integers, in every rounding and overflow
  // mode and word length.
  DiffStats total;
  for (const char *precision : {"fixed(Q16.16)", "fixed(Q12.20, rounding = toward_zero, overflow = wrap)",
                                "fixed(Q8.8, rounding = floor)", "fixed(Q32.32)"})
    for (const char *name : {"cuba.nrn", "iaf_psc_exp.nrn", "iaf_psc_alpha.nrn", "lif_fixed_q16_16.nrn"}) {
      std::string src = withPrecision(readFile(examplePath(name)), precision);
      EXPECT_GE(checkProgram(examplePath(name), &src, DiffConfig{}, total), 1u) << name << " " << precision;
    }
  EXPECT_GT(total.spikes, 0u);
  report("examples, fixed point", total);
}

TEST(CodegenDifferential, FixedPointForLoopCountersMatchTheInterpreter) {
  // A real loop counter of a fixed-point model runs in float64 and is
  // stored into its cell as raw Qm.n (the cpu target once stored the
  // double's bits: 0.5+1+1.5+2 read back as 32767.99998 in Q16.16).
  const char *model = R"(
model fxloop:
    state:
        acc real = 0
        steps_seen real = 0
    update:
        acc = 0
        r real = 0
        for r in 0.5 ... 2 step 0.5:
            acc += r
        for r in 3 ... -1.25 step -0.75:
            acc -= r / 4
        steps_seen += acc
    output:
        spike

semantics:
    dt = 0.1 ms
    precision = PRECISION
)";
  DiffStats total;
  for (const char *precision : {"fixed(Q16.16)", "fixed(Q8.8, rounding = floor, overflow = wrap)"}) {
    std::string src = model;
    src.replace(src.find("PRECISION"), 9, precision);
    EXPECT_EQ(checkProgram("fxloop.nrn", &src, DiffConfig{}, total), 1u) << precision;
  }
  report("fixed-point for loops", total);
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

TEST(CodegenDifferential, VectorMathMatchesTheInterpreterBitForBit) {
  DiffStats total;
  std::string src = kVectorMathModel;
  EXPECT_EQ(checkProgram("vmath.nrn", &src, DiffConfig{}, total), 1u);
  std::string f32 = asFloat32(kVectorMathModel);
  checkProgram("vmath.nrn", &f32, DiffConfig{}, total, true);
  EXPECT_EQ(total.nans, 0u);
  report("vector math", total);
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


} // namespace
