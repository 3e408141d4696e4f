//===- IndentTokenSourceTest.cpp - INDENT/DEDENT/NEWLINE synthesis --------===//
#include "ParseTestUtil.h"

#include <gtest/gtest.h>

using nsc::test::kinds;
using nsc::test::tokens;

TEST(IndentTokenSource, NestedBlocksAndMultiLevelDedent) {
  EXPECT_EQ(kinds("a:\n  b:\n    c\nd\n"),
            "NAME COLON NEWLINE INDENT NAME COLON NEWLINE INDENT NAME NEWLINE DEDENT DEDENT "
            "NAME NEWLINE EOF");
}

TEST(IndentTokenSource, BlankAndCommentLinesWithOddIndentationAreIgnored) {
  EXPECT_EQ(kinds("a:\n  b\n\n       \n # comment\n            # deeper comment\n  c\n"),
            "NAME COLON NEWLINE INDENT NAME NEWLINE NAME NEWLINE DEDENT EOF");
}

TEST(IndentTokenSource, TripleQuotedCommentSpanningLines) {
  EXPECT_EQ(kinds("a\n\"\"\"\n  text\n    more\n\"\"\"\nb\n"), "NAME NEWLINE NAME NEWLINE EOF");
}

TEST(IndentTokenSource, LineContinuation) {
  EXPECT_EQ(kinds("x = 1 + \\\n        2\ny\n"),
            "NAME EQ INTEGER PLUS INTEGER NEWLINE NAME NEWLINE EOF");
}

TEST(IndentTokenSource, NewlinesInsideBracketsAreIgnored) {
  EXPECT_EQ(kinds("f(1,\n2,\n      3)\n[4,\n5]\n"),
            "NAME LPAREN INTEGER COMMA INTEGER COMMA INTEGER RPAREN NEWLINE LBRACK INTEGER "
            "COMMA INTEGER RBRACK NEWLINE EOF");
}

TEST(IndentTokenSource, TrailingCommaContinuesTheLine) {
  EXPECT_EQ(kinds("kernel a = 1,\n    b = 2\n"),
            "KERNEL NAME EQ INTEGER COMMA NAME EQ INTEGER NEWLINE EOF");
}

TEST(IndentTokenSource, EofWithoutNewlineClosesEverything) {
  EXPECT_EQ(kinds("a:\n  b:\n    c"),
            "NAME COLON NEWLINE INDENT NAME COLON NEWLINE INDENT NAME NEWLINE DEDENT DEDENT EOF");
}

TEST(IndentTokenSource, EmptyAndCommentOnlyFiles) {
  EXPECT_EQ(kinds(""), "EOF");
  EXPECT_EQ(kinds("# only a comment\n\n"), "EOF");
}

TEST(IndentTokenSource, CrLfLineEnds) {
  EXPECT_EQ(kinds("a:\r\n  b\r\n\r\nc\r\n"),
            "NAME COLON NEWLINE INDENT NAME NEWLINE DEDENT NAME NEWLINE EOF");
}

TEST(IndentTokenSource, TabsAdvanceToMultiplesOfEight) {
  // A tab and eight spaces are the same level when used consistently.
  EXPECT_EQ(kinds("a:\n\tb\n\tc\n"), "NAME COLON NEWLINE INDENT NAME NEWLINE NAME NEWLINE DEDENT EOF");
  std::string errors;
  tokens("a:\n\tb\n        c\n", &errors);
  EXPECT_EQ(errors, "3:9: inconsistent use of tabs and spaces in indentation\n");
}

TEST(IndentTokenSource, InconsistentDedentIsAnError) {
  std::string errors;
  tokens("a:\n    b\n  c\n", &errors);
  EXPECT_EQ(errors, "3:3: unindent does not match any outer indentation level\n");
}

TEST(IndentTokenSource, PositionsAreOneBasedByteColumns) {
  std::string t = tokens("x = 1\n  # µ comment\ny = \"µ\" + z\n");
  EXPECT_NE(t.find("1:1 NAME 'x'"), std::string::npos) << t;
  EXPECT_NE(t.find("3:5 STRING '\"µ\"'"), std::string::npos) << t;
  // 'µ' is two bytes: '+' is at byte column 10.
  EXPECT_NE(t.find("3:10 PLUS '+'"), std::string::npos) << t;
}

TEST(IndentTokenSource, UnitsNumbersAndFixedFormats) {
  EXPECT_EQ(kinds("10mV 10 mV 2.5e-3 1. .5 Q8.8 inf 0...10"),
            "INTEGER NAME INTEGER NAME FLOAT FLOAT FLOAT FIXED_FORMAT INF INTEGER ELLIPSIS "
            "INTEGER NEWLINE EOF");
}

TEST(IndentTokenSource, GuardBracketsVersusNestedIndexing) {
  EXPECT_EQ(kinds("x real = 1 [[x > 0]]"),
            "NAME REAL_KW EQ INTEGER LLBRACK NAME GT INTEGER RRBRACK NEWLINE EOF");
  EXPECT_EQ(kinds("y = x[z[0]]"),
            "NAME EQ NAME LBRACK NAME LBRACK INTEGER RBRACK RBRACK NEWLINE EOF");
  EXPECT_EQ(kinds("y = [[1], [2]]"),
            "NAME EQ LBRACK LBRACK INTEGER RBRACK COMMA LBRACK INTEGER RBRACK RBRACK NEWLINE EOF");
}

TEST(IndentTokenSource, StrayCharactersAndUnterminatedTokens) {
  std::string errors;
  tokens("x = 1 $$ 2\ny = `\nz = \"abc\n", &errors);
  EXPECT_EQ(errors, "2:5: unexpected character '`'\n3:5: missing terminating '\"' character\n");
  errors.clear();
  tokens("x\n\"\"\" never closed\n", &errors);
  EXPECT_EQ(errors, "2:1: unterminated '\"\"\"' comment\n");
}

TEST(IndentTokenSource, UnclosedBracketIsReportedAtTheBracket) {
  std::string errors;
  tokens("x = f(1,\n   2\n", &errors);
  EXPECT_EQ(errors, "1:6: '(' was never closed\n");
}

TEST(IndentTokenSource, DeepNestingIsBoundedNotACrash) {
  std::string errors;
  tokens("x = " + std::string(100000, '(') + "1", &errors);
  EXPECT_NE(errors.find("brackets nested too deeply"), std::string::npos);
  errors.clear();
  tokens("x = " + std::string(100000, '-') + "1", &errors);
  EXPECT_NE(errors.find("expression too complex"), std::string::npos);
  std::string deep;
  for (int i = 0; i < 300; ++i)
    deep += std::string(i, ' ') + "if x:\n";
  errors.clear();
  tokens(deep, &errors);
  EXPECT_NE(errors.find("blocks nested too deeply"), std::string::npos);
}

TEST(IndentTokenSource, ArbitraryBytesNeverCrash) {
  std::string junk;
  unsigned seed = 12345;
  for (int i = 0; i < 20000; ++i) {
    seed = seed * 1103515245u + 12345u;
    junk += static_cast<char>((seed >> 16) & 0xFF);
  }
  std::string errors;
  std::string t = tokens(junk, &errors);
  EXPECT_NE(t.find("EOF"), std::string::npos);
  nsc::test::Parsed p(junk);
  EXPECT_EQ(p.file, nullptr);
}
