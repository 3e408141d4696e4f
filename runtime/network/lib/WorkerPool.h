//===- WorkerPool.h - Threads for the model phase ---------------*- C++ -*-===//
//
// --threads=N: the model phase of a step (every neuron independent of the
// others, docs/semantics.md R16) is cut into tasks (chunks of neurons) that
// N workers claim from a shared counter; static delivery is cut into target
// ranges, each summed in the reference order (R17, Step.cpp). Which worker
// runs a task changes no result, so runs are byte-identical for any N.
//
// The caller claims tasks too and waits only for tasks some worker has
// claimed: a worker that is asleep or has no core (a loaded machine) costs
// nothing, the caller does its share. The old pool split the work in N fixed
// parts and waited for every worker, so one descheduled thread stalled every
// step (CUBA 4k: 1.7 s against 0.07 s on a loaded 2-core machine).
//
// Waiting: steps are short (microseconds), so a waiting thread first spins
// (kSpins pause instructions, about 20-60 us) and then sleeps on a condition
// variable. A thread about to sleep announces it (sleepers_, mainAsleep_);
// the other side takes the mutex and notifies only then, so a step costs no
// system call while the threads still spin.
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
  /// Pause-loop iterations before a waiting thread sleeps.
  static constexpr unsigned kSpins = 2000;
  /// At most this many tasks per run (the claim word's 32-bit index field
  /// also absorbs the failed claims of late workers).
  static constexpr size_t kMaxTasks = size_t(1) << 30;

  using Task = std::function<void(size_t task, unsigned worker)>;

  explicit WorkerPool(unsigned workers) {
    for (unsigned w = 1; w < workers; ++w)
      threads_.emplace_back([this, w] { loop(w); });
  }
  ~WorkerPool() {
    stop_.store(true);
    wakeWorkers();
    for (std::thread &t : threads_)
      t.join();
  }
  unsigned size() const { return unsigned(threads_.size()) + 1; }

  /// Runs fn(task, worker) for task = 0 .. count-1 (count <= kMaxTasks),
  /// each once, on whichever workers claim them (worker 0 is the caller),
  /// and returns when all have finished.
  void run(size_t count, const Task &fn) {
    if (threads_.empty() || count <= 1) {
      for (size_t t = 0; t < count; ++t)
        fn(t, 0);
      return;
    }
    task_ = &fn;
    done_.store(0);
    // Publishing the claim word (count, index 0) starts the run; task_ and
    // done_ are stored before it (seq_cst), so a claim sees them.
    claim_.store(uint64_t(count) << 32);
    wakeWorkers();
    size_t mine = work(0);
    if (mine < count)
      waitFor([&] { return done_.load() == count; }, mainAsleep_, mainWake_);
  }

private:
  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#else
    std::this_thread::yield();
#endif
  }

  void wakeWorkers() {
    signal_.fetch_add(1); // seq_cst: ordered before the load of sleepers_
    if (sleepers_.load() > 0) {
      { std::lock_guard<std::mutex> lock(mutex_); }
      workerWake_.notify_all();
    }
  }

  /// Claims and runs tasks until none is left; returns the number of tasks
  /// finished (by anyone) when this worker stopped, as seen by its last
  /// done_ increment (0 if it ran none).
  size_t work(unsigned w) {
    size_t finished = 0;
    for (;;) {
      uint64_t v = claim_.fetch_add(1);
      uint64_t index = v & 0xFFFFFFFFull, count = v >> 32;
      if (index >= count)
        return finished; // this run's tasks are all claimed (or no run yet)
      // index < count: the run is not over, so task_ is still its function.
      (*task_)(size_t(index), w);
      finished = done_.fetch_add(1) + 1;
      if (finished == count && mainAsleep_.load() > 0) {
        { std::lock_guard<std::mutex> lock(mutex_); }
        mainWake_.notify_one();
      }
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
    asleep.fetch_add(1);
    cv.wait(lock, done);
    asleep.fetch_sub(1);
  }

  void loop(unsigned w) {
    uint64_t seen = 0;
    for (;;) {
      uint64_t s = seen;
      waitFor([&] { return (s = signal_.load()) != seen; }, sleepers_, workerWake_);
      seen = s;
      if (stop_.load())
        return;
      work(w);
    }
  }

  std::vector<std::thread> threads_;
  /// Claim word: the run's task count (high 32 bits) and the next task
  /// index (low 32 bits); fetch_add claims. A claim with index < count is
  /// valid for whichever run the word belongs to, even by a worker woken for
  /// an earlier one, because task_ is stored before the word.
  std::atomic<uint64_t> claim_{0};
  std::atomic<size_t> done_{0};
  std::atomic<uint64_t> signal_{0};
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> sleepers_{0}, mainAsleep_{0};
  std::mutex mutex_;
  std::condition_variable workerWake_, mainWake_;
  const Task *task_ = nullptr;
};

} // namespace nsc::network
