//===- JitCacheTest.cpp - The JIT's memory and disk object cache ----------===//
//
// The "a second run of an unchanged model compiles nothing": the
// same module twice in one engine is a MemoryHit, in a new engine a DiskHit
// that still runs; a damaged cache entry is recompiled, never trusted; a
// cache that cannot be written only costs the caching.
//
//===----------------------------------------------------------------------===//
#include "Jit.h"
#include "JitTestModules.h"
#include "RuntimeSupport.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <vector>

using namespace nsc::cpu;
using namespace nsc::cpu::test;

namespace {

/// Sets an environment variable for the lifetime of the object and puts the
/// previous value back afterwards.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const char *value) : name_(name) {
    if (const char *old = std::getenv(name))
      old_ = old;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }

private:
  const char *name_;
  std::optional<std::string> old_;
};

class JitCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> dir;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("nsc-jit-cache-test", dir));
    dir_ = std::string(dir);
    env_.emplace("NSC_CACHE_DIR", dir_.c_str());
  }
  void TearDown() override {
    env_.reset();
    llvm::sys::fs::remove_directories(dir_);
  }

  std::unique_ptr<JitEngine> engine() {
    auto e = JitEngine::create();
    if (!e) {
      ADD_FAILURE() << llvm::toString(e.takeError());
      return nullptr;
    }
    return std::move(*e);
  }
  /// Adds standardModule(salt) and returns the outcome (Compiled when the
  /// add failed, after recording the failure).
  CacheOutcome add(JitEngine &jit, const std::string &salt = "") {
    OwnedModule om = standardModule(salt);
    auto outcome = jit.addModule(std::move(om.module), std::move(om.context));
    if (!outcome) {
      ADD_FAILURE() << llvm::toString(outcome.takeError());
      return CacheOutcome::Compiled;
    }
    return *outcome;
  }
  /// The JIT-compiled axpb_exp gives the C++ values.
  void expectWorks(JitEngine &jit) {
    auto p = jit.lookup("nsc_test_axpb_exp");
    ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
    auto fn = reinterpret_cast<AxpbFn>(*p);
    std::vector<double> x{-1.5, 0.0, 0.25, 2.0, 3.75, -0.125, 1e-3}, out(x.size());
    fn(out.data(), x.data(), 0.7, 0.1, int64_t(x.size()));
    for (size_t i = 0; i < x.size(); ++i) {
      volatile double product = 0.7 * x[i];
      EXPECT_EQ(out[i], std::exp(product + 0.1)) << i;
    }
  }
  /// Files in the cache directory.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec))
      names.push_back(std::string(llvm::sys::path::filename(it->path())));
    return names;
  }
  std::string onlyEntryPath() const {
    auto names = entries();
    EXPECT_EQ(names.size(), 1u);
    return names.empty() ? "" : dir_ + "/" + names[0];
  }

  std::string dir_;
  std::optional<ScopedEnv> env_;
};

TEST_F(JitCacheTest, CompiledThenMemoryHitThenDiskHit) {
  auto first = engine();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->cacheDirectory(), dir_);
  EXPECT_EQ(add(*first), CacheOutcome::Compiled);
  expectWorks(*first);
  // One entry, named by a 64-hex-digit key, no temporary left behind.
  auto names = entries();
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].size(), 64u + 2u);
  EXPECT_EQ(llvm::sys::path::extension(names[0]), ".o");

  // Same text in a fresh context: nothing compiled, nothing loaded again
  // (loading again would be a duplicate definition error).
  EXPECT_EQ(add(*first), CacheOutcome::MemoryHit);
  expectWorks(*first);

  auto second = engine();
  ASSERT_TRUE(second);
  EXPECT_EQ(add(*second), CacheOutcome::DiskHit);
  expectWorks(*second);
  EXPECT_EQ(add(*second), CacheOutcome::MemoryHit);
  EXPECT_EQ(entries().size(), 1u);
}

TEST_F(JitCacheTest, DiskHitReachesTheSupportRoutines) {
  auto first = engine();
  ASSERT_TRUE(first);
  ASSERT_EQ(add(*first), CacheOutcome::Compiled);
  auto second = engine();
  ASSERT_TRUE(second);
  ASSERT_EQ(add(*second), CacheOutcome::DiskHit);
  auto p = second->lookup("nsc_test_div_zero");
  ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
  nsc_runtime rt;
  reinterpret_cast<RuntimeFn>(*p)(&rt);
  EXPECT_EQ(rt.warnings["integer division by zero (result 0)"], 1u);
}

TEST_F(JitCacheTest, DifferentModuleTextIsADifferentEntry) {
  auto jit = engine();
  ASSERT_TRUE(jit);
  EXPECT_EQ(add(*jit, "a"), CacheOutcome::Compiled);
  auto other = engine();
  ASSERT_TRUE(other);
  EXPECT_EQ(add(*other, "b"), CacheOutcome::Compiled);
  EXPECT_EQ(entries().size(), 2u);
  auto third = engine();
  ASSERT_TRUE(third);
  EXPECT_EQ(add(*third, "a"), CacheOutcome::DiskHit);
}

TEST_F(JitCacheTest, GarbageEntryIsRecompiled) {
  auto jit = engine();
  ASSERT_TRUE(jit);
  ASSERT_EQ(add(*jit), CacheOutcome::Compiled);
  std::string path = onlyEntryPath();
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << "this is not an object file";
  }
  auto again = engine();
  ASSERT_TRUE(again);
  EXPECT_EQ(add(*again), CacheOutcome::Compiled);
  expectWorks(*again);
  auto third = engine();
  ASSERT_TRUE(third);
  EXPECT_EQ(add(*third), CacheOutcome::DiskHit);
  expectWorks(*third);
}

TEST_F(JitCacheTest, TruncatedOrFlippedEntryIsRecompiled) {
  auto jit = engine();
  ASSERT_TRUE(jit);
  ASSERT_EQ(add(*jit), CacheOutcome::Compiled);
  std::string path = onlyEntryPath();
  auto original = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(bool(original));
  std::string bytes = (*original)->getBuffer().str();
  ASSERT_GT(bytes.size(), 200u);

  // Cut in half: header intact, section headers and trailer gone.
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << bytes.substr(0, bytes.size() / 2);
  }
  auto a = engine();
  ASSERT_TRUE(a);
  EXPECT_EQ(add(*a), CacheOutcome::Compiled);
  expectWorks(*a);

  // Same size, one byte of the code changed: still a well-formed ELF file
  // that would load and run wrong code; the checksum catches it.
  std::string flipped = bytes;
  flipped[flipped.size() / 3] ^= 0x5a;
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << flipped;
  }
  auto b = engine();
  ASSERT_TRUE(b);
  EXPECT_EQ(add(*b), CacheOutcome::Compiled);
  expectWorks(*b);

  // Empty file.
  { std::ofstream f(path, std::ios::binary | std::ios::trunc); }
  auto c = engine();
  ASSERT_TRUE(c);
  EXPECT_EQ(add(*c), CacheOutcome::Compiled);
  expectWorks(*c);

  // The recompiled entry is good again.
  auto d = engine();
  ASSERT_TRUE(d);
  EXPECT_EQ(add(*d), CacheOutcome::DiskHit);
}

TEST_F(JitCacheTest, EntryIsAnObjectWithATrailer) {
  auto jit = engine();
  ASSERT_TRUE(jit);
  ASSERT_EQ(add(*jit), CacheOutcome::Compiled);
  auto file = llvm::MemoryBuffer::getFile(onlyEntryPath());
  ASSERT_TRUE(bool(file));
  llvm::StringRef bytes = (*file)->getBuffer();
  EXPECT_TRUE(bytes.starts_with("\x7f" "ELF"));
  EXPECT_EQ(bytes.drop_back(32).take_back(8), "NSCOBJ01");
}

TEST_F(JitCacheTest, UncreatableDirectoryTurnsDiskCachingOff) {
  // A path below a regular file cannot be created, not even by root.
  std::string file = dir_ + "/plain-file";
  { std::ofstream f(file); f << "x"; }
  ScopedEnv env("NSC_CACHE_DIR", (file + "/sub").c_str());
  auto jit = engine();
  ASSERT_TRUE(jit);
  EXPECT_EQ(jit->cacheDirectory(), "");
  EXPECT_EQ(add(*jit), CacheOutcome::Compiled);
  expectWorks(*jit);
  EXPECT_EQ(add(*jit), CacheOutcome::MemoryHit); // the memory cache still works
  auto other = engine();
  ASSERT_TRUE(other);
  EXPECT_EQ(add(*other), CacheOutcome::Compiled);
  expectWorks(*other);
}

TEST_F(JitCacheTest, UnwritableDirectoryStillRuns) {
  std::string ro = dir_ + "/read-only";
  ASSERT_FALSE(llvm::sys::fs::create_directory(ro));
  llvm::sys::fs::setPermissions(ro, llvm::sys::fs::perms(0555));
  ScopedEnv env("NSC_CACHE_DIR", ro.c_str());
  auto jit = engine();
  ASSERT_TRUE(jit);
  // Root may write anyway; either way the module must run.
  EXPECT_EQ(add(*jit), CacheOutcome::Compiled);
  expectWorks(*jit);
  llvm::sys::fs::setPermissions(ro, llvm::sys::fs::perms(0755));
}

TEST_F(JitCacheTest, DirectoryFallsBackToXdgThenHome) {
  {
    ScopedEnv unset("NSC_CACHE_DIR", nullptr);
    ScopedEnv xdg("XDG_CACHE_HOME", (dir_ + "/xdg").c_str());
    auto jit = engine();
    ASSERT_TRUE(jit);
    EXPECT_EQ(jit->cacheDirectory(), dir_ + "/xdg/nsc");
    EXPECT_TRUE(llvm::sys::fs::is_directory(dir_ + "/xdg/nsc"));
  }
  {
    ScopedEnv unset("NSC_CACHE_DIR", "");
    ScopedEnv xdg("XDG_CACHE_HOME", nullptr);
    ScopedEnv home("HOME", (dir_ + "/home").c_str());
    auto jit = engine();
    ASSERT_TRUE(jit);
    EXPECT_EQ(jit->cacheDirectory(), dir_ + "/home/.cache/nsc");
    EXPECT_EQ(add(*jit), CacheOutcome::Compiled);
    expectWorks(*jit);
  }
}

} // namespace
