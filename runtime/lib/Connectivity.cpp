//===- Connectivity.cpp - Synapse lists from connection rules (R33) -------===//

#include "nsc/runtime/Connectivity.h"
#include "nsc/runtime/Random.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <numeric>
#include <stdexcept>

namespace nsc::runtime {

namespace {

std::string str(uint64_t v) { return std::to_string(v); }

bool samePopulation(const ConnectionSpec &s) {
  return s.source.population == s.target.population;
}

/// Whether (src, tgt) is a forbidden autapse; indices are population indices.
bool forbiddenAutapse(const ConnectionSpec &s, uint64_t src, uint64_t tgt) {
  return !s.allowAutapses && samePopulation(s) && src == tgt;
}

bool inSlice(const NeuronSlice &sl, uint64_t i) { return i >= sl.begin && i < sl.end; }

/// a * b > limit, without overflow.
bool productExceeds(uint64_t a, uint64_t b, uint64_t limit) {
  return a != 0 && b > limit / a;
}

std::string tooMany(uint64_t requested, uint64_t limit) {
  return "the projection would have " + str(requested) + " synapses, more than the limit of " +
         str(limit);
}

/// ⌊U·N⌋, kept below N.
uint64_t pickIndex(RandomStream &rs, uint64_t n) {
  uint64_t c = uint64_t(rs.uniform() * double(n));
  return c < n ? c : n - 1;
}

void allToAll(const ConnectionSpec &s, SynapseList &out) {
  for (uint64_t t = s.target.begin; t < s.target.end; ++t) {
    for (uint64_t src = s.source.begin; src < s.source.end; ++src) {
      if (forbiddenAutapse(s, src, t))
        continue;
      out.source.push_back(src);
      out.target.push_back(t);
    }
    out.rowOffsets.push_back(out.size());
  }
}

void oneToOne(const ConnectionSpec &s, SynapseList &out) {
  for (uint64_t r = 0; r < s.target.size(); ++r) {
    uint64_t src = s.source.begin + r, t = s.target.begin + r;
    if (!forbiddenAutapse(s, src, t)) {
      out.source.push_back(src);
      out.target.push_back(t);
    }
    out.rowOffsets.push_back(out.size());
  }
}

std::string fixedProbability(const ConnectionSpec &s, SynapseList &out) {
  PhiloxKey key = deriveStreamKey(s.seed, s.projection, Stream::Connectivity);
  for (uint64_t t = s.target.begin; t < s.target.end; ++t) {
    RandomStream rs = RandomStream::perIndex(key, t, 0);
    for (uint64_t src = s.source.begin; src < s.source.end; ++src) {
      if (forbiddenAutapse(s, src, t))
        continue; // not a candidate: no uniform is drawn for it
      if (rs.uniform() < s.probability) {
        if (out.size() >= s.maxSynapses)
          return "the projection has more synapses than the limit of " + str(s.maxSynapses);
        out.source.push_back(src);
        out.target.push_back(t);
      }
    }
    out.rowOffsets.push_back(out.size());
  }
  return {};
}

/// fixed_indegree (owners = targets, draws among sources) and
/// fixed_outdegree (owners = sources, draws among targets).
std::string fixedDegree(const ConnectionSpec &s, SynapseList &out, bool bySource) {
  const NeuronSlice &owners = bySource ? s.source : s.target;
  const NeuronSlice &pool = bySource ? s.target : s.source;
  const char *rule = bySource ? "fixed_outdegree" : "fixed_indegree";
  const char *poolName = bySource ? "targets" : "sources";
  uint64_t n = pool.size(), k = s.count;
  if (productExceeds(k, owners.size(), s.maxSynapses))
    return std::string(rule) + "(" + str(k) + ") for " + str(owners.size()) +
           " neurons exceeds the synapse limit of " + str(s.maxSynapses);

  // The owner itself is a forbidden candidate when autapses are off and it
  // lies in the pool; otherwise every pool neuron is allowed.
  auto allowed = [&](uint64_t owner) {
    bool selfInPool = !s.allowAutapses && samePopulation(s) && inSlice(pool, owner);
    return n - (selfInPool ? 1 : 0);
  };
  if (k > 0) {
    for (uint64_t o = owners.begin; o < owners.end; ++o) {
      uint64_t avail = allowed(o);
      if (avail == 0)
        return std::string(rule) + "(" + str(k) + ") is impossible: neuron " + str(o) +
               " has no allowed " + poolName + (n == 0 ? "" : " (autapses are not allowed)");
      if (!s.allowMultapses && k > avail)
        return std::string(rule) + "(" + str(k) + ") is impossible without multapses: neuron " +
               str(o) + " has only " + str(avail) + " allowed " + poolName;
    }
  }

  PhiloxKey key = deriveStreamKey(s.seed, s.projection, Stream::Connectivity);
  std::vector<uint8_t> chosen(s.allowMultapses ? 0 : n, 0);
  std::vector<uint64_t> row;
  for (uint64_t o = owners.begin; o < owners.end; ++o) {
    RandomStream rs = RandomStream::perIndex(key, o, 0);
    row.clear();
    while (row.size() < k) {
      uint64_t other = pool.begin + pickIndex(rs, n);
      uint64_t src = bySource ? o : other, tgt = bySource ? other : o;
      if (forbiddenAutapse(s, src, tgt))
        continue;
      if (!s.allowMultapses) {
        if (chosen[other - pool.begin])
          continue;
        chosen[other - pool.begin] = 1;
      }
      row.push_back(other);
      out.source.push_back(src);
      out.target.push_back(tgt);
    }
    if (!s.allowMultapses)
      for (uint64_t other : row)
        chosen[other - pool.begin] = 0;
    out.rowOffsets.push_back(out.size());
  }
  return {};
}

// --- from_file --------------------------------------------------------------

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> splitFields(const std::string &line) {
  std::vector<std::string> f;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    f.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos
                                                                   : comma - start)));
    if (comma == std::string::npos)
      return f;
    start = comma + 1;
  }
}

bool parseIndex(const std::string &f, uint64_t &v) {
  if (f.empty() || f.size() > 19 || f.find_first_not_of("0123456789") != std::string::npos)
    return false;
  v = std::stoull(f);
  return true;
}

bool parseReal(const std::string &f, double &v) {
  if (f.empty())
    return false;
  errno = 0;
  char *end = nullptr;
  v = std::strtod(f.c_str(), &end);
  return end == f.c_str() + f.size() && errno != ERANGE && std::isfinite(v);
}

const char *kColumns[] = {"source", "target", "weight", "delay"};

std::string expectedColumns(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i)
    s += (i ? "," : "") + std::string(kColumns[i]);
  return s;
}

} // namespace

ConnectResult connectFromCsv(std::istream &in, const std::string &name,
                             const ConnectionSpec &spec) {
  ConnectResult res;
  auto fail = [&](uint64_t line, const std::string &msg) {
    res.error = name + ":" + str(line) + ": " + msg;
    res.synapses = {};
    return res;
  };
  struct Row {
    uint64_t src, tgt;
    double w, d;
    uint64_t line;
  };
  std::vector<Row> rows;
  size_t columns = 0; // fixed by the header or the first data row
  std::string text;
  uint64_t lineNo = 0;
  while (std::getline(in, text)) {
    ++lineNo;
    std::string t = trim(text);
    if (t.empty() || t[0] == '#')
      continue;
    std::vector<std::string> f = splitFields(t);
    bool startsWithLetter = !f[0].empty() && std::isalpha((unsigned char)f[0][0]);
    if (columns == 0 && rows.empty() && startsWithLetter) {
      // A header: the column names, in order, a prefix of kColumns.
      bool good = f.size() >= 2 && f.size() <= 4;
      for (size_t i = 0; good && i < f.size(); ++i)
        good = f[i] == kColumns[i];
      if (!good)
        return fail(lineNo, "unrecognized header '" + t +
                                "' (expected 'source,target[,weight[,delay]]')");
      columns = f.size();
      continue;
    }
    if (columns == 0) {
      if (f.size() < 2 || f.size() > 4)
        return fail(lineNo, "expected 'source,target[,weight[,delay]]', found " +
                                str(f.size()) + (f.size() == 1 ? " field" : " fields"));
      columns = f.size();
    }
    if (f.size() != columns)
      return fail(lineNo, "expected " + str(columns) + " fields (" + expectedColumns(columns) +
                              "), found " + str(f.size()));
    Row r{0, 0, 0, 0, lineNo};
    if (!parseIndex(f[0], r.src))
      return fail(lineNo, "source index '" + f[0] + "' is not a non-negative integer");
    if (!parseIndex(f[1], r.tgt))
      return fail(lineNo, "target index '" + f[1] + "' is not a non-negative integer");
    if (r.src >= spec.source.size())
      return fail(lineNo, "source index " + str(r.src) + " is out of range (the source has " +
                              str(spec.source.size()) + " neurons)");
    if (r.tgt >= spec.target.size())
      return fail(lineNo, "target index " + str(r.tgt) + " is out of range (the target has " +
                              str(spec.target.size()) + " neurons)");
    if (columns >= 3 && !parseReal(f[2], r.w))
      return fail(lineNo, "weight '" + f[2] + "' is not a finite number");
    if (columns >= 4 && (!parseReal(f[3], r.d) || !(r.d > 0)))
      return fail(lineNo, "delay '" + f[3] + "' is not a positive number");
    r.src += spec.source.begin;
    r.tgt += spec.target.begin;
    if (forbiddenAutapse(spec, r.src, r.tgt))
      return fail(lineNo, "autapse " + f[0] + " -> " + f[1] + " but allow_autapses is false");
    if (rows.size() >= spec.maxSynapses)
      return fail(lineNo, "more synapses than the limit of " + str(spec.maxSynapses));
    rows.push_back(r);
  }
  if (in.bad())
    return fail(lineNo, "read error");

  // Rows are owned by targets; the file's order is kept inside a row.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row &a, const Row &b) { return a.tgt < b.tgt; });
  if (!spec.allowMultapses) {
    for (size_t i = 0; i < rows.size();) {
      size_t j = i;
      while (j < rows.size() && rows[j].tgt == rows[i].tgt)
        ++j;
      std::vector<const Row *> row;
      for (size_t k = i; k < j; ++k)
        row.push_back(&rows[k]);
      std::stable_sort(row.begin(), row.end(),
                       [](const Row *a, const Row *b) { return a->src < b->src; });
      for (size_t k = 1; k < row.size(); ++k)
        if (row[k]->src == row[k - 1]->src) {
          const Row *later = row[k]->line > row[k - 1]->line ? row[k] : row[k - 1];
          const Row *earlier = later == row[k] ? row[k - 1] : row[k];
          return fail(later->line, "duplicate connection " + str(later->src - spec.source.begin) +
                                       " -> " + str(later->tgt - spec.target.begin) +
                                       " (first at line " + str(earlier->line) +
                                       ") but allow_multapses is false");
        }
      i = j;
    }
  }
  SynapseList &out = res.synapses;
  out.rowOffsets.assign(1, 0);
  size_t next = 0;
  for (uint64_t t = spec.target.begin; t < spec.target.end; ++t) {
    while (next < rows.size() && rows[next].tgt == t) {
      const Row &r = rows[next++];
      out.source.push_back(r.src);
      out.target.push_back(r.tgt);
      if (columns >= 3)
        out.weight.push_back(r.w);
      if (columns >= 4)
        out.delay.push_back(r.d);
    }
    out.rowOffsets.push_back(out.size());
  }
  return res;
}

ConnectResult buildConnections(const ConnectionSpec &spec) {
  ConnectResult res;
  SynapseList &out = res.synapses;
  if (spec.source.end < spec.source.begin || spec.target.end < spec.target.begin) {
    res.error = "empty or reversed neuron slice";
    return res;
  }
  out.rowOffsets.assign(1, 0);
  uint64_t ns = spec.source.size(), nt = spec.target.size();
  switch (spec.rule) {
  case ConnectRule::AllToAll:
    if (productExceeds(ns, nt, spec.maxSynapses))
      res.error = "all_to_all from " + str(ns) + " to " + str(nt) +
                  " neurons exceeds the synapse limit of " + str(spec.maxSynapses);
    else
      allToAll(spec, out);
    break;
  case ConnectRule::OneToOne:
    if (ns != nt)
      res.error = "one_to_one needs equal sizes, but the source has " + str(ns) +
                  " neurons and the target " + str(nt);
    else if (nt > spec.maxSynapses)
      res.error = tooMany(nt, spec.maxSynapses);
    else
      oneToOne(spec, out);
    break;
  case ConnectRule::FixedProbability:
    if (!(spec.probability >= 0 && spec.probability <= 1))
      res.error = "fixed_probability(" + std::to_string(spec.probability) +
                  ") needs a probability between 0 and 1";
    else
      res.error = fixedProbability(spec, out);
    break;
  case ConnectRule::FixedIndegree:
    res.error = fixedDegree(spec, out, false);
    break;
  case ConnectRule::FixedOutdegree:
    out.rowsBySource = true;
    res.error = fixedDegree(spec, out, true);
    break;
  case ConnectRule::FromFile: {
    std::ifstream in(spec.path);
    if (!in) {
      res.error = "cannot open connection file '" + spec.path + "': " + std::strerror(errno);
      break;
    }
    return connectFromCsv(in, spec.path, spec);
  }
  }
  if (!res.ok())
    res.synapses = {};
  return res;
}

std::vector<double> drawPerSynapse(const Distribution &dist, const SynapseList &syn,
                                   const ConnectionSpec &spec, Stream stream) {
  if (stream != Stream::Weight && stream != Stream::Delay)
    throw std::invalid_argument("per-synapse values draw from the weight or delay stream");
  std::vector<double> values(syn.size(), dist.a);
  if (dist.kind == Distribution::Kind::Constant)
    return values;
  PhiloxKey key = deriveStreamKey(spec.seed, spec.projection, stream);
  uint64_t ownerBegin = syn.rowsBySource ? spec.source.begin : spec.target.begin;
  for (size_t r = 0; r + 1 < syn.rowOffsets.size(); ++r) {
    uint64_t first = syn.rowOffsets[r], last = syn.rowOffsets[r + 1];
    if (first == last)
      continue;
    RandomStream rs = RandomStream::perIndex(key, ownerBegin + r, 0);
    for (uint64_t n = first; n < last; ++n) {
      switch (dist.kind) {
      case Distribution::Kind::Constant:
        break;
      case Distribution::Kind::Uniform:
        values[n] = rs.uniform(dist.a, dist.b);
        break;
      case Distribution::Kind::Normal:
        values[n] = rs.normal(dist.a, dist.b);
        break;
      case Distribution::Kind::Lognormal:
        values[n] = rs.lognormal(dist.a, dist.b);
        break;
      case Distribution::Kind::Exponential:
        values[n] = rs.exponential(dist.a);
        break;
      }
    }
  }
  return values;
}

} // namespace nsc::runtime
