//===- Model.cpp - Building simulations of a compiled source --------------===//
#include "Impl.h"

#include "nsc/interp/Interpreter.h"

#include <chrono>
#include <cmath>

namespace nsc {

using namespace detail;

Model::Model(std::shared_ptr<ModelImpl> impl) : impl_(std::move(impl)) {}
Model::Model(const Model &) = default;
Model::Model(Model &&) noexcept = default;
Model &Model::operator=(const Model &) = default;
Model &Model::operator=(Model &&) noexcept = default;
Model::~Model() = default;

const std::shared_ptr<ModelImpl> &Model::impl() const {
  if (!impl_)
    throwArgumentError("use of a moved-from nsc::Model");
  return impl_;
}

std::vector<std::string> Model::networks() const {
  std::lock_guard<std::mutex> lock(buildMutex()); // simulateModel appends networks
  std::vector<std::string> out;
  const ir::Module &m = *impl()->session->module();
  for (size_t i = 0; i < impl()->sourceNetworks; ++i)
    out.push_back(m.networks[i]->name);
  return out;
}

std::vector<std::string> Model::models() const {
  std::vector<std::string> out;
  for (const auto &m : impl()->session->module()->models)
    if (m->kind == ir::ModelKind::Neuron && m->specializationOf.empty())
      out.push_back(m->name);
  return out;
}

const std::vector<Message> &Model::warnings() const { return impl()->warnings; }
double Model::compile_ms() const { return impl()->compileMs; }
Target Model::target() const { return impl()->options.target; }

namespace {

std::string joinNames(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &n : names)
    out += (out.empty() ? "'" : ", '") + n + "'";
  return out.empty() ? "none" : out;
}

/// Builds the simulation through `make` (forNetwork or forModel) with this
/// model's target, under the build lock; throws SimulationError with the
/// engine's diagnostics on failure.
template <class Make>
std::unique_ptr<SimulationImpl> buildSimulation(const std::shared_ptr<ModelImpl> &model, Make make,
                           std::unique_ptr<SimulationImpl> impl) {
  impl->model = model;
  impl->diags = std::make_unique<DiagnosticEngine>(model->session->sources());
  impl->threads = model->options.threads;
  network::BuildOptions build;
  build.threads = model->options.threads;
  if (model->options.target == Target::Cpu)
    build.kernels = cpu::cpuKernels(&impl->cpuStats);
  else
    build.kernels = interp::interpreterKernels();
  auto start = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(buildMutex());
    try {
      impl->sim = make(*model->session->module(), build, *impl->diags);
    } catch (const Error &) {
      throw;
    } catch (const std::bad_alloc &) {
      throw;
    } catch (const std::exception &e) {
      impl->diags->error({}, std::string("internal error while building the simulation: ") + e.what());
    }
    // forModel appends the network it runs.
    if (impl->sim && !impl->network)
      impl->network = model->session->module()->networks.back().get();
  }
  if (!impl->sim)
    impl->throwRunError("the simulation could not be built");
  impl->buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return impl;
}

} // namespace

Simulation Model::simulate(const std::string &network) const {
  const ir::Module &mod = *impl()->session->module();
  uint32_t index = 0;
  {
    std::lock_guard<std::mutex> lock(buildMutex());
    size_t count = impl()->sourceNetworks;
    std::vector<std::string> names;
    for (size_t i = 0; i < count; ++i)
      names.push_back(mod.networks[i]->name);
    if (network.empty()) {
      if (count == 0)
        throwArgumentError("the source declares no network; simulate a neuron model with simulateModel "
                           "(models: " + joinNames(models()) + ")");
      if (count > 1)
        throwArgumentError("the source declares several networks; name one (networks: " + joinNames(names) +
                           ")");
    } else {
      bool found = false;
      for (size_t i = 0; i < count && !found; ++i)
        if (names[i] == network) {
          index = uint32_t(i);
          found = true;
        }
      if (!found)
        throwArgumentError("no network named '" + network + "' (networks: " + joinNames(names) + ")");
    }
  }
  auto simImpl = std::make_unique<SimulationImpl>();
  SimulationImpl *raw = simImpl.get();
  return Simulation(buildSimulation(
      impl(),
      [index, raw](ir::Module &m, const network::BuildOptions &b, DiagnosticEngine &d) {
        raw->network = m.networks[index].get();
        return network::Simulation::forNetwork(m, index, b, d);
      },
      std::move(simImpl)));
}

Simulation Model::simulateModel(const std::string &model, uint64_t n) const {
  ModelSetup setup;
  setup.n = n;
  return simulateModel(model, setup);
}

Simulation Model::simulateModel(const std::string &model, const ModelSetup &setup) const {
  ir::Module &mod = *impl()->session->module();
  auto mi = mod.findModel(model);
  if (!mi || mod.models[*mi]->kind != ir::ModelKind::Neuron || !mod.models[*mi]->specializationOf.empty())
    throwArgumentError("no neuron model named '" + model + "' (models: " + joinNames(models()) + ")");
  if (setup.n == 0 || setup.n >= (uint64_t(1) << 32))
    throwArgumentError("the number of neurons must be between 1 and 2^32 - 1");
  const ir::Model &m = *mod.models[*mi];
  // Checked here rather than left to the engine so that they are reported
  // as the application's mistakes (ArgumentError).
  for (const auto &iv : setup.initialValues) {
    auto v = m.findVariable(iv.first);
    if (!v || (m.variables[*v].role != ir::VarRole::Parameter && m.variables[*v].role != ir::VarRole::State))
      throwArgumentError("model '" + model + "' has no parameter or state variable '" + iv.first + "'");
    if (m.variables[*v].vectorSize)
      throwArgumentError("'" + iv.first + "' is a vector variable; only scalars can be set");
  }
  auto checkPort = [&](const std::string &port, ir::PortKind kind) {
    auto p = m.findPort(port);
    if (!p || m.ports[*p].kind != kind)
      throwArgumentError("model '" + model + "' has no " +
                         (kind == ir::PortKind::Spike ? "spike" : "continuous") + " input port '" + port + "'");
  };
  for (const ModelSetup::SpikeInput &in : setup.spikeInputs) {
    checkPort(in.port, ir::PortKind::Spike);
    for (double t : in.times_ms)
      if (!(t >= 0) || !std::isfinite(t))
        throwArgumentError("spike input times must be finite and non-negative");
    if (!std::isfinite(in.weight))
      throwArgumentError("spike input weights must be finite");
  }
  for (const auto &ci : setup.currentInputs) {
    checkPort(ci.first, ir::PortKind::Continuous);
    if (!std::isfinite(ci.second))
      throwArgumentError("the value of current input '" + ci.first + "' must be finite");
  }
  for (const auto &iv : setup.initialValues)
    if (std::isnan(iv.second))
      throwArgumentError("NaN given for '" + iv.first + "'");
  network::SingleModelSetup s;
  s.model = model;
  s.n = setup.n;
  // Values without units are in the unit the model declares (hasUnit false).
  for (const auto &[name, value] : setup.initialValues)
    s.params.push_back({name, value, units::Unit{}, false});
  for (const ModelSetup::SpikeInput &in : setup.spikeInputs) {
    network::SingleModelSetup::SpikeInput si;
    si.port = in.port;
    si.timesMs = in.times_ms;
    si.weight = in.weight;
    s.spikeInputs.push_back(std::move(si));
  }
  for (const auto &[port, value] : setup.currentInputs)
    s.currentInputs.push_back({port, value, units::Unit{}, false});
  double dt = m.semantics.dtMs;
  uint64_t seed = m.semantics.seed;
  return Simulation(buildSimulation(
      impl(),
      [&](ir::Module &mod, const network::BuildOptions &b, DiagnosticEngine &d) {
        return network::Simulation::forModel(mod, s, dt, seed, b, d);
      },
      std::make_unique<SimulationImpl>()));
}

} // namespace nsc
