//===- SystemMemoryTest.cpp - Memory sizes and the process's budget -------===//
#include "nsc/support/SystemMemory.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

namespace {

TEST(SystemMemory, ParsesSizesInPowersOf1024) {
  std::string error;
  EXPECT_EQ(nsc::parseMemorySize("4096", error), 4096u);
  EXPECT_EQ(nsc::parseMemorySize("8G", error), uint64_t(8) << 30);
  EXPECT_EQ(nsc::parseMemorySize("8 GiB", error), uint64_t(8) << 30);
  EXPECT_EQ(nsc::parseMemorySize("512MB", error), uint64_t(512) << 20);
  EXPECT_EQ(nsc::parseMemorySize("1.5k", error), 1536u);
  EXPECT_EQ(nsc::parseMemorySize("2T", error), uint64_t(2) << 40);
}

TEST(SystemMemory, RejectsWhatIsNotASize) {
  for (const char *bad : {"", "lots", "8X", "-1G", "0", "1e30", "G", "8GBs"}) {
    std::string error;
    EXPECT_FALSE(nsc::parseMemorySize(bad, error)) << bad;
    EXPECT_NE(error.find("is not a memory size"), std::string::npos) << bad << ": " << error;
  }
}

TEST(SystemMemory, FormatsWithThreeSignificantDigits) {
  EXPECT_EQ(nsc::formatBytes(100), "100 B");
  EXPECT_EQ(nsc::formatBytes(1536), "1.50 KiB");
  EXPECT_EQ(nsc::formatBytes(uint64_t(312) << 20), "312 MiB");
  EXPECT_EQ(nsc::formatBytes(uint64_t(15) << 30), "15.0 GiB");
}

TEST(SystemMemory, BudgetIsPositiveAndNamesItsSource) {
  nsc::MemoryBudget b = nsc::systemMemoryBudget();
  EXPECT_GT(b.bytes, 0u);
  if (b.bytes != UINT64_MAX)
    EXPECT_FALSE(b.source.empty());
  EXPECT_GT(nsc::currentResidentBytes(), 0u);
  EXPECT_GE(nsc::peakResidentBytes(), nsc::currentResidentBytes() / 2);
}

#if defined(__SANITIZE_ADDRESS__)
#define NSC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NSC_ASAN 1
#endif
#endif

TEST(SystemMemory, AddressSpaceLimitBoundsTheBudget) {
#ifdef NSC_ASAN
  GTEST_SKIP() << "ASan's shadow memory is terabytes of address space: no RLIMIT_AS under it";
#endif
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_AS, &old), 0);
  rlimit lower = old;
  // Well above what this process maps, well below the machine's memory.
  lower.rlim_cur = rlim_t(64) << 30;
  if (old.rlim_max != RLIM_INFINITY && old.rlim_max < lower.rlim_cur)
    GTEST_SKIP() << "RLIMIT_AS hard limit below 64 GiB";
  if (old.rlim_cur != RLIM_INFINITY && old.rlim_cur < lower.rlim_cur)
    GTEST_SKIP() << "RLIMIT_AS already lower";
  ASSERT_EQ(setrlimit(RLIMIT_AS, &lower), 0);
  nsc::MemoryBudget b = nsc::systemMemoryBudget();
  setrlimit(RLIMIT_AS, &old);
  EXPECT_LE(b.bytes, uint64_t(64) << 30);
}

} // namespace
