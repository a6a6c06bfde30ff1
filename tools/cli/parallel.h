// parallelFor: runs fn(i) for i in [0, n) on up to `jobs` threads, each
// index exactly once; returns when all are done. orderedPipeline: produces
// results on worker threads and consumes them on the calling thread in index
// order. Used by validate to load data files and compile rules in parallel,
// and to evaluate every (rules file, data file) pair while writing output in
// order.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace guard::cli {

template <typename Fn>
void parallelFor(size_t n, unsigned jobs, Fn&& fn) {
  jobs = std::max(1u, std::min<unsigned>(jobs, unsigned(std::min<size_t>(n, 1024))));
  if (jobs <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> threads;
  threads.reserve(jobs - 1);
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
}

// Tells produce(i) whether every result before i has been consumed, so that
// it may write its own output now instead of holding it (validate streams a
// report of gigabytes straight to stdout rather than through a temporary
// file). Once true it stays true until produce(i) returns: the consumer
// waits for result i and writes nothing meanwhile.
class OutputTurn {
 public:
  OutputTurn(const std::atomic<size_t>& head, size_t index) : head_(&head), index_(index) {}
  bool mine() const { return head_->load(std::memory_order_acquire) == index_; }

 private:
  const std::atomic<size_t>* head_;
  size_t index_;
};

// produce(i) — or produce(i, turn), turn an OutputTurn — for i in [0, n) on
// `jobs` threads (the caller's among them),
// claimed in index order; consume(i, result) in index order, each as soon as
// it and all before it are ready, by whichever thread finds it next in line
// (one at a time, so consume needs no locking of its own). Nobody waits on
// each result: with tens of thousands of small pairs, a wake-up per result
// cost more than the work. Two indices with the same key(i) are never
// produced at the same time (validate: pairs on one data file, whose Document
// builds its caches as it is used, by one thread at a time). At most `window`
// results wait to be consumed, which bounds memory. consume returning false
// stops the pipeline: nothing new is produced, and it returns once every
// thread is done. With one job it is a plain loop.
template <typename T, typename Key, typename Produce, typename Consume>
void orderedPipeline(size_t n, unsigned jobs, size_t window, Key&& key, Produce&& produce, Consume&& consume) {
  // The index whose output may be written now; SIZE_MAX once stopped.
  std::atomic<size_t> head{0};
  auto produceOne = [&](size_t i) -> T {
    if constexpr (std::is_invocable_v<Produce&, size_t, const OutputTurn&>)
      return produce(i, OutputTurn(head, i));
    else
      return produce(i);
  };
  if (jobs <= 1 || n <= 1) {
    for (size_t i = 0; i < n; ++i) {
      head.store(i, std::memory_order_release);
      T result = produceOne(i);
      if (!consume(i, result)) return;
    }
    return;
  }
  window = std::max<size_t>(window, jobs);
  std::vector<std::optional<T>> ready(n);
  std::vector<char> taken(n, 0);
  std::vector<size_t> busy;  // keys being produced
  std::mutex m;
  std::condition_variable roomCv;
  size_t firstFree = 0, next = 0;  // next: the index to consume
  unsigned waiting = 0;            // threads waiting for something to claim
  bool consuming = false, stop = false;
  // The first index in the window that is free and whose key is not busy.
  auto claimable = [&]() -> size_t {
    while (firstFree < n && taken[firstFree]) ++firstFree;
    const size_t end = std::min(n, next + window);
    for (size_t i = firstFree; i < end; ++i)
      if (!taken[i] && std::find(busy.begin(), busy.end(), key(i)) == busy.end()) return i;
    return n;
  };
  auto wakeWaiting = [&] {
    if (waiting) roomCv.notify_all();
  };
  // Called with the lock held; consumes what is ready in order, unlocking
  // around each consume. Leaves with the lock held.
  auto drain = [&](std::unique_lock<std::mutex>& lock) {
    if (consuming) return;  // the thread consuming will reach it
    consuming = true;
    while (!stop && next < n && ready[next]) {
      T result = std::move(*ready[next]);
      ready[next].reset();
      const size_t k = next;
      lock.unlock();
      const bool go = consume(k, result);
      lock.lock();
      next = k + 1;
      if (!go) stop = true;
      // Release: what consume wrote is seen by the producer whose turn it is.
      head.store(stop ? SIZE_MAX : next, std::memory_order_release);
      wakeWaiting();
    }
    consuming = false;
  };
  auto worker = [&] {
    std::unique_lock<std::mutex> lock(m);
    for (;;) {
      size_t i = n;
      for (;;) {
        if (stop) return;
        i = claimable();  // moves firstFree past what is taken
        if (i < n) break;
        // Everything is claimed: whoever produces the rest consumes it.
        // (Checking firstFree before claimable() had moved it let the last
        // thread wait for a wake-up that nobody was left to give.)
        if (firstFree >= n) return;
        ++waiting;
        roomCv.wait(lock);
        --waiting;
      }
      taken[i] = 1;
      busy.push_back(key(i));
      lock.unlock();
      T result = produceOne(i);
      lock.lock();
      ready[i].emplace(std::move(result));
      busy.erase(std::find(busy.begin(), busy.end(), key(i)));
      wakeWaiting();
      drain(lock);
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(jobs - 1);
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
}

// -j 0 means every core.
inline unsigned effectiveJobs(int requested) {
  if (requested > 0) return unsigned(requested);
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? hw : 1;
}

}  // namespace guard::cli
