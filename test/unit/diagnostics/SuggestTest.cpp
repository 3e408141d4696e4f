// "did you mean": the shared suggestion helper (nsc/support/Suggest.h).
#include "nsc/support/Suggest.h"

#include <gtest/gtest.h>

using namespace nsc;

TEST(Suggest, SwapOfAdjacentLettersIsOneEdit) {
  EXPECT_EQ(suggestionDistance("tua_m", "tau_m"), 2u);
  EXPECT_EQ(closestName("tua_m", {"C_m", "tau_m", "E_L"}).value_or(""), "tau_m");
}

TEST(Suggest, TwoEditsAreFound) {
  EXPECT_EQ(closestName("tau_sin", {"tau_syn", "V_th"}).value_or(""), "tau_syn");
  EXPECT_EQ(closestName("tauu_mm", {"tau_m"}).value_or(""), "tau_m");
  EXPECT_FALSE(closestName("xyz_q", {"tau_m", "abc"}).has_value());
}

TEST(Suggest, CaseCountsHalf) {
  EXPECT_EQ(closestName("mv", {"m", "mV"}).value_or(""), "mV");
}

TEST(Suggest, ShortNamesAllowOneEdit) {
  EXPECT_EQ(closestName("Vm", {"V_m"}).value_or(""), "V_m");
  EXPECT_FALSE(closestName("ab", {"xyz"}).has_value());
}

TEST(Suggest, DidYouMeanText) {
  EXPECT_EQ(didYouMean("tua_m", {"tau_m"}), " (did you mean 'tau_m'?)");
  EXPECT_EQ(didYouMean("zzzzzz", {"tau_m"}), "");
}
