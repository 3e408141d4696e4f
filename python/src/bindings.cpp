//===- bindings.cpp - nsc._nsc: pybind11 bindings of the embedding API ----===//
//
// Thin bindings of api/include/nsc/*.h; the Pythonic face (units, string
// durations, progress bars, sweeps, trace shapes) lives in python/nsc/*.py.
//
// - Every nsc::Error becomes a Python exception of the same name deriving
//   from nsc.Error, with `.diagnostics`, a list of Diagnostic objects.
//   ArgumentError also derives from ValueError: it is what NumPy users
//   expect for a wrong name or size.
// - Compiling, building simulations and running release the GIL, so that
//   simulations in several threads run concurrently.
// - Bulk results are NumPy arrays. Where the C++ call returns a vector by
//   value, the vector moves into a capsule that the array keeps alive (no
//   copy); spikes() returns a reference into storage later runs append to,
//   so those arrays are copies.
//
//===----------------------------------------------------------------------===//
#include "nsc/nsc.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace {

// --- exceptions --------------------------------------------------------------

// The exception classes live as long as the interpreter: created once in
// PYBIND11_MODULE and never freed (as pybind11's own registered exceptions).
struct ExceptionClasses {
  PyObject *error = nullptr;
  PyObject *compileError = nullptr;
  PyObject *simulationError = nullptr;
  PyObject *argumentError = nullptr;
};
ExceptionClasses exceptionClasses;

const char *severityName(nsc::Message::Severity severity) {
  switch (severity) {
  case nsc::Message::Severity::Note:
    return "note";
  case nsc::Message::Severity::Warning:
    return "warning";
  case nsc::Message::Severity::Error:
    return "error";
  }
  return "error";
}

py::list diagnosticList(const std::vector<nsc::Message> &messages) {
  py::list out;
  for (const nsc::Message &m : messages)
    out.append(py::cast(m));
  return out;
}

// Raises `cls(what)` with `.diagnostics` set; called by the translator with
// the GIL held.
void raiseWithDiagnostics(PyObject *cls, const nsc::Error &e) {
  py::object exception = py::reinterpret_borrow<py::object>(cls)(e.what());
  exception.attr("diagnostics") = diagnosticList(e.diagnostics());
  PyErr_SetObject(cls, exception.ptr());
}

void translateErrors(std::exception_ptr p) {
  try {
    if (p)
      std::rethrow_exception(p);
  } catch (const nsc::CompileError &e) {
    raiseWithDiagnostics(exceptionClasses.compileError, e);
  } catch (const nsc::SimulationError &e) {
    raiseWithDiagnostics(exceptionClasses.simulationError, e);
  } catch (const nsc::ArgumentError &e) {
    raiseWithDiagnostics(exceptionClasses.argumentError, e);
  } catch (const nsc::Error &e) {
    raiseWithDiagnostics(exceptionClasses.error, e);
  }
}

PyObject *newException(py::module_ &m, const char *name, py::handle bases, const char *doc) {
  std::string qualified = std::string("nsc.") + name;
  PyObject *cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (!cls)
    throw py::error_already_set();
  // The default for exceptions raised from Python code (nsc.verify): no
  // diagnostics. Instances raised by the bindings shadow it with a list.
  PyObject_SetAttrString(cls, "diagnostics", py::tuple().ptr());
  m.add_object(name, py::handle(cls));
  return cls;
}

void bindExceptions(py::module_ &m) {
  PyObject *error = newException(m, "Error", PyExc_Exception,
                                 "Base of every nsc error; .diagnostics lists the compiler's or "
                                 "runtime's diagnostics behind it.");
  exceptionClasses.error = error;
  exceptionClasses.compileError =
      newException(m, "CompileError", error, "The model source was rejected.");
  exceptionClasses.simulationError = newException(
      m, "SimulationError", error, "Building or running a simulation failed.");
  exceptionClasses.argumentError = newException(
      m, "ArgumentError", py::make_tuple(py::handle(error), py::handle(PyExc_ValueError)),
      "An unknown name, a wrong number of values or an invalid value.");
  py::register_exception_translator(translateErrors);
}

// --- arrays ------------------------------------------------------------------

// A 1-D array over a vector's memory, without copying: the vector moves to
// the heap and a capsule owned by the array frees it.
template <typename T> py::array_t<T> arrayOwning(std::vector<T> &&values) {
  auto *owned = new std::vector<T>(std::move(values));
  py::capsule owner(owned, [](void *p) { delete static_cast<std::vector<T> *>(p); });
  return py::array_t<T>({owned->size()}, {sizeof(T)}, owned->data(), owner);
}

// A 1-D array over a member of an object that `owner` keeps alive.
template <typename T> py::array_t<T> arrayView(const std::vector<T> &values, py::handle owner) {
  return py::array_t<T>({values.size()}, {sizeof(T)}, values.data(), owner);
}

std::vector<double> toVector(const py::array_t<double, py::array::c_style | py::array::forcecast> &a) {
  if (a.ndim() != 1)
    throw nsc::ArgumentError("expected a 1-D array of values, got " + std::to_string(a.ndim()) +
                                 " dimensions",
                             {});
  return std::vector<double>(a.data(), a.data() + a.size());
}

// --- simulations -------------------------------------------------------------

// nsc::Simulation is not thread-safe, and its methods run without the GIL:
// a second thread calling into a running simulation gets an error instead
// of a data race.
class PySimulation {
public:
  explicit PySimulation(nsc::Simulation sim) : sim_(std::move(sim)) {}

  // Runs `f(sim)` with the GIL released.
  template <typename F> auto unlocked(F &&f) {
    std::unique_lock<std::mutex> lock = claim();
    py::gil_scoped_release release;
    return f(sim_);
  }
  // Runs `f(sim)` holding the GIL (short calls).
  template <typename F> auto locked(F &&f) {
    std::unique_lock<std::mutex> lock = claim();
    return f(sim_);
  }

private:
  std::unique_lock<std::mutex> claim() {
    std::unique_lock<std::mutex> lock(busy_, std::try_to_lock);
    if (!lock.owns_lock())
      throw std::runtime_error("this simulation is in use by another thread (a Simulation runs in one "
                               "thread at a time; build one per thread)");
    return lock;
  }
  nsc::Simulation sim_;
  std::mutex busy_;
};

// (times_ms, indices) of every spike of population `population`.
py::tuple spikesOf(const std::vector<nsc::Spike> &spikes, uint32_t population) {
  std::vector<double> times;
  std::vector<int64_t> indices;
  for (const nsc::Spike &s : spikes)
    if (s.population == population) {
      times.push_back(s.time_ms);
      indices.push_back(int64_t(s.index));
    }
  return py::make_tuple(arrayOwning(std::move(times)), arrayOwning(std::move(indices)));
}

// {population index: (times_ms, indices)} for every population, in one pass.
py::list spikesOfAll(const std::vector<nsc::Spike> &spikes, size_t populations) {
  std::vector<std::vector<double>> times(populations);
  std::vector<std::vector<int64_t>> indices(populations);
  for (const nsc::Spike &s : spikes) {
    times[s.population].push_back(s.time_ms);
    indices[s.population].push_back(int64_t(s.index));
  }
  py::list out;
  for (size_t p = 0; p < populations; ++p)
    out.append(py::make_tuple(arrayOwning(std::move(times[p])), arrayOwning(std::move(indices[p]))));
  return out;
}

// The trace's arrays share one heap copy of the Trace, freed with the last.
py::dict traceDict(nsc::Trace &&trace) {
  auto *owned = new nsc::Trace(std::move(trace));
  py::capsule owner(owned, [](void *p) { delete static_cast<nsc::Trace *>(p); });
  size_t columns = owned->variables.size();
  py::dict out;
  out["label"] = owned->label;
  out["population"] = owned->population;
  out["variables"] = owned->variables;
  out["time_ms"] = arrayView(owned->time_ms, owner);
  out["index"] = arrayView(owned->index, owner);
  out["values"] = py::array_t<double>({owned->rows(), columns},
                                      {columns * sizeof(double), sizeof(double)},
                                      owned->values.data(), owner);
  return out;
}

py::dict statsDict(const nsc::Stats &s) {
  py::dict out;
  out["target"] = s.target;
  out["threads"] = s.threads;
  out["dt_ms"] = s.dt_ms;
  out["steps"] = s.steps;
  out["time_ms"] = s.time_ms;
  out["neurons"] = s.neurons;
  out["synapses"] = s.synapses;
  out["synapse_bytes"] = s.synapseBytes;
  out["bytes_per_synapse"] = s.bytesPerSynapse;
  out["spikes"] = s.spikes;
  out["mean_rate_hz"] = s.meanRate_hz;
  out["compile_ms"] = s.compile_ms;
  out["build_ms"] = s.build_ms;
  out["connect_ms"] = s.connect_ms;
  out["codegen_ms"] = s.codegen_ms;
  out["jit_ms"] = s.jit_ms;
  out["models_compiled"] = s.modelsCompiled;
  out["memory_cache_hits"] = s.memoryCacheHits;
  out["disk_cache_hits"] = s.diskCacheHits;
  out["run_ms"] = s.run_ms;
  py::dict populations;
  for (const nsc::PopulationStats &p : s.populations) {
    py::dict d;
    d["size"] = p.size;
    d["spikes"] = p.spikes;
    d["rate_hz"] = p.rate_hz;
    d["is_source"] = p.isSource;
    populations[py::str(p.name)] = d;
  }
  out["populations"] = populations;
  py::dict warnings;
  for (const auto &[text, count] : s.warnings)
    warnings[py::str(text)] = count;
  out["warnings"] = warnings;
  return out;
}

void bindStructs(py::module_ &m) {
  py::class_<nsc::Message>(m, "Diagnostic", "One diagnostic of the compiler or the runtime.")
      .def_property_readonly("severity", [](const nsc::Message &d) { return severityName(d.severity); })
      .def_readonly("file", &nsc::Message::file)
      .def_readonly("line", &nsc::Message::line)
      .def_readonly("column", &nsc::Message::column)
      .def_readonly("message", &nsc::Message::message)
      .def_readonly("text", &nsc::Message::text, "the clang-style text with the source line and caret")
      .def("__repr__", [](const nsc::Message &d) {
        std::string where = nsc::locationOf(d);
        return "<Diagnostic " + (where.empty() ? std::string() : where + ": ") + severityName(d.severity) +
               ": " + d.message + ">";
      });

  py::class_<nsc::PopulationInfo>(m, "PopulationInfo")
      .def_readonly("name", &nsc::PopulationInfo::name)
      .def_readonly("model", &nsc::PopulationInfo::model)
      .def_readonly("size", &nsc::PopulationInfo::size)
      .def_readonly("is_source", &nsc::PopulationInfo::isSource)
      .def("__repr__", [](const nsc::PopulationInfo &p) {
        return "<PopulationInfo " + p.name + ": " + std::to_string(p.size) + " x " + p.model +
               (p.isSource ? " (source)>" : ">");
      });

  py::class_<nsc::VariableInfo>(m, "VariableInfo")
      .def_readonly("name", &nsc::VariableInfo::name)
      .def_readonly("role", &nsc::VariableInfo::role)
      .def_readonly("type", &nsc::VariableInfo::type)
      .def_readonly("unit", &nsc::VariableInfo::unit)
      .def("__repr__", [](const nsc::VariableInfo &v) {
        return "<VariableInfo " + v.name + ": " + v.role + " " + v.type +
               (v.unit.empty() ? std::string() : " [" + v.unit + "]") + ">";
      });
}

void bindSimulation(py::module_ &m) {
  using Sim = nsc::Simulation;
  py::class_<PySimulation>(m, "Simulation", "A built network (nsc::Simulation); see nsc.Simulation.")
      .def("run", [](PySimulation &s, double ms) { s.unlocked([&](Sim &sim) { sim.run(ms); }); },
           py::arg("duration_ms"))
      .def("step", [](PySimulation &s, uint64_t n) { s.unlocked([&](Sim &sim) { sim.step(n); }); },
           py::arg("n") = 1)
      .def_property_readonly("steps", [](PySimulation &s) { return s.locked([](Sim &sim) { return sim.steps(); }); })
      .def_property_readonly("time_ms",
                             [](PySimulation &s) { return s.locked([](Sim &sim) { return sim.time_ms(); }); })
      .def_property_readonly("dt_ms", [](PySimulation &s) { return s.locked([](Sim &sim) { return sim.dt_ms(); }); })
      .def("reset",
           [](PySimulation &s, bool keep) { s.unlocked([&](Sim &sim) { sim.reset(keep); }); },
           py::arg("keep_parameters") = false)
      .def_property_readonly("populations",
                             [](PySimulation &s) { return s.locked([](Sim &sim) { return sim.populations(); }); })
      .def("population_index",
           [](PySimulation &s, const std::string &p) { return s.locked([&](Sim &sim) { return sim.populationIndex(p); }); })
      .def("variables",
           [](PySimulation &s, const std::string &p) { return s.locked([&](Sim &sim) { return sim.variables(p); }); })
      .def("get",
           [](PySimulation &s, const std::string &p, const std::string &v) {
             return arrayOwning(s.locked([&](Sim &sim) { return sim.get(p, v); }));
           })
      .def("set",
           [](PySimulation &s, const std::string &p, const std::string &v, double value) {
             s.locked([&](Sim &sim) { sim.set(p, v, value); });
           })
      .def("set",
           [](PySimulation &s, const std::string &p, const std::string &v,
              const py::array_t<double, py::array::c_style | py::array::forcecast> &values) {
             std::vector<double> copy = toVector(values);
             s.locked([&](Sim &sim) { sim.set(p, v, copy); });
           })
      .def("inject_spikes",
           [](PySimulation &s, const std::string &p, const std::string &port,
              const py::array_t<uint64_t, py::array::c_style | py::array::forcecast> &indices,
              const py::array_t<double, py::array::c_style | py::array::forcecast> &weights, uint32_t delay) {
             std::vector<uint64_t> idx(indices.data(), indices.data() + indices.size());
             std::vector<double> w = toVector(weights);
             s.locked([&](Sim &sim) { sim.injectSpikes(p, port, idx, w, delay); });
           })
      .def("schedule_spikes",
           [](PySimulation &s, const std::string &p, const std::string &port,
              const py::array_t<uint64_t, py::array::c_style | py::array::forcecast> &steps,
              const py::array_t<uint64_t, py::array::c_style | py::array::forcecast> &indices,
              const py::array_t<double, py::array::c_style | py::array::forcecast> &weights) {
             std::vector<uint64_t> st(steps.data(), steps.data() + steps.size());
             std::vector<uint64_t> idx(indices.data(), indices.data() + indices.size());
             std::vector<double> w = toVector(weights);
             s.locked([&](Sim &sim) { sim.scheduleSpikes(p, port, st, idx, w); });
           })
      .def("inject_aer",
           [](PySimulation &s, const std::string &p, const std::string &port,
              const py::array_t<uint64_t, py::array::c_style | py::array::forcecast> &ids,
              const py::array_t<uint64_t, py::array::c_style | py::array::forcecast> &ticks, double tickHz,
              double weight) {
             if (ids.size() != ticks.size())
               throw nsc::ArgumentError("give one tick per event: " + std::to_string(ticks.size()) + " ticks for " +
                                            std::to_string(ids.size()) + " ids",
                                        {});
             std::vector<nsc::AerEvent> events;
             for (py::ssize_t i = 0; i < ids.size(); ++i) {
               if (ids.data()[i] > UINT32_MAX)
                 throw nsc::ArgumentError("an AER id is a 32-bit neuron address", {});
               events.push_back({uint32_t(ids.data()[i]), ticks.data()[i]});
             }
             s.locked([&](Sim &sim) { sim.injectAer(p, port, events, tickHz, weight); });
           })
      .def_property_readonly("scheduled_spikes",
                             [](PySimulation &s) { return s.locked([](Sim &sim) { return sim.scheduledSpikes(); }); })
      .def("spike_ports",
           [](PySimulation &s, const std::string &p) { return s.locked([&](Sim &sim) { return sim.spikePorts(p); }); })
      .def("spikes_since",
           [](PySimulation &s, uint64_t step, uint32_t population) {
             return s.locked([&](Sim &sim) { return spikesOf(sim.spikesSince(step), population); });
           })
      .def("all_spikes_since",
           [](PySimulation &s, uint64_t step) {
             return s.locked(
                 [&](Sim &sim) { return spikesOfAll(sim.spikesSince(step), sim.populations().size()); });
           })
      .def_property_readonly("plastic_projections",
                             [](PySimulation &s) { return s.locked([](Sim &sim) { return sim.plasticProjections(); }); })
      .def("synapses",
           [](PySimulation &s, const std::string &projection, const std::string &variable) {
             nsc::SynapseValues v = s.locked([&](Sim &sim) { return sim.synapses(projection, variable); });
             return py::make_tuple(arrayOwning(std::move(v.source)), arrayOwning(std::move(v.target)),
                                   arrayOwning(std::move(v.values)));
           })
      .def("spikes",
           [](PySimulation &s, uint32_t population) {
             return s.locked([&](Sim &sim) { return spikesOf(sim.spikes(), population); });
           })
      .def("all_spikes",
           [](PySimulation &s) {
             return s.locked([&](Sim &sim) { return spikesOfAll(sim.spikes(), sim.populations().size()); });
           })
      .def("clear_spikes", [](PySimulation &s) { s.locked([](Sim &sim) { sim.clearSpikes(); }); })
      .def_property_readonly("recorders", [](PySimulation &s) { return s.locked([](Sim &sim) { return sim.recorders(); }); })
      .def("trace",
           [](PySimulation &s, const std::string &label) {
             return traceDict(s.locked([&](Sim &sim) { return sim.trace(label); }));
           })
      .def("clear_traces", [](PySimulation &s) { s.locked([](Sim &sim) { sim.clearTraces(); }); })
      .def("stats", [](PySimulation &s) { return statsDict(s.locked([](Sim &sim) { return sim.stats(); })); })
      .def("save_checkpoint",
           [](PySimulation &s, const std::string &path) { s.unlocked([&](Sim &sim) { sim.saveCheckpoint(path); }); },
           py::arg("path"))
      .def("restore_checkpoint",
           [](PySimulation &s, const std::string &path) { s.unlocked([&](Sim &sim) { sim.restoreCheckpoint(path); }); },
           py::arg("path"));
}

// --- closed-loop sessions ----------------------------------------------------

// nsc::Session, used from one thread at a time like PySimulation. Frame
// results cross as JSON text (FrameResult::toJson), which nsc.FrameResult
// turns into NumPy arrays: one format for Python, C++ and `nsc loop`.
class PySession {
public:
  explicit PySession(nsc::Session session) : session_(std::move(session)) {}
  template <typename F> auto unlocked(F &&f) {
    std::unique_lock<std::mutex> lock(busy_, std::try_to_lock);
    if (!lock.owns_lock())
      throw std::runtime_error("this session is in use by another thread");
    py::gil_scoped_release release;
    return f(session_);
  }

private:
  nsc::Session session_;
  std::mutex busy_;
};

void bindSession(py::module_ &m) {
  py::enum_<nsc::SpikePolarity>(m, "SpikePolarity")
      .value("negative", nsc::SpikePolarity::Negative)
      .value("positive", nsc::SpikePolarity::Positive)
      .value("both", nsc::SpikePolarity::Both);
  py::enum_<nsc::PulseMode>(m, "PulseMode")
      .value("per_neuron", nsc::PulseMode::PerNeuron)
      .value("mean", nsc::PulseMode::Mean);
  using O = nsc::SessionOptions;
  py::class_<O>(m, "SessionOptions")
      .def(py::init<>())
      .def_readwrite("network", &O::network)
      .def_readwrite("sample_rate_hz", &O::sampleRate_hz)
      .def_readwrite("channels", &O::channels)
      .def_readwrite("input_population", &O::inputPopulation)
      .def_readwrite("input_port", &O::inputPort)
      .def_readwrite("channel_map", &O::channelMap)
      .def_readwrite("input_weight", &O::inputWeight)
      .def_readwrite("tick_hz", &O::tick_hz)
      .def_readwrite("readout_population", &O::readoutPopulation)
      .def_readwrite("alpha", &O::alpha)
      .def_readwrite("refractory_samples", &O::refractorySamples)
      .def_readwrite("polarity", &O::polarity)
      .def_readwrite("noise_frames", &O::noiseFrames)
      .def_readwrite("bitstream_length", &O::bitstreamLength)
      .def_readwrite("half_count", &O::halfCount)
      .def_readwrite("seed", &O::seed)
      .def_readwrite("max_intensity_mw_mm2", &O::maxIntensity_mw_mm2)
      .def_readwrite("min_pulse_ms", &O::minPulse_ms)
      .def_readwrite("max_pulse_ms", &O::maxPulse_ms)
      .def_readwrite("wavelength_nm", &O::wavelength_nm)
      .def_readwrite("pulse_mode", &O::pulseMode)
      .def_readwrite("homeostat_population", &O::homeostatPopulation)
      .def_readwrite("homeostat_threshold", &O::homeostatThreshold)
      .def_readwrite("homeostat_target_hz", &O::homeostatTarget_hz)
      .def_readwrite("homeostat_tau_s", &O::homeostatTau_s)
      .def_readwrite("homeostat_theta_min", &O::homeostatThetaMin)
      .def_readwrite("homeostat_theta_max", &O::homeostatThetaMax)
      .def_readwrite("homeostat_plain_mode", &O::homeostatPlainMode)
      .def_readwrite("budget_us", &O::budget_us);

  py::class_<PySession>(m, "Session", "nsc::Session; see nsc.Session.")
      .def(
          "process_frame",
          [](PySession &s, const py::array_t<double, py::array::c_style | py::array::forcecast> &v) {
            if (v.size() == 0) // any empty array: an empty frame
              return s.unlocked([&](nsc::Session &x) { return x.processFrame(nullptr, 0, 0).toJson(); });
            if (v.ndim() != 2)
              throw nsc::ArgumentError("a frame is a 2-D array (samples x channels), not an array of " +
                                           std::to_string(v.ndim()) + " dimensions",
                                       {});
            const double *data = v.data();
            uint64_t rows = uint64_t(v.shape(0));
            uint32_t cols = uint32_t(v.shape(1));
            return s.unlocked([&](nsc::Session &x) { return x.processFrame(data, rows, cols).toJson(); });
          },
          py::arg("voltages_uv"))
      .def("latency_json", [](PySession &s) {
        return s.unlocked([](nsc::Session &x) { return nsc::latencySummaryJson(x.latency()); });
      })
      .def_property_readonly("frames", [](PySession &s) { return s.unlocked([](nsc::Session &x) { return x.frames(); }); })
      .def_property_readonly("options", [](PySession &s) { return s.unlocked([](nsc::Session &x) { return x.options(); }); })
      .def_property_readonly("populations", [](PySession &s) {
        return s.unlocked([](nsc::Session &x) { return x.simulation().populations(); });
      })
      .def_property_readonly("dt_ms", [](PySession &s) {
        return s.unlocked([](nsc::Session &x) { return x.simulation().dt_ms(); });
      })
      .def("get",
           [](PySession &s, const std::string &p, const std::string &v) {
             return arrayOwning(s.unlocked([&](nsc::Session &x) { return x.simulation().get(p, v); }));
           })
      .def("set", [](PySession &s, const std::string &p, const std::string &v,
                     const py::array_t<double, py::array::c_style | py::array::forcecast> &values) {
        std::vector<double> copy = values.ndim() == 0 ? std::vector<double>{*values.data()} : toVector(values);
        s.unlocked([&](nsc::Session &x) {
          if (copy.size() == 1)
            x.simulation().set(p, v, copy[0]);
          else
            x.simulation().set(p, v, copy);
        });
      });
}

// --- compiling ---------------------------------------------------------------

nsc::ModelSetup modelSetup(uint64_t n, const std::vector<std::pair<std::string, double>> &initialValues,
                           const std::vector<std::tuple<std::string, std::vector<double>, double>> &spikeInputs,
                           const std::vector<std::pair<std::string, double>> &currentInputs) {
  nsc::ModelSetup setup;
  setup.n = n;
  setup.initialValues = initialValues;
  for (const auto &[port, times, weight] : spikeInputs)
    setup.spikeInputs.push_back({port, times, weight});
  setup.currentInputs = currentInputs;
  return setup;
}

void bindCompiler(py::module_ &m) {
  py::enum_<nsc::Target>(m, "Target")
      .value("cpu", nsc::Target::Cpu)
      .value("interp", nsc::Target::Interp);
  m.def("target_name", &nsc::targetName);
  m.def("target_available", &nsc::targetAvailable);
  m.def("version", &nsc::version);

  py::class_<nsc::CompilerOptions>(m, "CompilerOptions")
      .def(py::init<>())
      .def_readwrite("include_dirs", &nsc::CompilerOptions::includeDirs)
      .def_readwrite("target", &nsc::CompilerOptions::target)
      .def_readwrite("threads", &nsc::CompilerOptions::threads)
      .def_readwrite("passes", &nsc::CompilerOptions::passes)
      .def_readwrite("propagate_parameters", &nsc::CompilerOptions::propagateParameters)
      .def_readwrite("warnings_as_errors", &nsc::CompilerOptions::warningsAsErrors)
      .def_readwrite("dt_ms", &nsc::CompilerOptions::dtMs);

  py::class_<nsc::Compiler>(m, "Compiler")
      .def(py::init<nsc::CompilerOptions>(), py::arg("options"))
      .def("compile_file", &nsc::Compiler::compileFile, py::arg("path"), py::call_guard<py::gil_scoped_release>())
      .def("compile_string", &nsc::Compiler::compileString, py::arg("source"), py::arg("name"),
           py::call_guard<py::gil_scoped_release>());

  py::class_<nsc::Model>(m, "Model", "A compiled source (nsc::Model); see nsc.Module.")
      .def_property_readonly("networks", &nsc::Model::networks)
      .def_property_readonly("models", &nsc::Model::models)
      .def_property_readonly("warnings", [](const nsc::Model &model) { return diagnosticList(model.warnings()); })
      .def_property_readonly("compile_ms", &nsc::Model::compile_ms)
      .def_property_readonly("target", [](const nsc::Model &model) { return nsc::targetName(model.target()); })
      .def(
          "simulate",
          [](const nsc::Model &model, const std::string &network) {
            nsc::Simulation sim = [&] {
              py::gil_scoped_release release;
              return model.simulate(network);
            }();
            return std::make_unique<PySimulation>(std::move(sim));
          },
          py::arg("network") = "")
      .def(
          "simulate_model",
          [](const nsc::Model &model, const std::string &name, uint64_t n,
             const std::vector<std::pair<std::string, double>> &initialValues,
             const std::vector<std::tuple<std::string, std::vector<double>, double>> &spikeInputs,
             const std::vector<std::pair<std::string, double>> &currentInputs) {
            nsc::ModelSetup setup = modelSetup(n, initialValues, spikeInputs, currentInputs);
            nsc::Simulation sim = [&] {
              py::gil_scoped_release release;
              return model.simulateModel(name, setup);
            }();
            return std::make_unique<PySimulation>(std::move(sim));
          },
          py::arg("model"), py::arg("n"), py::arg("initial_values"), py::arg("spike_inputs"),
          py::arg("current_inputs"))
      .def(
          "session",
          [](const nsc::Model &model, const nsc::SessionOptions &options) {
            nsc::Session session = [&] {
              py::gil_scoped_release release;
              return nsc::Session(model, options);
            }();
            return std::make_unique<PySession>(std::move(session));
          },
          py::arg("options"));
}

} // namespace

PYBIND11_MODULE(_nsc, m) {
  m.doc() = "nsc's embedding API (libnsc); use the nsc package, not this module";
  bindExceptions(m);
  bindStructs(m);
  bindSimulation(m);
  bindSession(m);
  bindCompiler(m);
}
