//===- CheckpointFormatTest.cpp - The checkpoint container -----------------===//
//
// CRC-32 against its standard check value; sections written and read back;
// every truncated prefix and every flipped byte of a file refused.
//
//===----------------------------------------------------------------------===//
#include "../../../runtime/network/lib/CheckpointFormat.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

using namespace nsc::network::ckpt;

namespace {

std::string tempPath() {
  return std::string(::testing::TempDir()) + "nsc-ckpt-format-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

std::string readAll(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeAll(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

/// A file with two sections: numbers, a string, vectors (one large enough
/// to cross the writer's 1 MiB buffer) and an empty one.
void writeSample(const std::string &path) {
  Writer w;
  std::string error;
  ASSERT_TRUE(w.open(path, error)) << error;
  w.beginSection("ONE");
  w.u32(7);
  w.str("hello");
  w.vec(std::vector<double>{1.5, -2.25});
  w.vec(std::vector<uint32_t>{});
  w.endSection();
  w.beginSection("BIG");
  std::vector<uint64_t> big(200000);
  for (size_t i = 0; i < big.size(); ++i)
    big[i] = i * 2654435761u;
  w.vec(big);
  w.endSection();
  ASSERT_TRUE(w.commit(error)) << error;
}

} // namespace

TEST(CheckpointFormat, Crc32IsTheStandardOne) {
  EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u); // the CRC-32/ISO-HDLC check value
  EXPECT_EQ(crc32("", 0), 0u);
  // Continuing a CRC over pieces equals one pass.
  EXPECT_EQ(crc32("6789", 4, crc32("12345", 5)), 0xCBF43926u);
}

TEST(CheckpointFormat, SectionsRoundTrip) {
  std::string path = tempPath();
  writeSample(path);
  Reader r;
  std::string error;
  ASSERT_TRUE(r.open(path, error)) << error;
  ASSERT_EQ(r.sections().size(), 2u);
  EXPECT_EQ(r.sections()[0].tag, "ONE");
  Cursor c(r.sections()[0]);
  EXPECT_EQ(c.u32(), 7u);
  EXPECT_EQ(c.str(), "hello");
  EXPECT_EQ(c.vec<double>(), (std::vector<double>{1.5, -2.25}));
  EXPECT_TRUE(c.vec<uint32_t>().empty());
  EXPECT_TRUE(c.atEnd());
  EXPECT_FALSE(c.failed());
  c.u64(); // past the end: failed, zero
  EXPECT_TRUE(c.failed());
  std::vector<const Section *> big = r.find("BIG");
  ASSERT_EQ(big.size(), 1u);
  Cursor b(*big[0]);
  std::vector<uint64_t> v = b.vec<uint64_t>();
  ASSERT_EQ(v.size(), 200000u);
  EXPECT_EQ(v[199999], uint64_t(199999) * 2654435761u);
  std::remove(path.c_str());
}

TEST(CheckpointFormat, EveryTruncationAndEveryFlippedByteIsRefused) {
  std::string path = tempPath();
  {
    Writer w;
    std::string error;
    ASSERT_TRUE(w.open(path, error)) << error;
    w.beginSection("ONE");
    w.str("a small section");
    w.u64(42);
    w.endSection();
    ASSERT_TRUE(w.commit(error)) << error;
  }
  const std::string good = readAll(path);
  std::string error;
  for (size_t n = 0; n < good.size(); ++n) {
    writeAll(path, good.substr(0, n));
    Reader r;
    EXPECT_FALSE(r.open(path, error)) << "prefix of " << n << " bytes accepted";
  }
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = char(bad[i] ^ 0x01);
    writeAll(path, bad);
    Reader r;
    EXPECT_FALSE(r.open(path, error)) << "flipped byte " << i << " accepted";
  }
  writeAll(path, good + "x");
  Reader r;
  EXPECT_FALSE(r.open(path, error)) << "trailing bytes accepted";
  std::remove(path.c_str());
}

TEST(CheckpointFormat, AnUncommittedWriterLeavesNothing) {
  std::string path = tempPath();
  std::remove(path.c_str());
  {
    Writer w;
    std::string error;
    ASSERT_TRUE(w.open(path, error)) << error;
    w.beginSection("ONE");
    w.u64(1);
    w.endSection();
  } // destroyed without commit: an error path
  EXPECT_FALSE(std::ifstream(path).good());
  Writer w;
  std::string error;
  EXPECT_FALSE(w.open("/nonexistent-dir/x.ckpt", error));
  EXPECT_EQ(error, "cannot write '/nonexistent-dir/x.ckpt': No such file or directory");
}
