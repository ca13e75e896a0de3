#include "tradetarget/hierarchy.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Cholesky>
#include <Eigen/QR>

#include "tradetarget/errors.hpp"

namespace tradetarget {

Reconciliation parse_reconciliation(const std::string& name) {
    if (name == "bottom_up") return Reconciliation::BottomUp;
    if (name == "top_down") return Reconciliation::TopDown;
    if (name == "mint_shrink") return Reconciliation::MinTShrink;
    throw InputError("unknown reconciliation '" + name + "'; expected bottom_up, top_down or mint_shrink");
}

void check_summing_matrix(const Eigen::MatrixXd& s) {
    const Eigen::Index n = s.rows(), m = s.cols();
    if (m < 1 || n <= m) throw InputError("a hierarchy needs at least one aggregate above its bottom nodes");
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < m; ++j)
            if (s(i, j) != 0.0 && s(i, j) != 1.0)
                throw InputError("summing matrix row " + std::to_string(i) + " has an entry other than 0 or 1");
        if (s.row(i).sum() < 1.0) throw InputError("summing matrix row " + std::to_string(i) + " sums no bottom node");
    }
    if (!s.bottomRows(m).isIdentity())
        throw InputError("the last " + std::to_string(m) + " rows of the summing matrix must be the bottom nodes (identity)");
}

double shrinkage_intensity(const Eigen::MatrixXd& r) {
    const Eigen::Index t = r.rows(), n = r.cols();
    if (t < 3) throw InputError("MinT needs at least 3 residuals per node; got " + std::to_string(t));
    // Standardised residuals (mean zero assumed, as for one-step forecast errors).
    Eigen::VectorXd sd = (r.array().square().colwise().sum() / static_cast<double>(t)).sqrt().transpose();
    for (Eigen::Index j = 0; j < n; ++j)
        if (!(sd(j) > 0.0)) throw InputError("node " + std::to_string(j) + " has all-zero residuals");
    const Eigen::MatrixXd z = r * sd.cwiseInverse().asDiagonal();
    double numerator = 0.0, denominator = 0.0;
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) {
            if (i == j) continue;
            const Eigen::ArrayXd w = z.col(i).array() * z.col(j).array();
            const double mean = w.mean();
            // Var-hat of the correlation estimate, sum (w - mean)^2 / (T (T - 1)) (S&S 2005, eq. 8
            // with the standardised data; as R's hts::shrink.estim computes it).
            numerator += (w - mean).square().sum() / (static_cast<double>(t) * static_cast<double>(t - 1));
            denominator += mean * mean;
        }
    if (denominator == 0.0) return 1.0;
    return std::clamp(numerator / denominator, 0.0, 1.0);
}

Eigen::MatrixXd shrunk_covariance(const Eigen::MatrixXd& r) {
    const double lambda = shrinkage_intensity(r);
    const Eigen::MatrixXd sigma = r.transpose() * r / static_cast<double>(r.rows());
    Eigen::MatrixXd w = (1.0 - lambda) * sigma;
    w.diagonal() = sigma.diagonal();
    return w;
}

Eigen::MatrixXd reconciliation_matrix(const Eigen::MatrixXd& s, Reconciliation method, const Eigen::VectorXd& p,
                                      const Eigen::MatrixXd& residuals) {
    check_summing_matrix(s);
    const Eigen::Index n = s.rows(), m = s.cols();
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(m, n);
    switch (method) {
        case Reconciliation::BottomUp: g.rightCols(m).setIdentity(); return g;
        case Reconciliation::TopDown: {
            if (p.size() != m) throw InputError("top-down needs one proportion per bottom node");
            if ((p.array() < 0.0).any() || std::fabs(p.sum() - 1.0) > 1e-9 || !p.allFinite())
                throw InputError("top-down proportions must be >= 0 and sum to 1");
            if (s.row(0).sum() != static_cast<double>(m)) throw InputError("top-down needs the total (all bottom nodes) as row 0");
            g.col(0) = p;
            return g;
        }
        case Reconciliation::MinTShrink: break;
    }
    if (residuals.cols() != n)
        throw InputError("MinT needs residuals for every node: " + std::to_string(residuals.cols()) + " columns for " +
                         std::to_string(n) + " nodes");
    if (!residuals.allFinite()) throw InputError("MinT residuals must be finite");
    const Eigen::MatrixXd w = shrunk_covariance(residuals);
    const Eigen::LLT<Eigen::MatrixXd> llt(w);
    if (llt.info() != Eigen::Success) throw InputError("the shrunk residual covariance is not positive definite");
    // With W = L L': A = L^-1 S and G = (A'A)^-1 A' L^-1, by a QR of A (no normal equations).
    const Eigen::MatrixXd a = llt.matrixL().solve(s);
    const Eigen::MatrixXd l_inverse = llt.matrixL().solve(Eigen::MatrixXd::Identity(n, n));
    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(a);
    return qr.solve(l_inverse);
}

std::vector<PathMatrix> reconcile_paths(const std::vector<PathMatrix>& base, const Eigen::MatrixXd& s,
                                        const Eigen::MatrixXd& g) {
    const auto n = static_cast<std::size_t>(s.rows());
    if (base.size() != n) throw InputError("one set of paths per node is needed: " + std::to_string(base.size()) +
                                           " for " + std::to_string(n) + " nodes");
    if (g.rows() != s.cols() || g.cols() != s.rows()) throw InputError("G must be m x n for an n x m summing matrix");
    const Eigen::Index paths = base[0].rows(), horizon = base[0].cols();
    for (std::size_t i = 0; i < n; ++i) {
        if (base[i].rows() != paths || base[i].cols() != horizon)
            throw InputError("node " + std::to_string(i) + " has paths of another shape");
        if (!base[i].allFinite()) throw InputError("node " + std::to_string(i) + " has non-finite path values");
    }
    std::vector<PathMatrix> out(n, PathMatrix(paths, horizon));
    Eigen::VectorXd yhat(static_cast<Eigen::Index>(n));
    for (Eigen::Index p = 0; p < paths; ++p)
        for (Eigen::Index k = 0; k < horizon; ++k) {
            for (std::size_t i = 0; i < n; ++i) yhat(static_cast<Eigen::Index>(i)) = base[i](p, k);
            const Eigen::VectorXd bottom = g * yhat;
            const Eigen::VectorXd coherent = s * bottom;
            for (std::size_t i = 0; i < n; ++i) out[i](p, k) = coherent(static_cast<Eigen::Index>(i));
        }
    return out;
}

}  // namespace tradetarget
