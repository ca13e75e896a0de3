#pragma once
/// \file posterior.hpp
/// Draws from a posterior known up to a constant, for models whose parameters have no
/// closed-form posterior (the exponential smoothing classes). Two published steps:
///  1. Population Monte Carlo (Cappé, Guillin, Marin & Robert 2004, J. Comput. Graph. Stat. 13,
///     907-929, §2-3): a multivariate Student-t proposal whose mean and covariance are moved, a
///     few rounds, to the importance-weighted mean and covariance of its own draws;
///  2. sampling-importance-resampling (Rubin 1988, Bayesian Statistics 3, 395-402; Gelman et al.
///     2013, BDA3 §10.4) from the final proposal, with systematic resampling (Kitagawa 1996,
///     J. Comput. Graph. Stat. 5, 1-25), so that the draws are equally weighted.
/// Importance weights w = pi(x) / q(x) are kept in logs; a point outside the support has
/// log pi = -inf and weight 0. The quality of the draws is the effective sample size of the final
/// weights, (sum w)^2 / sum w^2 (Kong, Liu & Wong 1994, JASA 89, 278-288).
#include <cstdint>
#include <functional>

#include <Eigen/Core>

#include "tradetarget/random.hpp"

namespace tradetarget {

struct ImportanceOptions {
    int draws = 1000;              ///< equally weighted draws returned
    int proposals = 4000;          ///< proposal draws in the final round
    int adaptation_rounds = 3;     ///< PMC rounds before it
    int adaptation_proposals = 1000;
    double degrees_of_freedom = 4.0;  ///< of the Student-t proposal: heavy tails cover the target's
    std::uint64_t seed = default_seed;
};

struct ImportanceDraws {
    Eigen::MatrixXd draws;                ///< options.draws x dimension, equally weighted
    double effective_sample_size = 0.0;   ///< of the final round's weights
};

/// `log_density` is log pi(x) up to a constant (-inf outside the support); `mean` and
/// `covariance` start the proposal. Throws InputError for bad options or shapes, and when no
/// draw of a round lands in the support (the message says so).
ImportanceDraws importance_resample(const std::function<double(const Eigen::VectorXd&)>& log_density,
                                    const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance,
                                    const ImportanceOptions& options = {});

}  // namespace tradetarget
