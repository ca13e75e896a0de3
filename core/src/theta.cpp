#include "tradetarget/theta.hpp"

#include <algorithm>
#include <cmath>

#include <boost/random/normal_distribution.hpp>

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
    return m;
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
