//===- Recording.cpp - Spike and trace writers (CSV, JSON, .npy, HDF5) --===//

#include "nsc/runtime/Recording.h"
#include "nsc/runtime/Npy.h"
#include "RecordingHdf5.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <fstream>
#include <stdexcept>

namespace nsc::runtime {

namespace {

std::string timeText(uint64_t step, double dtMs) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", double(step + 1) * dtMs);
  return buf;
}

/// Shortest decimal that reads back as the same double.
std::string valueText(double v) {
  char buf[40];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

const std::string &populationName(const std::vector<std::string> &names, uint32_t p,
                                   std::string &scratch) {
  if (p < names.size())
    return names[p];
  scratch = std::to_string(p); // no name given: the index
  return scratch;
}

const char *const hdf5NeedsAPath =
    "HDF5 recordings are written by libhdf5 to a file: use writeSpikes/writeTraces with a path";

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

std::string writeFile(const std::string &path,
                      void (*emit)(const void *, RecordingFormat, std::ostream &),
                      const void *rec) {
  std::string error;
  std::optional<RecordingFormat> format = recordingFormatFor(path, error);
  if (!format)
    return error;
  // A temporary sibling renamed into place: a reader (or a run killed
  // while writing) never sees a partial file (docs/checkpoints.md).
  std::string temporary = path + ".tmp" + std::to_string(::getpid());
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  if (!out)
    return "cannot open '" + path + "' for writing: " + std::strerror(errno);
  emit(rec, *format, out);
  out.flush();
  out.close();
  if (!out) {
    std::remove(temporary.c_str());
    return "error writing '" + path + "'";
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::string e = std::strerror(errno);
    std::remove(temporary.c_str());
    return "cannot write '" + path + "': " + e;
  }
  return {};
}

// One JSON array per variable of a row-major table (`values[r * nv + v]`).
nlohmann::json valueColumns(const std::vector<std::string> &variables, const std::vector<double> &values,
                            size_t rows) {
  const size_t nv = variables.size();
  nlohmann::json columns = nlohmann::json::object();
  for (size_t v = 0; v < nv; ++v) {
    nlohmann::json col = nlohmann::json::array();
    for (size_t r = 0; r < rows; ++r)
      col.push_back(number(values[r * nv + v]));
    columns[variables[v]] = std::move(col);
  }
  return columns;
}

// A float64 NPY table: t_ms, two id columns (`ids(r)`), then the values.
template <class Ids>
void writeTableNpy(std::ostream &out, const std::vector<uint64_t> &steps, double dtMs, const std::vector<double> &values,
                   size_t nv, Ids ids) {
  const size_t rows = steps.size(), cols = 3 + nv;
  std::vector<double> data;
  data.reserve(cols * rows);
  for (size_t r = 0; r < rows; ++r) {
    auto [a, b] = ids(r);
    data.push_back(labelTimeMs(steps[r], dtMs));
    data.push_back(double(a));
    data.push_back(double(b));
    for (size_t v = 0; v < nv; ++v)
      data.push_back(values[r * nv + v]);
  }
  writeNpy(out, data.data(), rows, cols);
}

} // namespace

std::optional<RecordingFormat> recordingFormatFor(const std::string &path, std::string &error) {
  size_t dot = path.find_last_of('.');
  size_t slash = path.find_last_of('/');
  std::string ext;
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash))
    ext = path.substr(dot + 1);
  for (char &c : ext)
    c = char(std::tolower((unsigned char)c));
  if (ext == "csv")
    return RecordingFormat::Csv;
  if (ext == "json")
    return RecordingFormat::Json;
  if (ext == "npy")
    return RecordingFormat::Npy;
  if (ext == "h5" || ext == "hdf5")
    return RecordingFormat::Hdf5;
  error = "unknown recording format for '" + path + "' (use .csv, .json, .npy or .h5)";
  return std::nullopt;
}

double labelTimeMs(uint64_t step, double dtMs) {
  return std::strtod(timeText(step, dtMs).c_str(), nullptr);
}

void SpikeRecording::add(uint64_t step, uint32_t population, uint64_t index,
                         uint64_t multiplicity) {
  for (uint64_t n = 0; n < multiplicity; ++n)
    events.push_back({step, population, index});
}

void SpikeRecording::sortCanonical() {
  std::stable_sort(events.begin(), events.end(), [](const Event &a, const Event &b) {
    if (a.step != b.step)
      return a.step < b.step;
    if (a.population != b.population)
      return a.population < b.population;
    return a.index < b.index;
  });
}

void TraceRecording::addRow(uint64_t k, uint32_t p, uint64_t i, const double *vals) {
  step.push_back(k);
  population.push_back(p);
  index.push_back(i);
  values.insert(values.end(), vals, vals + variables.size());
}

void SynapseRecording::addRow(uint64_t k, uint32_t s, uint32_t t, const double *vals) {
  step.push_back(k);
  source.push_back(s);
  target.push_back(t);
  values.insert(values.end(), vals, vals + variables.size());
}

void writeSpikes(const SpikeRecording &rec, RecordingFormat format, std::ostream &out) {
  std::string scratch;
  switch (format) {
  case RecordingFormat::Csv:
    out << "t_ms,population,index\n";
    for (const auto &e : rec.events)
      out << timeText(e.step, rec.dtMs) << ',' << populationName(rec.populations, e.population, scratch)
          << ',' << e.index << '\n';
    break;
  case RecordingFormat::Json: {
    nlohmann::json t = nlohmann::json::array(), pop = nlohmann::json::array(),
                   idx = nlohmann::json::array();
    for (const auto &e : rec.events) {
      t.push_back(labelTimeMs(e.step, rec.dtMs));
      pop.push_back(populationName(rec.populations, e.population, scratch));
      idx.push_back(e.index);
    }
    nlohmann::json j = {{"dt_ms", rec.dtMs},
                        {"populations", rec.populations},
                        {"t_ms", std::move(t)},
                        {"population", std::move(pop)},
                        {"index", std::move(idx)}};
    out << j.dump() << '\n';
    break;
  }
  case RecordingFormat::Npy: {
    std::vector<double> data;
    data.reserve(3 * rec.events.size());
    for (const auto &e : rec.events) {
      data.push_back(labelTimeMs(e.step, rec.dtMs));
      data.push_back(double(e.population));
      data.push_back(double(e.index));
    }
    writeNpy(out, data.data(), rec.events.size(), 3);
    break;
  }
  case RecordingFormat::Hdf5:
    throw std::invalid_argument(hdf5NeedsAPath);
  }
}

void writeTraces(const TraceRecording &rec, RecordingFormat format, std::ostream &out) {
  std::string scratch;
  const size_t nv = rec.variables.size();
  switch (format) {
  case RecordingFormat::Csv:
    out << "t_ms,population,index";
    for (const auto &v : rec.variables)
      out << ',' << v;
    out << '\n';
    for (size_t r = 0; r < rec.rows(); ++r) {
      out << timeText(rec.step[r], rec.dtMs) << ','
          << populationName(rec.populations, rec.population[r], scratch) << ','
          << rec.index[r];
      for (size_t v = 0; v < nv; ++v)
        out << ',' << valueText(rec.values[r * nv + v]);
      out << '\n';
    }
    break;
  case RecordingFormat::Json: {
    nlohmann::json t = nlohmann::json::array(), pop = nlohmann::json::array(),
                   idx = nlohmann::json::array(), values = nlohmann::json::object();
    for (size_t r = 0; r < rec.rows(); ++r) {
      t.push_back(labelTimeMs(rec.step[r], rec.dtMs));
      pop.push_back(populationName(rec.populations, rec.population[r], scratch));
      idx.push_back(rec.index[r]);
    }
    values = valueColumns(rec.variables, rec.values, rec.rows());
    nlohmann::json j = {{"dt_ms", rec.dtMs},         {"populations", rec.populations},
                        {"variables", rec.variables}, {"t_ms", std::move(t)},
                        {"population", std::move(pop)}, {"index", std::move(idx)},
                        {"values", std::move(values)}};
    out << j.dump() << '\n';
    break;
  }
  case RecordingFormat::Npy: {
    writeTableNpy(out, rec.step, rec.dtMs, rec.values, nv,
                  [&](size_t r) { return std::pair<uint64_t, uint64_t>(rec.population[r], rec.index[r]); });
    break;
  }
  case RecordingFormat::Hdf5:
    throw std::invalid_argument(hdf5NeedsAPath);
  }
}

void writeSynapses(const SynapseRecording &rec, RecordingFormat format, std::ostream &out) {
  const size_t nv = rec.variables.size();
  switch (format) {
  case RecordingFormat::Csv:
    out << "t_ms,source,target";
    for (const auto &v : rec.variables)
      out << ',' << v;
    out << '\n';
    for (size_t r = 0; r < rec.rows(); ++r) {
      out << timeText(rec.step[r], rec.dtMs) << ',' << rec.source[r] << ',' << rec.target[r];
      for (size_t v = 0; v < nv; ++v)
        out << ',' << valueText(rec.values[r * nv + v]);
      out << '\n';
    }
    break;
  case RecordingFormat::Json: {
    nlohmann::json t = nlohmann::json::array(), src = nlohmann::json::array(),
                   tgt = nlohmann::json::array(), values = nlohmann::json::object();
    for (size_t r = 0; r < rec.rows(); ++r) {
      t.push_back(labelTimeMs(rec.step[r], rec.dtMs));
      src.push_back(rec.source[r]);
      tgt.push_back(rec.target[r]);
    }
    values = valueColumns(rec.variables, rec.values, rec.rows());
    nlohmann::json j = {{"dt_ms", rec.dtMs},
                        {"projection", rec.projection},
                        {"source_population", rec.sourcePopulation},
                        {"target_population", rec.targetPopulation},
                        {"variables", rec.variables},
                        {"t_ms", std::move(t)},
                        {"source", std::move(src)},
                        {"target", std::move(tgt)},
                        {"values", std::move(values)}};
    out << j.dump() << '\n';
    break;
  }
  case RecordingFormat::Npy: {
    writeTableNpy(out, rec.step, rec.dtMs, rec.values, nv,
                  [&](size_t r) { return std::pair<uint64_t, uint64_t>(rec.source[r], rec.target[r]); });
    break;
  }
  case RecordingFormat::Hdf5:
    throw std::invalid_argument("synapse recordings have no HDF5 layout: write .csv, .json or .npy");
  }
}

std::string writeSynapses(const SynapseRecording &rec, const std::string &path) {
  std::string error;
  if (recordingFormatFor(path, error) == RecordingFormat::Hdf5)
    return "cannot write '" + path + "': synapse recordings are written as .csv, .json or .npy";
  return writeFile(
      path,
      [](const void *r, RecordingFormat f, std::ostream &o) {
        writeSynapses(*static_cast<const SynapseRecording *>(r), f, o);
      },
      &rec);
}

std::string writeSpikes(const SpikeRecording &rec, const std::string &path) {
  std::string ignoredError; // writeFile reports an unknown extension itself
  if (recordingFormatFor(path, ignoredError) == RecordingFormat::Hdf5)
    return detail::writeSpikesHdf5(rec, path);
  return writeFile(
      path,
      [](const void *r, RecordingFormat f, std::ostream &o) {
        writeSpikes(*static_cast<const SpikeRecording *>(r), f, o);
      },
      &rec);
}

std::string writeTraces(const TraceRecording &rec, const std::string &path) {
  std::string ignoredError; // writeFile reports an unknown extension itself
  if (recordingFormatFor(path, ignoredError) == RecordingFormat::Hdf5)
    return detail::writeTracesHdf5(rec, path);
  return writeFile(
      path,
      [](const void *r, RecordingFormat f, std::ostream &o) {
        writeTraces(*static_cast<const TraceRecording *>(r), f, o);
      },
      &rec);
}

} // namespace nsc::runtime
