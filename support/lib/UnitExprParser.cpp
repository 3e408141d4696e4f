//===- UnitExprParser.cpp - "mV/ms", "(ms*mV)**-1", "1/ms" ----------------===//
//
// A small recursive-descent parser for the unit expressions allowed in types:
//
//   product  := power { ('*' | '/') power | power-after-number }
//   power    := primary [ '**' exponent ]
//   primary  := UNIT-NAME | NUMBER | '(' product ')'
//   exponent := ['+'|'-'] INTEGER | '(' ['+'|'-'] INTEGER ')'
//
// A number directly followed by a factor multiplies it ("1e-3 m**2"), so the
// formatter's fallback spelling parses back. Exponents are computed in int
// and range-checked, because Dimension stores int8_t exponents and a
// pathological "(m**16)**16" must be an error, not a silent wrap-around.
//
//===----------------------------------------------------------------------===//
#include "UnitTable.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

namespace nsc::units {
namespace {

/// Largest |exponent| of a base dimension a parsed unit may have.
constexpr int kMaxDimExponent = 32;

class UnitExprParser {
public:
  explicit UnitExprParser(std::string_view text) : text_(text) {}

  std::optional<Unit> parse(std::string *error) {
    skipSpace();
    std::optional<Unit> u;
    if (atEnd())
      fail("empty unit expression");
    else
      u = parseProduct();
    if (u && !atEnd())
      u = fail("unexpected '" + std::string(1, text_[pos_]) + "'");
    if (!u && error)
      *error = error_;
    return u;
  }

private:
  std::nullopt_t fail(std::string msg) {
    if (error_.empty())
      error_ = text_.find_first_not_of(" \t\r\n\v\f") == std::string_view::npos ? msg : msg + " in unit expression '" + std::string(text_) + "'";
    return std::nullopt;
  }

  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return atEnd() ? '\0' : text_[pos_]; }
  void skipSpace() {
    while (!atEnd() && std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }
  bool consume(std::string_view tok) {
    if (text_.substr(pos_, tok.size()) != tok)
      return false;
    pos_ += tok.size();
    skipSpace();
    return true;
  }
  static bool isNameStart(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return std::isalpha(u) || c == '_' || u >= 0x80; // µ, Ω are UTF-8
  }
  static bool isNameChar(char c) {
    return isNameStart(c) || std::isdigit(static_cast<unsigned char>(c));
  }
  bool startsFactor() const {
    char c = peek();
    return isNameStart(c) || c == '(' || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '.';
  }

  /// Checks that the result stays representable: exponents within range and a
  /// finite, positive scale.
  std::optional<Unit> checked(const std::array<int, NumBaseDims> &exps, double scale) {
    Unit u;
    for (unsigned i = 0; i < NumBaseDims; ++i) {
      if (exps[i] > kMaxDimExponent || exps[i] < -kMaxDimExponent)
        return fail("unit exponent out of range");
      u.dim.exp[i] = static_cast<int8_t>(exps[i]);
    }
    if (!std::isfinite(scale) || scale <= 0)
      return fail("unit scale out of range");
    u.scale = scale;
    return u;
  }

  std::optional<Unit> combine(const Unit &a, const Unit &b, int sign) {
    std::array<int, NumBaseDims> e;
    for (unsigned i = 0; i < NumBaseDims; ++i)
      e[i] = a.dim.exp[i] + sign * b.dim.exp[i];
    return checked(e, sign > 0 ? a.scale * b.scale : a.scale / b.scale);
  }

  std::optional<Unit> parseProduct() {
    bool lastWasNumber = false;
    std::optional<Unit> lhs = parsePower(&lastWasNumber);
    while (lhs && !atEnd()) {
      int sign;
      if (peek() == '*' && text_.substr(pos_, 2) != "**") {
        consume("*");
        sign = 1;
      } else if (peek() == '/') {
        consume("/");
        sign = -1;
      } else if (lastWasNumber && startsFactor() && !std::isdigit(static_cast<unsigned char>(peek()))) {
        sign = 1; // "1e-3 m**2": implicit multiplication after a number
      } else {
        break;
      }
      if (atEnd())
        return fail("expected a unit after '" + std::string(sign > 0 ? "*" : "/") + "'");
      std::optional<Unit> rhs = parsePower(&lastWasNumber);
      if (!rhs)
        return std::nullopt;
      lhs = combine(*lhs, *rhs, sign);
    }
    return lhs;
  }

  std::optional<Unit> parsePower(bool *isNumber) {
    std::optional<Unit> base = parsePrimary(isNumber);
    if (!base || !consume("**"))
      return base;
    *isNumber = false;
    bool paren = consume("(");
    int sign = 1;
    if (consume("-"))
      sign = -1;
    else
      consume("+");
    size_t start = pos_;
    while (!atEnd() && std::isdigit(static_cast<unsigned char>(peek())))
      ++pos_;
    if (start == pos_)
      return fail("expected an integer exponent after '**'");
    if (peek() == '.' || peek() == 'e' || peek() == 'E')
      return fail("unit exponents must be integers");
    std::string digits(text_.substr(start, pos_ - start));
    skipSpace();
    if (paren && !consume(")"))
      return fail("expected ')' after the exponent");
    if (digits.size() > 3)
      return fail("unit exponent out of range");
    int n = sign * std::atoi(digits.c_str());
    std::array<int, NumBaseDims> e;
    for (unsigned i = 0; i < NumBaseDims; ++i)
      e[i] = base->dim.exp[i] * n;
    return checked(e, std::pow(base->scale, n));
  }

  std::optional<Unit> parsePrimary(bool *isNumber) {
    *isNumber = false;
    char c = peek();
    if (c == '(') {
      consume("(");
      std::optional<Unit> inner = parseProduct();
      if (!inner)
        return std::nullopt;
      if (!consume(")"))
        return fail(atEnd() ? "missing ')'" : "expected ')'");
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.')
      return parseNumber(isNumber);
    if (isNameStart(c)) {
      size_t start = pos_;
      while (!atEnd() && isNameChar(peek()))
        ++pos_;
      std::string_view name = text_.substr(start, pos_ - start);
      skipSpace();
      if (std::optional<Unit> u = lookupUnit(name))
        return u;
      return fail("unknown unit '" + std::string(name) + "'");
    }
    if (atEnd())
      return fail("unexpected end");
    return fail("unexpected '" + std::string(1, c) + "'");
  }

  std::optional<Unit> parseNumber(bool *isNumber) {
    size_t start = pos_;
    while (!atEnd() && (std::isdigit(static_cast<unsigned char>(peek())) || peek() == '.'))
      ++pos_;
    // An exponent only when digits follow: "1e-3" but not "1 eV"-like names.
    if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
      size_t save = pos_++;
      if (!atEnd() && (peek() == '+' || peek() == '-'))
        ++pos_;
      if (!atEnd() && std::isdigit(static_cast<unsigned char>(peek()))) {
        while (!atEnd() && std::isdigit(static_cast<unsigned char>(peek())))
          ++pos_;
      } else {
        pos_ = save;
      }
    }
    std::string lit(text_.substr(start, pos_ - start));
    char *end = nullptr;
    double v = std::strtod(lit.c_str(), &end);
    if (end != lit.c_str() + lit.size())
      return fail("malformed number '" + lit + "'");
    if (!atEnd() && isNameChar(peek()))
      return fail("expected an operator after '" + lit + "'");
    skipSpace();
    *isNumber = true;
    return checked({}, v);
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

} // namespace

std::optional<Unit> parseUnitExpr(std::string_view text, std::string *error) {
  return UnitExprParser(text).parse(error);
}

} // namespace nsc::units
