//===- Npy.cpp - NumPy .npy writer and reader -----------------------------===//
//
// Format: the magic "\x93NUMPY", major and minor version bytes, the header
// length (uint16 little-endian in version 1.0, uint32 in 2.0), then an ASCII
// Python dict literal with 'descr', 'fortran_order' and 'shape', padded with
// spaces and ended by '\n', then the raw data.
//
//===----------------------------------------------------------------------===//

#include "nsc/runtime/Npy.h"

#include <algorithm>
#include <cstring>
#include <regex>

namespace nsc::runtime {

namespace {

const char kMagic[] = "\x93NUMPY";

/// cols == 0: a one-dimensional array of `rows` values.
void writeHeader(std::ostream &out, const char *descr, uint64_t rows, uint64_t cols) {
  std::string shape = cols ? std::to_string(rows) + ", " + std::to_string(cols) : std::to_string(rows) + ",";
  std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
  // magic (6) + version (2) + length (2) + dict + padding + '\n' = k * 64.
  size_t total = 10 + dict.size() + 1;
  size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict.push_back('\n');
  out.write(kMagic, 6);
  out.put(char(1));
  out.put(char(0));
  uint16_t len = uint16_t(dict.size());
  out.put(char(len & 0xFF));
  out.put(char(len >> 8));
  out.write(dict.data(), std::streamsize(dict.size()));
}

void writeWords(std::ostream &out, const void *data, uint64_t count) {
  const unsigned char *p = static_cast<const unsigned char *>(data);
  std::vector<char> buf(8 * 4096);
  for (uint64_t n = 0; n < count;) {
    uint64_t chunk = std::min<uint64_t>(4096, count - n);
    for (uint64_t w = 0; w < chunk; ++w) {
      uint64_t u;
      std::memcpy(&u, p + 8 * (n + w), 8);
      for (int b = 0; b < 8; ++b) // little-endian whatever the host
        buf[8 * w + b] = char((u >> (8 * b)) & 0xFF);
    }
    out.write(buf.data(), std::streamsize(8 * chunk));
    n += chunk;
  }
}

} // namespace

void writeNpy(std::ostream &out, const double *data, uint64_t rows, uint64_t cols) {
  writeHeader(out, "<f8", rows, cols);
  writeWords(out, data, rows * cols);
}

void writeNpy(std::ostream &out, const int64_t *data, uint64_t rows, uint64_t cols) {
  writeHeader(out, "<i8", rows, cols);
  writeWords(out, data, rows * cols);
}

void writeNpyVector(std::ostream &out, const double *data, uint64_t n) {
  writeHeader(out, "<f8", n, 0);
  writeWords(out, data, n);
}

void writeNpyVector(std::ostream &out, const int64_t *data, uint64_t n) {
  writeHeader(out, "<i8", n, 0);
  writeWords(out, data, n);
}

bool readNpy(std::istream &in, NpyArray &out, std::string &error) {
  out = {};
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, kMagic, 6) != 0) {
    error = "not a .npy file (bad magic)";
    return false;
  }
  int major = (unsigned char)magic[6];
  uint32_t len = 0;
  unsigned char lb[4] = {0, 0, 0, 0};
  if (major == 1) {
    if (!in.read(reinterpret_cast<char *>(lb), 2)) {
      error = "truncated .npy header";
      return false;
    }
    len = lb[0] | (uint32_t(lb[1]) << 8);
  } else if (major == 2) {
    if (!in.read(reinterpret_cast<char *>(lb), 4)) {
      error = "truncated .npy header";
      return false;
    }
    len = lb[0] | (uint32_t(lb[1]) << 8) | (uint32_t(lb[2]) << 16) | (uint32_t(lb[3]) << 24);
  } else {
    error = "unsupported .npy version " + std::to_string(major);
    return false;
  }
  if (len > (1u << 20)) {
    error = ".npy header too long";
    return false;
  }
  std::string dict(len, '\0');
  if (!in.read(dict.data(), std::streamsize(len))) {
    error = "truncated .npy header";
    return false;
  }
  std::smatch m;
  static const std::regex descrRe("'descr'\\s*:\\s*'([^']*)'");
  static const std::regex fortranRe("'fortran_order'\\s*:\\s*(True|False)");
  static const std::regex shapeRe("'shape'\\s*:\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,?\\s*\\)");
  if (!std::regex_search(dict, m, descrRe) || (m[1] != "<f8" && m[1] != "<i8" && m[1] != "<f4" && m[1] != "<i2")) {
    error = "unsupported .npy dtype (only '<f8', '<i8', '<f4' and '<i2')";
    return false;
  }
  out.descr = m[1];
  if (!std::regex_search(dict, m, fortranRe) || m[1] != "False") {
    error = "unsupported .npy layout (only C order)";
    return false;
  }
  if (!std::regex_search(dict, m, shapeRe)) {
    error = "unsupported .npy shape (only 2-D arrays)";
    return false;
  }
  out.rows = std::stoull(m[1]);
  out.cols = std::stoull(m[2]);
  if (out.cols != 0 && out.rows > (uint64_t(1) << 40) / out.cols) {
    error = ".npy array too large";
    return false;
  }
  const uint64_t count = out.rows * out.cols;
  const unsigned size = out.descr == "<f4" ? 4 : out.descr == "<i2" ? 2 : 8;
  std::vector<unsigned char> raw(size * count);
  if (count && !in.read(reinterpret_cast<char *>(raw.data()), std::streamsize(raw.size()))) {
    error = "truncated .npy data";
    return false;
  }
  // Little-endian words whatever the host, then their bits as the type.
  auto word = [&](uint64_t n) {
    uint64_t u = 0;
    for (unsigned b = 0; b < size; ++b)
      u |= uint64_t(raw[size * n + b]) << (8 * b);
    return u;
  };
  if (size == 8) {
    std::vector<uint64_t> words(count);
    for (uint64_t n = 0; n < count; ++n)
      words[n] = word(n);
    if (out.descr == "<f8")
      out.f8.resize(count);
    else
      out.i8.resize(count);
    if (count) // memcpy wants non-null pointers even for zero bytes
      std::memcpy(out.descr == "<f8" ? static_cast<void *>(out.f8.data()) : out.i8.data(), words.data(), 8 * count);
  } else if (size == 4) {
    out.f4.resize(count);
    for (uint64_t n = 0; n < count; ++n) {
      uint32_t u = uint32_t(word(n));
      std::memcpy(&out.f4[n], &u, 4);
    }
  } else {
    out.i2.resize(count);
    for (uint64_t n = 0; n < count; ++n)
      out.i2[n] = int16_t(uint16_t(word(n)));
  }
  return true;
}

} // namespace nsc::runtime
