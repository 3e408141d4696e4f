//===- Connectivity.cpp - Synapse lists from connection rules (R33) -------===//

#include "nsc/runtime/Connectivity.h"
#include "nsc/runtime/ConnectionRows.h"
#include "PairwiseRows.h"
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

/// fixed_outdegree: rows owned by sources, k draws among the targets each.
/// Every row has k synapses, so each thread fills its own rows in place
/// (the same list for any thread count).
void fixedOutdegree(const ConnectionSpec &s, unsigned threads, SynapseList &out) {
  uint64_t n = s.target.size(), k = s.count, rows = s.source.size();
  PhiloxKey key = deriveStreamKey(s.seed, s.projection, Stream::Connectivity);
  out.source.resize(rows * k); // checkConnectionSpec bounded rows * k
  out.target.resize(rows * k);
  out.rowOffsets.resize(rows + 1);
  for (uint64_t r = 0; r <= rows; ++r)
    out.rowOffsets[r] = r * k;
  // At least 64 rows a thread: a thread costs about as much as drawing them.
  unsigned chunks = unsigned(std::min<uint64_t>(connectionBuildThreads(threads), std::max<uint64_t>(1, rows / 64)));
  forEachChunk(rows, chunks, [&](unsigned, uint64_t begin, uint64_t end) {
    std::vector<uint8_t> chosen(s.allowMultapses ? 0 : n, 0);
    for (uint64_t r = begin; r < end; ++r) {
      const uint64_t o = s.source.begin + r;
      RandomStream rs = RandomStream::perIndex(key, o, 0);
      uint32_t *src = out.source.data() + r * k, *tgtOut = out.target.data() + r * k;
      uint64_t made = 0;
      while (made < k) {
        uint64_t c = uint64_t(rs.uniform() * double(n));
        uint64_t tgt = s.target.begin + (c < n ? c : n - 1);
        if (forbiddenAutapse(s, o, tgt))
          continue;
        if (!s.allowMultapses) {
          if (chosen[tgt - s.target.begin])
            continue;
          chosen[tgt - s.target.begin] = 1;
        }
        src[made] = uint32_t(o);
        tgtOut[made++] = uint32_t(tgt);
      }
      if (!s.allowMultapses)
        for (uint64_t m = 0; m < k; ++m)
          chosen[tgtOut[m] - s.target.begin] = 0;
    }
  });
}

/// The target-owned rules: rows drawn in parallel chunks of targets, then
/// joined in target order (the same list for any thread count).
std::string targetRows(const ConnectionSpec &s, unsigned threads, SynapseList &out) {
  struct Chunk {
    std::vector<uint32_t> source;
    std::vector<uint64_t> rowEnd; // per target, relative to the chunk
    bool tooMany = false;
  };
  unsigned chunks = connectionBuildThreads(threads);
  std::vector<Chunk> parts(chunks);
  forEachChunk(s.target.size(), chunks, [&](unsigned c, uint64_t begin, uint64_t end) {
    Chunk &part = parts[c];
    RowDrawer drawer(s);
    std::vector<uint32_t> row;
    part.rowEnd.reserve(end - begin);
    for (uint64_t r = begin; r < end; ++r) {
      drawer.draw(s.target.begin + r, row);
      part.source.insert(part.source.end(), row.begin(), row.end());
      part.rowEnd.push_back(part.source.size());
      if (part.source.size() > s.maxSynapses) {
        part.tooMany = true;
        return;
      }
    }
  });
  uint64_t total = 0;
  for (const Chunk &part : parts) {
    total += part.source.size();
    if (part.tooMany || total > s.maxSynapses)
      return "the projection has more synapses than the limit of " + str(s.maxSynapses);
  }
  out.source.reserve(total);
  out.target.reserve(total);
  out.rowOffsets.reserve(s.target.size() + 1);
  uint64_t t = s.target.begin;
  for (Chunk &part : parts) {
    uint64_t first = 0;
    for (uint64_t end : part.rowEnd) {
      out.source.insert(out.source.end(), part.source.begin() + first, part.source.begin() + end);
      out.target.insert(out.target.end(), end - first, uint32_t(t++));
      out.rowOffsets.push_back(out.size());
      first = end;
    }
    part = Chunk{};
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
  if (spec.source.end > UINT32_MAX || spec.target.end > UINT32_MAX) {
    res.error = name + ": a population of more than " + str(UINT32_MAX) + " neurons";
    return res;
  }
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
      out.source.push_back(uint32_t(r.src));
      out.target.push_back(uint32_t(r.tgt));
      if (columns >= 3)
        out.weight.push_back(r.w);
      if (columns >= 4)
        out.delay.push_back(r.d);
    }
    out.rowOffsets.push_back(out.size());
  }
  return res;
}

ConnectResult buildConnections(const ConnectionSpec &spec, unsigned threads) {
  ConnectResult res;
  if (spec.rule == ConnectRule::FromFile) {
    std::ifstream in(spec.path);
    if (!in) {
      res.error = "cannot open connection file '" + spec.path + "': " + std::strerror(errno);
      return res;
    }
    return connectFromCsv(in, spec.path, spec);
  }
  res.error = checkConnectionSpec(spec);
  if (!res.ok())
    return res;
  SynapseList &out = res.synapses;
  if (spec.rule == ConnectRule::FixedOutdegree) {
    out.rowsBySource = true;
    fixedOutdegree(spec, threads, out);
  } else {
    out.rowOffsets.assign(1, 0);
    try {
      res.error = targetRows(spec, threads, out);
    } catch (const PairProbabilityError &e) { // the first chunk's, so the same for any thread count
      res.error = e.what();
    }
  }
  if (!res.ok())
    res.synapses = {};
  return res;
}

std::vector<double> drawPerSynapse(const Distribution &dist, const SynapseList &syn,
                                   const ConnectionSpec &spec, Stream stream, unsigned threads) {
  if (stream != Stream::Weight && stream != Stream::Delay)
    throw std::invalid_argument("per-synapse values draw from the weight or delay stream");
  std::vector<double> values(syn.size(), dist.a);
  if (dist.kind == Distribution::Kind::Constant)
    return values;
  PhiloxKey key = deriveStreamKey(spec.seed, spec.projection, stream);
  uint64_t ownerBegin = syn.rowsBySource ? spec.source.begin : spec.target.begin;
  const uint64_t rows = syn.rowOffsets.empty() ? 0 : syn.rowOffsets.size() - 1;
  // Each row its own stream (R33): rows split over threads in any way give
  // the same values.
  unsigned chunks = unsigned(std::min<uint64_t>(connectionBuildThreads(threads), std::max<uint64_t>(1, rows / 64)));
  forEachChunk(rows, chunks, [&](unsigned, uint64_t rowBegin, uint64_t rowEnd) {
    for (uint64_t r = rowBegin; r < rowEnd; ++r) {
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
  });
  return values;
}

} // namespace nsc::runtime
