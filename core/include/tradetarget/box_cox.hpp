#pragma once
/// \file box_cox.hpp
/// The Box-Cox transformation (Box & Cox 1964, JRSS B 26(2)) as R's forecast package defines it,
/// and Guerrero's (1993, J. Forecasting 12(1)) choice of its lambda. A model of levels fitted to the
/// transformed series (level_models.hpp, ModelOptions::box_cox_lambda) forecasts the level as the
/// inverse transform of its normal forecast: its quantiles are the inverse transform's of the normal's
/// (the transform is monotone), its mean approximately R's bias-adjusted one (box_cox_mean).
#include <vector>

namespace tradetarget {

/// (y^lambda - 1) / lambda, and log(y) at lambda = 0, for y > 0 (R's BoxCox). Throws InputError
/// for y <= 0 or a non-finite lambda.
double box_cox(double y, double lambda);

/// The inverse, (lambda z + 1)^(1 / lambda), and exp(z) at lambda = 0 (R's InvBoxCox). Beyond the
/// transform's range, where lambda z + 1 <= 0: for lambda > 0 R's sign-preserving power
/// -|lambda z + 1|^(1 / lambda) (a level at or below zero), for lambda < 0 +infinity (R: NA).
/// Computed as exp(log1p(lambda z) / lambda), accurate for lambda near zero.
double inv_box_cox(double z, double lambda);

/// The mean of the level whose transform has mean z and variance `variance`, by R's bias
/// adjustment (forecast(biasadj = TRUE); Hyndman & Athanasopoulos, FPP3 §5.6): the second-order
/// Taylor expansion y (1 + variance (1 - lambda) / (2 y^(2 lambda))), y = inv_box_cox(z, lambda);
/// InputError where y <= 0 (undefined there; R gives NaN). For lambda < 0 the level's true mean is
/// infinite (the normal reaches the pole), and this is not a mean of the paths but the median
/// inflated by the second-order term.
double box_cox_mean(double z, double variance, double lambda);
/// The same from the back-transformed mean itself, median = inv_box_cox(z, lambda) (where the
/// caller has it more precisely than from z).
double bias_adjusted_mean(double median, double variance, double lambda);

/// Guerrero's lambda for an annual series (R's BoxCox.lambda(method = "guerrero") with its
/// subseries of length 2): the lambda in [lower, upper] that minimises the coefficient of variation
/// of sd_j / mean_j^(1 - lambda) over the consecutive pairs j of the series' last 2 floor(n / 2)
/// values (the first dropped when n is odd). R's optimize() stops at a tolerance of 1.2e-4 in
/// lambda; here Brent's method (boost::math::tools::brent_find_minima) runs to the criterion's
/// precision, so the two agree to R's tolerance and to 1e-6 with R's optimize(tol = 1e-10).
/// Throws InputError for fewer than 4 values, a value that is not finite and positive (naming its
/// position), lower >= upper, or a series whose every pair is flat (the criterion is undefined).
double guerrero_lambda(const std::vector<double>& y, double lower = -1.0, double upper = 2.0);

}  // namespace tradetarget
