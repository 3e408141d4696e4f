//===- Crc32.cpp - CRC-32 of byte ranges -----------------------------------===//
#include "nsc/runtime/Crc32.h"

#include <array>

namespace nsc::runtime {

namespace {

const std::array<uint32_t, 256> &crcTable() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  return table;
}

} // namespace

uint32_t crc32(const void *data, size_t n, uint32_t crc) {
  const std::array<uint32_t, 256> &t = crcTable();
  auto *p = static_cast<const uint8_t *>(data);
  crc = ~crc;
  for (size_t i = 0; i < n; ++i)
    crc = t[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

} // namespace nsc::runtime
