//===- RecordingTest.cpp - Spike/trace writers and .npy round trips -------===//

#include "nsc/runtime/Npy.h"
#include "nsc/runtime/Recording.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace nsc::runtime;

namespace {

SpikeRecording sampleSpikes() {
  SpikeRecording rec;
  rec.dtMs = 0.1;
  rec.populations = {"exc", "inh"};
  rec.add(2, 1, 7);
  rec.add(2, 0, 3, 2); // multiplicity 2: two rows
  rec.add(0, 1, 0);
  rec.sortCanonical();
  return rec;
}

TraceRecording sampleTraces() {
  TraceRecording rec;
  rec.dtMs = 0.1;
  rec.populations = {"exc"};
  rec.variables = {"V_m", "I_syn"};
  double a[] = {-65.0, 0.1}, b[] = {-64.123456789012345, NAN};
  rec.addRow(0, 0, 0, a);
  rec.addRow(9, 0, 5, b);
  return rec;
}

std::string tempPath(const std::string &name) { return ::testing::TempDir() + name; }

std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

TEST(Recording, FormatByExtension) {
  std::string err;
  EXPECT_EQ(recordingFormatFor("a/b.csv", err), RecordingFormat::Csv);
  EXPECT_EQ(recordingFormatFor("x.JSON", err), RecordingFormat::Json);
  EXPECT_EQ(recordingFormatFor("x.npy", err), RecordingFormat::Npy);
  EXPECT_FALSE(recordingFormatFor("out.txt", err));
  EXPECT_EQ(err, "unknown recording format for 'out.txt' (use .csv, .json, .npy or .h5)");
  EXPECT_FALSE(recordingFormatFor("dir.csv/file", err));
}

TEST(Recording, LabelTimes) {
  EXPECT_EQ(labelTimeMs(2, 0.1), 0.3); // not 0.30000000000000004
  EXPECT_EQ(labelTimeMs(0, 0.1), 0.1);
  EXPECT_EQ(labelTimeMs(9999, 0.1), 1000.0);
  EXPECT_EQ(labelTimeMs(0, 0.125), 0.125);
}

TEST(Recording, SpikesCsvInCanonicalOrder) {
  std::ostringstream out;
  writeSpikes(sampleSpikes(), RecordingFormat::Csv, out);
  EXPECT_EQ(out.str(), "t_ms,population,index\n"
                       "0.1,inh,0\n"
                       "0.3,exc,3\n"
                       "0.3,exc,3\n"
                       "0.3,inh,7\n");
}

TEST(Recording, SpikesJson) {
  std::ostringstream out;
  writeSpikes(sampleSpikes(), RecordingFormat::Json, out);
  nlohmann::json j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["dt_ms"], 0.1);
  EXPECT_EQ(j["populations"], (std::vector<std::string>{"exc", "inh"}));
  EXPECT_EQ(j["t_ms"], (std::vector<double>{0.1, 0.3, 0.3, 0.3}));
  EXPECT_EQ(j["population"], (std::vector<std::string>{"inh", "exc", "exc", "inh"}));
  EXPECT_EQ(j["index"], (std::vector<uint64_t>{0, 3, 3, 7}));
}

TEST(Recording, SpikesNpyRoundTrip) {
  std::string path = tempPath("nsc_runtime_spikes.npy");
  ASSERT_EQ(writeSpikes(sampleSpikes(), path), "");
  std::string bytes = slurp(path);
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  size_t headerLen = (unsigned char)bytes[8] | ((unsigned char)bytes[9] << 8);
  EXPECT_EQ((10 + headerLen) % 64, 0u);
  std::string header = bytes.substr(10, headerLen);
  EXPECT_EQ(header.back(), '\n');
  EXPECT_EQ(header.find("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 3), }"), 0u);
  EXPECT_EQ(bytes.size(), 10 + headerLen + 4 * 3 * 8);
  std::ifstream in(path, std::ios::binary);
  NpyArray a;
  std::string err;
  ASSERT_TRUE(readNpy(in, a, err)) << err;
  EXPECT_EQ(a.descr, "<f8");
  EXPECT_EQ(a.rows, 4u);
  EXPECT_EQ(a.cols, 3u);
  EXPECT_EQ(a.f8, (std::vector<double>{0.1, 1, 0, 0.3, 0, 3, 0.3, 0, 3, 0.3, 1, 7}));
  std::remove(path.c_str());
}

TEST(Recording, TracesCsvLongFormat) {
  std::ostringstream out;
  writeTraces(sampleTraces(), RecordingFormat::Csv, out);
  EXPECT_EQ(out.str(), "t_ms,population,index,V_m,I_syn\n"
                       "0.1,exc,0,-65,0.1\n"
                       "1,exc,5,-64.12345678901235,nan\n");
}

TEST(Recording, TracesJsonAndNpy) {
  TraceRecording rec = sampleTraces();
  std::ostringstream out;
  writeTraces(rec, RecordingFormat::Json, out);
  nlohmann::json j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["variables"], (std::vector<std::string>{"V_m", "I_syn"}));
  EXPECT_EQ(j["t_ms"], (std::vector<double>{0.1, 1.0}));
  EXPECT_EQ(j["index"], (std::vector<uint64_t>{0, 5}));
  EXPECT_EQ(j["values"]["V_m"][1].get<double>(), -64.123456789012345);
  EXPECT_TRUE(j["values"]["I_syn"][1].is_null());

  std::stringstream npy;
  writeTraces(rec, RecordingFormat::Npy, npy);
  NpyArray a;
  std::string err;
  ASSERT_TRUE(readNpy(npy, a, err)) << err;
  EXPECT_EQ(a.rows, 2u);
  EXPECT_EQ(a.cols, 5u);
  EXPECT_EQ(a.f8[3], -65.0);
  EXPECT_EQ(a.f8[8], -64.123456789012345);
  EXPECT_TRUE(std::isnan(a.f8[9]));
}

TEST(Recording, EmptyRecordings) {
  SpikeRecording none;
  std::stringstream npy;
  writeSpikes(none, RecordingFormat::Npy, npy);
  NpyArray a;
  std::string err;
  ASSERT_TRUE(readNpy(npy, a, err)) << err;
  EXPECT_EQ(a.rows, 0u);
  EXPECT_EQ(a.cols, 3u);
  std::ostringstream csv;
  writeSpikes(none, RecordingFormat::Csv, csv);
  EXPECT_EQ(csv.str(), "t_ms,population,index\n");
}

TEST(Recording, Int64Npy) {
  int64_t data[] = {1, -2, 3, INT64_MIN, INT64_MAX, 0};
  std::stringstream s;
  writeNpy(s, data, 2, 3);
  NpyArray a;
  std::string err;
  ASSERT_TRUE(readNpy(s, a, err)) << err;
  EXPECT_EQ(a.descr, "<i8");
  EXPECT_EQ(a.i8, std::vector<int64_t>(data, data + 6));
  // Little-endian bytes whatever the host: the first element is 01 00 ... 00.
  std::string bytes = s.str();
  size_t dataAt = 10 + ((unsigned char)bytes[8] | ((unsigned char)bytes[9] << 8));
  EXPECT_EQ(bytes.substr(dataAt, 8), std::string("\x01\0\0\0\0\0\0\0", 8));
}

TEST(Recording, ReadNpyRejectsBadFiles) {
  NpyArray a;
  std::string err;
  std::istringstream junk("hello world");
  EXPECT_FALSE(readNpy(junk, a, err));
  EXPECT_EQ(err, "not a .npy file (bad magic)");
  std::stringstream s;
  double d[] = {1, 2};
  writeNpy(s, d, 1, 2);
  std::string bytes = s.str();
  std::istringstream truncated(bytes.substr(0, bytes.size() - 3));
  EXPECT_FALSE(readNpy(truncated, a, err));
  EXPECT_EQ(err, "truncated .npy data");
}

TEST(Recording, WriteErrorsNameTheFile) {
  EXPECT_EQ(writeSpikes(sampleSpikes(), "/nonexistent-dir/x.csv"),
            "cannot open '/nonexistent-dir/x.csv' for writing: No such file or directory");
  EXPECT_EQ(writeTraces(sampleTraces(), "x.bin"),
            "unknown recording format for 'x.bin' (use .csv, .json, .npy or .h5)");
}

// NumPy itself reads what we write. scripts/install-deps installs
// python3-numpy for Debian's /usr/bin/python3 (another python3 may come
// first on PATH), so a missing NumPy is a failure, not a skip.
TEST(Recording, NumpyLoadsOurFiles) {
  ASSERT_EQ(std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1"), 0)
      << "/usr/bin/python3 cannot import numpy: run scripts/install-deps";
  std::string path = tempPath("nsc_runtime_traces.npy");
  ASSERT_EQ(writeTraces(sampleTraces(), path), "");
  std::string cmd = "/usr/bin/python3 -c \"import numpy as np, math; a = np.load('" + path +
                    "'); assert a.dtype == np.dtype('<f8') and a.shape == (2, 5), a.shape; "
                    "assert a[1, 3] == -64.123456789012345 and math.isnan(a[1, 4]) and "
                    "a[0, 0] == 0.1\"";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  std::remove(path.c_str());
}
