#include "tradetarget/box_cox.hpp"

#include <cmath>
#include <limits>
#include <string>

#include <boost/math/tools/minima.hpp>

#include "tradetarget/errors.hpp"

namespace tradetarget {

namespace {

void check_lambda(double lambda) {
    if (!std::isfinite(lambda)) throw InputError("the Box-Cox lambda must be finite; got " + std::to_string(lambda));
}

}  // namespace

double box_cox(double y, double lambda) {
    check_lambda(lambda);
    if (!(y > 0.0) || !std::isfinite(y))
        throw InputError("the Box-Cox transform needs values that are finite and > 0; got " + std::to_string(y));
    if (lambda == 0.0) return std::log(y);
    return std::expm1(lambda * std::log(y)) / lambda;  // (y^lambda - 1) / lambda without cancellation
}

double inv_box_cox(double z, double lambda) {
    check_lambda(lambda);
    if (lambda == 0.0) return std::exp(z);
    const double x = lambda * z;  // lambda z + 1 > 0 iff x > -1
    if (x > -1.0) return std::exp(std::log1p(x) / lambda);
    if (lambda < 0.0) return std::numeric_limits<double>::infinity();
    return -std::pow(-(x + 1.0), 1.0 / lambda);
}

double bias_adjusted_mean(double median, double variance, double lambda) {
    if (std::isinf(median)) return median;
    if (!(median > 0.0))
        throw InputError("the bias-adjusted mean is undefined where the back-transformed mean is at or below "
                         "zero (positive = false lets the forecast cross zero): take positive = true or "
                         "biasadj = false");
    return median * (1.0 + 0.5 * variance * (1.0 - lambda) / std::pow(median, 2.0 * lambda));
}

double box_cox_mean(double z, double variance, double lambda) {
    return bias_adjusted_mean(inv_box_cox(z, lambda), variance, lambda);
}

double guerrero_lambda(const std::vector<double>& y, double lower, double upper) {
    const std::size_t n = y.size();
    if (n < 4) throw InputError("Guerrero's Box-Cox lambda needs at least 4 values (2 pairs); got " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i)
        if (!(y[i] > 0.0) || !std::isfinite(y[i]))
            throw InputError("Guerrero's Box-Cox lambda needs values that are finite and > 0; value " +
                             std::to_string(i + 1) + " is " + std::to_string(y[i]));
    if (!(lower < upper) || !std::isfinite(lower) || !std::isfinite(upper))
        throw InputError("Guerrero's Box-Cox lambda needs a search interval lower < upper; got [" +
                         std::to_string(lower) + ", " + std::to_string(upper) + "]");
    // each pair's mean and sd (sample sd of two values: |a - b| / sqrt(2)), of the series over its
    // geometric mean: the criterion does not change with the scale (each ratio takes the same factor
    // c^lambda), while mean^(1 - lambda) of a series far from 1 would overflow
    double mean_log = 0.0;
    for (double v : y) mean_log += std::log(v) / static_cast<double>(n);
    const double unit = std::exp(mean_log);
    const std::size_t pairs = n / 2, first = n - 2 * pairs;
    std::vector<double> means(pairs), sds(pairs);
    bool flat = true;
    for (std::size_t j = 0; j < pairs; ++j) {
        const double a = y[first + 2 * j] / unit, b = y[first + 2 * j + 1] / unit;
        means[j] = 0.5 * (a + b);
        sds[j] = std::fabs(a - b) / std::sqrt(2.0);
        flat = flat && sds[j] == 0.0;
    }
    if (flat)
        throw InputError("Guerrero's Box-Cox lambda is undefined for this series: every pair of consecutive values is "
                         "equal (no variation to stabilise)");
    // coefficient of variation (sample sd / mean) of the ratios sd_j / mean_j^(1 - lambda)
    const auto criterion = [&](double lambda) {
        double sum = 0.0, sum2 = 0.0;
        std::vector<double> ratio(pairs);
        for (std::size_t j = 0; j < pairs; ++j) {
            ratio[j] = sds[j] / std::pow(means[j], 1.0 - lambda);
            sum += ratio[j];
        }
        const double mean = sum / static_cast<double>(pairs);
        for (double r : ratio) sum2 += (r - mean) * (r - mean);
        return std::sqrt(sum2 / static_cast<double>(pairs - 1)) / mean;
    };
    // Brent's method to the precision a smooth minimum allows (half the mantissa's bits)
    const auto best = boost::math::tools::brent_find_minima(criterion, lower, upper, std::numeric_limits<double>::digits / 2);
    return best.first;
}

}  // namespace tradetarget
