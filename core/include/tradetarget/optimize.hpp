#pragma once
/// \file optimize.hpp
/// Unconstrained minimisation. Neither Eigen nor Boost 1.74 has a general multivariate minimiser,
/// so two are implemented here:
/// - nelder_mead: derivative-free, the Nelder–Mead simplex method (Nelder & Mead 1965) in the
///   variant of Nash (1990, Compact Numerical Methods, Algorithm 19) that R's optim() and
///   forecast::ets() use: same coefficients, initial simplex and stopping rule, so fits are
///   comparable with R's.
/// - bfgs: for objectives with an exact gradient, the BFGS quasi-Newton method with a
///   backtracking (Armijo) line search and restarts from steepest descent, as in Nash's variable
///   metric method (Algorithm 21, R's optim(method = "BFGS")), with the initial inverse Hessian
///   scaled as in Nocedal & Wright (2006, Numerical Optimization, eq. 6.20).
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

/// nelder_mead as a state machine: the caller evaluates each point it is asked for and tells the
/// value back, so that several minimisations can share one pass of their objectives (the ETS
/// classes of a series are fitted in lockstep, their recursions interleaved). The points asked
/// for, and the result, are nelder_mead's exactly:
///     NelderMeadSearch search(x0);
///     while (!search.done()) search.tell(f(search.next()));
class NelderMeadSearch {
public:
    explicit NelderMeadSearch(const Eigen::VectorXd& x0, const NelderMeadOptions& options = {});
    bool done() const { return phase_ == Phase::Done || phase_ == Phase::Failed; }
    /// The point to evaluate next (not valid once done()).
    const Eigen::VectorXd& next() const { return point_; }
    /// The objective at next(). Throws InputError when the first value (at x0) is not finite (the
    /// search has then failed: done(), and result() throws too) and when told after done().
    void tell(double value);
    NelderMeadResult result() const;

private:
    enum class Phase { Start, Simplex, Reflect, Expand, Contract, Shrink, Done, Failed };
    void set_simplex_vertex();
    void begin_iteration();
    void shrink_from(Eigen::Index j);

    NelderMeadOptions options_;
    Phase phase_ = Phase::Start;
    Eigen::Index n_, j_ = 0, low_ = 0, high_ = 0;
    Eigen::MatrixXd vertex_;
    Eigen::VectorXd fv_, point_, centroid_;
    double tolerance_ = 0, step_ = 0, size_ = 0, old_size_ = 0, f_reflected_ = 0, f_high_ = 0;
    int evaluations_ = 0;
    bool converged_ = false;
};

struct BfgsOptions {
    /// Stop when the largest |gradient| component is below this, or when no step lowers f (nor,
    /// at a value equal within rounding, the gradient) along steepest descent. Near an optimum
    /// with curvature H, a gradient g leaves f about g^2 / (2 H) above it: 1e-6 is 1e-12 / H, far
    /// closer than R's optim(reltol = 1e-8) stops.
    double gradient_tolerance = 1e-6;
    int max_iterations = 500;
    /// The first step moves no coordinate by more than this (in the optimiser's coordinates).
    double first_step = 1.0;
    /// When set, the run stops (abandoned) at the first accepted point (x, f(x)) where this
    /// holds: a restart that heads back to where an earlier run ended gives up there.
    std::function<bool(const Eigen::VectorXd& x, double value)> abandon;
};

struct BfgsResult {
    Eigen::VectorXd x;
    double value = 0.0;
    int evaluations = 0;  ///< calls of the objective (each with its gradient)
    int iterations = 0;
    bool converged = false;
    bool abandoned = false;  ///< stopped by BfgsOptions::abandon
};

/// The objective and, written into its second argument, its gradient. Non-finite values mark
/// points outside the feasible region (the line search steps back from them).
using ValueAndGradient = std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd& gradient)>;

/// Minimises f from x0 by BFGS (see the file comment). Throws InputError when f is not finite
/// at x0.
BfgsResult bfgs(const ValueAndGradient& f, const Eigen::VectorXd& x0, const BfgsOptions& options = {});

}  // namespace tradetarget
