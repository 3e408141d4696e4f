//===- DiagnosticEngineTest.cpp - Counting, --Werror, error limit ---------===//
#include "nsc/support/Diagnostics.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace nsc;

namespace {

class DiagnosticEngineTest : public ::testing::Test {
protected:
  void SetUp() override { file = sm.addBuffer("m.nrn", "line one\nline two\n"); }
  SourceRange at(uint32_t line) { return SourceRange(SourceLoc{file, line, 1}); }
  std::string printAll() {
    std::ostringstream os;
    diags.flush(os);
    return os.str();
  }
  SourceManager sm;
  DiagnosticEngine diags{sm};
  FileId file = kNoFile;
};

TEST_F(DiagnosticEngineTest, CountsBySeverity) {
  diags.warning(at(1), "w1");
  diags.error(at(1), "e1");
  diags.warning(at(2), "w2");
  diags.report(Severity::Note, at(2), "n");
  EXPECT_EQ(diags.errorCount(), 1u);
  EXPECT_EQ(diags.warningCount(), 2u);
  ASSERT_EQ(diags.diagnostics().size(), 4u);
  EXPECT_EQ(diags.diagnostics()[0].severity, Severity::Warning);
  EXPECT_EQ(diags.diagnostics()[1].severity, Severity::Error);
  EXPECT_EQ(diags.diagnostics()[3].severity, Severity::Note);
  EXPECT_EQ(diags.diagnostics()[3].message, "n");
}

TEST_F(DiagnosticEngineTest, WerrorPromotesWarnings) {
  diags.setWarningsAsErrors(true);
  diags.warning(at(1), "dimensionless value assigned to 'V_m'");
  EXPECT_EQ(diags.errorCount(), 1u);
  EXPECT_EQ(diags.warningCount(), 0u);
  EXPECT_TRUE(diags.hasErrors());
  EXPECT_EQ(printAll(), "m.nrn:1:1: error: dimensionless value assigned to 'V_m'\n"
                        "line one\n"
                        "^\n");
  // Notes stay notes.
  diags.report(Severity::Note, at(2), "n");
  EXPECT_EQ(diags.diagnostics().back().severity, Severity::Note);
  diags.setWarningsAsErrors(false);
  diags.warning(at(1), "plain");
  EXPECT_EQ(diags.warningCount(), 1u);
}

TEST_F(DiagnosticEngineTest, ErrorLimitStopsStoringAndSaysSo) {
  diags.setErrorLimit(2);
  diags.error(at(1), "e1");
  diags.error(at(1), "e2");
  diags.error(at(2), "e3").note(at(1), "dropped note"); // past the limit: no crash
  diags.error(at(2), "e4");
  diags.warning(at(2), "w after the limit");
  EXPECT_EQ(diags.errorCount(), 4u); // still counted, so the exit code is right
  ASSERT_EQ(diags.diagnostics().size(), 3u);
  EXPECT_EQ(diags.diagnostics()[2].severity, Severity::Note);
  std::string out = printAll();
  EXPECT_NE(out.find("e2"), std::string::npos);
  EXPECT_EQ(out.find("e3"), std::string::npos);
  EXPECT_EQ(out.find("dropped note"), std::string::npos);
  EXPECT_NE(out.find("nsc: note: too many errors emitted, stopping now\n"), std::string::npos);
  // The note is emitted exactly once.
  EXPECT_EQ(out.find("too many errors"), out.rfind("too many errors"));
}

TEST_F(DiagnosticEngineTest, ErrorLimitCountsWerrorWarnings) {
  diags.setErrorLimit(1);
  diags.setWarningsAsErrors(true);
  diags.warning(at(1), "w1");
  diags.warning(at(1), "w2");
  EXPECT_EQ(diags.errorCount(), 2u);
  ASSERT_EQ(diags.diagnostics().size(), 2u);
  EXPECT_EQ(diags.diagnostics()[1].message, "too many errors emitted, stopping now");
}

TEST_F(DiagnosticEngineTest, ZeroLimitMeansNoLimit) {
  diags.setErrorLimit(0);
  for (int i = 0; i < 500; ++i)
    diags.error(at(1), "e" + std::to_string(i));
  EXPECT_EQ(diags.diagnostics().size(), 500u);
}

TEST_F(DiagnosticEngineTest, ClearResetsEverything) {
  diags.setErrorLimit(1);
  diags.error(at(1), "e1");
  diags.error(at(1), "e2");
  diags.warning(at(1), "w");
  diags.clear();
  EXPECT_EQ(diags.errorCount(), 0u);
  EXPECT_EQ(diags.warningCount(), 0u);
  EXPECT_TRUE(diags.diagnostics().empty());
  EXPECT_EQ(printAll(), "");
  // The limit applies afresh, including its note.
  diags.error(at(1), "again1");
  diags.error(at(1), "again2");
  EXPECT_NE(printAll().find("too many errors"), std::string::npos);
}

TEST_F(DiagnosticEngineTest, SourceRangeCover) {
  SourceRange a({file, 1, 3}, {file, 1, 5});
  SourceRange b({file, 2, 1}, {file, 2, 4});
  SourceRange c = SourceRange::cover(a, b);
  EXPECT_EQ(c.begin, a.begin);
  EXPECT_EQ(c.end, b.end);
  EXPECT_EQ(SourceRange::cover(b, a).begin, a.begin);
  EXPECT_EQ(SourceRange::cover(SourceRange(), b).begin, b.begin);
  EXPECT_EQ(SourceRange::cover(a, SourceRange()).end, a.end);
  SourceRange single(SourceLoc{file, 1, 7});
  EXPECT_EQ(single.end.col, 8u);
}

TEST(SourceManagerTest, LinesAndFiles) {
  SourceManager sm;
  FileId f = sm.addBuffer("a.nrn", "one\r\ntwo\n\nfour");
  EXPECT_EQ(sm.numFiles(), 1u);
  EXPECT_EQ(sm.path(f), "a.nrn");
  EXPECT_EQ(sm.lineText(f, 1), "one");
  EXPECT_EQ(sm.lineText(f, 2), "two");
  EXPECT_EQ(sm.lineText(f, 3), "");
  EXPECT_EQ(sm.lineText(f, 4), "four");
  EXPECT_EQ(sm.lineText(f, 5), "");
  EXPECT_EQ(sm.lineText(f, 0), "");
  EXPECT_EQ(sm.lineText(kNoFile, 1), "");
  EXPECT_EQ(sm.lineText(99, 1), "");
  EXPECT_FALSE(sm.loadFile("/nonexistent/file.nrn").has_value());
  EXPECT_FALSE(sm.loadFile("/").has_value()); // a directory is not a file
  EXPECT_EQ(sm.findFile("a.nrn"), f);
  EXPECT_FALSE(sm.findFile("b.nrn").has_value());
}

} // namespace
