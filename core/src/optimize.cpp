#include "tradetarget/optimize.hpp"

#include <cmath>

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

}  // namespace tradetarget
