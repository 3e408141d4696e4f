//===- MpiCommunicator.h - Runs spread over MPI ranks -----------*- C++ -*-===//
//
// The MPI implementation of nsc::runtime::Communicator (docs/mpi.md). Only
// MpiCommunicator.cpp includes mpi.h; the engine sees the interface.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/runtime/Communicator.h"

#include <memory>

namespace nsc::mpi {

/// Initialises MPI (MPI_Init_thread, funneled: only the main thread calls
/// MPI) when a launcher started this process among several; the returned
/// communicator finalises MPI when destroyed. Null when this process runs
/// alone (no launcher, or one rank): the caller uses SingleProcess and
/// never touches MPI.
std::unique_ptr<runtime::Communicator> startIfLaunched(int *argc, char ***argv);

} // namespace nsc::mpi
