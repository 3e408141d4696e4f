//===- SemanticsSettingsTest.cpp - `semantics:` keys and values -----------===//
#include "SemaTestUtil.h"

using namespace nsc;
using namespace nsc::test;

namespace {

using SemanticsSettings = SemaTest;

TEST_F(SemanticsSettings, ValidSettings) {
  ASSERT_TRUE(analyze(R"(semantics:
    dt = 0.1 ms
    solver = rk45
    precision = fixed(Q16.16, rounding = toward_zero, overflow = wrap)
    spikes = event
    seed = 42
    rk45_rtol = 1e-6
    rk45_atol = 1e-9
)")) << dump();
  auto &sem = *program.files.back()->semantics;
  auto *solver = ast::dyn_cast<ast::NameRef>(sem.settings[1].value.get());
  ASSERT_NE(solver, nullptr);
  EXPECT_EQ(solver->resolution, ast::NameRef::Resolution::Predefined);
}

TEST_F(SemanticsSettings, UnknownKeyAndValues) {
  EXPECT_FALSE(analyze(R"(semantics:
    dtt = 0.1 ms
    solver = rk5
    spikes = burst
)"));
  expectError("unknown semantics setting 'dtt'", 2, 5);
  EXPECT_TRUE(hasNote("did you mean 'dt'?")) << dump();
  expectError("unknown value 'rk5' for 'solver'", 3, 14);
  expectError("unknown value 'burst' for 'spikes'", 4, 14);
}

TEST_F(SemanticsSettings, DtMustBePositiveTime) {
  EXPECT_FALSE(analyze(R"(semantics:
    dt = 3
)"));
  expectError("'dt' must be a positive time", 2, 10);
}

TEST_F(SemanticsSettings, FixedPointFormat) {
  EXPECT_FALSE(analyze(R"(semantics:
    precision = fixed(Q40.40)
)"));
  expectError("fixed-point format 'Q40.40' needs 1 <= m and m + n <= 64", 2, 23);
}

TEST_F(SemanticsSettings, FixedPointOptions) {
  EXPECT_FALSE(analyze(R"(semantics:
    precision = fixed(Q8.8, rounding = up, overflw = wrap)
)"));
  expectError("unknown value 'up' for 'rounding'", 2, 40);
  expectError("unknown fixed-point option 'overflw'", 2, 44);
}

TEST_F(SemanticsSettings, SeedAndDuplicates) {
  EXPECT_FALSE(analyze(R"(semantics:
    seed = -1
    seed = 2
)"));
  expectError("'seed' must be a non-negative integer", 2, 12);
  expectError("duplicate setting 'seed'", 3, 5);
}

TEST_F(SemanticsSettings, ModelLevelSemanticsBlock) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        x real = 0
    semantics:
        solver = magic
)"));
  expectError("unknown value 'magic' for 'solver'", 5, 18);
}

} // namespace
