//===- UnitTable.cpp - Dimension algebra and unit-name lookup -------------===//
//
// Name lookup rule (documented in docs/language.md as well):
//   1. A name that is itself a unit is that unit: "m" is metre (not milli),
//      "cd" candela, "Pa" pascal, "T" tesla, "M" molar, "min" minute.
//   2. Otherwise the name is split into exactly one SI prefix and a
//      prefixable unit: "ms" = milli + second, "mM" = milli + molar,
//      "MOhm" = mega + ohm, "kg" = kilo + gram. Longer prefixes are tried
//      first ("dam" = deca + metre); the unit names are chosen so that no name
//      has two readings. A bare prefix ("k", "da") is not a unit.
//   3. A length followed by the digit 2 or 3 is its square or cube
//      ("um2", "cm2", "mm3"), the spelling neuron models use for areas.
// Deliberately absent: 'h' (hour) because it is the hecto prefix and the name
// of the Hodgkin-Huxley gate variable, 'd' (day) because 'd' is a common
// variable name, and 'a' (annum). "min" is the only non-SI time unit.
//
//===----------------------------------------------------------------------===//
#include "UnitTable.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nsc::units {

std::optional<Dimension> Dimension::root(int n) const {
  if (n == 0)
    return std::nullopt;
  Dimension r;
  for (unsigned i = 0; i < NumBaseDims; ++i) {
    if (exp[i] % n != 0)
      return std::nullopt;
    r.exp[i] = static_cast<int8_t>(exp[i] / n);
  }
  return r;
}

bool Unit::sameAs(const Unit &o) const {
  return dim == o.dim && detail::nearlyEqual(scale, o.scale);
}

Unit Unit::operator*(const Unit &o) const { return {dim * o.dim, scale * o.scale}; }
Unit Unit::operator/(const Unit &o) const { return {dim / o.dim, scale / o.scale}; }
Unit Unit::pow(int n) const { return {dim.pow(n), std::pow(scale, n)}; }

std::optional<Unit> Unit::powReal(double p) const {
  if (!std::isfinite(p) || std::fabs(p) > 64)
    return std::nullopt;
  for (int n = 1; n <= 16; ++n) {
    double k = p * n;
    if (std::fabs(k - std::round(k)) > 1e-9)
      continue;
    std::optional<Dimension> d = dim.pow(static_cast<int>(std::round(k))).root(n);
    if (!d)
      return std::nullopt;
    return Unit{*d, std::pow(scale, p)};
  }
  return std::nullopt;
}

namespace detail {

bool nearlyEqual(double a, double b) {
  if (a == b)
    return true;
  double m = std::max(std::fabs(a), std::fabs(b));
  return std::fabs(a - b) <= 1e-12 * m;
}

double pow10i(int n) { return std::pow(10.0, n); }

std::string formatNumber(double v) {
  char buf[64];
  // Whole numbers print as such ("60", "100"), not as "6e1".
  if (std::fabs(v) < 1e15 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  // Tidy the exponent: "1e-05" -> "1e-5", "1e+06" -> "1e6".
  std::string s = buf;
  size_t e = s.find('e');
  if (e == std::string::npos)
    return s;
  std::string mant = s.substr(0, e), ex = s.substr(e + 1);
  bool neg = !ex.empty() && ex[0] == '-';
  if (!ex.empty() && (ex[0] == '-' || ex[0] == '+'))
    ex.erase(0, 1);
  while (ex.size() > 1 && ex[0] == '0')
    ex.erase(0, 1);
  return mant + "e" + (neg ? "-" : "") + ex;
}

const std::vector<Prefix> &prefixes() {
  static const std::vector<Prefix> table = {
      // Two-byte spellings first so that "da" wins over "d".
      {"da", 1},   {"\xC2\xB5", -6}, {"\xCE\xBC", -6},
      {"q", -30},  {"r", -27},  {"y", -24}, {"z", -21}, {"a", -18},
      {"f", -15},  {"p", -12},  {"n", -9},  {"u", -6},  {"m", -3},
      {"c", -2},   {"d", -1},   {"h", 2},   {"k", 3},   {"M", 6},
      {"G", 9},    {"T", 12},   {"P", 15},  {"E", 18},  {"Z", 21},
      {"Y", 24},   {"R", 27},   {"Q", 30}};
  return table;
}

/// Builds a dimension from exponents in base order (m kg s A K mol cd).
static Dimension dims(int m, int kg, int s, int a, int k = 0, int mol = 0,
                      int cd = 0) {
  Dimension d;
  d.exp = {static_cast<int8_t>(m),   static_cast<int8_t>(kg),
           static_cast<int8_t>(s),   static_cast<int8_t>(a),
           static_cast<int8_t>(k),   static_cast<int8_t>(mol),
           static_cast<int8_t>(cd)};
  return d;
}

const std::vector<NamedUnit> &namedUnits() {
  static const std::vector<NamedUnit> table = [] {
    const Dimension volt = dims(2, 1, -3, -1), ohm = dims(2, 1, -3, -2);
    const Dimension siemens = dims(-2, -1, 3, 2), farad = dims(-2, -1, 4, 2);
    std::vector<NamedUnit> t = {
        {"m", {dims(1, 0, 0, 0), 1}, true},
        {"g", {dims(0, 1, 0, 0), 1e-3}, true},
        {"s", {dims(0, 0, 1, 0), 1}, true},
        {"A", {dims(0, 0, 0, 1), 1}, true},
        {"K", {dims(0, 0, 0, 0, 1), 1}, true},
        {"mol", {dims(0, 0, 0, 0, 0, 1), 1}, true},
        {"cd", {dims(0, 0, 0, 0, 0, 0, 1), 1}, true},
        {"Hz", {dims(0, 0, -1, 0), 1}, true},
        {"N", {dims(1, 1, -2, 0), 1}, true},
        {"Pa", {dims(-1, 1, -2, 0), 1}, true},
        {"J", {dims(2, 1, -2, 0), 1}, true},
        {"W", {dims(2, 1, -3, 0), 1}, true},
        {"C", {dims(0, 0, 1, 1), 1}, true},
        {"V", {volt, 1}, true},
        {"F", {farad, 1}, true},
        {"Ohm", {ohm, 1}, true},
        {"ohm", {ohm, 1}, true},
        {"\xCE\xA9", {ohm, 1}, true}, // Ω (U+03A9)
        {"S", {siemens, 1}, true},
        {"Wb", {dims(2, 1, -2, -1), 1}, true},
        {"T", {dims(0, 1, -2, -1), 1}, true},
        {"H", {dims(2, 1, -2, -2), 1}, true},
        // The remaining SI named derived units NESTML lists (decays per
        // second, absorbed and equivalent dose, catalytic activity).
        {"Bq", {dims(0, 0, -1, 0), 1}, true},
        {"Gy", {dims(2, 0, -2, 0), 1}, true},
        {"Sv", {dims(2, 0, -2, 0), 1}, true},
        {"kat", {dims(0, 0, -1, 0, 0, 1), 1}, true},
        {"L", {dims(3, 0, 0, 0), 1e-3}, true},
        {"l", {dims(3, 0, 0, 0), 1e-3}, true},
        // Molar: mol per litre = 1000 mol/m^3.
        {"M", {dims(-3, 0, 0, 0, 0, 1), 1e3}, true},
        {"min", {dims(0, 0, 1, 0), 60}, false},
    };
    return t;
  }();
  return table;
}

static std::optional<Unit> findNamed(std::string_view name, bool needPrefixable) {
  for (const NamedUnit &n : namedUnits())
    if (n.name == name && (!needPrefixable || n.prefixable))
      return n.unit;
  return std::nullopt;
}

/// Rules 1 and 2: an exact name, or one prefix plus a prefixable name.
static std::optional<Unit> lookupSimple(std::string_view name) {
  if (name.empty())
    return std::nullopt;
  if (auto u = findNamed(name, false))
    return u;
  for (const Prefix &p : prefixes()) {
    if (name.size() <= p.name.size() || name.substr(0, p.name.size()) != p.name)
      continue;
    if (auto u = findNamed(name.substr(p.name.size()), true)) {
      u->scale *= pow10i(p.exponent);
      return u;
    }
  }
  return std::nullopt;
}

} // namespace detail

std::optional<Unit> lookupUnit(std::string_view name) {
  if (auto u = detail::lookupSimple(name))
    return u;
  // Rule 3: "um2", "cm2", "mm3": a length with a trailing power digit.
  if (name.size() >= 2 && (name.back() == '2' || name.back() == '3')) {
    int power = name.back() - '0';
    if (auto u = detail::lookupSimple(name.substr(0, name.size() - 1)))
      if (u->dim == Dimension::base(Length))
        return u->pow(power);
  }
  return std::nullopt;
}

} // namespace nsc::units
