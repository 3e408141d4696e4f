//===- RecordingHdf5Test.cpp - .h5 writers, read back with libhdf5 --------===//

#include "nsc/runtime/Recording.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace nsc::runtime;

namespace {

std::string tempPath(const std::string &name) { return ::testing::TempDir() + name; }

bool exists(const std::string &path) { return std::ifstream(path).good(); }

/// Reads a whole 1-D or 2-D dataset as `memoryType`; `dims` gets its shape.
template <typename T>
std::vector<T> readDataset(hid_t file, const std::string &name, hid_t memoryType,
                           std::vector<hsize_t> &dims) {
  hid_t set = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  EXPECT_GE(set, 0) << name;
  hid_t space = H5Dget_space(set);
  int rank = H5Sget_simple_extent_ndims(space);
  dims.assign(size_t(rank), 0);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  hsize_t n = 1;
  for (hsize_t d : dims)
    n *= d;
  std::vector<T> out(n);
  if (n > 0)
    EXPECT_GE(H5Dread(set, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0);
  H5Sclose(space);
  H5Dclose(set);
  return out;
}

std::string readStringAttribute(hid_t file, const std::string &object, const std::string &name) {
  hid_t attr = H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(attr, 0) << object << "@" << name;
  hid_t type = H5Aget_type(attr);
  EXPECT_TRUE(H5Tis_variable_str(type) > 0) << "h5py reads only variable-length strings as str";
  char *text = nullptr;
  H5Aread(attr, type, &text);
  std::string value = text ? text : "";
  H5free_memory(text);
  H5Tclose(type);
  H5Aclose(attr);
  return value;
}

} // namespace

TEST(RecordingHdf5, ExtensionsSelectHdf5) {
  std::string err;
  EXPECT_EQ(recordingFormatFor("out.h5", err), RecordingFormat::Hdf5);
  EXPECT_EQ(recordingFormatFor("out.HDF5", err), RecordingFormat::Hdf5);
}

TEST(RecordingHdf5, SpikesReadBackPerPopulationInSonataLayout) {
  SpikeRecording rec;
  rec.dtMs = 0.1;
  rec.populations = {"exc", "inh", "silent"};
  rec.add(4, 1, 7);
  rec.add(2, 0, 3, 2);
  rec.add(0, 1, 0);
  rec.add(2, 0, 1);
  rec.sortCanonical();
  std::string path = tempPath("nsc_spikes_test.h5");
  ASSERT_EQ(writeSpikes(rec, path), "");

  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  std::vector<hsize_t> dims;
  auto excTimes = readDataset<double>(file, "/spikes/exc/timestamps", H5T_NATIVE_DOUBLE, dims);
  EXPECT_EQ(excTimes, (std::vector<double>{0.3, 0.3, 0.3}));
  auto excIds = readDataset<uint64_t>(file, "/spikes/exc/node_ids", H5T_NATIVE_UINT64, dims);
  EXPECT_EQ(excIds, (std::vector<uint64_t>{1, 3, 3}));
  auto inhTimes = readDataset<double>(file, "/spikes/inh/timestamps", H5T_NATIVE_DOUBLE, dims);
  EXPECT_EQ(inhTimes, (std::vector<double>{0.1, 0.5}));
  auto inhIds = readDataset<uint64_t>(file, "/spikes/inh/node_ids", H5T_NATIVE_UINT64, dims);
  EXPECT_EQ(inhIds, (std::vector<uint64_t>{0, 7}));
  auto silent = readDataset<double>(file, "/spikes/silent/timestamps", H5T_NATIVE_DOUBLE, dims);
  EXPECT_TRUE(silent.empty());
  ASSERT_EQ(dims.size(), 1u);
  EXPECT_EQ(dims[0], 0u);
  EXPECT_EQ(readStringAttribute(file, "/spikes/exc", "sorting"), "by_time");
  EXPECT_EQ(readStringAttribute(file, "/spikes/inh/timestamps", "units"), "ms");
  H5Fclose(file);
  std::remove(path.c_str());
}

TEST(RecordingHdf5, TracesAreNeuronBySampleMatrices) {
  TraceRecording rec;
  rec.dtMs = 0.5;
  rec.populations = {"exc", "inh"};
  rec.variables = {"V_m", "I_syn"};
  // Two neurons (2 and 5) of exc sampled after steps 0 and 1, rows shuffled.
  double r0[] = {-65.0, 0.0}, r1[] = {-64.0, 1.5}, r2[] = {-63.0, NAN}, r3[] = {-62.0, 2.5};
  rec.addRow(1, 0, 5, r3);
  rec.addRow(0, 0, 2, r0);
  rec.addRow(0, 0, 5, r1);
  rec.addRow(1, 0, 2, r2);
  std::string path = tempPath("nsc_traces_test.h5");
  ASSERT_EQ(writeTraces(rec, path), "");

  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  std::vector<hsize_t> dims;
  auto vm = readDataset<double>(file, "/traces/exc/V_m/data", H5T_NATIVE_DOUBLE, dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{2, 2}));
  EXPECT_EQ(vm, (std::vector<double>{-65.0, -63.0, -64.0, -62.0}));
  auto isyn = readDataset<double>(file, "/traces/exc/I_syn/data", H5T_NATIVE_DOUBLE, dims);
  EXPECT_TRUE(std::isnan(isyn[1]));
  EXPECT_EQ(isyn[3], 2.5);
  auto time = readDataset<double>(file, "/traces/exc/V_m/time", H5T_NATIVE_DOUBLE, dims);
  EXPECT_EQ(time, (std::vector<double>{0.5, 1.0}));
  auto ids = readDataset<uint64_t>(file, "/traces/exc/V_m/node_ids", H5T_NATIVE_UINT64, dims);
  EXPECT_EQ(ids, (std::vector<uint64_t>{2, 5}));
  EXPECT_EQ(readStringAttribute(file, "/traces/exc", "population"), "exc");
  EXPECT_LT(H5Lexists(file, "/traces/inh", H5P_DEFAULT), 1); // no rows, no recorder
  H5Fclose(file);
  std::remove(path.c_str());
}

TEST(RecordingHdf5, RaggedTraceIsRefusedWithoutAFile) {
  TraceRecording rec;
  rec.populations = {"exc"};
  rec.variables = {"V_m"};
  double v = 1.0;
  rec.addRow(0, 0, 0, &v);
  rec.addRow(0, 0, 1, &v);
  rec.addRow(1, 0, 0, &v); // neuron 1 misses step 1
  std::string path = tempPath("nsc_ragged_test.h5");
  std::remove(path.c_str());
  std::string error = writeTraces(rec, path);
  EXPECT_NE(error.find("does not sample every neuron at the same steps"), std::string::npos)
      << error;
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_FALSE(exists(path));
}

TEST(RecordingHdf5, UnwritablePathNamesTheFile) {
  std::string error = writeSpikes(SpikeRecording{}, "/nonexistent-dir/x.h5");
  EXPECT_NE(error.find("'/nonexistent-dir/x.h5'"), std::string::npos) << error;
}

TEST(RecordingHdf5, StreamOverloadRefusesHdf5) {
  std::ostringstream out;
  EXPECT_THROW(writeSpikes(SpikeRecording{}, RecordingFormat::Hdf5, out), std::invalid_argument);
  EXPECT_THROW(writeTraces(TraceRecording{}, RecordingFormat::Hdf5, out), std::invalid_argument);
}
