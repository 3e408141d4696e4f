//===- TargetTableTest.cpp - The one table of targets ---------------------===//
//
// What the driver, nsc verify and the embedding API rely on: unique names,
// each --emit kind owned by one target, complete entries, and the
// network-runtime targets giving kernels that run a model.
//
//===----------------------------------------------------------------------===//
#include "nsc/network/Simulation.h"
#include "nsc/targets/Target.h"

#include <gtest/gtest.h>

#include <set>

using namespace nsc;
using namespace nsc::targets;

TEST(TargetTable, NamesAndEmitKindsAreUnique) {
  std::set<std::string> names, emits;
  for (const Target &t : targetTable()) {
    EXPECT_TRUE(names.insert(t.name).second) << t.name;
    for (const std::string &e : t.emits)
      EXPECT_TRUE(emits.insert(e).second) << "--emit=" << e << " owned twice";
    EXPECT_EQ(findTarget(t.name), &t);
  }
  // The front end's own --emit kinds belong to no target.
  for (const char *frontEnd : {"tokens", "ast", "ir", "ir-json"})
    EXPECT_FALSE(emits.count(frontEnd)) << frontEnd;
  EXPECT_EQ(findTarget("gpu"), nullptr);
}

TEST(TargetTable, EveryEntryIsComplete) {
  for (const Target &t : targetTable()) {
    EXPECT_FALSE(t.summary.empty()) << t.name;
    ASSERT_TRUE(bool(t.unavailable)) << t.name;
    EXPECT_TRUE(bool(t.main)) << t.name;
    // What runs can be compared, and what can be compared runs.
    EXPECT_EQ(t.executes, bool(t.verifyRun)) << t.name;
    // Single models run only where something executes.
    if (t.acceptsModel)
      EXPECT_TRUE(t.executes) << t.name;
    for (const Subcommand &s : t.subcommands)
      EXPECT_TRUE(bool(s.main)) << t.name << " " << s.name;
  }
}

TEST(TargetTable, TheReferenceTargetsAreAlwaysAvailable) {
  for (const char *name : {"interp", "cpu", "loihi", "verilog"}) {
    const Target *t = findTarget(name);
    ASSERT_NE(t, nullptr) << name;
    EXPECT_EQ(t->unavailable(), "") << name;
  }
  EXPECT_EQ(targetNames([](const Target &t) { return bool(t.networkBackend); }), "interp, cpu");
}

TEST(TargetTable, NetworkBackendsMakeKernelsAndStats) {
  for (const char *name : {"interp", "cpu"}) {
    NetworkBackend b = findTarget(name)->networkBackend();
    EXPECT_TRUE(bool(b.kernels)) << name;
    if (b.addStats) {
      nlohmann::json j;
      j["compile_ms"] = 0.0;
      b.addStats(j);
      EXPECT_TRUE(j.contains("jit_ms")) << name;
    }
  }
}
