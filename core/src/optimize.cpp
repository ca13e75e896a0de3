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
    const Eigen::Index n = x0.size();
    if (n < 1) throw InputError("nelder_mead needs at least one parameter");
    NelderMeadResult result;
    // The loop allocates nothing: every trial point lives in one of these (a fit of a 25-year ETS
    // class spends as long in small allocations as in its likelihood otherwise). The arithmetic is
    // the same expression by expression.
    Eigen::VectorXd point(n), centroid(n), reflected(n), expanded(n), contracted(n);
    auto value = [&](const Eigen::VectorXd& x) {
        ++result.evaluations;
        const double v = f(x);
        return std::isfinite(v) ? v : infeasible;
    };
    auto value_of_column = [&](const auto& column) {
        point = column;
        return value(point);
    };
    const double f0 = value(x0);
    if (f0 >= infeasible) throw InputError("the objective cannot be evaluated at the starting values");
    const double tolerance = options.relative_tolerance * (std::fabs(f0) + options.relative_tolerance);

    // Initial simplex: x0 and one vertex per coordinate, moved by a tenth of the largest |x0_i|.
    Eigen::MatrixXd vertex(n, n + 1);
    Eigen::VectorXd fv(n + 1);
    vertex.col(0) = x0;
    fv(0) = f0;
    double step = 0.1 * x0.cwiseAbs().maxCoeff();
    if (step == 0.0) step = 0.1;
    double size = 0.0;
    for (Eigen::Index j = 1; j <= n; ++j) {
        vertex.col(j) = x0;
        double trial = step;
        while (vertex(j - 1, j) == x0(j - 1)) {  // a step lost to rounding: make it larger
            vertex(j - 1, j) = x0(j - 1) + trial;
            trial *= 10.0;
        }
        size += trial;
        fv(j) = value_of_column(vertex.col(j));
    }
    double old_size = size;
    Eigen::Index low = 0;
    while (result.evaluations <= options.max_evaluations) {
        Eigen::Index high = low;
        for (Eigen::Index j = 0; j <= n; ++j) {
            if (fv(j) < fv(low)) low = j;
            if (fv(j) > fv(high)) high = j;
        }
        if (fv(high) <= fv(low) + tolerance) {
            result.converged = true;
            break;
        }
        centroid = (vertex.rowwise().sum() - vertex.col(high)) / static_cast<double>(n);
        reflected = (1.0 + options.reflection) * centroid - options.reflection * vertex.col(high);
        const double f_reflected = value(reflected);
        if (f_reflected < fv(low)) {
            expanded = options.expansion * reflected + (1.0 - options.expansion) * centroid;
            const double f_expanded = value(expanded);
            if (f_expanded < f_reflected) {
                vertex.col(high) = expanded;
                fv(high) = f_expanded;
            } else {
                vertex.col(high) = reflected;
                fv(high) = f_reflected;
            }
            continue;
        }
        const double f_high = fv(high);
        if (f_reflected < f_high) {
            vertex.col(high) = reflected;
            fv(high) = f_reflected;
        }
        contracted = (1.0 - options.contraction) * vertex.col(high) + options.contraction * centroid;
        const double f_contracted = value(contracted);
        if (f_contracted < fv(high)) {
            vertex.col(high) = contracted;
            fv(high) = f_contracted;
        } else if (f_reflected >= f_high) {
            // Shrink towards the best vertex; give up when the simplex stops getting smaller.
            size = 0.0;
            for (Eigen::Index j = 0; j <= n; ++j) {
                if (j == low) continue;
                vertex.col(j) = options.contraction * (vertex.col(j) - vertex.col(low)) + vertex.col(low);
                size += (vertex.col(j) - vertex.col(low)).cwiseAbs().sum();
                fv(j) = value_of_column(vertex.col(j));
            }
            if (size >= old_size) break;
            old_size = size;
        }
    }
    result.x = vertex.col(low);
    result.value = fv(low);
    return result;
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
