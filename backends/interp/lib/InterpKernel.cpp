//===- InterpKernel.cpp - The interpreter as a population kernel ----------===//
#include "nsc/interp/Interpreter.h"
#include "nsc/eval/ModelExecutor.h"

#include <algorithm>
#include <cmath>

namespace nsc::interp {

using namespace ir;
using eval::ModelExecutor;
using eval::NeuronFrame;
using eval::Value;

namespace {

class InterpKernel : public network::PopulationKernel {
public:
  InterpKernel(const Model &m, double dtMs) : m_(m), dt_(dtMs) {
    for (unsigned h = 0; h < m.onReceive.size(); ++h)
      handlerOrder_.push_back(h);
    // R8: priority descending, then declaration order.
    std::stable_sort(handlerOrder_.begin(), handlerOrder_.end(), [&](unsigned a, unsigned b) {
      return m.onReceive[a].priority > m.onReceive[b].priority;
    });
    for (const Variable &v : m.variables)
      if (v.role == VarRole::State && v.type.kind == TypeKind::Real && !ModelExecutor::isFixed(v.type))
        realStates_.push_back(v.id); // fixed-point values are always finite
    setWorkers(1);
  }

  void setWorkers(unsigned workers) override {
    while (execs_.size() < workers)
      execs_.push_back(std::make_unique<ModelExecutor>(m_, dt_));
    fatalNeuron_.resize(execs_.size());
  }

  network::StepStatus step(const network::PopulationView &v, uint64_t begin, uint64_t end, uint64_t k,
                           unsigned worker) override {
    ModelExecutor &ex = *execs_[worker];
    auto *base = static_cast<Value *>(v.columns[0]);
    const double *ports = ex.portSlots() ? v.portValue[0] : nullptr;
    bool nonFinite = false;
    for (uint64_t i = begin; i < end; ++i) {
      NeuronFrame f;
      f.row = base + i;
      f.portValue = ports ? ports + i : nullptr;
      f.stride = v.n;
      f.neuron = i;
      f.step = k;
      f.tMs = double(k) * dt_;
      f.rngKey = v.rngKey;
      ex.exec(m_.update, f);
      for (unsigned h : handlerOrder_) {
        const OnReceive &r = m_.onReceive[h];
        unsigned slot = ex.portSlot(r.port);
        unsigned elems = ex.layout().portElements(r.port);
        bool arrived = false;
        for (unsigned e = 0; e < elems; ++e)
          arrived = arrived || v.portCount[slot + e][i] > 0;
        if (arrived)
          ex.exec(r.body, f);
      }
      for (const OnCondition &c : m_.onCondition)
        if (ex.eval(*c.cond, f).b)
          ex.exec(c.body, f);
      if (!ex.fatal().empty()) {
        fatalNeuron_[worker] = i;
        return network::StepStatus::Fatal;
      }
      v.spiked[i] = f.spiked ? 1 : 0;
      for (VarId s : realStates_)
        nonFinite = nonFinite || !std::isfinite(f.cell(ex.slotOf(s)).r);
    }
    return nonFinite ? network::StepStatus::NonFinite : network::StepStatus::Ok;
  }

  std::string fatalMessage(unsigned worker) const override {
    return execs_[worker]->fatal() + " (neuron " + std::to_string(fatalNeuron_[worker]) + ")";
  }

  void drainWarnings(std::map<std::string, uint64_t> &into) override {
    for (auto &ex : execs_) {
      for (auto &[text, count] : ex->warnings())
        into[text] += count;
      ex->warnings().clear();
    }
  }

  const char *name() const override { return "interp"; }

private:
  const Model &m_;
  double dt_;
  std::vector<unsigned> handlerOrder_;
  std::vector<VarId> realStates_;
  std::vector<std::unique_ptr<ModelExecutor>> execs_;
  std::vector<uint64_t> fatalNeuron_;
};

} // namespace

network::KernelFactory interpreterKernels() {
  return [](const network::KernelRequest &request,
            DiagnosticEngine &diags) -> std::unique_ptr<network::PopulationKernel> {
    const Model &m = *request.model;
    if (!m.odes.equations.empty() || !m.odes.kernels.empty()) {
      diags.error(m.loc, "model '" + m.name + "' still has ODEs: run the default pass pipeline first");
      return nullptr;
    }
    return std::make_unique<InterpKernel>(m, request.dtMs);
  };
}

} // namespace nsc::interp
