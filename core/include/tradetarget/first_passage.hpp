#pragma once
/// \file first_passage.hpp
/// Closed-form first-passage law for the random walk with drift in log levels.
///
/// In continuous time, X_t = mu t + sigma W_t first reaches a distance d > 0 at tau with
///   P(tau <= t) = Phi((mu t - d) / (sigma sqrt t)) + exp(2 mu d / sigma^2) Phi((-mu t - d) / (sigma sqrt t)),
/// the inverse Gaussian law IG(d / mu, d^2 / sigma^2) when mu > 0, and a defective one
/// (P(tau < inf) = exp(2 mu d / sigma^2) < 1) when mu <= 0 (Karatzas & Shreve 1991, §3.5.C;
/// Chhikara & Folks 1989, eq. 2.1).
///
/// Trade is observed once a year, and a path may cross and fall back between two observations,
/// so the continuous law overstates the chance of having been *observed* at or above the target.
/// The annual answer is computed exactly (to quadrature error) by the Chapman–Kolmogorov
/// recursion for the density of walks not yet absorbed (Feller 1971, vol. II, §XII.1):
///   f_1(x) = phi(x - m),  f_{k+1}(x) = int_{-inf}^{c} f_k(u) phi(x - u - m) du,
///   P(first year <= k+1) = P(first year <= k) + int_{-inf}^{c} f_k(u) (1 - Phi(c - u - m)) du,
/// in units of sigma (c = d / sigma, m = mu / sigma), discretised by the trapezoid rule. The
/// Broadie–Glasserman–Kou (1997) continuity correction was tried first and rejected: it is an
/// asymptotic for many monitoring dates, and with one a year it is off by 5 points at one year
/// (0.064 against an exact 0.112 at d = 0.58, mu = 0.13, sigma = 0.37).
#include <Eigen/Core>

#include "tradetarget/growth_models.hpp"

namespace tradetarget {

enum class Monitoring { Continuous, Annual };

/// P(tau <= t) for drift mu, volatility sigma > 0 and distance d (d <= 0: already there, 1).
double brownian_first_passage_cdf(double t, double distance, double mu, double sigma);

/// The longest horizon the closed forms accept (their cost grows with horizon^2).
constexpr int max_analytic_horizon = 200;

/// P(reached at one of the observation times 1..k), for k = 1..horizon: the exact recursion
/// above on a lattice of step `grid_step` sigma, within windows that follow the walkers.
Eigen::VectorXd annual_first_passage_cdf(int horizon, double distance, double mu, double sigma,
                                         double grid_step = 0.1);

/// P(first year at or above `target_log` <= last year + k) for k = 1..horizon under a fitted
/// random walk with drift, with the drift and volatility integrated over their posterior
/// (sigma^2 ~ df s^2 / chi2_df, mu | sigma ~ N(mu_hat, sigma^2 / span)) by Gauss–Legendre
/// quadrature in probability space (16 x 16 nodes). The start is the last observed log level, taken as known.
Eigen::VectorXd random_walk_first_passage(const RandomWalkDrift& model, double target_log,
                                          int horizon, Monitoring monitoring);

}  // namespace tradetarget
