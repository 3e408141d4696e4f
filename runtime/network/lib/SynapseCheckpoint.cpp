//===- SynapseCheckpoint.cpp - A plastic projection's state in checkpoints ===//
//
// Every synapse's values as stored (shared row, own rows) and the lazy
// update's counters as they are (done_ relative to epoch_): restored
// unchanged, a synapse catches up on the steps it skipped exactly as it
// would have without the interruption, so resuming gives the same bits.
//
//===----------------------------------------------------------------------===//
#include "CheckpointFormat.h"
#include "ModelSynapses.h"

#include <cstring>

namespace nsc::network {

namespace {
std::vector<uint64_t> cellsOf(const std::vector<Value> &v) {
  std::vector<uint64_t> out(v.size());
  if (!v.empty())
    std::memcpy(out.data(), v.data(), v.size() * sizeof(Value));
  return out;
}
void cellsInto(const std::vector<uint64_t> &cells, std::vector<Value> &v) {
  v.resize(cells.size());
  if (!cells.empty())
    std::memcpy(v.data(), cells.data(), cells.size() * sizeof(Value));
}
} // namespace

uint64_t ModelSynapses::digest() const {
  ckpt::Hash64 h;
  h.add(offsets_.data(), offsets_.size() * sizeof(uint64_t));
  h.add(target_.data(), target_.size() * sizeof(uint32_t));
  h.add(synapseIndex_.data(), synapseIndex_.size() * sizeof(uint32_t));
  h.pod(rowSize_);
  h.pod(uint64_t(stateSlots_.size()));
  return h.h;
}

void ModelSynapses::getState(PlasticState &out) const {
  out.shared = cellsOf(shared_);
  // Every synapse's values in stateSlots_ order, shared traces (SharedTraces.cpp)
  // included: the state a run without them would hold.
  const size_t nState = stateSlots_.size(), nOwn = ownSlots_.size();
  out.own.assign(size() * nState, 0);
  for (uint64_t p = 0; p < size(); ++p)
    for (size_t c = 0; c < nState; ++c) {
      const unsigned slot = stateSlots_[c];
      const Value *v = ownColumn_[slot] >= 0 ? &own_[p * nOwn + size_t(ownColumn_[slot])] : nullptr;
      double x = 0;
      if (const SharedTrace *t = sharedTraceAt(slot)) {
        x = t->value[t->post ? target_[p] : sourceOf_[p]];
        v = nullptr;
      }
      std::memcpy(&out.own[p * nState + c], v ? static_cast<const void *>(v) : &x, sizeof(uint64_t));
    }
  out.scratch = cellsOf(row_);
  out.done = done_;
  out.epoch = epoch_;
  out.warnings = warnings_;
}

bool ModelSynapses::checkState(const PlasticState &s, std::string &error) const {
  if (s.shared.size() != shared_.size() || s.own.size() != size() * stateSlots_.size() || s.done.size() != done_.size() ||
      s.scratch.size() != row_.size()) {
    error = what_ + ": the checkpoint's synapse state has another size (" + std::to_string(s.own.size()) +
            " values, " + std::to_string(size() * stateSlots_.size()) + " expected)";
    return false;
  }
  return true;
}

void ModelSynapses::setState(PlasticState &&s) {
  cellsInto(s.shared, shared_);
  const size_t nState = stateSlots_.size(), nOwn = ownSlots_.size();
  for (uint64_t p = 0; p < size(); ++p)
    for (size_t c = 0; c < nState; ++c) {
      const unsigned slot = stateSlots_[c];
      const uint64_t cell = s.own[p * nState + c];
      if (SharedTrace *t = const_cast<SharedTrace *>(sharedTraceAt(slot)))
        std::memcpy(&t->value[t->post ? target_[p] : sourceOf_[p]], &cell, sizeof cell);
      else
        std::memcpy(&own_[p * nOwn + size_t(ownColumn_[slot])], &cell, sizeof cell);
    }
  done_ = std::move(s.done);
  epoch_ = s.epoch;
  warnings_ = std::move(s.warnings);
  // Locals in the scratch row as the uninterrupted run left them.
  cellsInto(s.scratch, row_);
  for (auto &w : extra_)
    w->row = row_;
}

} // namespace nsc::network
