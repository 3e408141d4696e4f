//===- WorkerPool.h - Threads for the model phase ---------------*- C++ -*-===//
//
// --threads=N: the model phase of a step (every neuron independent of the
// others, docs/semantics.md R16) is split across N workers; delivery stays
// on one thread so that sums keep the reference order (R17).
//
// Waiting: steps are short (microseconds), so a waiting thread first spins
// for a few tens of microseconds (kSpins pause instructions) and only then
// sleeps on a condition variable. The spin catches the next step when the
// machine is idle; the sleep keeps a loaded machine (more runnable threads
// than cores) from losing whole time slices to threads that only spin, which
// made --threads=2 up to 300 times slower than one thread. A thread that is
// about to sleep announces it (sleepers_, mainAsleep_); the other side takes
// the mutex and notifies only then, so a step costs no system call while
// every thread is still spinning.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace nsc::network {

class WorkerPool {
public:
  /// Pause-loop iterations before a waiting thread sleeps (about 20-60 us).
  static constexpr unsigned kSpins = 2000;

  explicit WorkerPool(unsigned workers) {
    for (unsigned w = 1; w < workers; ++w)
      threads_.emplace_back([this, w] { loop(w); });
  }
  ~WorkerPool() {
    stop_.store(true);
    publish();
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
    publish();
    fn(0);
    waitFor([&] { return pending_.load() == 0; }, mainAsleep_, mainWake_);
  }

private:
  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#else
    std::this_thread::yield();
#endif
  }

  /// Starts a new generation and wakes the workers that went to sleep.
  void publish() {
    generation_.fetch_add(1); // seq_cst: ordered before the load of sleepers_
    if (sleepers_.load() > 0) {
      { std::lock_guard<std::mutex> lock(mutex_); }
      workerWake_.notify_all();
    }
  }

  /// Spins until done(), then sleeps on cv with `asleep` counting sleepers.
  /// done() loads with seq_cst: with the seq_cst increment of `asleep` and
  /// the other side's seq_cst store-then-load, one of the two sees the other.
  template <class Done> void waitFor(Done done, std::atomic<unsigned> &asleep, std::condition_variable &cv) {
    for (unsigned i = 0; i < kSpins; ++i) {
      if (done())
        return;
      pause();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    asleep.fetch_add(1); // seq_cst: ordered before the done() check below
    cv.wait(lock, done);
    asleep.fetch_sub(1);
  }

  void loop(unsigned w) {
    uint64_t seen = 0;
    for (;;) {
      uint64_t g = seen;
      waitFor([&] { return (g = generation_.load()) != seen; }, sleepers_, workerWake_);
      seen = g;
      if (stop_.load())
        return;
      (*task_)(w);
      if (pending_.fetch_sub(1) == 1 && mainAsleep_.load() > 0) {
        { std::lock_guard<std::mutex> lock(mutex_); }
        mainWake_.notify_one();
      }
    }
  }

  std::vector<std::thread> threads_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<unsigned> pending_{0};
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> sleepers_{0}, mainAsleep_{0};
  std::mutex mutex_;
  std::condition_variable workerWake_, mainWake_;
  const std::function<void(unsigned)> *task_ = nullptr;
};

} // namespace nsc::network
