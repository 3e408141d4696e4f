//===- SyntaxErrorTest.cpp - Messages and locations of syntax errors ------===//
#include "ParseTestUtil.h"

#include <gtest/gtest.h>

using nsc::test::Parsed;

TEST(SyntaxError, MissingColonAfterBlockKeyword) {
  Parsed p("model m:\n    state\n        x real = 1\n");
  EXPECT_FALSE(p.file);
  EXPECT_EQ(p.errors(), "2:10: expected ':' after 'state'\n");
}

TEST(SyntaxError, MissingExpression) {
  Parsed p("model m:\n    state:\n        x real =\n");
  EXPECT_EQ(p.errors(), "3:17: expected an expression after '='\n");
}

TEST(SyntaxError, MissingIndentedBlock) {
  Parsed p("model m:\n    update:\n    state:\n        x real = 1\n");
  EXPECT_EQ(p.errors(), "3:5: expected an indented block after ':'\n");
}

TEST(SyntaxError, UnexpectedIndentation) {
  Parsed p("model m:\n    state:\n        x real = 1\n            y real = 1\n");
  EXPECT_EQ(p.errors(), "4:13: unexpected indentation\n");
}

TEST(SyntaxError, EquationNeedsDerivative) {
  Parsed p("model m:\n    equations:\n        V = 1\n");
  EXPECT_FALSE(p.file);
  EXPECT_EQ(p.errors(), "3:9: left-hand side of an equation must be a derivative, e.g. 'V''\n");
}

TEST(SyntaxError, UnknownOnReceiveParameter) {
  Parsed p("model m:\n    onReceive(s, prio = 1):\n        x = 1\n");
  EXPECT_EQ(p.errors(), "2:18: unknown 'onReceive' parameter 'prio'; expected 'priority'\n");
}

TEST(SyntaxError, SeveralErrorsAreReported) {
  Parsed p("model m:\n    state:\n        x real = )\n    update:\n        y = = 2\n");
  EXPECT_FALSE(p.file);
  EXPECT_GE(p.diags.errorCount(), 2u);
}

TEST(SyntaxError, MessagesNeverListManyTokens) {
  Parsed p("model m:\n    state:\n        x real = 1 2 3\n    bogus\n");
  for (auto &d : p.diags.diagnostics())
    EXPECT_EQ(d.message.find('{'), std::string::npos) << d.message;
}
