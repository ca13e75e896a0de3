#pragma once
/// \file reference_class.hpp
/// A reference class: what series of one kind do, written as a prior on a series' drift and
/// volatility, learnt from a panel of real series. On four to six annual points the prior decides
/// most of a time-to-target probability, so it is an explicit input, saved with its provenance.
///
/// The hierarchical model (a random walk with drift in logs whose parameters vary by series):
///
///     log y_t - log y_{t-g} ~ N(g mu, g sigma^2)         (an increment over a gap of g years)
///     mu ~ N(drift_mean, drift_sd^2),   sigma^2 ~ InvGamma(variance_shape, variance_scale)
///
/// mu and sigma^2 independent a priori (semi-conjugate; Gelman et al., Bayesian Data Analysis,
/// 3rd ed., §3.4 and §5.3), so a smooth series keeps more of its own drift than a volatile one.
/// The drift is integrated out in closed form and sigma on a grid of log sigma.
///
/// Growth does not persist as a random walk with one drift says: fast growers slow down
/// (Pritchett & Summers 2014, "Asiaphoria meets regression to the mean", NBER w20573). So after
/// the last observed year the drift is, with probability `drift_reset`, a fresh draw from
/// N(drift_mean, drift_sd^2) instead of the series' own (a change point at the forecast origin,
/// the volatility kept). It is learnt with the rest by splitting each segment into a window of
/// `window_years` years and the years after it: each segment's likelihood is the mixture
/// (1 - reset) p(window and after, one drift) + reset p(window, one drift) p(after, another).
///
/// The hyperparameters maximise the marginal likelihood of every segment of `segment_years`
/// consecutive years of the panel (type-II maximum likelihood, i.e. empirical Bayes: Efron &
/// Morris 1975, JASA 70; Carlin & Louis, Bayes and Empirical Bayes Methods, 2nd ed., ch. 3).
/// Overlapping segments make it a composite likelihood (Varin, Reid & Firth 2011, Statistica
/// Sinica 21), whose maximiser is consistent. The drift spread gets the boundary-avoiding
/// penalty log(drift_sd) (Chung, Rabe-Hesketh, Dorie, Gelman & Liu 2013, Psychometrika 78): type-II
/// maximum likelihood of a variance component otherwise collapses to zero on small panels. Segments as long as a short window plus the
/// forecast horizon (5 + 8 = 13 years by default) make the prior describe how a series behaves
/// over the span one predicts, not only over the few years one sees: drifts wander, and a prior
/// learnt on 5-year segments trusts a window's own growth too much (benchmarks/calibration.md).
///
/// By default (`ReferenceLearnOptions::predictive`) a second stage then re-chooses the drift's
/// mean, spread and persistence to maximise the predictive score of each segment's years after its
/// window given the window, sum log p(after | window) = log p(segment) - log p(window): optimum
/// score estimation with the logarithmic score (Gneiting & Raftery 2007, JASA 102, §9; Dawid's
/// prequential principle, 1984, JRSS A 147), the task the class exists for. The likelihood fits
/// the windows' growth too, and where early growth is faster than later growth (M3: 7%/yr in a
/// series' first four years, 2-3% after its twelfth) it overstates the future: on M3 yearly the
/// largest decile gap falls from 0.071 to 0.028 (benchmarks/calibration.md). The volatility prior
/// keeps its likelihood estimate: by the predictive score alone its shape runs to the bound (a
/// window of five points then sets its own volatility), an almost improper prior for a short series.
///
/// Volatility, too, regresses: a window that happened to hold one jump is followed by calmer years
/// more often than its own volatility says (benchmarks/calibration.md: with the window's volatility
/// carried forward, 80% bands wider than 5x held the truth 92-96% of the time). So the log
/// volatility after the last year is one step of an AR(1) towards the class's mean,
///
///     log sigma' = m + rho (log sigma - m) + eta eps,   eps ~ N(0, 1),
///
/// m the mean of log sigma under the inverse-gamma prior (log-volatility autoregression: Taylor
/// 1986, Modelling Financial Time Series; Kim, Shephard & Chib 1998, REStud 65), one step at the
/// forecast origin like the drift's reset. rho (`volatility_persistence`) and eta
/// (`volatility_innovation`) are learnt in the predictive stage with the drift's hyperparameters
/// (eta freely: tying it to the prior's spread, sqrt(1 - rho^2) sd(log sigma), as a stationary AR(1)
/// would, fitted no better on M3 and PWT); rho = 1 and eta = 0 carry the window's volatility forward
/// unchanged (as before they were learnt, and for classes saved without them).
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "tradetarget/growth_models.hpp"

namespace tradetarget {

struct ReferenceClass {
    double drift_mean = 0.0;      ///< mean log growth per year across series
    double drift_sd = 0.0;        ///< spread of the log growth across series
    double variance_shape = 0.0;  ///< a of the inverse-gamma prior on sigma^2
    double variance_scale = 0.0;  ///< b of the inverse-gamma prior on sigma^2
    double drift_reset = 0.0;     ///< P(the drift after the last year is a fresh draw), in [0, 1]
    double volatility_persistence = 1.0;  ///< rho of the log volatility's step after the last year, in [0, 1]
    double volatility_innovation = 0.0;   ///< sd of the step's innovation (log units), >= 0
    int window_years = 0;         ///< where the segments were split to learn drift_reset
    int segment_years = 0;        ///< length of the segments it was learnt from
    int n_series = 0;             ///< series that gave at least one segment
    int n_segments = 0;
    int first_year = 0, last_year = 0;  ///< years the segments cover
    bool predictive = false;      ///< drift hyperparameters chosen by the predictive score (below)
    double log_likelihood = 0.0;  ///< the objective at the optimum: the composite marginal log likelihood,
                                  ///< or, if `predictive`, the summed log p(after | window)

    /// Throws InputError unless every hyperparameter is finite and the scales positive.
    void validate() const;
    /// The prior's median volatility, sqrt(b / a) roughly: sqrt of the inverse-gamma's median.
    double median_sigma() const;
    /// Mean and sd of log sigma under the prior: (log b - digamma(a)) / 2 and sqrt(trigamma(a)) / 2.
    double log_sigma_mean() const;
    double log_sigma_sd() const;
};

struct ReferenceLearnOptions {
    int segment_years = 13;
    /// Each segment's first window_years years play the observed window, the rest the future
    /// (for drift_reset); 0 learns no reset (drift_reset = 0).
    int window_years = 5;
    /// Only segments lying wholly within [first_year, last_year] (a reference class of a period).
    int first_year = earliest_year;
    int last_year = latest_year;
    /// The fewest series and segments it learns from. Below them the four hyperparameters are
    /// poorly determined (simulated check in tests/cpp/test_reference_class.cpp: 20 series give
    /// the drift spread within about 25%); InputError says how many there were.
    int min_series = 20;
    int min_segments = 200;
    /// Choose the drift's mean, spread and persistence and the volatility's persistence by the
    /// predictive score, sum log p(after | window), with the volatility prior from the likelihood
    /// (see above); window_years > 0 only.
    bool predictive = true;
    /// Threads for the segments' terms (0: every hardware thread); the sum is taken in segment
    /// order, so the thread count never changes a digit.
    int threads = 0;
};

/// How many series and segments of `options.segment_years` consecutive years a panel has.
struct SegmentCount {
    int series = 0;
    int segments = 0;
};
SegmentCount count_segments(const std::vector<AnnualSeries>& panel, const ReferenceLearnOptions& options);

/// Learns the hyperparameters from a panel (each series positive, years increasing; gaps end a
/// segment). Throws InputError for a panel too small to learn from, naming the counts.
ReferenceClass learn_reference_class(const std::vector<AnnualSeries>& panel,
                                     const ReferenceLearnOptions& options = {});

/// The posterior of one series' (mu, sigma) under a reference class, on a grid of log sigma:
/// p(log sigma | data) at each node, and mu | sigma, data ~ N(drift_mean(sigma), drift_var(sigma)).
class DriftPosterior {
public:
    DriftPosterior(const ReferenceClass& reference, const AnnualSeries& series);
    /// log p(data | reference), the series' marginal likelihood.
    double log_marginal() const { return log_marginal_; }
    /// Mean and sd of the drift after the last year (the reset included).
    double mean_drift() const { return mean_drift_; }
    double sd_drift() const { return sd_drift_; }
    /// The posterior mean of the drift over the observed years (before the reset).
    double fitted_drift() const { return fitted_drift_; }
    double median_sigma() const;
    /// The median volatility after the last year (the volatility's step included).
    double median_future_sigma() const;
    /// The weight of the series' own growth in the future drift: (1 - drift_reset) times the
    /// posterior mean of G tau^2 / (G tau^2 + sigma^2) (G: the years spanned); the reference class
    /// has the rest.
    double own_weight() const { return own_weight_; }
    /// One draw of (mu, sigma) for the years after the last one (the reset included).
    void draw(Rng& rng, double& mu, double& sigma) const;
    /// P(log y_{last+h} - log y_last <= x): a mixture of normals over the grid and the reset.
    double change_cdf(int h, double x) const;

private:
    struct Node {
        double log_sigma, weight, drift_mean, drift_var;
    };
    Node node_at(double log_sigma) const;
    /// The future log sigma at a window's log sigma and a standard normal step.
    double future_log_sigma(double log_sigma, double step) const;
    ReferenceClass reference_;
    double vol_mean_ = 0.0;  // the prior's mean of log sigma, where the volatility regresses to
    std::vector<double> step_nodes_, step_weights_;  // Gauss-Hermite rule for the volatility's step
    double span_ = 0.0, total_change_ = 0.0, ss_ = 0.0;
    double step_ = 0.0;
    std::vector<Node> nodes_;
    std::vector<double> cumulative_;
    double log_marginal_ = 0.0, mean_drift_ = 0.0, sd_drift_ = 0.0, own_weight_ = 0.0, fitted_drift_ = 0.0;
};

/// A random walk with drift in logs whose drift and volatility have the reference class as their
/// prior: with few points the answer is the reference class's, with many the series' own. Each
/// path draws (mu, sigma) from the posterior. Needs 2 years and ModelOptions::reference.
class ReferenceRandomWalk final : public GrowthModel {
public:
    ReferenceRandomWalk(const AnnualSeries& series, const ReferenceClass& reference);
    ModelKind kind() const override { return ModelKind::ReferenceRandomWalk; }
    std::string method() const override;
    double log_growth() const override { return posterior_.mean_drift(); }
    double log_growth_se() const override { return posterior_.sd_drift(); }
    std::vector<std::pair<std::string, double>> params() const override;
    /// The predictive median of the log level (the predictive is a mixture of normals).
    double mean_log(int year) const override;
    /// Half the central 68% interval of the log level: the scale of a normal of the same width.
    double predictive_scale(int year) const override;
    double df() const override { return std::numeric_limits<double>::infinity(); }
    double quantile_log(int year, double p) const override;
    double forecast_cdf(int year, double x) const override;
    void simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const override;

    const DriftPosterior& posterior() const { return posterior_; }
    /// The weight of the series' own growth in the future drift (DriftPosterior::own_weight; 0: the
    /// reference class alone, 1: the series alone).
    double own_weight() const;
    /// The series' own average log growth per year (first to last year).
    double own_drift() const { return own_drift_; }

private:
    ReferenceClass reference_;
    DriftPosterior posterior_;
    double own_drift_ = 0.0;
};

}  // namespace tradetarget
