// Tests of tools/cli/parallel.h: parallelFor runs every index once, and
// orderedPipeline (validate's evaluation of (rules file, data file) pairs)
// consumes in index order, never produces two indices of one key at once,
// keeps at most `window` results waiting, and stops early when asked.
#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tools/cli/parallel.h"

namespace guard::cli {
namespace {

void jitter(size_t i) {
  std::this_thread::sleep_for(std::chrono::microseconds((i * 7919) % 200));
}

TEST(ParallelFor, RunsEveryIndexOnce) {
  std::vector<std::atomic<int>> hits(500);
  parallelFor(hits.size(), 4, [&](size_t i) { ++hits[i]; });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(OrderedPipeline, ConsumesInOrderWithKeysExclusiveAndTheWindowBounded) {
  for (unsigned jobs : {1u, 2u, 4u}) {
    const size_t n = 400, window = 6;
    std::vector<std::atomic<int>> running(5);  // per key
    std::atomic<bool> overlap{false};
    std::atomic<size_t> consumedSoFar{0};
    std::atomic<bool> outOfWindow{false};
    std::vector<size_t> order;
    orderedPipeline<size_t>(
        n, jobs, window, [](size_t i) { return i % 5; },
        [&](size_t i) {
          if (i >= consumedSoFar.load() + window) outOfWindow = true;
          if (++running[i % 5] > 1) overlap = true;
          jitter(i);
          --running[i % 5];
          return i * 3;
        },
        [&](size_t i, size_t& v) {
          EXPECT_EQ(v, i * 3);
          order.push_back(i);
          consumedSoFar = i + 1;
          return true;
        });
    ASSERT_EQ(order.size(), n) << "jobs " << jobs;
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(order[i], i) << "jobs " << jobs;
    EXPECT_FALSE(overlap) << "jobs " << jobs;
    EXPECT_FALSE(outOfWindow) << "jobs " << jobs;
  }
}

// Many short pipelines with no work in produce, so that the threads race
// for the last steps; a lost wake-up there once left the caller waiting
// forever (validate -j 2 hung). A watchdog turns a hang into a failure.
TEST(OrderedPipeline, ShortPipelinesAlwaysFinish) {
  std::atomic<bool> finished{false};
  std::thread watchdog([&] {
    for (int i = 0; i < 600 && !finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!finished) {
      ADD_FAILURE() << "orderedPipeline did not finish within 60 s";
      std::_Exit(1);
    }
  });
  std::mt19937 rng(3);
  for (int round = 0; round < 3000; ++round) {
    const size_t n = 1 + rng() % 24;
    const unsigned jobs = 2 + rng() % 3;
    const size_t keys = 1 + rng() % 4;
    size_t consumed = 0;
    orderedPipeline<size_t>(
        n, jobs, 1 + rng() % 6, [&](size_t i) { return i % keys; }, [](size_t i) { return i; },
        [&](size_t i, size_t& v) {
          EXPECT_EQ(v, i);
          EXPECT_EQ(i, consumed);
          ++consumed;
          return true;
        });
    ASSERT_EQ(consumed, n) << "round " << round;
  }
  finished = true;
  watchdog.join();
}

// A producer told that its turn has come may write at once: every result
// before its own has been consumed, and nothing is consumed until it returns.
TEST(OrderedPipeline, ATurnComesOnlyAfterEverythingBeforeIsConsumed) {
  for (unsigned jobs : {1u, 2u, 4u}) {
    std::atomic<size_t> consumed{0};
    std::atomic<size_t> turnsSeen{0};
    std::atomic<bool> early{false};
    orderedPipeline<size_t>(
        300, jobs, 5, [](size_t i) { return i; },
        [&](size_t i, const OutputTurn& turn) {
          for (int poll = 0; poll < 4; ++poll) {
            if (turn.mine()) {
              ++turnsSeen;
              if (consumed.load() != i) early = true;
              jitter(i);  // "writing": the consumer must not move meanwhile
              if (consumed.load() != i) early = true;
              break;
            }
            jitter(i + poll);
          }
          return i;
        },
        [&](size_t i, size_t&) {
          consumed = i + 1;
          return true;
        });
    EXPECT_FALSE(early) << "jobs " << jobs;
    EXPECT_GT(turnsSeen.load(), 0u) << "jobs " << jobs;
    if (jobs == 1) EXPECT_EQ(turnsSeen.load(), 300u);
  }
}

TEST(OrderedPipeline, StopsWhenConsumeSaysSo) {
  std::atomic<size_t> produced{0};
  std::vector<size_t> order;
  orderedPipeline<int>(
      10000, 3, 8, [](size_t i) { return i; },
      [&](size_t i) {
        ++produced;
        jitter(i);
        return int(i);
      },
      [&](size_t i, int&) {
        order.push_back(i);
        return i < 20;
      });
  ASSERT_EQ(order.size(), 21u);
  EXPECT_LT(produced.load(), 21u + 8u + 3u);  // the window, plus one in hand per thread
}

}  // namespace
}  // namespace guard::cli
