//===- RecordingHdf5.cpp - Spike and trace writers for HDF5 ---------------===//
//
// Spikes follow SONATA's spike-file layout (also what NWB readers of SONATA
// output expect): /spikes/<population>/timestamps (ms) and node_ids. Traces
// are dense [n_neurons, n_samples] matrices per variable, which needs every
// neuron of a population sampled at the same steps; a recording that is not
// such a rectangle is refused rather than padded.
//
//===----------------------------------------------------------------------===//

#include "RecordingHdf5.h"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <unistd.h>
#include <vector>

namespace nsc::runtime::detail {

namespace {

/// libhdf5 prints its error stack to stderr by default; we report our own
/// message instead (with HDF5's innermost description), so printing is
/// switched off while we write and restored afterwards.
class QuietHdf5Errors {
public:
  QuietHdf5Errors() {
    H5Eget_auto2(H5E_DEFAULT, &savedFunc_, &savedData_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, savedFunc_, savedData_); }

private:
  H5E_auto2_t savedFunc_ = nullptr;
  void *savedData_ = nullptr;
};

herr_t keepInnermost(unsigned depth, const H5E_error2_t *err, void *out) {
  if (depth == 0 && err->desc)
    *static_cast<std::string *>(out) = err->desc;
  return 0;
}

[[noreturn]] void fail(const std::string &what) {
  std::string detail;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keepInnermost, &detail);
  throw std::runtime_error(detail.empty() ? what : what + " (" + detail + ")");
}

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string &what) : id_(id), close_(close) {
    if (id_ < 0)
      fail(what);
  }
  Handle(Handle &&other) : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Handle(const Handle &) = delete;
  Handle &operator=(const Handle &) = delete;
  ~Handle() {
    if (id_ >= 0)
      close_(id_);
  }
  hid_t get() const { return id_; }

private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

/// Object creation properties without modification times: libhdf5 stamps
/// groups and datasets with the wall clock by default, which would make
/// two identical runs (or a resumed run and the uninterrupted one,
/// docs/checkpoints.md) write different bytes.
Handle untimedCreation(hid_t propertyClass) {
  Handle p(H5Pcreate(propertyClass), H5Pclose, "cannot make HDF5 creation properties");
  if (H5Pset_obj_track_times(p.get(), 0) < 0)
    fail("cannot turn off HDF5 time stamps");
  return p;
}

Handle makeGroup(hid_t parent, const std::string &name) {
  Handle properties = untimedCreation(H5P_GROUP_CREATE);
  return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, properties.get(), H5P_DEFAULT), H5Gclose,
                "cannot create group '" + name + "'");
}

/// Variable-length UTF-8, as h5py writes a str: h5py reads it back as str
/// (a fixed-length string would come back as bytes, unequal to "by_time").
Handle stringType() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "cannot make a string type");
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

void stringAttribute(hid_t object, const std::string &name, const std::string &value) {
  Handle type = stringType();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "cannot make a scalar space");
  Handle attr(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "cannot create attribute '" + name + "'");
  const char *text = value.c_str();
  if (H5Awrite(attr.get(), type.get(), &text) < 0)
    fail("cannot write attribute '" + name + "'");
}

void doubleAttribute(hid_t object, const std::string &name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "cannot make a scalar space");
  Handle attr(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "cannot create attribute '" + name + "'");
  if (H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value) < 0)
    fail("cannot write attribute '" + name + "'");
}

void stringListAttribute(hid_t object, const std::string &name,
                         const std::vector<std::string> &values) {
  Handle type = stringType();
  hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "cannot make a dataspace");
  Handle attr(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "cannot create attribute '" + name + "'");
  std::vector<const char *> pointers;
  for (const auto &v : values)
    pointers.push_back(v.c_str());
  if (!pointers.empty() && H5Awrite(attr.get(), type.get(), pointers.data()) < 0)
    fail("cannot write attribute '" + name + "'");
}

/// A dataset of `dims` (1 or 2 entries) written from `data` in one go.
Handle writeDataset(hid_t parent, const std::string &name, hid_t fileType, hid_t memoryType,
                    const std::vector<hsize_t> &dims, const void *data) {
  Handle space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose,
               "cannot make a dataspace for '" + name + "'");
  Handle properties = untimedCreation(H5P_DATASET_CREATE);
  Handle set(H5Dcreate2(parent, name.c_str(), fileType, space.get(), H5P_DEFAULT, properties.get(),
                        H5P_DEFAULT),
             H5Dclose, "cannot create dataset '" + name + "'");
  hsize_t elements = 1;
  for (hsize_t d : dims)
    elements *= d;
  // Zero-sized datasets are valid (a silent population) but have nothing to write.
  if (elements > 0 && H5Dwrite(set.get(), memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    fail("cannot write dataset '" + name + "'");
  return set;
}

void writeTimes(hid_t parent, const std::string &name, const std::vector<double> &times) {
  Handle set = writeDataset(parent, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {times.size()},
                            times.data());
  stringAttribute(set.get(), "units", "ms");
}

void writeIds(hid_t parent, const std::string &name, const std::vector<uint64_t> &ids) {
  writeDataset(parent, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, {ids.size()}, ids.data());
}

std::string nameOf(const std::vector<std::string> &names, uint32_t p) {
  return p < names.size() ? names[p] : std::to_string(p); // as the CSV writer names them
}

void writeSpikeGroups(hid_t file, const SpikeRecording &rec) {
  uint32_t populations = uint32_t(rec.populations.size());
  for (const auto &e : rec.events)
    populations = std::max(populations, e.population + 1);
  std::vector<std::vector<double>> times(populations);
  std::vector<std::vector<uint64_t>> ids(populations);
  // The events are in R23's order (step, population, index) when the caller
  // sorted them; we sort each population by time ourselves, so the
  // `sorting="by_time"` attribute holds whatever order we were given.
  std::vector<SpikeRecording::Event> events = rec.events;
  std::stable_sort(events.begin(), events.end(),
                   [](const auto &a, const auto &b) { return a.step < b.step; });
  for (const auto &e : events) {
    times[e.population].push_back(labelTimeMs(e.step, rec.dtMs));
    ids[e.population].push_back(e.index);
  }
  Handle spikes = makeGroup(file, "spikes");
  std::vector<std::string> names;
  for (uint32_t p = 0; p < populations; ++p)
    names.push_back(nameOf(rec.populations, p));
  stringListAttribute(spikes.get(), "populations", names);
  for (uint32_t p = 0; p < populations; ++p) {
    Handle group = makeGroup(spikes.get(), names[p]);
    stringAttribute(group.get(), "sorting", "by_time");
    writeTimes(group.get(), "timestamps", times[p]);
    writeIds(group.get(), "node_ids", ids[p]);
  }
}

/// One population's rows of a trace recording as a dense matrix per variable.
struct TraceBlock {
  std::vector<uint64_t> steps;    // sorted, unique
  std::vector<uint64_t> neurons;  // sorted, unique
  std::vector<size_t> rows;       // the recording's rows of this population
};

void writeTraceBlock(hid_t traces, const TraceRecording &rec, const std::string &label,
                     const TraceBlock &block) {
  const size_t nSteps = block.steps.size(), nNeurons = block.neurons.size(),
               nVars = rec.variables.size();
  if (block.rows.size() != nSteps * nNeurons)
    throw std::runtime_error("the trace of population '" + label +
                             "' does not sample every neuron at the same steps; HDF5 stores a "
                             "[neurons, samples] matrix (use .csv for this recording)");
  std::vector<std::vector<double>> data(nVars, std::vector<double>(nSteps * nNeurons));
  std::vector<bool> filled(nSteps * nNeurons, false);
  for (size_t r : block.rows) {
    size_t col = std::lower_bound(block.steps.begin(), block.steps.end(), rec.step[r]) -
                 block.steps.begin();
    size_t row = std::lower_bound(block.neurons.begin(), block.neurons.end(), rec.index[r]) -
                 block.neurons.begin();
    if (filled[row * nSteps + col])
      throw std::runtime_error("the trace of population '" + label + "' has two samples of neuron " +
                               std::to_string(rec.index[r]) + " in one step");
    filled[row * nSteps + col] = true;
    for (size_t v = 0; v < nVars; ++v)
      data[v][row * nSteps + col] = rec.values[r * nVars + v];
  }
  std::vector<double> times;
  for (uint64_t k : block.steps)
    times.push_back(labelTimeMs(k, rec.dtMs));
  Handle group = makeGroup(traces, label);
  stringAttribute(group.get(), "population", label);
  for (size_t v = 0; v < nVars; ++v) {
    Handle variable = makeGroup(group.get(), rec.variables[v]);
    writeDataset(variable.get(), "data", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {nNeurons, nSteps},
                 data[v].data());
    writeTimes(variable.get(), "time", times);
    writeIds(variable.get(), "node_ids", block.neurons);
  }
}

void writeTraceGroups(hid_t file, const TraceRecording &rec) {
  std::map<uint32_t, TraceBlock> blocks; // by declaration index: files list them in that order
  for (size_t r = 0; r < rec.rows(); ++r) {
    TraceBlock &b = blocks[rec.population[r]];
    b.rows.push_back(r);
    b.steps.push_back(rec.step[r]);
    b.neurons.push_back(rec.index[r]);
  }
  Handle traces = makeGroup(file, "traces");
  std::vector<std::string> labels;
  for (auto &[p, b] : blocks) {
    for (auto *v : {&b.steps, &b.neurons}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    labels.push_back(nameOf(rec.populations, p));
    writeTraceBlock(traces.get(), rec, labels.back(), b);
  }
  stringListAttribute(traces.get(), "recorders", labels);
}

/// Creates `path`'s temporary sibling, runs `fill` on it, and renames it
/// over `path`; removes the temporary on any failure.
template <typename Fill>
std::string writeAtomically(const std::string &path, double dtMs, Fill fill) {
  QuietHdf5Errors quiet;
  std::string temporary = path + ".tmp" + std::to_string(::getpid());
  try {
    {
      Handle file(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                  "cannot create '" + path + "'");
      doubleAttribute(file.get(), "dt_ms", dtMs);
      fill(file.get());
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
      throw std::runtime_error("cannot rename the temporary file to '" + path + "'");
  } catch (const std::exception &e) {
    std::remove(temporary.c_str());
    std::string message = e.what();
    if (message.find(path) == std::string::npos)
      message = "'" + path + "': " + message;
    return message;
  }
  return {};
}

} // namespace

std::string writeSpikesHdf5(const SpikeRecording &rec, const std::string &path) {
  return writeAtomically(path, rec.dtMs, [&](hid_t file) { writeSpikeGroups(file, rec); });
}

std::string writeTracesHdf5(const TraceRecording &rec, const std::string &path) {
  return writeAtomically(path, rec.dtMs, [&](hid_t file) { writeTraceGroups(file, rec); });
}

} // namespace nsc::runtime::detail
