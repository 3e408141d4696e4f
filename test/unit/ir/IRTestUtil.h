//===- IRTestUtil.h - A small hand-built model for IR tests -----*- C++ -*-===//
#pragma once

#include "nsc/ir/Builder.h"
#include "nsc/ir/IR.h"

#include <memory>

namespace nsc::ir::test {

inline units::Unit unit(const char *name) { return *units::lookupUnit(name); }

/// A leaky integrator: param tau (ms), E_L (mV); state V (mV);
/// V' = -(V - E_L)/tau; update { integrate_odes() }; onCondition V > -50 mV.
struct LeakyModel {
  std::unique_ptr<Model> model = std::make_unique<Model>();
  VarId tau, E_L, V, count;
  uint32_t spikes;

  LeakyModel() {
    model->name = "leaky";
    model->outputSpike = true;
    Builder b(*model);
    tau = b.addVariable("tau", VarRole::Parameter, Type::real(unit("ms")), b.real(10, unit("ms")));
    E_L = b.addVariable("E_L", VarRole::Parameter, Type::real(unit("mV")), b.real(-70, unit("mV")));
    V = b.addVariable("V", VarRole::State, Type::real(unit("mV")), b.var(E_L));
    count = b.addVariable("count", VarRole::State, Type::integer(), b.integer(0));
    spikes = b.addPort("spikes", PortKind::Spike, Type::real(unit("mV")));
    b.addOde(V, 1, b.div(b.neg(b.sub(b.var(V), b.var(E_L))), b.var(tau)));
    model->update.push_back(b.integrateOdes());
    OnReceive r;
    r.port = spikes;
    r.body.push_back(b.assign(V, b.add(b.var(V), b.port(spikes))));
    model->onReceive.push_back(std::move(r));
    OnCondition c;
    c.cond = b.binary(BinaryOp::Gt, b.var(V), b.real(-50, unit("mV")));
    c.body.push_back(b.assign(count, b.add(b.var(count), b.integer(1))));
    c.body.push_back(b.emitSpike());
    model->onCondition.push_back(std::move(c));
  }
};

} // namespace nsc::ir::test
