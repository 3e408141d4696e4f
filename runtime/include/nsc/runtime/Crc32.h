//===- Crc32.h - CRC-32 of byte ranges -------------------------*- C++ -*-===//
//
// CRC-32 as zlib's crc32 and the ZIP format compute it (IEEE 802.3,
// reflected polynomial 0xEDB88320): checkpoints check their sections with
// it, and .npz archives (ZIP) need it for every member.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>

namespace nsc::runtime {

/// CRC-32 of `n` bytes at `data`, continuing from `crc` (0 to start).
uint32_t crc32(const void *data, size_t n, uint32_t crc = 0);

} // namespace nsc::runtime
