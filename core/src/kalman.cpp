#include "tradetarget/kalman.hpp"

#include <cmath>

#include <Eigen/Cholesky>
#include <boost/math/constants/constants.hpp>

namespace tradetarget::kalman {
namespace {

// The transition T moves the slope into the level and the level into the lag; the slope and the
// biases stay. It is applied in place, never formed: a dense product would cost O(n^3) a year,
// with one bias state per source.

// M <- M T' (column j of M T' is sum_k M(:, k) T(j, k)).
void times_transition_transpose(Eigen::MatrixXd& m) {
    m.col(lag) = m.col(level);
    m.col(level) += m.col(slope);
}

// a <- T a and P <- T P T', in O(n) and O(n^2).
void predict(Eigen::VectorXd& a, Eigen::MatrixXd& p) {
    a(lag) = a(level);
    a(level) += a(slope);
    p.row(lag) = p.row(level);  // T P, then (T P) T'
    p.row(level) += p.row(slope);
    times_transition_transpose(p);
}

}  // namespace

void design(const MeasurementRow& row, int bias_index, const Setup& s, Eigen::VectorXd& z, double& h) {
    z.setZero();
    z(level) = 1.0;
    if (row.growth) z(lag) = -1.0;
    if (bias_index >= 0 && !row.growth) z(bias + bias_index) = 1.0;
    const double e = row.multiplier * s.sigma_obs;
    h = e * e + row.extra_variance;
}


// Kalman filter (Durbin & Koopman 2012, §4.3), one scalar row at a time (§6.4). The covariance
// update is the Joseph form (I - k z') P (I - k z')' + k h k', evaluated as two rank-one updates
// in the product's own order: the same matrix, the same rounding behaviour with the diffuse
// kappa, in O(n^2) instead of O(n^3).
Filtered run_filter(const std::vector<MeasurementRow>& rows, const std::vector<int>& bias_of_row,
                    const Setup& s, bool keep) {
    const int n_state = bias + s.n_bias;
    const int n_years = s.last_year - s.first_year + 1;
    const double q_level = s.sigma_level * s.sigma_level, q_slope = s.sigma_slope * s.sigma_slope;

    Eigen::VectorXd a = Eigen::VectorXd::Zero(n_state);
    Eigen::MatrixXd p = Eigen::MatrixXd::Zero(n_state, n_state);
    p(level, level) = p(slope, slope) = p(lag, lag) = s.kappa;
    for (int b = 0; b < s.n_bias; ++b) p(bias + b, bias + b) = s.bias_prior_sd * s.bias_prior_sd;

    Filtered out;
    if (keep) {
        out.a_pred.reserve(static_cast<std::size_t>(n_years));
        out.a_filt.reserve(static_cast<std::size_t>(n_years));
    }
    Eigen::VectorXd z(n_state), k(n_state);
    const double log_2pi = std::log(2.0 * boost::math::constants::pi<double>());
    int seen = 0;
    std::size_t next = 0;  // rows are sorted by year
    for (int year = s.first_year; year <= s.last_year; ++year) {
        if (year > s.first_year) {
            predict(a, p);
            p(level, level) += q_level;
            p(slope, slope) += q_slope;
        }
        if (keep) {
            out.a_pred.push_back(a);
            out.p_pred.push_back(p);
        }
        for (; next < rows.size() && rows[next].year == year; ++next) {
            double h = 0.0;
            design(rows[next], bias_of_row[next], s, z, h);
            const double v = rows[next].y - z.dot(a);
            const Eigen::VectorXd pz = p * z;
            const double f = z.dot(pz) + h;
            k = pz / f;
            a += k * v;
            // (I - k z') P (I - k z')' + k h k', in the product's own order: A = P - k (P z)', then
            // A - (A z) k' + k h k' (z'P = (Pz)' by symmetry).
            p.noalias() -= k * pz.transpose();
            const Eigen::VectorXd az = p * z;
            p.noalias() -= az * k.transpose();
            p.noalias() += (k * k.transpose()) * h;
            if (seen++ >= s.burn) out.loglik -= 0.5 * (log_2pi + std::log(f) + v * v / f);
        }
        if (keep) {
            out.a_filt.push_back(a);
            out.p_filt.push_back(p);
        }
    }
    if (!keep) {
        out.a_filt.push_back(a);
        out.p_filt.push_back(p);
    }
    return out;
}

// Rauch–Tung–Striebel smoother (Durbin & Koopman 2012, §4.4.3): smoothed means and covariances
// per year, written over the filtered ones.
void smooth(Filtered& f) {
    for (std::size_t t = f.a_filt.size() - 1; t-- > 0;) {
        Eigen::MatrixXd cross = f.p_filt[t];
        times_transition_transpose(cross);
        // J = P_t|t T' P_{t+1|t}^{-1}, through a symmetric solve rather than an inverse.
        const Eigen::MatrixXd gain = f.p_pred[t + 1].ldlt().solve(cross.transpose()).transpose();
        f.a_filt[t] += gain * (f.a_filt[t + 1] - f.a_pred[t + 1]);
        f.p_filt[t] += gain * (f.p_filt[t + 1] - f.p_pred[t + 1]) * gain.transpose();
    }
}

}  // namespace tradetarget::kalman
