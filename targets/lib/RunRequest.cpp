//===- RunRequest.cpp - What a run asks for -------------------------------===//
#include "nsc/targets/RunRequest.h"

#include "nsc/frontend/SingleModelNetwork.h"
#include "nsc/targets/Target.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nsc::targets {

namespace {

bool splitAssignment(const std::string &arg, std::string &name, std::string &value) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    return false;
  name = arg.substr(0, eq);
  value = arg.substr(eq + 1);
  return true;
}

/// --param, --spike-input and --current-input as a SingleModelSetup; false
/// with `error` set.
bool parseSingleModelSetup(const RunRequest &r, SingleModelSetup &setup, std::string &error) {
  std::string err;
  setup.model = r.model;
  setup.n = r.n;
  for (const std::string &p : r.params) {
    std::string name, value;
    SingleModelSetup::Param prm;
    if (!splitAssignment(p, name, value) || !parseQuantity(value, prm.value, prm.unit, prm.hasUnit, err)) {
      error = "--param '" + p + "': expected NAME=VALUE[unit]" + (err.empty() ? "" : " (" + err + ")");
      return false;
    }
    prm.name = name;
    setup.params.push_back(prm);
  }
  for (const std::string &p : r.spikeInputs) {
    std::string port, value;
    if (!splitAssignment(p, port, value)) {
      error = "--spike-input '" + p + "': expected PORT=t1,t2,...[@weight]";
      return false;
    }
    SingleModelSetup::SpikeInput in;
    in.port = port;
    size_t at = value.find('@');
    if (at != std::string::npos) {
      if (!parseQuantity(value.substr(at + 1), in.weight, in.weightUnit, in.hasUnit, err)) {
        error = "--spike-input '" + p + "': " + err;
        return false;
      }
      value = value.substr(0, at);
    }
    size_t pos = 0;
    while (pos <= value.size()) {
      size_t comma = value.find(',', pos);
      std::string item = value.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      double t;
      if (!parseDurationMs(item, t, err)) {
        error = "--spike-input '" + p + "': " + err;
        return false;
      }
      in.timesMs.push_back(t);
      if (comma == std::string::npos)
        break;
      pos = comma + 1;
    }
    setup.spikeInputs.push_back(in);
  }
  for (const std::string &p : r.currentInputs) {
    std::string port, value;
    SingleModelSetup::CurrentInput ci;
    if (!splitAssignment(p, port, value) || !parseQuantity(value, ci.value, ci.unit, ci.hasUnit, err)) {
      error = "--current-input '" + p + "': expected PORT=VALUE[unit]" + (err.empty() ? "" : " (" + err + ")");
      return false;
    }
    ci.port = port;
    setup.currentInputs.push_back(ci);
  }
  return true;
}

/// The neuron models a file defines (no specializations), "a, b".
std::string neuronModelNames(const ir::Module &mod) {
  std::string names;
  for (auto &m : mod.models)
    if (m->kind == ir::ModelKind::Neuron && m->specializationOf.empty())
      names += (names.empty() ? "" : ", ") + m->name;
  return names;
}

} // namespace

bool parseQuantity(const std::string &text, double &value, units::Unit &unit, bool &hasUnit, std::string &error) {
  const char *s = text.c_str();
  char *end = nullptr;
  value = std::strtod(s, &end);
  if (end == s) {
    error = "'" + text + "' is not a number";
    return false;
  }
  std::string rest(end);
  rest.erase(0, rest.find_first_not_of(' '));
  hasUnit = !rest.empty();
  if (hasUnit) {
    auto u = units::parseUnitExpr(rest, &error);
    if (!u) {
      error = "'" + rest + "' is not a unit" + (error.empty() ? "" : ": " + error);
      return false;
    }
    unit = *u;
  }
  return true;
}

bool parseDurationMs(const std::string &text, double &ms, std::string &error) {
  double v;
  units::Unit u;
  bool hasUnit;
  if (!parseQuantity(text, v, u, hasUnit, error))
    return false;
  if (!hasUnit) {
    ms = v;
  } else {
    units::Unit msU = *units::lookupUnit("ms");
    if (u.dim != msU.dim) {
      error = "'" + text + "' is not a time";
      return false;
    }
    ms = v * u.scale / msU.scale;
  }
  if (!(ms >= 0) || !std::isfinite(ms)) {
    error = "the duration must be a finite, non-negative time";
    return false;
  }
  return true;
}

bool traceEverySteps(const RunRequest &r, double dtMs, uint64_t &steps, std::string &error) {
  steps = 1;
  if (r.traceEvery.empty())
    return true;
  double ms = 0;
  if (!parseDurationMs(r.traceEvery, ms, error)) {
    error = "--trace-every: " + error;
    return false;
  }
  double n = std::nearbyint(ms / dtMs);
  if (!(n >= 1) || !std::isfinite(n)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "--trace-every=%s is shorter than one step (dt = %g ms)", r.traceEvery.c_str(),
                  dtMs);
    error = buf;
    return false;
  }
  if (std::fabs(ms / dtMs - n) > 1e-9 * n) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "--trace-every=%s is not a whole number of steps of dt = %g ms", r.traceEvery.c_str(),
                  dtMs);
    error = buf;
    return false;
  }
  steps = uint64_t(n);
  return true;
}

bool parseTimeStepMs(const std::string &text, double &ms, std::string &error) {
  double v;
  units::Unit u;
  bool hasUnit;
  if (!parseQuantity(text, v, u, hasUnit, error))
    return false;
  units::Unit msU = *units::lookupUnit("ms");
  if (!hasUnit) {
    error = "'" + text + "' has no unit; write a time step such as 0.05ms or 50us";
    return false;
  }
  if (u.dim != msU.dim) {
    error = "'" + text + "' is not a time; write a time step such as 0.05ms or 50us";
    return false;
  }
  // 15 significant digits: 50us is 0.05 ms, not 0.049999999999999996.
  ms = std::stod(fmt::format("{:.15g}", v * u.scale / msU.scale));
  if (!(ms > 0) || !std::isfinite(ms)) {
    error = "the time step must be positive and finite";
    return false;
  }
  return true;
}

std::optional<uint32_t> selectRunNetwork(CompilerSession &session, const RunRequest &req, bool acceptsModel) {
  DiagnosticEngine &diags = session.diagnostics();
  ir::Module &mod = *session.module();
  auto bad = [&](const std::string &msg) -> std::optional<uint32_t> {
    diags.error({}, msg);
    return std::nullopt;
  };
  bool singleModel = !req.model.empty() || mod.networks.empty();
  if (!singleModel) {
    if (!req.params.empty() || !req.spikeInputs.empty() || !req.currentInputs.empty())
      return bad("--param, --spike-input and --current-input apply to a single model (--model); "
                 "a network sets its own inputs");
    std::string error;
    std::optional<uint32_t> index = mod.findNetwork(req.network, &error);
    if (!index)
      return bad(req.network.empty() ? error : "--network: " + error);
    return index;
  }
  if (!acceptsModel)
    return bad("target '" + req.target + "' runs networks, and " +
               (req.model.empty() ? std::string("the input has none") : "--model runs a single model") +
               "; single models run on " +
               targetNames([](const Target &t) { return t.acceptsModel; }));
  RunRequest r = req;
  if (r.model.empty()) {
    std::string names = neuronModelNames(mod);
    if (names.empty()) {
      // Only synapse models: they run inside a projection of a network.
      std::string synapses;
      for (auto &m : mod.models)
        if (m->kind == ir::ModelKind::Synapse && m->specializationOf.empty())
          synapses += (synapses.empty() ? "" : ", ") + m->name;
      return bad("the input has no network and no neuron model to run" +
                 (synapses.empty() ? std::string()
                                   : "; its synapse model" +
                                         std::string(synapses.find(',') != std::string::npos ? "s " : " ") + synapses +
                                         (synapses.find(',') != std::string::npos ? " run" : " runs") +
                                         " inside a network's projection (`synapse = " +
                                         synapses.substr(0, synapses.find(',')) + "(...)`, docs/plasticity.md)"));
    }
    if (names.find(',') != std::string::npos)
      return bad("the input has no network; name the model to run with --model (one of: " + names + ")");
    r.model = names;
  }
  SingleModelSetup setup;
  std::string error;
  if (!parseSingleModelSetup(r, setup, error))
    return bad(error);
  return addSingleModelNetwork(mod, setup, diags);
}

std::optional<uint32_t> selectOutputNetwork(CompilerSession &session, const RunRequest &req, bool &ok) {
  const ir::Module &mod = *session.module();
  ok = true;
  if (req.network.empty() && mod.networks.empty())
    return std::nullopt;
  std::string error;
  std::optional<uint32_t> index = mod.findNetwork(req.network, &error);
  if (!index) {
    session.diagnostics().error({}, req.network.empty() ? error : "--network: " + error);
    ok = false;
  }
  return index;
}

} // namespace nsc::targets
