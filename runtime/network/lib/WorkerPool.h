//===- WorkerPool.h - Threads for the model phase ---------------*- C++ -*-===//
//
// --threads=N: the model phase of a step (every neuron independent of the
// others, docs/semantics.md R16) is split across N workers; delivery stays
// on one thread so that sums keep the reference order (R17). Steps are
// short (microseconds), so workers wait for the next step by spinning
// briefly, then yielding, rather than sleeping on a condition variable.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace nsc::network {

class WorkerPool {
public:
  explicit WorkerPool(unsigned workers) {
    for (unsigned w = 1; w < workers; ++w)
      threads_.emplace_back([this, w] { loop(w); });
  }
  ~WorkerPool() {
    stop_.store(true);
    generation_.fetch_add(1);
    for (std::thread &t : threads_)
      t.join();
  }
  unsigned size() const { return unsigned(threads_.size()) + 1; }

  /// Runs fn(worker) on every worker, worker 0 in the caller, and waits.
  void run(const std::function<void(unsigned)> &fn) {
    if (threads_.empty()) {
      fn(0);
      return;
    }
    task_ = &fn;
    pending_.store(unsigned(threads_.size()));
    generation_.fetch_add(1, std::memory_order_release);
    fn(0);
    while (pending_.load(std::memory_order_acquire) != 0)
      std::this_thread::yield();
  }

private:
  void loop(unsigned w) {
    uint64_t seen = 0;
    for (;;) {
      unsigned spins = 0;
      uint64_t g;
      while ((g = generation_.load(std::memory_order_acquire)) == seen)
        if (++spins > 4000)
          std::this_thread::yield();
      seen = g;
      if (stop_.load())
        return;
      (*task_)(w);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  std::vector<std::thread> threads_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<unsigned> pending_{0};
  std::atomic<bool> stop_{false};
  const std::function<void(unsigned)> *task_ = nullptr;
};

} // namespace nsc::network
