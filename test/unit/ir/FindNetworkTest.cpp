//===- FindNetworkTest.cpp - Module::findNetwork and its one message ------===//
#include "nsc/ir/IR.h"

#include <gtest/gtest.h>

using namespace nsc::ir;

namespace {

void addNetwork(Module &m, const std::string &name, bool singleModel = false) {
  auto n = std::make_unique<Network>();
  n->name = name;
  n->singleModel = singleModel;
  m.networks.push_back(std::move(n));
}

} // namespace

TEST(FindNetwork, EmptyNameMeansTheOnlyNetwork) {
  Module m;
  std::string error;
  EXPECT_FALSE(m.findNetwork("", &error));
  EXPECT_EQ(error, "the input has no network");
  addNetwork(m, "a");
  EXPECT_EQ(m.findNetwork(""), 0u);
  addNetwork(m, "b");
  EXPECT_FALSE(m.findNetwork("", &error));
  EXPECT_EQ(error, "the input has several networks ('a', 'b'): choose one by name");
}

TEST(FindNetwork, ByNameAmongSourceNetworks) {
  Module m;
  addNetwork(m, "a");
  addNetwork(m, "single_lif", /*singleModel=*/true);
  addNetwork(m, "b");
  EXPECT_EQ(m.findNetwork("b"), 2u);
  std::string error;
  EXPECT_FALSE(m.findNetwork("c", &error));
  EXPECT_EQ(error, "no network named 'c' (did you mean 'a'?) (networks: 'a', 'b')");
  // Single-model networks are neither found by name nor counted.
  EXPECT_FALSE(m.findNetwork("single_lif"));
  EXPECT_FALSE(m.findNetwork(""));
}
