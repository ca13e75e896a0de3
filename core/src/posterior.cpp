#include "tradetarget/posterior.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/random/chi_squared_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/random.hpp"
#include "math_policy.hpp"

namespace tradetarget {
namespace {

// Multivariate Student-t with nu degrees of freedom, location m, scale S = L L^T:
// x = m + L z sqrt(nu / chi2_nu); log density (BDA3 Appendix A)
//   lgamma((nu+d)/2) - lgamma(nu/2) - d/2 log(nu pi) - log|L| - (nu+d)/2 log(1 + |L^-1 (x-m)|^2 / nu).
struct StudentT {
    Eigen::VectorXd location;
    Eigen::MatrixXd lower;  // Cholesky factor of the scale
    double nu;
    double log_constant;

    StudentT(Eigen::VectorXd m, const Eigen::MatrixXd& scale, double nu_) : location(std::move(m)), nu(nu_) {
        const auto d = static_cast<double>(location.size());
        Eigen::LLT<Eigen::MatrixXd> llt(scale);
        if (llt.info() != Eigen::Success)
            throw InputError("importance sampling: the proposal covariance is not positive definite");
        lower = llt.matrixL();
        log_constant = boost::math::lgamma((nu + d) / 2.0, MathPolicy()) - boost::math::lgamma(nu / 2.0, MathPolicy()) -
                       d / 2.0 * std::log(nu * M_PI) - lower.diagonal().array().log().sum();
    }

    Eigen::VectorXd draw(Rng& rng) const {
        boost::random::normal_distribution<double> normal;
        boost::random::chi_squared_distribution<double> chi2(nu);
        Eigen::VectorXd z(location.size());
        for (Eigen::Index i = 0; i < z.size(); ++i) z(i) = normal(rng);
        return location + lower * z * std::sqrt(nu / chi2(rng));
    }

    double log_density(const Eigen::VectorXd& x) const {
        const Eigen::VectorXd u = lower.triangularView<Eigen::Lower>().solve(x - location);
        const auto d = static_cast<double>(x.size());
        return log_constant - (nu + d) / 2.0 * std::log1p(u.squaredNorm() / nu);
    }
};

struct Round {
    Eigen::MatrixXd points;   // one draw per row
    Eigen::VectorXd weights;  // normalised to sum 1
    double effective_sample_size = 0.0;
};

Round weighted_round(const std::function<double(const Eigen::VectorXd&)>& log_density, const StudentT& proposal,
                     int count, Rng& rng) {
    Round r;
    r.points.resize(count, proposal.location.size());
    Eigen::VectorXd log_w(count);
    for (int i = 0; i < count; ++i) {
        const Eigen::VectorXd x = proposal.draw(rng);
        r.points.row(i) = x.transpose();
        const double target = log_density(x);
        log_w(i) = std::isfinite(target) ? target - proposal.log_density(x) : -std::numeric_limits<double>::infinity();
    }
    const double top = log_w.maxCoeff();
    if (!std::isfinite(top))
        throw InputError("importance sampling: none of " + std::to_string(count) +
                         " proposal draws has a finite posterior density");
    r.weights = (log_w.array() - top).exp().matrix();
    r.weights /= r.weights.sum();
    r.effective_sample_size = 1.0 / r.weights.squaredNorm();
    return r;
}

}  // namespace

ImportanceDraws importance_resample(const std::function<double(const Eigen::VectorXd&)>& log_density,
                                    const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance,
                                    const ImportanceOptions& options) {
    const Eigen::Index d = mean.size();
    if (d < 1 || covariance.rows() != d || covariance.cols() != d)
        throw InputError("importance sampling: the mean has " + std::to_string(d) + " entries and the covariance is " +
                         std::to_string(covariance.rows()) + " x " + std::to_string(covariance.cols()));
    if (options.draws < 1 || options.proposals < options.draws || options.adaptation_rounds < 0 ||
        options.adaptation_proposals < 2 * d || !(options.degrees_of_freedom > 0.0))
        throw InputError("importance sampling: need draws >= 1, proposals >= draws, adaptation_rounds >= 0, "
                         "adaptation_proposals >= twice the dimension and degrees_of_freedom > 0");
    if (!mean.allFinite() || !covariance.allFinite())
        throw InputError("importance sampling: the starting mean or covariance is not finite");

    Rng rng = make_rng(options.seed, 0);
    // t scale from a covariance: Cov = nu / (nu - 2) S for nu > 2.
    const double nu = options.degrees_of_freedom;
    const double to_scale = nu > 2.0 ? (nu - 2.0) / nu : 1.0;
    Eigen::VectorXd m = mean;
    Eigen::MatrixXd cov = covariance;
    for (int round = 0; round < options.adaptation_rounds; ++round) {
        const Round r = weighted_round(log_density, StudentT(m, to_scale * cov, nu), options.adaptation_proposals, rng);
        const Eigen::VectorXd next_mean = r.points.transpose() * r.weights;
        const Eigen::MatrixXd centred = r.points.rowwise() - next_mean.transpose();
        Eigen::MatrixXd next_cov = centred.transpose() * r.weights.asDiagonal() * centred;
        // A round whose weight sits on a few points estimates the covariance badly: keep part of the
        // previous one (and so a proposal no narrower than the evidence says).
        const double trust = std::min(1.0, r.effective_sample_size / (10.0 * static_cast<double>(d)));
        next_cov = trust * next_cov + (1.0 - trust) * cov;
        next_cov.diagonal().array() += 1e-12 * (1.0 + next_cov.diagonal().array().abs());
        if (!next_mean.allFinite() || !next_cov.allFinite()) break;
        m = next_mean;
        cov = next_cov;
    }
    const Round last = weighted_round(log_density, StudentT(m, to_scale * cov, nu), options.proposals, rng);

    // Systematic resampling: one uniform u, points (u + k) / draws against the cumulative weights.
    ImportanceDraws out;
    out.effective_sample_size = last.effective_sample_size;
    out.draws.resize(options.draws, d);
    boost::random::uniform_01<double> uniform;
    const double u = uniform(rng);
    double cumulative = last.weights(0);
    Eigen::Index j = 0;
    for (int k = 0; k < options.draws; ++k) {
        const double point = (u + k) / options.draws;
        while (point > cumulative && j + 1 < last.weights.size()) cumulative += last.weights(++j);
        out.draws.row(k) = last.points.row(j);
    }
    return out;
}

}  // namespace tradetarget
