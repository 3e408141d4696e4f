//===- Recording.h - Spike and trace recordings and their writers -*- C++ -*-===//
//
// What `record spikes` and `record V_m, ...` collect (docs/semantics.md R22,
// R23) and the writers for them. The format follows the file extension:
//
//   .csv   spikes: header `t_ms,population,index`, one row per spike;
//          traces: header `t_ms,population,index,VAR1,VAR2,...`, one row per
//          sample of one neuron ("long" format: any slice, any population).
//   .json  one object: "dt_ms", "populations" (names by declaration index),
//          the columns as arrays ("t_ms", "population" as names, "index"),
//          and for traces "variables" and "values": {VAR: [...]}. NaN and
//          infinities become null (JSON has no such numbers).
//   .npy   one 2-D '<f8' array: spikes (n, 3) with columns t_ms, population
//          (declaration index), index; traces (n, 3 + #variables) with
//          t_ms, population, index, VAR1, ...
//   .h5    HDF5 (also .hdf5), spikes in SONATA's layout:
//   .hdf5    /                           attribute dt_ms
//            /spikes                     attribute populations (declaration order)
//            /spikes/<population>        attribute sorting = "by_time"
//            /spikes/<population>/timestamps  float64 [n], attribute units = "ms"
//            /spikes/<population>/node_ids    uint64 [n]
//          every population has its group, a silent one with empty datasets.
//          Traces, one recorder per population (label = population name):
//            /traces                     attribute recorders (labels in order)
//            /traces/<label>             attribute population
//            /traces/<label>/<VAR>/data      float64 [n_neurons, n_samples]
//            /traces/<label>/<VAR>/time      float64 [n_samples], units = "ms"
//            /traces/<label>/<VAR>/node_ids  uint64 [n_neurons] (rows of data)
//          A trace must sample all its neurons at the same steps (else an
//          error). Written to a temporary file and renamed, never partial.
//          docs/formats.md has the same layout for Python's nsc.io.
//
// Times: an event of step k is labelled t_{k+1} = (k+1)·dt (R12, R22),
// written as the double nearest to (k+1)·dt printed with 15 significant
// digits, so 3 × 0.1 ms is 0.3, not 0.30000000000000004. Values are written
// exactly (shortest round-trip decimal in CSV).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace nsc::runtime {

enum class RecordingFormat { Csv, Json, Npy, Hdf5 };

/// The format for `path` by its extension (case-insensitive), or empty
/// with `error` set ("unknown recording format for 'x.txt' (use .csv,
/// .json, .npy or .h5)").
std::optional<RecordingFormat> recordingFormatFor(const std::string &path, std::string &error);

/// The label time of step k in ms, as described above.
double labelTimeMs(uint64_t step, double dtMs);

struct SpikeRecording {
  struct Event {
    uint64_t step;       // emitted in step k, stamped t_{k+1}
    uint32_t population; // declaration index
    uint64_t index;      // neuron index in the population
  };
  double dtMs = 0.1;
  std::vector<std::string> populations; // names by declaration index
  std::vector<Event> events;

  /// Records `multiplicity` rows (R20, R23) for one spike event.
  void add(uint64_t step, uint32_t population, uint64_t index, uint64_t multiplicity = 1);
  /// R23's order: step, then population, then neuron index (stable).
  void sortCanonical();
};

struct TraceRecording {
  double dtMs = 0.1;
  std::vector<std::string> populations;
  std::vector<std::string> variables;
  /// One row per sample of one neuron: taken after step k (labelled
  /// t_{k+1}), row-major values, variables.size() per row.
  std::vector<uint64_t> step;
  std::vector<uint32_t> population;
  std::vector<uint64_t> index;
  std::vector<double> values;

  size_t rows() const { return step.size(); }
  /// Appends a row; `vals` has variables.size() entries.
  void addRow(uint64_t step, uint32_t population, uint64_t index, const double *vals);
};

/// Samples of synapse variables of one projection (`record w from ee every
/// 100 ms`): one row per sample of one synapse, taken after step k
/// (labelled t_{k+1}); `source` and `target` are the neuron indices in the
/// projection's source and target populations. Written as
///   .csv   header `t_ms,source,target,VAR1,...`;
///   .json  "dt_ms", "projection", "source_population",
///          "target_population", "variables", "t_ms", "source", "target",
///          "values": {VAR: [...]};
///   .npy   (n, 3 + #variables) '<f8': t_ms, source, target, VAR1, ...
/// (no HDF5 layout: writeSynapses refuses .h5).
struct SynapseRecording {
  double dtMs = 0.1;
  std::string projection, sourcePopulation, targetPopulation;
  std::vector<std::string> variables;
  std::vector<uint64_t> step;
  std::vector<uint32_t> source, target;
  std::vector<double> values; // row-major, variables.size() per row

  size_t rows() const { return step.size(); }
  void addRow(uint64_t step, uint32_t source, uint32_t target, const double *vals);
};

/// Write to `path` in the format its extension names. Return an empty
/// string on success, else a message naming the file.
std::string writeSpikes(const SpikeRecording &rec, const std::string &path);
std::string writeTraces(const TraceRecording &rec, const std::string &path);
std::string writeSynapses(const SynapseRecording &rec, const std::string &path);

/// The same on an open stream (binary mode for .npy). HDF5 needs a file
/// (libhdf5 writes it itself): RecordingFormat::Hdf5 throws
/// std::invalid_argument here; use the path overloads.
void writeSpikes(const SpikeRecording &rec, RecordingFormat format, std::ostream &out);
void writeTraces(const TraceRecording &rec, RecordingFormat format, std::ostream &out);
void writeSynapses(const SynapseRecording &rec, RecordingFormat format, std::ostream &out);

} // namespace nsc::runtime
