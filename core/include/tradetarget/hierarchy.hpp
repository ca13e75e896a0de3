#pragma once
/// \file hierarchy.hpp
/// Coherent forecasts of a hierarchy (total = exports + imports, exports = sum of commodities +
/// other), reconciled path by path so that every simulated path adds up.
///
/// Nodes are the rows of the summing matrix S (n x m: every node as a sum of the m bottom
/// nodes). Base forecasts yhat (one value per node) are reconciled as ytilde = S G yhat
/// (Hyndman et al. 2011; Wickramasuriya, Athanasopoulos & Hyndman 2019, eq. 4), with
///  - bottom-up:  G = [0 | I_m]-selection of the bottom rows;
///  - top-down by historical proportions (Gross & Sohl 1990, method A): G = p e_top';
///  - MinT with shrinkage: G = (S' W^-1 S)^-1 S' W^-1 (WAH 2019, eq. 9), W the one-step
///    residual covariance shrunk towards its diagonal, W = lambda D + (1 - lambda) Sigma, with
///    lambda estimated as in Schäfer & Strimmer (2005) on the correlations (WAH 2019, §2.4).
/// Because ytilde = S (G yhat), each aggregate is computed as the sum of its bottom nodes on
/// every path: coherence holds to floating point by construction.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "tradetarget/simulation.hpp"

namespace tradetarget {

enum class Reconciliation { BottomUp, TopDown, MinTShrink };

Reconciliation parse_reconciliation(const std::string& name);  ///< "bottom_up", "top_down", "mint_shrink"

/// Checks S: 0/1 entries, the last m rows the identity, every aggregate row the sum of >= 1 bottom
/// node. Throws InputError naming the offending row.
void check_summing_matrix(const Eigen::MatrixXd& summing);

/// The shrinkage intensity lambda in [0, 1] for residuals (T x n, T >= 3).
double shrinkage_intensity(const Eigen::MatrixXd& residuals);
/// lambda D + (1 - lambda) Sigma (Sigma: the ML covariance of the residuals, mean zero assumed).
Eigen::MatrixXd shrunk_covariance(const Eigen::MatrixXd& residuals);

/// G (m x n). `top_down_proportions` (m, summing to 1) is used by TopDown, `residuals` (T x n)
/// by MinTShrink; the other argument may be empty.
Eigen::MatrixXd reconciliation_matrix(const Eigen::MatrixXd& summing, Reconciliation method,
                                      const Eigen::VectorXd& top_down_proportions,
                                      const Eigen::MatrixXd& residuals);

/// Reconciles paths of levels: base[i] holds node i's paths (n_paths x horizon, every node the
/// same shape); returns the reconciled paths of every node.
std::vector<PathMatrix> reconcile_paths(const std::vector<PathMatrix>& base, const Eigen::MatrixXd& summing,
                                        const Eigen::MatrixXd& g);

}  // namespace tradetarget
