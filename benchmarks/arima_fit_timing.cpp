// Time auto ARIMA alone on 1,000 seeded annual series of 25 years (random walks with drift in
// logs and AR(1) noise), with a checksum of the chosen models' AICcs and log-likelihoods: the
// figure to compare when the optimiser changes (a better optimum has a higher log-likelihood).
//   cmake --build build/cpp
//   g++ -std=c++17 -O2 -g -Icore/include -I/usr/include/eigen3 benchmarks/arima_fit_timing.cpp \
//       -Lbuild/cpp/core -ltradetarget -lpthread -o build/arima_fit_timing
//   build/arima_fit_timing
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <vector>

#include <boost/random/normal_distribution.hpp>

#include "tradetarget/arima.hpp"
#include "tradetarget/random.hpp"

int main() {
    using namespace tradetarget;
    Rng rng = make_rng(1, 0);
    boost::random::normal_distribution<double> normal;
    std::vector<std::vector<double>> panel;
    for (int i = 0; i < 1000; ++i) {
        std::vector<double> y;
        double log_level = std::log(100.0), noise = 0.0;
        for (int t = 0; t < 25; ++t) {
            noise = 0.5 * noise + 0.05 * normal(rng);
            log_level += 0.05 + 0.1 * normal(rng);
            y.push_back(std::exp(log_level + noise));
        }
        panel.push_back(y);
    }
    const auto start = std::chrono::steady_clock::now();
    double aicc = 0.0, loglik = 0.0;
    for (const auto& y : panel) {
        const ArimaModel m = auto_arima(y);
        aicc += m.aicc();
        loglik += m.loglik();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << std::setprecision(12) << seconds / static_cast<double>(panel.size()) * 1e3
              << " ms per series (sum of AICc " << aicc << ", of log-likelihoods " << loglik << ")\n";
}
