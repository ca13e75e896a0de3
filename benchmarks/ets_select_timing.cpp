// Time (and profile) EtsModel::select alone, the step the panel benchmark spends its time in:
// 1,000 seeded series of length 25 (random walks with drift in logs).
//   cmake --build build/cpp
//   g++ -std=c++17 -O2 -g -Icore/include -I/usr/include/eigen3 benchmarks/ets_select_timing.cpp \
//       -Lbuild/cpp/core -ltradetarget -lpthread -o build/ets_select_timing
//   build/ets_select_timing                       # ms per series and a checksum of the AICcs
//   perf record -g -o build/perf.data build/ets_select_timing && perf report -i build/perf.data --no-children
#include <chrono>
#include <cmath>
#include <iostream>
#include <vector>

#include <boost/random/normal_distribution.hpp>

#include "tradetarget/ets.hpp"
#include "tradetarget/random.hpp"

int main() {
    using namespace tradetarget;
    Rng rng = make_rng(1, 0);
    boost::random::normal_distribution<double> normal;
    std::vector<std::vector<double>> panel;
    for (int i = 0; i < 1000; ++i) {
        std::vector<double> y;
        double log_level = std::log(100.0);
        for (int t = 0; t < 25; ++t) {
            log_level += 0.05 + 0.1 * normal(rng);
            y.push_back(std::exp(log_level));
        }
        panel.push_back(y);
    }
    const auto start = std::chrono::steady_clock::now();
    double checksum = 0.0;
    for (const auto& y : panel) checksum += EtsModel::select(y).aicc();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << seconds / static_cast<double>(panel.size()) * 1e3 << " ms per series (AICc checksum " << checksum << ")\n";
}
