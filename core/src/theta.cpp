#include "tradetarget/theta.hpp"

#include <algorithm>
#include <cmath>

#include <boost/random/normal_distribution.hpp>
#include <boost/random/student_t_distribution.hpp>

#include "tradetarget/errors.hpp"

namespace tradetarget {

ThetaModel ThetaModel::fit(const std::vector<double>& y) {
    ThetaModel m;
    m.ses_ = EtsModel::fit(y, EtsSpec{EtsError::Additive, EtsTrend::None}, EtsCriterion::Mse);
    m.n_ = static_cast<int>(y.size());
    m.alpha_ = std::max(1e-10, m.ses_.alpha());
    // Least-squares slope of y on t = 0..n-1.
    double tm = 0.0, ym = 0.0;
    for (int t = 0; t < m.n_; ++t) {
        tm += t;
        ym += y[static_cast<std::size_t>(t)];
    }
    tm /= m.n_;
    ym /= m.n_;
    double sxy = 0.0, sxx = 0.0;
    for (int t = 0; t < m.n_; ++t) {
        sxy += (t - tm) * (y[static_cast<std::size_t>(t)] - ym);
        sxx += (t - tm) * (t - tm);
    }
    m.drift_ = sxy / sxx / 2.0;
    double rss = 0.0;
    for (int t = 0; t < m.n_; ++t) {
        const double e = y[static_cast<std::size_t>(t)] - ym - (t - tm) * sxy / sxx;
        rss += e * e;
    }
    m.drift_se_ = m.n_ > 2 ? std::sqrt(rss / (m.n_ - 2) / sxx) / 2.0 : 0.0;
    return m;
}

std::pair<std::vector<ThetaModel>, double> ThetaModel::posterior_draws(const std::vector<double>& y,
                                                                       const ImportanceOptions& options) const {
    auto [ses, ess] = ses_.posterior_draws(y, options);
    Rng rng = make_rng(options.seed, 2);
    boost::random::student_t_distribution<double> t(n_ - 2);
    std::vector<ThetaModel> draws;
    draws.reserve(ses.size());
    for (EtsModel& s : ses) {
        ThetaModel m = *this;
        m.alpha_ = std::max(1e-10, s.alpha());
        m.ses_ = std::move(s);
        m.drift_ = drift_ + drift_se_ * t(rng);
        draws.push_back(std::move(m));
    }
    return {std::move(draws), ess};
}

Eigen::VectorXd ThetaModel::mean(int h) const {
    Eigen::VectorXd out = ses_.mean(h);
    const double start = (1.0 - std::pow(1.0 - alpha_, n_)) / alpha_;
    for (int k = 0; k < h; ++k) out(k) += drift_ * (k + start);
    return out;
}

void ThetaModel::simulate(Rng& rng, Eigen::Ref<Eigen::VectorXd> out) const {
    boost::random::normal_distribution<double> normal(0.0, std::sqrt(sigma2()));
    double level = mean(1)(0);  // SES level plus the drift correction of thetaf
    for (Eigen::Index k = 0; k < out.size(); ++k) {
        const double e = normal(rng);
        out(k) = level + e;
        level += drift_ + alpha_ * e;
    }
}

Eigen::VectorXd ThetaModel::variance(int h) const {
    if (h < 1) throw InputError("the forecast horizon must be at least 1");
    Eigen::VectorXd out(h);
    for (int k = 0; k < h; ++k) out(k) = sigma2() * (1.0 + k * alpha_ * alpha_);
    return out;
}

}  // namespace tradetarget
