//===- Npz.cpp - NumPy .npz archives (uncompressed zip) -------------------===//
//
// A .npz file is a zip archive whose members are .npy files. Members are
// stored (method 0), so the archive is a local header + data per member, a
// central directory, and the end-of-central-directory record; CRC-32 is the
// zip polynomial 0xEDB88320. Times are the zip epoch (1980-01-01), so the
// same arrays give the same bytes.
//
//===----------------------------------------------------------------------===//

#include "nsc/runtime/Crc32.h"
#include "nsc/runtime/Npy.h"

#include <sstream>

namespace nsc::runtime {

namespace {

void put16(std::string &s, uint32_t v) {
  s.push_back(char(v & 0xFF));
  s.push_back(char((v >> 8) & 0xFF));
}

void put32(std::string &s, uint32_t v) {
  put16(s, v & 0xFFFF);
  put16(s, v >> 16);
}

struct Member {
  std::string name;
  uint32_t crc = 0, size = 0, offset = 0;
};

/// The fields a local header and a central directory entry share, from
/// "version needed" to the name length.
void common(std::string &s, const Member &m) {
  put16(s, 20);     // version needed: 2.0
  put16(s, 0);      // flags
  put16(s, 0);      // stored
  put16(s, 0);      // time 00:00:00
  put16(s, 0x21);   // date 1980-01-01
  put32(s, m.crc);
  put32(s, m.size); // compressed
  put32(s, m.size); // uncompressed
  put16(s, uint32_t(m.name.size()));
  put16(s, 0); // extra field length
}

} // namespace

std::string writeNpz(std::ostream &out, const std::vector<NpzArray> &arrays) {
  std::vector<Member> members;
  uint64_t offset = 0;
  for (const NpzArray &a : arrays) {
    std::ostringstream npy;
    if (a.isInt)
      writeNpyVector(npy, a.i8.data(), a.i8.size());
    else
      writeNpyVector(npy, a.f8.data(), a.f8.size());
    std::string data = npy.str();
    Member m;
    m.name = a.name + ".npy";
    if (offset + data.size() + 30 + m.name.size() >= 0xFFFFFFFFull)
      return "the arrays take more than 4 GiB, more than a .npz without ZIP64 holds; write .npy instead";
    m.crc = crc32(data.data(), data.size());
    m.size = uint32_t(data.size());
    m.offset = uint32_t(offset);
    std::string header;
    put32(header, 0x04034b50);
    common(header, m);
    header += m.name;
    out.write(header.data(), std::streamsize(header.size()));
    out.write(data.data(), std::streamsize(data.size()));
    offset += header.size() + data.size();
    members.push_back(std::move(m));
  }
  std::string dir;
  for (const Member &m : members) {
    put32(dir, 0x02014b50);
    put16(dir, 20); // made by: 2.0
    common(dir, m);
    put16(dir, 0);  // comment length
    put16(dir, 0);  // disk
    put16(dir, 0);  // internal attributes
    put32(dir, 0);  // external attributes
    put32(dir, m.offset);
    dir += m.name;
  }
  std::string end;
  put32(end, 0x06054b50);
  put16(end, 0);
  put16(end, 0);
  put16(end, uint32_t(members.size()));
  put16(end, uint32_t(members.size()));
  put32(end, uint32_t(dir.size()));
  put32(end, uint32_t(offset));
  put16(end, 0);
  out.write(dir.data(), std::streamsize(dir.size()));
  out.write(end.data(), std::streamsize(end.size()));
  return out ? "" : "write error";
}

} // namespace nsc::runtime
