//===- ModelParseTest.cpp - Blocks of a model, networks, semantics --------===//
#include "ParseTestUtil.h"

#include <gtest/gtest.h>

using namespace nsc;

static const char *kModel = R"(# Leaky integrator.
# Second docstring line.
model leaky:
    parameters:
        tau ms = 10 ms [[tau > 0 ms]] @homogeneous
        E_L, V_th mV = -70 mV
        n integer = 2
    state:
        recordable V mV = E_L
        w[n] real = 0
    internals:
        P real = exp(-resolution() / tau)
    equations:
        kernel K = exp(-t / tau)
        kernel g' = -g / tau,
               h' = -h / tau
        inline I pA = convolve(K, spikes) * pA
        V' = -(V - E_L) / tau
    input:
        spikes <- excitatory spike
        multi[2] <- spike
        I_stim pA <- continuous
    output: spike
    update:
        integrate_odes()
    onReceive(spikes, priority = 2):
        V += 1 mV
    onCondition(V >= V_th):
        V = E_L
        emit_spike()
    function f(a mV, b real) mV:
        return a * b
    semantics:
        solver = exact
)";

TEST(ModelParse, EveryBlockKind) {
  test::Parsed p(kModel);
  ASSERT_TRUE(p.file) << p.errors();
  ASSERT_EQ(p.file->models.size(), 1u);
  const ast::Model &m = *p.file->models[0];
  EXPECT_EQ(m.name, "leaky");
  EXPECT_EQ(m.docstring, "Leaky integrator.\nSecond docstring line.");
  std::vector<ast::NodeKind> kinds;
  for (auto &mem : m.members)
    kinds.push_back(mem->kind);
  using K = ast::NodeKind;
  EXPECT_EQ(kinds, (std::vector<K>{K::DeclBlock, K::DeclBlock, K::DeclBlock, K::EquationsBlock,
                                   K::InputBlock, K::OutputBlock, K::UpdateBlock,
                                   K::OnReceiveBlock, K::OnConditionBlock, K::FunctionDecl,
                                   K::SemanticsBlock}));
  auto *params = ast::cast<ast::DeclBlock>(m.members[0].get());
  EXPECT_EQ(params->context, ast::DeclContext::Parameter);
  EXPECT_EQ(params->decls[0]->context, ast::DeclContext::Parameter);
  EXPECT_TRUE(params->decls[0]->guard);
  EXPECT_EQ(params->decls[0]->decorators, std::vector<std::string>{"homogeneous"});
  EXPECT_EQ(params->decls[1]->names.size(), 2u);
  auto *state = ast::cast<ast::DeclBlock>(m.members[1].get());
  EXPECT_TRUE(state->decls[0]->recordable);
  EXPECT_EQ(state->decls[0]->context, ast::DeclContext::State);
  EXPECT_TRUE(state->decls[1]->names[0].vectorSize);
  EXPECT_EQ(ast::cast<ast::DeclBlock>(m.members[2].get())->decls[0]->context,
            ast::DeclContext::Internal);
  auto *eqs = ast::cast<ast::EquationsBlock>(m.members[3].get());
  ASSERT_EQ(eqs->items.size(), 4u);
  EXPECT_EQ(ast::cast<ast::KernelDecl>(eqs->items[1].get())->parts.size(), 2u);
  auto *ode = ast::cast<ast::OdeEquation>(eqs->items[3].get());
  EXPECT_EQ(ode->lhs->diffOrder, 1u);
  auto *in = ast::cast<ast::InputBlock>(m.members[4].get());
  EXPECT_TRUE(in->ports[0]->excitatory);
  EXPECT_TRUE(in->ports[1]->vectorSize);
  EXPECT_FALSE(in->ports[2]->isSpike);
  auto *recv = ast::cast<ast::OnReceiveBlock>(m.members[7].get());
  EXPECT_EQ(recv->port, "spikes");
  EXPECT_TRUE(recv->priority);
  auto *fn = ast::cast<ast::FunctionDecl>(m.members[9].get());
  EXPECT_EQ(fn->params.size(), 2u);
  EXPECT_EQ(fn->params[0]->context, ast::DeclContext::FunctionParam);
  EXPECT_TRUE(fn->returnType);
}

TEST(ModelParse, RangesPointAtNames) {
  test::Parsed p(kModel);
  ASSERT_TRUE(p.file) << p.errors();
  const ast::Model &m = *p.file->models[0];
  EXPECT_EQ(m.nameRange.begin.line, 3u);
  EXPECT_EQ(m.nameRange.begin.col, 7u);
  EXPECT_EQ(m.nameRange.end.col, 12u);
  auto *params = ast::cast<ast::DeclBlock>(m.members[0].get());
  const auto &v = params->decls[1]->names[1];
  EXPECT_EQ(v.name, "V_th");
  EXPECT_EQ(v.range.begin.line, 6u);
  EXPECT_EQ(v.range.begin.col, 14u);
  EXPECT_EQ(v.range.end.col, 18u);
}

TEST(ModelParse, StatementsInUpdate) {
  test::Parsed p(test::inUpdate("        a real = 0\n        if a > 1:\n            a -= 1\n"
                                "        elif a < 0:\n            a *= 2\n        else:\n"
                                "            a /= 3\n        for i in 0 ... 9 step 2:\n"
                                "            w[i] = i\n        while a < 3:\n            a += 1\n"
                                "        return\n"));
  ASSERT_TRUE(p.file) << p.errors();
  auto *u = ast::cast<ast::UpdateBlock>(p.file->models[0]->members[0].get());
  ASSERT_EQ(u->body.size(), 5u);
  EXPECT_EQ(ast::cast<ast::VarDecl>(u->body[0].get())->context, ast::DeclContext::Local);
  EXPECT_EQ(ast::cast<ast::If>(u->body[1].get())->branches.size(), 3u);
  auto *f = ast::cast<ast::For>(u->body[2].get());
  EXPECT_EQ(f->var, "i");
  EXPECT_TRUE(f->step);
  EXPECT_TRUE(ast::isa<ast::While>(u->body[3].get()));
  EXPECT_TRUE(ast::isa<ast::Return>(u->body[4].get()));
}

TEST(ModelParse, NeuronAndSynapseKeywordsAndSoftKeywordsAsNames) {
  test::Parsed p("neuron a:\n    state:\n        from, record, network real = 1\n"
                 "synapse b:\n    update:\n        as = 1\n");
  ASSERT_TRUE(p.file) << p.errors();
  EXPECT_EQ(p.file->models[0]->keyword, ast::Model::Keyword::Neuron);
  EXPECT_EQ(p.file->models[1]->keyword, ast::Model::Keyword::Synapse);
}

TEST(NetworkParse, PopulationsProjectionsRecordersSemantics) {
  test::Parsed p(R"(import "lib/iaf.nrn"
import iaf_psc_exp
semantics:
    dt = 0.1 ms
    precision = fixed(Q16.16, rounding = toward_zero, overflow = wrap)
network cuba:
    exc = iaf_psc_exp[3200](V_m = uniform(-60 mV, -50 mV), I_e = 0 pA)
    src = spike_generator(times = [1 ms, 5 ms])
    connect exc -> inh: fixed_probability(0.02), weight = 1.62 mV, delay = 0.1 ms
    connect ee: exc[0:100] -> exc[5]: one_to_one
    record spikes from exc[0:100]
    record V_m, I from exc every 1 ms as trace
    semantics for exc, inh:
        precision = float32
)");
  ASSERT_TRUE(p.file) << p.errors();
  EXPECT_EQ(p.file->imports[0]->path, "lib/iaf.nrn");
  EXPECT_EQ(p.file->imports[1]->name, "iaf_psc_exp");
  ASSERT_TRUE(p.file->semantics);
  auto *fixed = ast::cast<ast::Call>(p.file->semantics->settings[1].value.get());
  EXPECT_EQ(ast::cast<ast::NameRef>(fixed->args[0].get())->name, "Q16.16");
  EXPECT_EQ(fixed->namedArgs.size(), 2u);
  const ast::Network &n = *p.file->networks[0];
  ASSERT_EQ(n.members.size(), 7u);
  auto *exc = ast::cast<ast::Population>(n.members[0].get());
  EXPECT_EQ(exc->model, "iaf_psc_exp");
  EXPECT_TRUE(exc->size);
  EXPECT_EQ(exc->inits.size(), 2u);
  auto *proj = ast::cast<ast::Projection>(n.members[2].get());
  EXPECT_EQ(proj->rule->callee, "fixed_probability");
  EXPECT_EQ(proj->settings.size(), 2u);
  auto *ee = ast::cast<ast::Projection>(n.members[3].get());
  EXPECT_EQ(ee->name, "ee");
  EXPECT_TRUE(ee->source.isSlice);
  EXPECT_FALSE(ee->target.isSlice);
  EXPECT_TRUE(ee->target.begin);
  EXPECT_EQ(ee->rule->callee, "one_to_one");
  auto *rec = ast::cast<ast::Recorder>(n.members[5].get());
  EXPECT_EQ(rec->what, (std::vector<std::string>{"V_m", "I"}));
  EXPECT_TRUE(rec->interval);
  EXPECT_EQ(rec->label, "trace");
  auto *sem = ast::cast<ast::SemanticsBlock>(n.members[6].get());
  EXPECT_EQ(sem->populations, (std::vector<std::string>{"exc", "inh"}));
}
