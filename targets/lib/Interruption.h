//===- Interruption.h - SIGINT and SIGTERM during a run ---------*- C++ -*-===//
//
// While an InterruptGuard lives, SIGINT and SIGTERM do not kill nsc: the
// handler only records the signal in a lock-free atomic, which the step
// loop reads after every step (network::RunOptions::stop). The run then
// stops at the end of that step, and the driver writes a final checkpoint
// (--checkpoint) and every output before it exits with 128 + the signal
// number (130 for SIGINT, 143 for SIGTERM, as shells report them). A
// second signal while the outputs are written is recorded and otherwise
// ignored, so it cannot cut a file short; SIGKILL still ends nsc at once
// (outputs and checkpoints are renamed into place whole, so even then no
// file is partial). docs/checkpoints.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <csignal>

namespace nsc::targets {

class InterruptGuard {
public:
  /// Installs the handlers (one guard at a time).
  InterruptGuard();
  /// Puts the previous handlers back; after a signal, ignores SIGINT and
  /// SIGTERM instead (nsc is exiting).
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard &) = delete;
  InterruptGuard &operator=(const InterruptGuard &) = delete;

  /// Set once a signal arrived.
  const std::atomic<bool> *flag() const;
  /// The first signal that arrived (SIGINT, SIGTERM), or 0.
  int signal() const;
  /// "SIGINT", "SIGTERM".
  static const char *name(int signal);
  /// The exit status for `signal`: 128 + its number.
  static int exitStatus(int signal) { return 128 + signal; }

private:
  struct sigaction oldInt_ {}, oldTerm_ {};
};

} // namespace nsc::targets
