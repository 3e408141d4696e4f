//===- Npy.h - NumPy .npy files (format version 1.0) ------------*- C++ -*-===//
//
// Two-dimensional, C-order, little-endian float64 ('<f8') or int64 ('<i8')
// arrays: what the recording writers produce, and a reader so tests and
// tools can check files without NumPy. The reader also takes float32
// ('<f4') and int16 ('<i2'), the sample formats of MEA recordings.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace nsc::runtime {

/// Writes a rows x cols array (row-major `data`) as .npy version 1.0, the
/// header padded so the data starts at a multiple of 64 bytes.
void writeNpy(std::ostream &out, const double *data, uint64_t rows, uint64_t cols);
void writeNpy(std::ostream &out, const int64_t *data, uint64_t rows, uint64_t cols);

/// A one-dimensional array of n values (shape `(n,)`).
void writeNpyVector(std::ostream &out, const double *data, uint64_t n);
void writeNpyVector(std::ostream &out, const int64_t *data, uint64_t n);

/// One array of a .npz archive: float64 values, or int64 when `isInt`.
struct NpzArray {
  std::string name; // the key np.load gives it (the member is NAME.npy)
  std::vector<double> f8;
  std::vector<int64_t> i8;
  bool isInt = false;
};

/// Writes `arrays` as an uncompressed .npz (a zip archive of one-dimensional
/// .npy members, what numpy.savez writes). "" on success, else why not
/// (an archive over 4 GiB needs ZIP64, which this writer does not do).
std::string writeNpz(std::ostream &out, const std::vector<NpzArray> &arrays);

struct NpyArray {
  std::string descr; // "<f8", "<i8", "<f4" or "<i2"
  uint64_t rows = 0, cols = 0;
  std::vector<double> f8;  // when descr is "<f8"
  std::vector<int64_t> i8; // when descr is "<i8"
  std::vector<float> f4;   // when descr is "<f4"
  std::vector<int16_t> i2; // when descr is "<i2"
};

/// Reads a 2-D '<f8', '<i8', '<f4' or '<i2' C-order .npy file (version
/// 1.0 or 2.0).
/// Returns false with a message for anything else or a truncated file.
bool readNpy(std::istream &in, NpyArray &out, std::string &error);

} // namespace nsc::runtime
