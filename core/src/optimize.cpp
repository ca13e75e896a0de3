#include "tradetarget/optimize.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tradetarget/errors.hpp"

namespace tradetarget {
namespace {

constexpr double infeasible = 1e35;

}  // namespace

NelderMeadResult nelder_mead(const std::function<double(const Eigen::VectorXd&)>& f,
                             const Eigen::VectorXd& x0, const NelderMeadOptions& options) {
    NelderMeadSearch search(x0, options);
    while (!search.done()) search.tell(f(search.next()));
    return search.result();
}

// The trial points live in preallocated vectors: a fit of a 25-year ETS class spends as long in
// small allocations as in its likelihood otherwise.
NelderMeadSearch::NelderMeadSearch(const Eigen::VectorXd& x0, const NelderMeadOptions& options)
    : options_(options), n_(x0.size()) {
    if (n_ < 1) throw InputError("nelder_mead needs at least one parameter");
    vertex_.resize(n_, n_ + 1);
    fv_.resize(n_ + 1);
    centroid_.resize(n_);
    point_ = x0;
}

void NelderMeadSearch::tell(double value) {
    if (phase_ == Phase::Done || phase_ == Phase::Failed)
        throw InputError("NelderMeadSearch::tell called after the search ended");
    ++evaluations_;
    if (!std::isfinite(value)) value = infeasible;
    switch (phase_) {
        case Phase::Start:
            if (value >= infeasible) {
                phase_ = Phase::Failed;
                throw InputError("the objective cannot be evaluated at the starting values");
            }
            tolerance_ = options_.relative_tolerance * (std::fabs(value) + options_.relative_tolerance);
            // Initial simplex: x0 and one vertex per coordinate, moved by a tenth of the largest |x0_i|.
            vertex_.col(0) = point_;
            fv_(0) = value;
            step_ = 0.1 * point_.cwiseAbs().maxCoeff();
            if (step_ == 0.0) step_ = 0.1;
            j_ = 1;
            set_simplex_vertex();
            phase_ = Phase::Simplex;
            return;
        case Phase::Simplex:
            fv_(j_) = value;
            if (++j_ <= n_) {
                set_simplex_vertex();
                return;
            }
            old_size_ = size_;
            low_ = 0;
            begin_iteration();
            return;
        case Phase::Reflect:
            f_reflected_ = value;
            if (value < fv_(low_)) {
                centroid_ = options_.expansion * point_ + (1.0 - options_.expansion) * centroid_;
                point_.swap(centroid_);  // point_: the expanded point; centroid_ keeps the reflected one
                phase_ = Phase::Expand;
                return;
            }
            f_high_ = fv_(high_);
            if (value < f_high_) {
                vertex_.col(high_) = point_;
                fv_(high_) = value;
            }
            point_ = (1.0 - options_.contraction) * vertex_.col(high_) + options_.contraction * centroid_;
            phase_ = Phase::Contract;
            return;
        case Phase::Expand:
            if (value < f_reflected_) {
                vertex_.col(high_) = point_;
                fv_(high_) = value;
            } else {
                vertex_.col(high_) = centroid_;
                fv_(high_) = f_reflected_;
            }
            begin_iteration();
            return;
        case Phase::Contract:
            if (value < fv_(high_)) {
                vertex_.col(high_) = point_;
                fv_(high_) = value;
                begin_iteration();
            } else if (f_reflected_ >= f_high_) {
                // Shrink towards the best vertex; give up when the simplex stops getting smaller.
                size_ = 0.0;
                shrink_from(0);
            } else {
                begin_iteration();
            }
            return;
        case Phase::Shrink:
            fv_(j_) = value;
            shrink_from(j_ + 1);
            return;
        case Phase::Done:
        case Phase::Failed: break;  // refused above
    }
}

void NelderMeadSearch::set_simplex_vertex() {
    vertex_.col(j_) = vertex_.col(0);
    double trial = step_;
    while (vertex_(j_ - 1, j_) == vertex_(j_ - 1, 0)) {  // a step lost to rounding: make it larger
        vertex_(j_ - 1, j_) = vertex_(j_ - 1, 0) + trial;
        trial *= 10.0;
    }
    size_ += trial;
    point_ = vertex_.col(j_);
}

void NelderMeadSearch::begin_iteration() {
    if (evaluations_ > options_.max_evaluations) {
        phase_ = Phase::Done;
        return;
    }
    high_ = low_;
    for (Eigen::Index j = 0; j <= n_; ++j) {
        if (fv_(j) < fv_(low_)) low_ = j;
        if (fv_(j) > fv_(high_)) high_ = j;
    }
    if (fv_(high_) <= fv_(low_) + tolerance_) {
        converged_ = true;
        phase_ = Phase::Done;
        return;
    }
    // The centroid of all vertices but the worst, summed in R's order (nmmin: minus the worst,
    // then every vertex in turn), so that the path does not depend on how Eigen would vectorise
    // the sum.
    for (Eigen::Index i = 0; i < n_; ++i) {
        double sum = -vertex_(i, high_);
        for (Eigen::Index j = 0; j <= n_; ++j) sum += vertex_(i, j);
        centroid_(i) = sum / static_cast<double>(n_);
    }
    point_ = (1.0 + options_.reflection) * centroid_ - options_.reflection * vertex_.col(high_);
    phase_ = Phase::Reflect;
}

void NelderMeadSearch::shrink_from(Eigen::Index j) {
    if (j == low_) ++j;
    if (j <= n_) {
        for (Eigen::Index i = 0; i < n_; ++i) {  // R's order of the size's sum, too
            vertex_(i, j) = options_.contraction * (vertex_(i, j) - vertex_(i, low_)) + vertex_(i, low_);
            size_ += std::fabs(vertex_(i, j) - vertex_(i, low_));
        }
        point_ = vertex_.col(j);
        j_ = j;
        phase_ = Phase::Shrink;
        return;
    }
    if (size_ >= old_size_) {
        phase_ = Phase::Done;
        return;
    }
    old_size_ = size_;
    begin_iteration();
}

NelderMeadResult NelderMeadSearch::result() const {
    if (phase_ == Phase::Failed) throw InputError("the objective cannot be evaluated at the starting values");
    NelderMeadResult out;
    out.x = vertex_.col(low_);
    out.value = fv_(low_);
    out.evaluations = evaluations_;
    out.converged = converged_;
    return out;
}

BfgsResult bfgs(const ValueAndGradient& f, const Eigen::VectorXd& x0, const BfgsOptions& options) {
    const Eigen::Index n = x0.size();
    if (n < 1) throw InputError("bfgs needs at least one parameter");
    constexpr double armijo = 1e-4, backtrack = 0.2;  // Nash's acctol and stepredn
    BfgsResult result;
    Eigen::VectorXd x = x0, g(n), trial(n), trial_gradient(n), direction(n), s(n), y(n), hy(n);
    double fx = f(x, g);
    result.evaluations = 1;
    if (!std::isfinite(fx) || !g.allFinite())
        throw InputError("the objective cannot be evaluated at the starting values");
    Eigen::MatrixXd inverse_hessian = Eigen::MatrixXd::Identity(n, n);
    bool fresh = true;  // inverse_hessian is the identity: the next direction is steepest descent
    while (result.iterations < options.max_iterations) {
        if (g.cwiseAbs().maxCoeff() <= options.gradient_tolerance) {
            result.converged = true;
            break;
        }
        direction.noalias() = -inverse_hessian * g;
        // Steepest descent has no curvature to scale it: limit its first step instead.
        if (fresh) direction /= std::max(1.0, direction.cwiseAbs().maxCoeff() / options.first_step);
        const double slope = g.dot(direction);
        bool accepted = false;
        double f_trial = fx;
        if (slope < 0.0) {
            for (double step = 1.0;; step *= backtrack) {
                trial = x + step * direction;
                if (trial == x) break;  // the step no longer moves any coordinate
                f_trial = f(trial, trial_gradient);
                ++result.evaluations;
                if (!std::isfinite(f_trial) || !trial_gradient.allFinite()) continue;
                // Armijo's sufficient decrease; or, where f no longer resolves the decrease (its
                // rounding is larger), a smaller gradient at a value equal within rounding: the
                // exact gradient locates the optimum to far more digits than f's values can.
                const bool rounding = f_trial - fx <= 8.0 * std::numeric_limits<double>::epsilon() * std::fabs(fx);
                if (f_trial <= fx + armijo * step * slope ||
                    (rounding && trial_gradient.cwiseAbs().maxCoeff() < g.cwiseAbs().maxCoeff())) {
                    accepted = true;
                    break;
                }
            }
        }
        if (!accepted) {
            // No progress: converged if this was already a steepest-descent step, else restart.
            if (fresh) {
                result.converged = true;
                break;
            }
            inverse_hessian.setIdentity();
            fresh = true;
            continue;
        }
        ++result.iterations;
        s = trial - x;
        y = trial_gradient - g;
        x = trial;
        fx = f_trial;
        g = trial_gradient;
        if (options.abandon && options.abandon(x, fx)) {
            result.abandoned = true;
            break;
        }
        const double sy = s.dot(y);
        if (!(sy > 0.0)) {  // no positive curvature along the step: the update would lose definiteness
            inverse_hessian.setIdentity();
            fresh = true;
            continue;
        }
        if (fresh) inverse_hessian *= sy / y.squaredNorm();  // Nocedal & Wright eq. 6.20
        fresh = false;
        // H <- (I - rho s y') H (I - rho y s') + rho s s', rho = 1 / s'y (Nocedal & Wright eq. 6.17)
        hy.noalias() = inverse_hessian * y;
        const double rho = 1.0 / sy, yhy = y.dot(hy);
        inverse_hessian.noalias() -= rho * (hy * s.transpose() + s * hy.transpose());
        inverse_hessian.noalias() += (rho * rho * yhy + rho) * (s * s.transpose());
    }
    result.x = x;
    result.value = fx;
    return result;
}

}  // namespace tradetarget
