//===- SystemMemory.cpp - How much memory this process may still use ------===//
#include "nsc/support/SystemMemory.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/resource.h>

namespace nsc {

namespace {

/// A "Key:   123 kB" line of /proc/meminfo or /proc/self/status, in bytes.
std::optional<uint64_t> procField(const char *path, const std::string &key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0 || line.size() <= key.size() || line[key.size()] != ':')
      continue;
    std::istringstream fields(line.substr(key.size() + 1));
    uint64_t value = 0;
    std::string unit;
    if (!(fields >> value))
      return std::nullopt;
    fields >> unit;
    return unit == "kB" ? value * 1024 : value;
  }
  return std::nullopt;
}

std::optional<uint64_t> readNumberFile(const std::string &path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max")
    return std::nullopt;
  char *end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (end == text.c_str())
    return std::nullopt;
  return uint64_t(v);
}

/// The headroom under this process's cgroup v2 memory.max, if one is set.
std::optional<uint64_t> cgroupHeadroom() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, 3, "0::") != 0)
      continue;
    std::string dir = "/sys/fs/cgroup" + line.substr(3);
    std::optional<uint64_t> max = readNumberFile(dir + "/memory.max");
    std::optional<uint64_t> current = readNumberFile(dir + "/memory.current");
    if (!max)
      return std::nullopt;
    uint64_t used = current ? *current : 0;
    return *max > used ? *max - used : 0;
  }
  return std::nullopt;
}

void consider(MemoryBudget &budget, std::optional<uint64_t> bytes, const char *source) {
  if (bytes && *bytes < budget.bytes) {
    budget.bytes = *bytes;
    budget.source = source;
  }
}

/// The headroom under a resource limit, given what the process uses of it.
std::optional<uint64_t> rlimitHeadroom(int resource, std::optional<uint64_t> used) {
  rlimit limit{};
  if (getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return std::nullopt;
  uint64_t u = used ? *used : 0;
  return uint64_t(limit.rlim_cur) > u ? uint64_t(limit.rlim_cur) - u : 0;
}

} // namespace

MemoryBudget systemMemoryBudget() {
  MemoryBudget budget;
  consider(budget, procField("/proc/meminfo", "MemAvailable"), "MemAvailable in /proc/meminfo");
  consider(budget, rlimitHeadroom(RLIMIT_AS, procField("/proc/self/status", "VmSize")),
           "the headroom under ulimit -v (RLIMIT_AS)");
  consider(budget, rlimitHeadroom(RLIMIT_DATA, procField("/proc/self/status", "VmData")),
           "the headroom under ulimit -d (RLIMIT_DATA)");
  consider(budget, cgroupHeadroom(), "the headroom under the cgroup's memory.max");
  return budget;
}

uint64_t currentResidentBytes() { return procField("/proc/self/status", "VmRSS").value_or(0); }

uint64_t peakResidentBytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0)
    return 0;
  return uint64_t(usage.ru_maxrss) * 1024; // kilobytes on Linux
}

std::optional<uint64_t> parseMemorySize(const std::string &text, std::string &error) {
  const char *s = text.c_str();
  char *end = nullptr;
  double value = std::strtod(s, &end);
  if (end == s || text.empty() || text[0] == '-' || text[0] == '+') {
    error = "'" + text + "' is not a memory size (e.g. 8G, 512M, 1.5GiB)";
    return std::nullopt;
  }
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ')
    unit.erase(unit.begin());
  double scale = 1;
  if (!unit.empty()) {
    const std::string prefixes = "KMGT";
    size_t p = prefixes.find(char(std::toupper(unsigned(unit[0]))));
    std::string rest = p == std::string::npos ? unit : unit.substr(1);
    if (p != std::string::npos)
      scale = std::ldexp(1.0, 10 * int(p + 1));
    if (!(rest.empty() || rest == "B" || rest == "b" || rest == "iB" || (p == std::string::npos && rest == "bytes"))) {
      error = "'" + text + "' is not a memory size (units: K, M, G, T, as powers of 1024; e.g. 8G, 512M)";
      return std::nullopt;
    }
  }
  double bytes = value * scale;
  if (!std::isfinite(bytes) || bytes < 1 || bytes >= std::ldexp(1.0, 63)) {
    error = "'" + text + "' is not a memory size between 1 byte and 8 EiB";
    return std::nullopt;
  }
  return uint64_t(bytes);
}

std::string formatBytes(uint64_t bytes) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(bytes);
  int u = 0;
  while (v >= 1024 && u < 6) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%llu B", (unsigned long long)bytes);
  else
    std::snprintf(buf, sizeof buf, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
  return buf;
}

} // namespace nsc
