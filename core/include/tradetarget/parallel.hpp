#pragma once
/// \file parallel.hpp
/// The one thread pool of the library: a parallel loop with dynamic scheduling. Callers make
/// their results independent of the schedule (each index writes its own slot and draws from its
/// own random stream), so the thread count never changes a number.
#include <cstddef>
#include <functional>

namespace tradetarget {

/// The number of threads `threads` asks for: itself when > 0, every hardware thread when 0.
int resolve_threads(int threads);

/// Runs body(i) for every i in [0, n) on up to resolve_threads(threads) threads, each taking the
/// next unclaimed index (items differ in cost). With one thread and no progress it runs on the
/// calling thread. `progress`, if given, is called on the calling thread (never on a worker) with
/// the number of items done, a few times a second and once at the end. An exception from body
/// or from progress stops the workers (they finish their current item) and is rethrown here.
void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& body,
                  const std::function<void(std::size_t)>& progress = {});

}  // namespace tradetarget
