//===- CheckpointFormat.cpp - Writing and checking checkpoint files -------===//
#include "CheckpointFormat.h"

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace nsc::network::ckpt {

namespace {

constexpr char kMagic[8] = {'N', 'S', 'C', 'C', 'K', 'P', 'T', '\0'};
constexpr uint32_t kByteOrder = 0x01020304;
constexpr size_t kSectionHeader = 16; // tag, CRC, length
constexpr size_t kBufferSize = size_t(1) << 20;

std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

// --- Writer -----------------------------------------------------------------

Writer::~Writer() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temporary_.c_str());
  }
}

bool Writer::open(const std::string &path, std::string &error) {
  path_ = path;
  temporary_ = path + ".tmp" + std::to_string(::getpid());
  fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  buffer_.reserve(kBufferSize);
  bytes(kMagic, sizeof kMagic);
  u32(kFormatVersion);
  u32(kByteOrder);
  return true;
}

bool Writer::flushBuffer() {
  size_t done = 0;
  while (!failed_ && done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR)
      continue; // a signal (SIGINT during a checkpoint): keep writing
    if (n <= 0) {
      failed_ = true;
      errno_ = n < 0 ? errno : ENOSPC;
      break;
    }
    done += size_t(n);
  }
  buffer_.clear();
  return !failed_;
}

void Writer::bytes(const void *data, size_t n) {
  if (n == 0)
    return;
  if (inSection_)
    crc_ = crc32(data, n, crc_);
  offset_ += n;
  auto *p = static_cast<const char *>(data);
  while (n > 0) {
    size_t take = std::min(n, kBufferSize - buffer_.size());
    buffer_.insert(buffer_.end(), p, p + take);
    p += take;
    n -= take;
    if (buffer_.size() == kBufferSize)
      flushBuffer();
  }
}

void Writer::beginSection(const char *tag) {
  sectionStart_ = offset_;
  char header[kSectionHeader] = {};
  std::strncpy(header, tag, 4);
  std::memcpy(tagOf_, header, 4);
  bytes(header, sizeof header); // CRC and length patched by endSection
  inSection_ = true;
  crc_ = 0;
}

void Writer::endSection() {
  inSection_ = false;
  uint64_t length = offset_ - sectionStart_ - kSectionHeader;
  // The CRC covers the payload, then the tag and the length.
  char tag[4];
  std::memcpy(tag, tagOf_, 4);
  crc_ = crc32(tag, 4, crc_);
  crc_ = crc32(&length, 8, crc_);
  // The header may still be in the buffer, or already in the file.
  char patch[12];
  std::memcpy(patch, &crc_, 4);
  std::memcpy(patch + 4, &length, 8);
  uint64_t bufferStart = offset_ - buffer_.size();
  uint64_t at = sectionStart_ + 4;
  if (at >= bufferStart) {
    std::memcpy(buffer_.data() + (at - bufferStart), patch, sizeof patch);
    return;
  }
  if (!flushBuffer())
    return;
  if (::pwrite(fd_, patch, sizeof patch, off_t(at)) != ssize_t(sizeof patch)) {
    failed_ = true;
    errno_ = errno;
  }
}

bool Writer::commit(std::string &error) {
  uint64_t endAt = offset_;
  beginSection("END");
  u64(endAt);
  endSection();
  flushBuffer();
  if (!failed_ && ::fsync(fd_) != 0) {
    failed_ = true;
    errno_ = errno;
  }
  int closed = ::close(fd_);
  fd_ = -1;
  if (!failed_ && closed != 0) {
    failed_ = true;
    errno_ = errno;
  }
  if (failed_) {
    ::unlink(temporary_.c_str());
    error = "cannot write '" + path_ + "': " + std::strerror(errno_);
    return false;
  }
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    error = "cannot rename '" + temporary_ + "' to '" + path_ + "': " + std::strerror(errno);
    ::unlink(temporary_.c_str());
    return false;
  }
  // The rename itself reaches the disk with the directory.
  int dir = ::open(directoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

// --- Reader -----------------------------------------------------------------

bool Reader::open(const std::string &path, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    error = "cannot read '" + path + "'";
    return false;
  }
  const std::string what = "'" + path + "' ";
  if (bytes_.size() < 16 || std::memcmp(bytes_.data(), kMagic, sizeof kMagic) != 0) {
    error = what + "is not an nsc checkpoint";
    return false;
  }
  uint32_t version, order;
  std::memcpy(&version, bytes_.data() + 8, 4);
  std::memcpy(&order, bytes_.data() + 12, 4);
  if (order != kByteOrder) {
    error = what + "was written on a machine of the other byte order";
    return false;
  }
  if (version != kFormatVersion) {
    error = what + "is in checkpoint format " + std::to_string(version) + "; this nsc reads format " +
            std::to_string(kFormatVersion);
    return false;
  }
  uint64_t at = 16;
  bool ended = false;
  while (at < bytes_.size() && !ended) {
    if (bytes_.size() - at < kSectionHeader)
      break;
    Section s;
    s.tag.assign(reinterpret_cast<const char *>(bytes_.data() + at), 4);
    s.tag = s.tag.c_str(); // "END\0" -> "END"
    uint32_t crc;
    std::memcpy(&crc, bytes_.data() + at + 4, 4);
    std::memcpy(&s.size, bytes_.data() + at + 8, 8);
    if (s.size > bytes_.size() - at - kSectionHeader)
      break; // truncated
    s.data = bytes_.data() + at + kSectionHeader;
    uint32_t computed = crc32(s.data, size_t(s.size));
    computed = crc32(bytes_.data() + at, 4, computed);     // tag
    computed = crc32(bytes_.data() + at + 8, 8, computed); // length
    if (computed != crc) {
      error = what + "is corrupt: the checksum of its section '" + s.tag + "' (at byte " + std::to_string(at) +
              ") does not match";
      return false;
    }
    if (s.tag == "END") {
      uint64_t endAt = 0;
      if (s.size == 8)
        std::memcpy(&endAt, s.data, 8);
      if (endAt != at || at + kSectionHeader + s.size != bytes_.size()) {
        error = what + "is corrupt: its end marker is misplaced";
        return false;
      }
      ended = true;
    } else {
      sections_.push_back(s);
    }
    at += kSectionHeader + s.size;
  }
  if (!ended) {
    error = what + "is truncated (" + std::to_string(bytes_.size()) + " bytes; no end marker)";
    return false;
  }
  return true;
}

std::vector<const Section *> Reader::find(const std::string &tag) const {
  std::vector<const Section *> out;
  for (const Section &s : sections_)
    if (s.tag == tag)
      out.push_back(&s);
  return out;
}

} // namespace nsc::network::ckpt
