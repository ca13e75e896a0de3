#pragma once
// What every fuzz target checks: the only exception the core may throw on any input is
// InputError, and every result it returns is finite and within its range.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <Eigen/Core>

#define FUZZ_CHECK(condition)                                                             \
    do {                                                                                  \
        if (!(condition)) {                                                               \
            std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #condition, __FILE__, \
                         __LINE__);                                                       \
            std::abort();                                                                 \
        }                                                                                 \
    } while (0)

inline void check_cdf(const Eigen::VectorXd& cdf) {
    for (Eigen::Index k = 0; k < cdf.size(); ++k) {
        FUZZ_CHECK(std::isfinite(cdf(k)) && cdf(k) >= 0.0 && cdf(k) <= 1.0);
        if (k > 0) FUZZ_CHECK(cdf(k) >= cdf(k - 1) - 1e-12);
    }
}
