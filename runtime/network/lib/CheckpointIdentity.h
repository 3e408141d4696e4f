//===- CheckpointIdentity.h - What a checkpoint is of -----------*- C++ -*-===//
//
// The IDNT section of a checkpoint (Checkpoint.cpp): enough about the
// simulation that wrote it to refuse resuming anything else, and to say
// what differs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "CheckpointFormat.h"

#include "nsc/ir/IR.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nsc::network {

struct CheckpointIdentity {
  struct Pop {
    std::string name, model;
    uint32_t kind = 0;
    uint64_t n = 0, modelHash = 0;
    uint32_t ringSlots = 0, rowSize = 0, ports = 0;
  };
  struct Proj {
    std::string label, synapseModel;
    uint8_t plastic = 0;
    uint64_t synapses = 0, digest = 0, synapseHash = 0;
  };
  std::string producer, target, network;
  uint8_t singleModel = 0;
  double dtMs = 0;
  uint64_t seed = 0;
  std::string precision;
  uint64_t step = 0;
  std::vector<Pop> pops;
  std::vector<Proj> projs;
  uint64_t networkHash = 0;
  std::vector<std::string> traceVariables;

  void write(ckpt::Writer &w) const;
  void read(ckpt::Cursor &c);
};

/// What differs between a checkpoint's identity `file` and this run's
/// `here`: the first difference, in the order a user would look for it;
/// empty when they match.
std::string identityDifference(const CheckpointIdentity &file, const CheckpointIdentity &here);

/// FNV-1a of the model's IR text: any change to its code, parameters,
/// semantics or the passes that ran on it changes it.
uint64_t modelHash(const ir::Model &m);
uint64_t networkHash(const ir::Network &net, const ir::Module &mod);

void writeStrings(ckpt::Writer &w, const std::vector<std::string> &v);
std::vector<std::string> readStrings(ckpt::Cursor &c);

} // namespace nsc::network
