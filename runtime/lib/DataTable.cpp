//===- DataTable.cpp - Numeric tables read from CSV or .npy files ---------===//
#include "nsc/runtime/DataTable.h"
#include "nsc/runtime/Npy.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace nsc::runtime {

namespace {

bool endsWith(const std::string &s, const std::string &tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool readNpyTable(std::istream &in, DataTable &out, std::string &error) {
  NpyArray a;
  if (!readNpy(in, a, error))
    return false;
  out.rows = a.rows;
  out.cols = a.cols;
  out.values.resize(a.rows * a.cols);
  for (size_t i = 0; i < out.values.size(); ++i)
    out.values[i] = a.descr == "<f8"   ? a.f8[i]
                    : a.descr == "<i8" ? double(a.i8[i])
                    : a.descr == "<f4" ? double(a.f4[i])
                                       : double(a.i2[i]);
  return true;
}

/// Splits a line at commas and white space; false at the first field that
/// is not a number (`bad` set to it).
bool parseRow(const std::string &line, std::vector<double> &row, std::string &bad) {
  row.clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ',' || line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
      ++i;
    if (i == line.size())
      break;
    size_t j = i;
    while (j < line.size() && line[j] != ',' && line[j] != ' ' && line[j] != '\t' && line[j] != '\r')
      ++j;
    std::string field = line.substr(i, j - i);
    char *end = nullptr;
    double v = std::strtod(field.c_str(), &end);
    if (end != field.c_str() + field.size()) {
      bad = field;
      return false;
    }
    row.push_back(v);
    i = j;
  }
  return true;
}

} // namespace

bool readDataTable(const std::string &path, DataTable &out, std::string &error) {
  out = DataTable{};
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "'";
    return false;
  }
  if (endsWith(path, ".npy")) {
    if (!readNpyTable(in, out, error)) {
      error = "'" + path + "': " + error;
      return false;
    }
  } else {
    std::string line, bad;
    std::vector<double> row;
    uint64_t lineNo = 0;
    bool sawData = false, sawHeader = false;
    while (std::getline(in, line)) {
      ++lineNo;
      if (size_t hash = line.find('#'); hash != std::string::npos)
        line.resize(hash);
      if (!parseRow(line, row, bad)) {
        if (!sawData && !sawHeader) {
          sawHeader = true; // a column header
          continue;
        }
        error = "'" + path + "' line " + std::to_string(lineNo) + ": '" + bad + "' is not a number";
        return false;
      }
      if (row.empty())
        continue;
      if (sawData && row.size() != out.cols) {
        error = "'" + path + "' line " + std::to_string(lineNo) + " has " + std::to_string(row.size()) +
                " values; the rows before have " + std::to_string(out.cols);
        return false;
      }
      sawData = true;
      out.cols = row.size();
      out.values.insert(out.values.end(), row.begin(), row.end());
      ++out.rows;
    }
  }
  if (out.rows == 0 || out.cols == 0) {
    error = "'" + path + "' holds no data";
    return false;
  }
  return true;
}

} // namespace nsc::runtime
