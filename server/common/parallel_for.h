#ifndef ICR_SERVER_COMMON_PARALLEL_FOR_H_
#define ICR_SERVER_COMMON_PARALLEL_FOR_H_

// Running independent tasks 0..n-1 on the machine's cores, for the passes
// over large reliability data (a million units) that split into pieces.

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace icr {

// How many threads the parallel passes use: the cores, at least one.
inline int WorkerCount() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Calls task(i) once for every i in [0, n), on up to WorkerCount() threads
// (the calling thread among them), and returns when all are done. Tasks are
// taken in order as threads free up, so pieces of uneven cost still balance.
template <typename Task>
void ParallelFor(int n, const Task& task) {
  const int threads = std::min(n, WorkerCount());
  if (threads <= 1) {
    for (int i = 0; i < n; ++i) task(i);
    return;
  }
  std::atomic<int> next{0};
  auto work = [&] {
    for (int i = next.fetch_add(1); i < n; i = next.fetch_add(1)) task(i);
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (int t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
}

}  // namespace icr

#endif  // ICR_SERVER_COMMON_PARALLEL_FOR_H_
