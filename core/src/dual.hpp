#pragma once
// Forward-mode dual numbers for the exact gradients of the likelihoods (ETS, ARIMA): Eigen's
// AutoDiffScalar, whose partial derivatives ride along with each value. A likelihood written once
// as a template gives the value (double) and the value with its gradient (a dual) from the same
// code. A private header of the library.
#include <Eigen/Core>
#include <unsupported/Eigen/AutoDiff>

namespace tradetarget {

/// A dual number with K partials in a fixed-size vector: the loops over them unroll and nothing
/// is resized or allocated.
template <int K>
using DualOf = Eigen::AutoDiffScalar<Eigen::Matrix<double, K, 1>>;
/// Up to 11 partials in a vector on the stack, for a count known only at run time.
using DualUpTo11 = Eigen::AutoDiffScalar<Eigen::Matrix<double, Eigen::Dynamic, 1, 0, 11, 1>>;

inline double value_of(double x) { return x; }
template <typename D>
double value_of(const Eigen::AutoDiffScalar<D>& x) {
    return x.value();
}

/// x as duals seeded for the gradient: x(i) with unit partial i.
template <typename Dual>
Eigen::Matrix<Dual, Eigen::Dynamic, 1> seeded(const Eigen::VectorXd& x) {
    const auto k = static_cast<int>(x.size());
    Eigen::Matrix<Dual, Eigen::Dynamic, 1> out(k);
    for (int i = 0; i < k; ++i) out(i) = Dual(x(i), k, i);
    return out;
}

}  // namespace tradetarget
