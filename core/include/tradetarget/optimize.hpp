#pragma once
/// \file optimize.hpp
/// Derivative-free minimisation. Neither Eigen nor Boost 1.74 has a general multivariate
/// minimiser, so the Nelder–Mead simplex method (Nelder & Mead 1965) is implemented here in the
/// variant of Nash (1990, Compact Numerical Methods, Algorithm 19) that R's optim() and
/// forecast::ets() use: same coefficients, initial simplex and stopping rule, so fits are
/// comparable with R's.
#include <functional>

#include <Eigen/Core>

namespace tradetarget {

struct NelderMeadOptions {
    double reflection = 1.0;
    double contraction = 0.5;
    double expansion = 2.0;
    double relative_tolerance = 1.4901161193847656e-08;  // sqrt(machine epsilon)
    int max_evaluations = 2000;
};

struct NelderMeadResult {
    Eigen::VectorXd x;
    double value = 0.0;
    int evaluations = 0;
    bool converged = false;
};

/// Minimises f from x0. Non-finite values of f count as 1e35 (outside the feasible region).
NelderMeadResult nelder_mead(const std::function<double(const Eigen::VectorXd&)>& f,
                             const Eigen::VectorXd& x0, const NelderMeadOptions& options = {});

}  // namespace tradetarget
