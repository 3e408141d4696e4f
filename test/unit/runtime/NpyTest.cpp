//===- NpyTest.cpp - .npy reading of MEA sample formats (<f4, <i2) --------===//
#include "nsc/runtime/Npy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

using namespace nsc::runtime;

namespace {

/// A version 1.0 .npy file with the given dtype, shape 2 x 2, and raw bytes.
std::string npyFile(const std::string &descr, const std::string &data) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2, 2), }";
  size_t total = 10 + dict.size() + 1;
  dict.append((total + 63) / 64 * 64 - total, ' ');
  dict.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(char(dict.size() & 0xFF));
  out.push_back(char(dict.size() >> 8));
  return out + dict + data;
}

} // namespace

TEST(Npy, ReadsFloat32AndInt16LittleEndian) {
  float f[4] = {1.5f, -2.25f, 0.0f, 1e-3f};
  std::string raw(reinterpret_cast<const char *>(f), 16); // the test host is little-endian
  std::istringstream in(npyFile("<f4", raw));
  NpyArray a;
  std::string err;
  ASSERT_TRUE(readNpy(in, a, err)) << err;
  EXPECT_EQ(a.descr, "<f4");
  EXPECT_EQ(a.rows, 2u);
  EXPECT_EQ(a.cols, 2u);
  EXPECT_EQ(a.f4, (std::vector<float>{1.5f, -2.25f, 0.0f, 1e-3f}));
  // int16: 1, -1, 32767, -32768 as little-endian bytes.
  std::istringstream in16(npyFile("<i2", std::string("\x01\x00\xff\xff\xff\x7f\x00\x80", 8)));
  ASSERT_TRUE(readNpy(in16, a, err)) << err;
  EXPECT_EQ(a.descr, "<i2");
  EXPECT_EQ(a.i2, (std::vector<int16_t>{1, -1, 32767, -32768}));
  EXPECT_TRUE(a.f4.empty());
}

TEST(Npy, RefusesOtherDtypesAndTruncatedData) {
  std::istringstream u1(npyFile("|u1", std::string(4, '\0')));
  NpyArray a;
  std::string err;
  EXPECT_FALSE(readNpy(u1, a, err));
  EXPECT_EQ(err, "unsupported .npy dtype (only '<f8', '<i8', '<f4' and '<i2')");
  std::istringstream shortData(npyFile("<i2", std::string(6, '\0')));
  EXPECT_FALSE(readNpy(shortData, a, err));
  EXPECT_EQ(err, "truncated .npy data");
}
