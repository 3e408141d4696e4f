//===- DiagnosticFormatTest.cpp - Clang-style text of one diagnostic ------===//
#include "nsc/support/Diagnostics.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace nsc;

namespace {

SourceLoc loc(FileId f, uint32_t line, uint32_t col) { return {f, line, col}; }

class DiagnosticFormat : public ::testing::Test {
protected:
  FileId add(std::string text, std::string path = "model.nrn") {
    return sm.addBuffer(std::move(path), std::move(text));
  }
  std::string printAll() {
    std::ostringstream os;
    diags.flush(os);
    return os.str();
  }
  SourceManager sm;
  DiagnosticEngine diags{sm};
};

TEST_F(DiagnosticFormat, ErrorWithCaretAndUnderline) {
  FileId f = add("model m:\n    update:\n        V_m = V_m + t\n");
  diags.error({loc(f, 3, 15), loc(f, 3, 22)}, "cannot add 'mV' and 'ms'");
  EXPECT_EQ(printAll(), "model.nrn:3:15: error: cannot add 'mV' and 'ms'\n"
                        "        V_m = V_m + t\n"
                        "              ^~~~~~~\n");
  EXPECT_EQ(diags.errorCount(), 1u);
  EXPECT_TRUE(diags.hasErrors());
}

TEST_F(DiagnosticFormat, SingleLocationIsOneCaret) {
  FileId f = add("x = 1\n");
  diags.warning(SourceRange(loc(f, 1, 3)), "something");
  EXPECT_EQ(printAll(), "model.nrn:1:3: warning: something\n"
                        "x = 1\n"
                        "  ^\n");
  EXPECT_EQ(diags.warningCount(), 1u);
  EXPECT_EQ(diags.errorCount(), 0u);
  EXPECT_FALSE(diags.hasErrors());
}

TEST_F(DiagnosticFormat, FirstColumn) {
  FileId f = add("bad line\n");
  diags.error({loc(f, 1, 1), loc(f, 1, 4)}, "unexpected 'bad'");
  EXPECT_EQ(printAll(), "model.nrn:1:1: error: unexpected 'bad'\n"
                        "bad line\n"
                        "^~~\n");
}

TEST_F(DiagnosticFormat, TabsAreKeptSoTheCaretLinesUp) {
  FileId f = add("\tx\t= y\n");
  diags.error({loc(f, 1, 6), loc(f, 1, 7)}, "use of undeclared variable 'y'");
  EXPECT_EQ(printAll(), "model.nrn:1:6: error: use of undeclared variable 'y'\n"
                        "\tx\t= y\n"
                        "\t \t  ^\n");
}

TEST_F(DiagnosticFormat, Utf8TakesOneColumn) {
  // "µ" is two bytes; the caret must sit under 'x' on screen (column 6 in bytes).
  FileId f = add("\xC2\xB5 = x\n");
  diags.error({loc(f, 1, 6), loc(f, 1, 7)}, "bad");
  EXPECT_EQ(printAll(), "model.nrn:1:6: error: bad\n"
                        "\xC2\xB5 = x\n"
                        "    ^\n");
  // Underlining a multi-byte name gives one '~' per character.
  FileId g = add("a \xC2\xB5\xC2\xB5\xC2\xB5 b\n", "u.nrn");
  diags.error({loc(g, 1, 3), loc(g, 1, 9)}, "bad");
  EXPECT_EQ(printAll(), "u.nrn:1:3: error: bad\n"
                        "a \xC2\xB5\xC2\xB5\xC2\xB5 b\n"
                        "  ^~~\n");
}

TEST_F(DiagnosticFormat, RangeBeyondLineEndIsClipped) {
  FileId f = add("abc\nnext\n");
  diags.error({loc(f, 1, 2), loc(f, 1, 50)}, "clipped");
  EXPECT_EQ(printAll(), "model.nrn:1:2: error: clipped\n"
                        "abc\n"
                        " ^~\n");
}

TEST_F(DiagnosticFormat, CaretJustPastTheEnd) {
  // "expected ':'" at end of line points one past the last character.
  FileId f = add("model m\n");
  diags.error(SourceRange(loc(f, 1, 8)), "expected ':'");
  EXPECT_EQ(printAll(), "model.nrn:1:8: error: expected ':'\n"
                        "model m\n"
                        "       ^\n");
}

TEST_F(DiagnosticFormat, HugeColumnDoesNotPadForever) {
  FileId f = add("abc\n");
  diags.error(SourceRange(loc(f, 1, 4000000000u)), "far away");
  std::string out = printAll();
  EXPECT_EQ(out, "model.nrn:1:4000000000: error: far away\n"
                 "abc\n"
                 "   ^\n");
}

TEST_F(DiagnosticFormat, LineBeyondEndOfFile) {
  FileId f = add("only one line\n");
  diags.error(SourceRange(loc(f, 7, 3)), "past the end");
  EXPECT_EQ(printAll(), "model.nrn:7:3: error: past the end\n"
                        "\n"
                        "^\n");
}

TEST_F(DiagnosticFormat, MultiLineRangeUnderlinesToEndOfFirstLine) {
  FileId f = add("x = foo(a,\n        b)\n");
  diags.error({loc(f, 1, 5), loc(f, 2, 11)}, "bad call");
  EXPECT_EQ(printAll(), "model.nrn:1:5: error: bad call\n"
                        "x = foo(a,\n"
                        "    ^~~~~~\n");
}

TEST_F(DiagnosticFormat, CarriageReturnsAreNotPrinted) {
  FileId f = add("a = b\r\nc = d\r\n");
  diags.error({loc(f, 2, 5), loc(f, 2, 6)}, "bad");
  EXPECT_EQ(printAll(), "model.nrn:2:5: error: bad\n"
                        "c = d\n"
                        "    ^\n");
}

TEST_F(DiagnosticFormat, LastLineWithoutNewline) {
  FileId f = add("a\nlast");
  diags.error({loc(f, 2, 1), loc(f, 2, 5)}, "bad");
  EXPECT_EQ(printAll(), "model.nrn:2:1: error: bad\n"
                        "last\n"
                        "^~~~\n");
}

TEST_F(DiagnosticFormat, InvalidRangePrintsToolName) {
  diags.error(SourceRange(), "no input files");
  EXPECT_EQ(printAll(), "nsc: error: no input files\n");
  // A file id that was never registered is no location either.
  diags.error(SourceRange(loc(42, 1, 1)), "unknown file");
  EXPECT_EQ(printAll(), "nsc: error: unknown file\n");
  // Line 0 means "no location".
  FileId f = add("x\n");
  diags.warning(SourceRange(loc(f, 0, 1)), "whole file");
  EXPECT_EQ(printAll(), "nsc: warning: whole file\n");
}

TEST_F(DiagnosticFormat, NotesFollowTheirDiagnostic) {
  FileId f = add("state:\n    t ms = 0 ms\nupdate:\n    V_m = V_m + t\n");
  diags.error({loc(f, 4, 11), loc(f, 4, 18)}, "cannot add 'mV' and 'ms'")
      .note({loc(f, 2, 5), loc(f, 2, 6)}, "'t' declared here")
      .note(SourceRange(), "convert with a factor");
  EXPECT_EQ(printAll(), "model.nrn:4:11: error: cannot add 'mV' and 'ms'\n"
                        "    V_m = V_m + t\n"
                        "          ^~~~~~~\n"
                        "model.nrn:2:5: note: 't' declared here\n"
                        "    t ms = 0 ms\n"
                        "    ^\n"
                        "nsc: note: convert with a factor\n");
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].notes.size(), 2u);
  EXPECT_EQ(diags.errorCount(), 1u); // notes are not counted
}

TEST_F(DiagnosticFormat, NoteInAnotherFile) {
  FileId a = add("import b\n", "a.nrn");
  FileId b = add("model b:\n", "lib/b.nrn");
  diags.error({loc(a, 1, 8), loc(a, 1, 9)}, "duplicate model 'b'")
      .note({loc(b, 1, 7), loc(b, 1, 8)}, "previous definition is here");
  EXPECT_EQ(printAll(), "a.nrn:1:8: error: duplicate model 'b'\n"
                        "import b\n"
                        "       ^\n"
                        "lib/b.nrn:1:7: note: previous definition is here\n"
                        "model b:\n"
                        "      ^\n");
}

TEST_F(DiagnosticFormat, FormatDoesNotConsume) {
  FileId f = add("x\n");
  diags.error(SourceRange(loc(f, 1, 1)), "once");
  std::string text = diags.format(diags.diagnostics()[0]);
  EXPECT_EQ(text, "model.nrn:1:1: error: once\nx\n^\n");
  EXPECT_EQ(printAll(), text);
  EXPECT_EQ(printAll(), ""); // flush prints each diagnostic once
  diags.error(SourceRange(loc(f, 1, 1)), "twice");
  EXPECT_EQ(printAll(), "model.nrn:1:1: error: twice\nx\n^\n");
}

TEST_F(DiagnosticFormat, Colors) {
  FileId f = add("x\n");
  diags.setColors(true);
  diags.error(SourceRange(loc(f, 1, 1)), "red");
  std::string out = printAll();
  EXPECT_NE(out.find("\033[1;31merror: "), std::string::npos) << out;
  EXPECT_NE(out.find("\033[1;32m^\033[0m"), std::string::npos) << out;
  EXPECT_NE(out.find("red"), std::string::npos);
}

} // namespace
