//===- Interruption.cpp - SIGINT and SIGTERM during a run -----------------===//
#include "Interruption.h"

namespace nsc::targets {

namespace {
std::atomic<bool> stopRequested{false};
std::atomic<int> firstSignal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the signal handler may only touch lock-free atomics");

extern "C" void recordSignal(int signal) {
  int none = 0;
  firstSignal.compare_exchange_strong(none, signal);
  stopRequested.store(true);
}
} // namespace

InterruptGuard::InterruptGuard() {
  stopRequested.store(false);
  firstSignal.store(0);
  struct sigaction sa {};
  sa.sa_handler = recordSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART; // a write in progress goes on
  sigaction(SIGINT, &sa, &oldInt_);
  sigaction(SIGTERM, &sa, &oldTerm_);
}

InterruptGuard::~InterruptGuard() {
  if (signal()) {
    // nsc is on its way out with 128 + signal: a late second signal must
    // not kill it before it has said so.
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
    return;
  }
  sigaction(SIGINT, &oldInt_, nullptr);
  sigaction(SIGTERM, &oldTerm_, nullptr);
}

const std::atomic<bool> *InterruptGuard::flag() const { return &stopRequested; }

int InterruptGuard::signal() const { return firstSignal.load(); }

const char *InterruptGuard::name(int signal) {
  return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal";
}

} // namespace nsc::targets
