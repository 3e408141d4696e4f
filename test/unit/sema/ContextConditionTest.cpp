//===- ContextConditionTest.cpp - Model context conditions ----------------===//
#include "SemaTestUtil.h"

using namespace nsc;
using namespace nsc::test;

namespace {

using ContextCondition = SemaTest;

TEST_F(ContextCondition, AssignToParameter) {
  EXPECT_FALSE(analyze(R"(model m:
    parameters:
        tau ms = 10 ms
    update:
        tau = 5 ms
)"));
  expectError("cannot assign to parameter 'tau'", 5, 9);
}

TEST_F(ContextCondition, AssignToInternal) {
  EXPECT_FALSE(analyze(R"(model m:
    internals:
        k real = 1
    update:
        k = 2
)"));
  expectError("cannot assign to internal 'k' outside the internals block", 5, 9);
}

TEST_F(ContextCondition, AssignToInlineAndPort) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        V mV = 0 mV
    equations:
        inline W mV = 2 * V
    input:
        I pA <- continuous
    update:
        W = 1 mV
        I = 1 pA
)"));
  expectError("cannot assign to inline expression 'W'", 9, 9);
  expectError("cannot assign to input port 'I'", 10, 9);
}

TEST_F(ContextCondition, EmitSpikeNeedsOutput) {
  EXPECT_FALSE(analyze(R"(model m:
    update:
        emit_spike()
)"));
  expectError("'emit_spike' requires 'output: spike' in the model", 3, 9);
}

TEST_F(ContextCondition, EmitSpikeWithOutputIsFine) {
  ASSERT_TRUE(analyze(R"(model m:
    output:
        spike
    update:
        emit_spike()
)")) << dump();
}

TEST_F(ContextCondition, UnknownPortInOnReceive) {
  EXPECT_FALSE(analyze(R"(model m:
    input:
        spikes <- spike
    onReceive(spikez):
        pass_count integer = 0
)"));
  expectError("unknown input port 'spikez' in onReceive", 4, 15);
  EXPECT_TRUE(hasNote("did you mean 'spikes'?")) << dump();
}

TEST_F(ContextCondition, OnReceiveAnnotatesPort) {
  ASSERT_TRUE(analyze(R"(model m:
    state:
        g nS = 0 nS
    input:
        spikes nS <- spike
    onReceive(spikes):
        g += spikes
)")) << dump();
  for (auto &mem : model().members)
    if (auto *r = ast::dyn_cast<ast::OnReceiveBlock>(mem.get())) {
      ASSERT_NE(r->portDecl, nullptr);
      EXPECT_EQ(r->portDecl->name, "spikes");
    }
  ast::NameRef *s = findName(model(), "spikes");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->resolution, ast::NameRef::Resolution::Port);
}

TEST_F(ContextCondition, KernelOutsideConvolve) {
  EXPECT_FALSE(analyze(R"(model m:
    parameters:
        tau ms = 2 ms
    equations:
        kernel K = exp(-t / tau)
        inline I pA = K * pA
)"));
  expectError("kernel 'K' can only be used as the first argument of convolve()", 6, 23);
}

TEST_F(ContextCondition, ConvolveAnnotationsAndUnits) {
  ASSERT_TRUE(analyze(R"(model m:
    parameters:
        tau ms = 2 ms
    equations:
        kernel K = exp(-t / tau)
        inline I pA = convolve(K, spikes)
    input:
        spikes pA <- spike
)")) << dump();
  ast::NameRef *k = findName(model(), "K");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->resolution, ast::NameRef::Resolution::Kernel);
  EXPECT_TRUE(ast::isa<ast::KernelDecl>(k->target));
  ast::NameRef *s = findName(model(), "spikes");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->resolution, ast::NameRef::Resolution::Port);
  EXPECT_TRUE(ast::isa<ast::InputPort>(s->target));
}

TEST_F(ContextCondition, ConvolveArgumentKinds) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        x real = 0
    equations:
        kernel K = exp(-t / 1 ms)
        inline a real = convolve(x, spikes)
        inline b real = convolve(K, I)
    input:
        spikes <- spike
        I pA <- continuous
)"));
  expectError("first argument of convolve() must be a kernel", 6, 34);
  expectError("second argument of convolve() must be a spike input port", 7, 37);
}

TEST_F(ContextCondition, OdeForUndeclaredAndParameter) {
  EXPECT_FALSE(analyze(R"(model m:
    parameters:
        tau ms = 1 ms
    state:
        V_m mV = 0 mV
    equations:
        V_n' = -V_m / tau
        tau' = 1
)"));
  expectError("ODE for undeclared state variable 'V_n'", 7, 9);
  EXPECT_TRUE(hasNote("did you mean 'V_m'?")) << dump();
  expectError("cannot define an ODE for parameter 'tau'", 8, 9);
}

TEST_F(ContextCondition, DuplicateOde) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        x real = 0
    equations:
        x' = -x / 1 ms
        x' = x / 1 ms
)"));
  expectError("duplicate ODE for 'x'", 6, 9);
  EXPECT_TRUE(hasNote("previous ODE is here"));
}

TEST_F(ContextCondition, DirectRecursion) {
  EXPECT_FALSE(analyze(R"(model m:
    function f(n integer) integer:
        return f(n - 1)
)"));
  expectError("recursive call to 'f'", 3, 16);
}

TEST_F(ContextCondition, MutualRecursionNotesChain) {
  EXPECT_FALSE(analyze(R"(model m:
    function f(n integer) integer:
        return g(n)
    function g(n integer) integer:
        return f(n)
)"));
  const Diagnostic *d = find(Severity::Error, "recursive call to 'f'");
  ASSERT_NE(d, nullptr) << dump();
  EXPECT_EQ(d->range.begin.line, 5u);
  EXPECT_TRUE(hasNote("'f' calls 'g' here")) << dump();
  EXPECT_TRUE(hasNote("'g' calls 'f' here")) << dump();
  EXPECT_EQ(diags.errorCount(), 1u) << dump();
}

TEST_F(ContextCondition, MissingReturn) {
  EXPECT_FALSE(analyze(R"(model m:
    function f(x real) real:
        if x > 0:
            return x
)"));
  expectError("non-void function 'f' does not return a value on every path", 2, 14);
}

TEST_F(ContextCondition, ReturnsOnAllPathsWithElse) {
  ASSERT_TRUE(analyze(R"(model m:
    function f(x real) real:
        if x > 0:
            return x
        else:
            return -x
)")) << dump();
}

TEST_F(ContextCondition, ReturnValueInVoidFunctionAndWrongType) {
  EXPECT_FALSE(analyze(R"(model m:
    function f(x real):
        return x
    function g(x mV) mV:
        return 1 ms
)"));
  expectError("void function 'f' cannot return a value", 3, 16);
  expectError("cannot return a value of type 'ms' from function 'g' returning 'mV'", 5, 16);
}

TEST_F(ContextCondition, UserCallArgumentsChecked) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        V mV = 0 mV
    function f(x mV) mV:
        return x
    update:
        V = f(V, V)
        V = f(1 ms)
)"));
  expectError("function 'f' expects 1 argument but 2 were given", 7, 13);
  expectError("argument 1 of 'f' has type 'ms', expected 'mV'", 8, 15);
  for (auto &mem : model().members)
    if (auto *u = ast::dyn_cast<ast::UpdateBlock>(mem.get())) {
      auto *a = ast::cast<ast::Assign>(u->body[0].get());
      auto *c = ast::cast<ast::Call>(a->value.get());
      EXPECT_TRUE(ast::isa<ast::FunctionDecl>(c->target));
    }
}

TEST_F(ContextCondition, IntegrateOdesOnlyInUpdate) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        x real = 0
    equations:
        x' = -x / 1 ms
    input:
        s <- spike
    onReceive(s):
        integrate_odes()
)"));
  expectError("'integrate_odes' can only be called in the update block", 9, 9);
}

TEST_F(ContextCondition, IntegrateOdesArgumentsNeedOdes) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        x real = 0
        y real = 0
    equations:
        x' = -x / 1 ms
    update:
        integrate_odes(x, y)
)"));
  expectError("argument of 'integrate_odes' must be a state variable with an ODE", 8, 27);
}

TEST_F(ContextCondition, ConditionsMustBeBoolean) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        n integer = 0
    update:
        if n:
            n = 1
        while n + 1:
            n = 2
    onCondition(n):
        n = 0
)"));
  expectError("condition must be 'boolean', not 'integer'", 5, 12);
  expectError("condition must be 'boolean', not 'integer'", 5, 12);
  EXPECT_EQ(diags.errorCount(), 3u) << dump();
}

TEST_F(ContextCondition, GuardMustBeBoolean) {
  EXPECT_FALSE(analyze(R"(model m:
    parameters:
        tau ms = 1 ms [[tau]]
)"));
  expectError("guard must be 'boolean', not 'ms'", 3, 25);
}

TEST_F(ContextCondition, VectorIndexMustBeInteger) {
  EXPECT_FALSE(analyze(R"(model m:
    parameters:
        N integer = 3
    state:
        x[N] real = 0
    update:
        x[1] = 2
        x[0.5] = 1
)"));
  expectError("vector index must be an integer, not 'real'", 8, 11);
  EXPECT_EQ(diags.errorCount(), 1u) << dump();
}

TEST_F(ContextCondition, ForLoopVariableMustBeDeclared) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        s integer = 0
    update:
        i integer = 0
        for i in 0 ... 9:
            s += i
        for j in 0 ... 9:
            s += 1
)"));
  expectError("use of undeclared loop variable 'j'", 8, 13);
  EXPECT_EQ(diags.errorCount(), 1u) << dump();
}

TEST_F(ContextCondition, UnknownFunctionSuggestion) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        x real = expp(1)
)"));
  expectError("unknown function 'expp'", 3, 18);
  EXPECT_TRUE(hasNote("did you mean 'exp'?")) << dump();
}

TEST_F(ContextCondition, BuiltinArgumentCount) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        x real = exp(1, 2)
        y real = clip(1, 2)
)"));
  expectError("'exp' expects 1 argument but 2 were given", 3, 18);
  expectError("'clip' expects 3 arguments but 2 were given", 4, 18);
}

TEST_F(ContextCondition, SynapseEmitSpikeWithWeightAndDelay) {
  ASSERT_TRUE(analyze(R"(model my_synapse:
    parameters:
        d ms = 1 ms
    state:
        w real = 1
    input:
        pre_spikes <- spike
    onReceive(pre_spikes):
        emit_spike(w, d)
)")) << dump();
}

TEST_F(ContextCondition, NeuronEmitSpikeTakesNoArguments) {
  EXPECT_FALSE(analyze(R"(model m:
    output:
        spike
    update:
        emit_spike(1, 1 ms)
)"));
  expectError("'emit_spike' takes no arguments in a neuron model", 5, 20);
}

TEST_F(ContextCondition, InlineCycle) {
  EXPECT_FALSE(analyze(R"(model m:
    equations:
        inline a real = b + 1
        inline b real = a * 2
)"));
  EXPECT_NE(find(Severity::Error, "depends on itself"), nullptr) << dump();
}

TEST_F(ContextCondition, SeveralErrorsInOneRun) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        a mV = 1 ms
        b mV = c
    update:
        a = undefined_thing
        emit_spike()
)"));
  EXPECT_GE(diags.errorCount(), 4u) << dump();
}

} // namespace
