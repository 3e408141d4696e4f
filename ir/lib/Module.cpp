//===- Module.cpp - Models, networks, modules: lookups and names ----------===//
#include "nsc/ir/IR.h"
#include "nsc/support/Suggest.h"

#include <fmt/format.h>

namespace nsc::ir {

const char *solverName(Solver s) {
  switch (s) {
  case Solver::Auto: return "auto";
  case Solver::Exact: return "exact";
  case Solver::ExpEuler: return "exp_euler";
  case Solver::RK4: return "rk4";
  case Solver::RK45: return "rk45";
  case Solver::Euler: return "euler";
  }
  return "?";
}

const char *spikeModeName(SpikeMode m) { return m == SpikeMode::Event ? "event" : "rate"; }

const char *roundingName(Rounding r) {
  switch (r) {
  case Rounding::NearestEven: return "nearest_even";
  case Rounding::TowardZero: return "toward_zero";
  case Rounding::Floor: return "floor";
  }
  return "?";
}

const char *overflowName(Overflow o) { return o == Overflow::Saturate ? "saturate" : "wrap"; }

std::string precisionName(const Precision &p) {
  switch (p.kind) {
  case Precision::F64: return "f64";
  case Precision::F32: return "f32";
  case Precision::Fixed:
    return fmt::format("fixed<Q{}.{}, {}, {}>", p.intBits, p.fracBits, roundingName(p.rounding),
                       overflowName(p.overflow));
  }
  return "?";
}

const char *varRoleName(VarRole r) {
  switch (r) {
  case VarRole::State: return "state";
  case VarRole::Parameter: return "param";
  case VarRole::Internal: return "internal";
  case VarRole::Local: return "local";
  case VarRole::Argument: return "arg";
  }
  return "?";
}

const char *populationKindName(PopulationKind k) {
  switch (k) {
  case PopulationKind::Model: return "model";
  case PopulationKind::PoissonGenerator: return "poisson_generator";
  case PopulationKind::SpikeGenerator: return "spike_generator";
  case PopulationKind::DcGenerator: return "dc_generator";
  case PopulationKind::StepCurrentGenerator: return "step_current_generator";
  case PopulationKind::SineGenerator: return "sine_generator";
  case PopulationKind::NoiseGenerator: return "noise_generator";
  case PopulationKind::SignalGenerator: return "signal_generator";
  case PopulationKind::InhomogeneousPoissonGenerator: return "inhomogeneous_poisson_generator";
  }
  return "?";
}

bool isCurrentSource(PopulationKind k) {
  return k == PopulationKind::DcGenerator || k == PopulationKind::StepCurrentGenerator ||
         k == PopulationKind::SineGenerator || k == PopulationKind::NoiseGenerator ||
         k == PopulationKind::SignalGenerator;
}

const char *connectionRuleName(ConnectionRule r) {
  switch (r) {
  case ConnectionRule::AllToAll: return "all_to_all";
  case ConnectionRule::OneToOne: return "one_to_one";
  case ConnectionRule::FixedProbability: return "fixed_probability";
  case ConnectionRule::FixedIndegree: return "fixed_indegree";
  case ConnectionRule::FixedOutdegree: return "fixed_outdegree";
  case ConnectionRule::FromFile: return "from_file";
  case ConnectionRule::SmallWorld: return "small_world";
  case ConnectionRule::PairwiseBernoulli: return "pairwise_bernoulli";
  }
  return "?";
}

const char *pairVariableName(VarId v) {
  return v == kPairSource ? "i" : v == kPairTarget ? "j" : "?";
}

const Model &pairVariables() {
  static const Model pair = [] {
    Model m;
    for (VarId v : {kPairSource, kPairTarget}) {
      Variable var;
      var.id = v;
      var.name = pairVariableName(v);
      var.role = VarRole::Parameter;
      var.type = Type::integer();
      m.variables.push_back(std::move(var));
    }
    return m;
  }();
  return pair;
}

const OdeEquation *OdeSystem::equationFor(VarId var) const {
  for (const OdeEquation &e : equations)
    if (e.var == var)
      return &e;
  return nullptr;
}

std::optional<VarId> Model::findVariable(const std::string &name) const {
  for (const Variable &v : variables)
    if (v.name == name && v.role != VarRole::Local && v.role != VarRole::Argument)
      return v.id;
  return std::nullopt;
}

std::optional<uint32_t> Model::findPort(const std::string &name) const {
  for (uint32_t i = 0; i < ports.size(); ++i)
    if (ports[i].name == name)
      return i;
  return std::nullopt;
}

std::optional<uint32_t> Model::findFunction(const std::string &name) const {
  for (uint32_t i = 0; i < functions.size(); ++i)
    if (functions[i].name == name)
      return i;
  return std::nullopt;
}

std::optional<uint32_t> Model::findInline(const std::string &name) const {
  for (uint32_t i = 0; i < odes.inlines.size(); ++i)
    if (odes.inlines[i].name == name)
      return i;
  return std::nullopt;
}

std::optional<uint32_t> Network::findPopulation(const std::string &name) const {
  for (uint32_t i = 0; i < populations.size(); ++i)
    if (populations[i].name == name)
      return i;
  return std::nullopt;
}

std::optional<uint32_t> Module::findModel(const std::string &name) const {
  for (uint32_t i = 0; i < models.size(); ++i)
    if (models[i]->name == name)
      return i;
  return std::nullopt;
}

std::optional<uint32_t> Module::findNetwork(const std::string &name, std::string *error) const {
  std::vector<uint32_t> source;
  std::string names;
  for (uint32_t i = 0; i < networks.size(); ++i)
    if (!networks[i]->singleModel) {
      source.push_back(i);
      names += (names.empty() ? "'" : ", '") + networks[i]->name + "'";
    }
  auto fail = [&](std::string message) -> std::optional<uint32_t> {
    if (error)
      *error = std::move(message);
    return std::nullopt;
  };
  if (name.empty()) {
    if (source.size() == 1)
      return source.front();
    if (source.empty())
      return fail("the input has no network");
    return fail("the input has several networks (" + names + "): choose one by name");
  }
  std::vector<std::string> list;
  for (uint32_t i : source) {
    if (networks[i]->name == name)
      return i;
    list.push_back(networks[i]->name);
  }
  return fail("no network named '" + name + "'" + didYouMean(name, list) + " (networks: " + (names.empty() ? "none" : names) + ")");
}

Model &Module::addModel(std::unique_ptr<Model> m) {
  models.push_back(std::move(m));
  return *models.back();
}

} // namespace nsc::ir
