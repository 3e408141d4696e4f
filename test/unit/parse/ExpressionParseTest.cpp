//===- ExpressionParseTest.cpp - Precedence, associativity, literals ------===//
#include "ParseTestUtil.h"

#include <gtest/gtest.h>

using namespace nsc;

namespace {
/// Parses `x = EXPR` in an update block and returns the value's AST dump
/// with ranges stripped, one node per line, indentation kept.
std::string exprTree(const std::string &e) {
  test::Parsed p(test::inUpdate("        x = " + e + "\n"));
  if (!p.file)
    return "ERROR: " + p.errors();
  auto *u = ast::cast<ast::UpdateBlock>(p.file->models[0]->members[0].get());
  auto *a = ast::cast<ast::Assign>(u->body[0].get());
  std::ostringstream os;
  printAST(*a->value, os);
  std::string out, line;
  std::istringstream in(os.str());
  while (std::getline(in, line))
    out += line.substr(0, line.rfind(" <")) + "\n";
  return out;
}
} // namespace

TEST(ExpressionParse, PowerIsRightAssociative) {
  EXPECT_EQ(exprTree("a ** b ** c"),
            "Binary **\n  NameRef a\n  Binary **\n    NameRef b\n    NameRef c\n");
}

TEST(ExpressionParse, UnaryMinusBindsLooserThanPower) {
  EXPECT_EQ(exprTree("-2**2"), "Unary -\n  Binary **\n    NumberLit 2\n    NumberLit 2\n");
  EXPECT_EQ(exprTree("2**-1"), "Binary **\n  NumberLit 2\n  Unary -\n    NumberLit 1\n");
}

TEST(ExpressionParse, ArithmeticPrecedenceAndLeftAssociativity) {
  EXPECT_EQ(exprTree("a - b - c * d"),
            "Binary -\n  Binary -\n    NameRef a\n    NameRef b\n  Binary *\n    NameRef c\n"
            "    NameRef d\n");
  EXPECT_EQ(exprTree("a | b ^ c & d << 1"),
            "Binary |\n  NameRef a\n  Binary ^\n    NameRef b\n    Binary &\n      NameRef c\n"
            "      Binary <<\n        NameRef d\n        NumberLit 1\n");
}

TEST(ExpressionParse, LogicalOperatorsAndComparisons) {
  EXPECT_EQ(exprTree("not a < b and c <> d or e"),
            "Binary or\n  Binary and\n    Unary not\n      Binary <\n        NameRef a\n"
            "        NameRef b\n    Binary !=\n      NameRef c\n      NameRef d\n  NameRef e\n");
}

TEST(ExpressionParse, TernaryIsLowestAndRightAssociative) {
  EXPECT_EQ(exprTree("a or b ? 1 : c ? 2 : 3"),
            "Ternary\n  Binary or\n    NameRef a\n    NameRef b\n  NumberLit 1\n  Ternary\n"
            "    NameRef c\n    NumberLit 2\n    NumberLit 3\n");
}

TEST(ExpressionParse, LiteralsWithUnits) {
  EXPECT_EQ(exprTree("10mV"), "NumberLit 10 mV\n");
  EXPECT_EQ(exprTree("2.5e-3 ms"), "NumberLit 2.5e-3 ms\n");
  EXPECT_EQ(exprTree("-inf * mV"), "Binary *\n  Unary -\n    InfLit\n  NameRef mV\n");
  EXPECT_EQ(exprTree("\"a\\\"b\""), "StringLit \"a\\\"b\"\n");
  EXPECT_EQ(exprTree("True"), "BoolLit true\n");
}

TEST(ExpressionParse, CallsIndexAndPrimes) {
  EXPECT_EQ(exprTree("f(a, k = 2)[0]"), "ERROR: 3:24: expected end of line after ')', found '['\n");
  EXPECT_EQ(exprTree("g(y[i], V_m'')"),
            "Call g\n  NameRef y\n    Index\n      NameRef i\n  NameRef V_m''\n");
  EXPECT_EQ(exprTree("clip(v, k = 2)"),
            "Call clip\n  NameRef v\n  NamedArg k\n    NumberLit 2\n");
}

TEST(ExpressionParse, NumberLitFields) {
  test::Parsed p(test::inUpdate("        x = 1.5e3 ms\n"));
  ASSERT_TRUE(p.file) << p.errors();
  auto *u = ast::cast<ast::UpdateBlock>(p.file->models[0]->members[0].get());
  auto *a = ast::cast<ast::Assign>(u->body[0].get());
  auto *n = ast::dyn_cast<ast::NumberLit>(a->value.get());
  ASSERT_TRUE(n);
  EXPECT_DOUBLE_EQ(n->value, 1500.0);
  EXPECT_FALSE(n->isInteger);
  EXPECT_EQ(n->unitName, "ms");
  EXPECT_EQ(n->unitRange.begin.col, 19u);
  EXPECT_EQ(n->range.begin.col, 13u);
  EXPECT_EQ(n->range.end.col, 21u);
  EXPECT_EQ(a->opRange.begin.col, 11u);
}
