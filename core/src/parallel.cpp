#include "tradetarget/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tradetarget {

int resolve_threads(int threads) {
    return threads > 0 ? threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& body,
                  const std::function<void(std::size_t)>& progress) {
    const auto n_threads = std::min(n, static_cast<std::size_t>(resolve_threads(threads)));
    if (n_threads <= 1 && !progress) {
        for (std::size_t i = 0; i < n; ++i) body(i);
        return;
    }
    std::atomic<std::size_t> next{0}, done{0};
    std::mutex mutex;
    std::condition_variable finished;
    std::exception_ptr failure;
    const auto work = [&] {
        try {
            for (std::size_t i = next++; i < n; i = next++) {
                body(i);
                ++done;
            }
        } catch (...) {  // stop everyone; rethrown below
            std::lock_guard<std::mutex> lock(mutex);
            if (!failure) failure = std::current_exception();
            next = n;
        }
        // `done` changed outside the mutex: take it once before notifying, so the wake-up cannot fall
        // between the waiter's check and its sleep (it would then wait out its 200 ms)
        { std::lock_guard<std::mutex> lock(mutex); }
        finished.notify_one();
    };
    std::vector<std::thread> workers;
    const std::size_t spawned = std::max<std::size_t>(1, n_threads);
    workers.reserve(spawned);
    for (std::size_t t = 0; t < spawned; ++t) workers.emplace_back(work);
    std::exception_ptr interrupted;  // the progress callback threw (e.g. Ctrl-C in Python)
    try {
        std::unique_lock<std::mutex> lock(mutex);
        while (!finished.wait_for(lock, std::chrono::milliseconds(200), [&] { return done == n || failure; }))
            if (progress) {
                lock.unlock();
                progress(done.load());
                lock.lock();
            }
    } catch (...) {
        interrupted = std::current_exception();
        next = n;
    }
    for (std::thread& worker : workers) worker.join();
    if (interrupted) std::rethrow_exception(interrupted);
    if (failure) std::rethrow_exception(failure);
    if (progress) progress(done.load());
}

}  // namespace tradetarget
