//===- UnitFormat.cpp - Readable unit and dimension names -----------------===//
//
// formatUnit must be deterministic (lit tests match diagnostics that contain
// unit names) and its output must parse back with parseUnitExpr to the same
// unit. It tries, in order, and takes the first form that exists:
//
//   1. one prefixed display unit            "mV", "nS", "pA", "um**2", "L"
//      (frequency: "Hz" at scale 1, "1/ms" etc. above it, "mHz" below);
//      a named dimension with any other scale is "0.002 V", "10 m"
//   2. 1/X                                  "1/mV"
//   3. X**n, 1/X**n (n = 2..4)              "nS**2", "1/ms**2"
//   4. X/Y, Y from a list of denominators   "mV/ms", "mS/cm**2", "mM/ms"
//   5. X*Y                                  "mV*ms"
//   6. 1/(X*Y)                              "1/(mV*ms)"
//   7. X/Y**2, Y a time                     "mV/ms**2"
//   8. a number times SI base units         "1e-3 m**2*kg*s**-3*A**-1"
//
// Forms 4-7 are weighed together: every candidate gets a cost: display names earlier in
// kDisplayNames are cheaper, and each name has a preferred prefix (the one
// neuron models use: mV, pA, nS, pF, MOhm, ms, mM, um) that costs nothing.
// The cheapest candidate wins, earlier enumeration breaking ties, so V/s
// prints as "mV/ms" and ms*mV as "mV*ms".
//
//===----------------------------------------------------------------------===//
#include "UnitTable.h"

#include <array>
#include <cmath>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace nsc::units {
namespace {

using detail::nearlyEqual;
using detail::pow10i;

struct DisplayName {
  std::string_view name;
  std::string_view preferredPrefix;
};

// Weber, tesla, henry and pascal are left out on purpose: a neuron model's
// ms*mV reads better as "mV*ms" than as "uWb".
constexpr DisplayName kDisplayNames[] = {
    {"V", "m"},  {"A", "p"},   {"S", "n"}, {"Ohm", "M"}, {"F", "p"},
    {"s", "m"},  {"Hz", ""},   {"mol", "m"}, {"M", "m"}, {"m", "u"},
    {"K", ""},   {"g", "k"},   {"N", ""},  {"J", ""},    {"W", ""},
    {"C", "p"},  {"L", ""},    {"cd", ""}};

/// Prefixes the formatter may print: powers of 1000, plus centi for metres
/// (cm, cm**2) and milli/micro for litres.
bool printablePrefix(std::string_view name, int exponent) {
  if (exponent % 3 == 0)
    return true;
  return name == "m" && exponent == -2;
}

std::string_view prefixName(int exponent) {
  for (const detail::Prefix &p : detail::prefixes())
    if (p.exponent == exponent && p.name != "\xC2\xB5" && p.name != "\xCE\xBC")
      return p.name;
  return "";
}

Unit lookupUnprefixed(std::string_view name) {
  for (const detail::NamedUnit &n : detail::namedUnits())
    if (n.name == name)
      return n.unit;
  return {};
}

/// The unprefixed unit of kDisplayNames[i], computed once: identify() runs
/// hundreds of times per formatUnit call.
const Unit &displayUnit(size_t i) {
  static const std::vector<Unit> units = [] {
    std::vector<Unit> v;
    for (const DisplayName &d : kDisplayNames)
      v.push_back(lookupUnprefixed(d.name));
    return v;
  }();
  return units[i];
}

/// A printable single unit (form 1) and its cost.
struct Atom {
  std::string text;
  int cost = 0;
  int rank = 0; // position of the name in kDisplayNames; orders products
};

/// If `ratio` is 10^k for a printable prefix k of `name`, returns k.
std::optional<int> prefixFor(std::string_view name, double ratio) {
  if (!(ratio > 0) || !std::isfinite(ratio))
    return std::nullopt;
  int k = static_cast<int>(std::lround(std::log10(ratio)));
  if (k < -30 || k > 30 || !printablePrefix(name, k) || !nearlyEqual(ratio, pow10i(k)))
    return std::nullopt;
  return k;
}

int prefixCost(const DisplayName &d, int k) {
  std::string_view p = prefixName(k);
  if (p == d.preferredPrefix)
    return 0;
  if (k == 0)
    return 1;
  return k % 3 == 0 ? 3 : 5;
}

/// Form 1: a single (possibly prefixed, possibly squared/cubed metre) unit.
/// Frequencies are left to identifyFrequency.
std::optional<Atom> identify(const Unit &u, bool allowFrequency = true) {
  if (u.isDimensionless())
    return std::nullopt;
  const Dimension time = Dimension::time();
  if (u.dim == time.pow(-1)) {
    if (!allowFrequency)
      return std::nullopt;
    // Rate constants are written per millisecond; rates in hertz.
    if (nearlyEqual(u.scale, 1.0))
      return Atom{"Hz", 0, 6};
    if (u.scale > 1) {
      if (auto k = prefixFor("s", 1.0 / u.scale))
        return Atom{"1/" + std::string(prefixName(*k)) + "s", *k == -3 ? 0 : 3, 6};
    }
    if (auto k = prefixFor("Hz", u.scale))
      return Atom{std::string(prefixName(*k)) + "Hz", 3, 6};
    return std::nullopt;
  }
  const Dimension length = Dimension::base(Length);
  // Volume: L, mL and uL read best; other volumes print as cubic metres.
  if (u.dim == length.pow(3)) {
    if (auto k = prefixFor("L", u.scale / 1e-3); k && *k >= -6 && *k <= 0)
      return Atom{std::string(prefixName(*k)) + "L", *k == 0 ? 0 : 2, 16};
  }
  for (int n : {2, 3}) {
    if (u.dim != length.pow(n))
      continue;
    double root = std::pow(u.scale, 1.0 / n);
    if (auto k = prefixFor("m", root))
      if (nearlyEqual(pow10i(*k * n), u.scale))
        return Atom{std::string(prefixName(*k)) + "m**" + std::to_string(n),
                    prefixCost({"m", "u"}, *k), 9};
  }
  for (size_t rank = 0; rank < std::size(kDisplayNames); ++rank) {
    const DisplayName &d = kDisplayNames[rank];
    const Unit &base = displayUnit(rank);
    if (base.dim == u.dim) {
      if (auto k = prefixFor(d.name, u.scale / base.scale))
        return Atom{std::string(prefixName(*k)) + std::string(d.name),
                    int(rank) + prefixCost(d, *k), int(rank)};
    }
  }
  return std::nullopt;
}

/// Every printable single unit, used as the "Y" of forms 4-7.
const std::vector<std::pair<Unit, Atom>> &allAtoms() {
  static const std::vector<std::pair<Unit, Atom>> atoms = [] {
    std::vector<std::pair<Unit, Atom>> v;
    std::vector<Unit> candidates;
    for (size_t i = 0; i < std::size(kDisplayNames); ++i) {
      const DisplayName &d = kDisplayNames[i];
      const Unit &base = displayUnit(i);
      for (int k = -30; k <= 30; ++k)
        if (printablePrefix(d.name, k))
          candidates.push_back({base.dim, base.scale * pow10i(k)});
    }
    for (int n : {2, 3})
      for (int k : {-9, -6, -3, -2, 0})
        candidates.push_back({Dimension::base(Length).pow(n), pow10i(k * n)});
    for (const Unit &u : candidates)
      if (auto a = identify(u, /*allowFrequency=*/false))
        v.push_back({u, *a});
    return v;
  }();
  return atoms;
}

bool goodDenominator(const Atom &a) {
  // Hz, charges, resistances ... as denominators give "uC/S"-like nonsense.
  static const std::string_view names[] = {"s", "m", "m**2", "m**3", "L", "V",
                                           "A", "mol", "M",  "g",    "K"};
  for (std::string_view n : names) {
    if (a.text.size() >= n.size() &&
        a.text.compare(a.text.size() - n.size(), n.size(), n) == 0) {
      // "m" must not match "mol"/"Ohm" tails; the whole text is prefix + name.
      std::string_view prefix(a.text.data(), a.text.size() - n.size());
      bool isPrefix = prefix.empty();
      for (const detail::Prefix &p : detail::prefixes())
        isPrefix |= prefix == p.name;
      if (isPrefix)
        return true;
    }
  }
  return false;
}

bool isTime(const Unit &u) { return u.dim == Dimension::time(); }

struct Best {
  std::string text;
  int cost = 1 << 30;
  void offer(std::string t, int c) {
    if (c < cost) {
      cost = c;
      text = std::move(t);
    }
  }
  bool found() const { return cost != 1 << 30; }
};

std::string product(const Atom &a, const Atom &b) {
  // Display order (V before s) makes "mV*ms" regardless of enumeration.
  return a.rank <= b.rank ? a.text + "*" + b.text : b.text + "*" + a.text;
}

std::string baseUnits(const Unit &u) {
  static const char *symbols[NumBaseDims] = {"m", "kg", "s", "A", "K", "mol", "cd"};
  std::string out;
  for (unsigned i = 0; i < NumBaseDims; ++i) {
    int e = u.dim.exp[i];
    if (!e)
      continue;
    if (!out.empty())
      out += "*";
    out += symbols[i];
    if (e != 1)
      out += "**" + std::to_string(e);
  }
  return out;
}

std::string formatUncached(const Unit &u) {
  if (u.isDimensionless())
    return detail::formatNumber(u.scale);
  // 1. A single unit.
  if (auto a = identify(u))
    return a->text;
  // A dimension with its own name but an unprintable scale: "0.002 V",
  // "10 m"; composites of other names would only obscure it.
  for (size_t i = 0; i < std::size(kDisplayNames); ++i)
    if (displayUnit(i).dim == u.dim)
      return detail::formatNumber(u.scale / displayUnit(i).scale) + " " +
             std::string(kDisplayNames[i].name);
  // 2. 1/X.
  if (auto a = identify(u.pow(-1)))
    if (a->text.find('/') == std::string::npos)
      return "1/" + a->text;
  // 3. X**n and 1/X**n.
  for (int n : {2, 3, 4}) {
    for (int sign : {1, -1}) {
      auto root = u.dim.root(n * sign);
      if (!root)
        continue;
      Unit r{*root, std::pow(u.scale, 1.0 / (n * sign))};
      if (auto a = identify(r, /*allowFrequency=*/false))
        if (r.pow(n * sign).sameAs(u))
          return (sign > 0 ? "" : "1/") + a->text + "**" + std::to_string(n);
    }
  }
  // 4.-7. Two-unit forms compete on cost; the less common shapes pay extra.
  Best best;
  for (const auto &[yu, y] : allAtoms()) {
    // 4. X/Y with a sensible denominator; time denominators cost nothing extra.
    if (goodDenominator(y))
      if (auto x = identify(u * yu, /*allowFrequency=*/false))
        best.offer(x->text + "/" + y.text, x->cost + y.cost + (isTime(yu) ? 0 : 1));
    // 5. X*Y.
    if (auto x = identify(u / yu, /*allowFrequency=*/false))
      best.offer(product(*x, y), x->cost + y.cost + 1);
    // 6. 1/(X*Y).
    if (auto x = identify(u.pow(-1) / yu, /*allowFrequency=*/false))
      best.offer("1/(" + product(*x, y) + ")", x->cost + y.cost + 2);
    // 7. X/Y**2 with Y a time ("mV/ms**2").
    if (isTime(yu))
      if (auto x = identify(u * yu * yu, /*allowFrequency=*/false))
        best.offer(x->text + "/" + y.text + "**2", x->cost + y.cost + 2);
  }
  if (best.found())
    return best.text;
  // 8. SI base units with the scale in front.
  std::string out = baseUnits(u);
  if (!nearlyEqual(u.scale, 1.0))
    out = detail::formatNumber(u.scale) + " " + out;
  return out;
}

} // namespace

std::string formatUnit(const Unit &u) {
  // The search above costs a few hundred identify() calls; printers ask for
  // the same handful of units over and over, so remember the answers.
  using Key = std::pair<std::array<int8_t, NumBaseDims>, double>;
  static std::mutex mutex;
  static std::map<Key, std::string> cache;
  Key key{u.dim.exp, u.scale};
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(key); it != cache.end())
      return it->second;
  }
  std::string text = formatUncached(u);
  std::lock_guard<std::mutex> lock(mutex);
  if (cache.size() < 4096) // bounded: a fuzzer can invent endless units
    cache.emplace(key, text);
  return text;
}

std::string describeDimension(const Dimension &d) {
  struct Named {
    const char *name;
    const char *unit; // parsed once; keeps the table readable
  };
  static const Named table[] = {
      {"length", "m"},          {"mass", "kg"},
      {"time", "s"},            {"current", "A"},
      {"temperature", "K"},     {"amount of substance", "mol"},
      {"luminous intensity", "cd"}, {"frequency", "Hz"},
      {"area", "m**2"},         {"volume", "m**3"},
      {"velocity", "m/s"},      {"force", "N"},
      {"pressure", "Pa"},       {"energy", "J"},
      {"power", "W"},           {"charge", "C"},
      {"voltage", "V"},         {"capacitance", "F"},
      {"resistance", "Ohm"},    {"conductance", "S"},
      {"magnetic flux", "Wb"},  {"magnetic flux density", "T"},
      {"inductance", "H"},      {"concentration", "M"},
      {"current density", "A/m**2"}, {"conductance density", "S/m**2"},
      {"capacitance density", "F/m**2"}};
  auto lookup = [&](const Dimension &x) -> const char * {
    for (const Named &n : table)
      if (auto u = parseUnitExpr(n.unit); u && u->dim == x)
        return n.name;
    return nullptr;
  };
  if (d.isDimensionless())
    return "dimensionless";
  if (const char *n = lookup(d))
    return n;
  const Dimension t = Dimension::time();
  if (const char *n = lookup(d * t))
    return std::string(n) + " per time";
  if (const char *n = lookup(d * t * t))
    return std::string(n) + " per time squared";
  if (const char *n = lookup(d.pow(-1)))
    return std::string("inverse ") + n;
  return baseUnits(Unit{d, 1.0});
}

} // namespace nsc::units
