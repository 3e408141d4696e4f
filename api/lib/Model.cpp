//===- Model.cpp - Building simulations of a compiled source --------------===//
#include "Impl.h"
#include "nsc/support/Suggest.h"

#include "nsc/targets/RunPreflight.h"

#include "nsc/frontend/SingleModelNetwork.h"
#include "nsc/runtime/Communicator.h"

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
  for (const auto &n : impl()->session->module()->networks)
    if (!n->singleModel)
      out.push_back(n->name);
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

/// Builds the simulation of the network `select` picks (or adds) in the
/// module, with this model's target from the target table, under the build
/// lock; throws SimulationError with the diagnostics on failure.
template <class Select>
std::unique_ptr<SimulationImpl> buildSimulation(const std::shared_ptr<ModelImpl> &model, Select select,
                                                std::unique_ptr<SimulationImpl> impl) {
  impl->model = model;
  impl->diags = std::make_unique<DiagnosticEngine>(model->session->sources());
  // Under mpirun every rank would simulate the whole network on its own
  // (docs/mpi.md): refused until the API spreads runs over ranks.
  if (int ranks = runtime::launcherRanks(); ranks > 1) {
    std::string msg = "the embedding API (C++ and Python) does not run under MPI yet (started as one of " +
                      std::to_string(ranks) + " ranks); use `mpirun -np N nsc FILE --target=cpu --run=...`";
    impl->diags->error({}, msg);
    impl->throwRunError(msg);
  }
  impl->threads = model->options.threads;
  impl->backend = targets::findTarget(targetName(model->options.target))->networkBackend();
  network::BuildOptions build;
  build.threads = model->options.threads;
  build.kernels = impl->backend.kernels;
  build.synapseKernels = impl->backend.synapseKernels;
  auto start = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(buildMutex());
    try {
      ir::Module &mod = *model->session->module();
      if (std::optional<uint32_t> index = select(mod, *impl->diags)) {
        impl->network = mod.networks[*index].get();
        // Refused before allocating when the estimate exceeds the memory
        // available (or options.maxMemoryBytes), as on the command line.
        targets::MemoryCheck check;
        check.request.compiledKernels = impl->backend.compiles;
        check.maxMemory = model->options.maxMemoryBytes;
        if (targets::checkMemory(mod, *index, check, *impl->diags))
          impl->sim = network::Simulation::forNetwork(mod, *index, build, *impl->diags);
      }
    } catch (const Error &) {
      throw;
    } catch (const std::bad_alloc &) {
      impl->sim.reset();
      impl->diags->error(impl->network ? impl->network->loc : SourceRange{},
                         "out of memory while building the simulation");
    } catch (const std::exception &e) {
      impl->diags->error({}, std::string("internal error while building the simulation: ") + e.what());
    }
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
    if (network.empty() && impl()->sourceNetworks == 0)
      throwArgumentError("the source declares no network; simulate a neuron model with simulateModel "
                         "(models: " + joinNames(models()) + ")");
    std::string error;
    std::optional<uint32_t> found = mod.findNetwork(network, &error);
    if (!found)
      throwArgumentError(error);
    index = *found;
  }
  return Simulation(buildSimulation(
      impl(), [index](ir::Module &, DiagnosticEngine &) { return std::optional<uint32_t>(index); },
      std::make_unique<SimulationImpl>()));
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
    throwArgumentError("no neuron model named '" + model + "'" + didYouMean(model, models()) + " (models: " +
                       joinNames(models()) + ")");
  if (setup.n == 0 || setup.n >= (uint64_t(1) << 32))
    throwArgumentError("the number of neurons must be between 1 and 2^32 - 1");
  const ir::Model &m = *mod.models[*mi];
  // Checked here rather than left to the engine so that they are reported
  // as the application's mistakes (ArgumentError).
  for (const auto &iv : setup.initialValues) {
    auto v = m.findVariable(iv.first);
    if (!v || (m.variables[*v].role != ir::VarRole::Parameter && m.variables[*v].role != ir::VarRole::State))
    {
      std::vector<std::string> names;
      for (const ir::Variable &var : m.variables)
        if (var.role == ir::VarRole::Parameter || var.role == ir::VarRole::State)
          names.push_back(var.name);
      throwArgumentError("model '" + model + "' has no parameter or state variable '" + iv.first + "'" +
                         didYouMean(iv.first, names));
    }
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
  SingleModelSetup s;
  s.model = model;
  s.n = setup.n;
  // Values without units are in the unit the model declares (hasUnit false).
  for (const auto &[name, value] : setup.initialValues)
    s.params.push_back({name, value, units::Unit{}, false});
  for (const ModelSetup::SpikeInput &in : setup.spikeInputs) {
    SingleModelSetup::SpikeInput si;
    si.port = in.port;
    si.timesMs = in.times_ms;
    si.weight = in.weight;
    s.spikeInputs.push_back(std::move(si));
  }
  for (const auto &[port, value] : setup.currentInputs)
    s.currentInputs.push_back({port, value, units::Unit{}, false});
  return Simulation(buildSimulation(
      impl(), [&](ir::Module &mod, DiagnosticEngine &d) { return addSingleModelNetwork(mod, s, d); },
      std::make_unique<SimulationImpl>()));
}

} // namespace nsc
