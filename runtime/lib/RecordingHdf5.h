//===- RecordingHdf5.h - HDF5 writers behind writeSpikes/writeTraces -*- C++ -*-===//
//
// Internal to nsc_runtime: Recording.cpp dispatches `.h5`/`.hdf5` paths
// here. HDF5 files cannot be produced on an arbitrary std::ostream (libhdf5
// owns the file), so these take a path. The layout is documented in
// Recording.h and docs/formats.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/runtime/Recording.h"

#include <string>

namespace nsc::runtime::detail {

/// Write to a temporary file beside `path` and rename it over `path` on
/// success, so a failure never leaves a partial file. Return an empty string
/// on success, else a message naming the file.
std::string writeSpikesHdf5(const SpikeRecording &rec, const std::string &path);
std::string writeTracesHdf5(const TraceRecording &rec, const std::string &path);

} // namespace nsc::runtime::detail
