#include "tradetarget/ets.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <boost/random/chi_squared_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/optimize.hpp"

namespace tradetarget {
namespace {

// R's "usual" bounds for (alpha, beta, phi).
constexpr double lower_smoothing = 1e-4, upper_smoothing = 0.9999, lower_phi = 0.8, upper_phi = 0.98;

struct Parameters {
    double alpha = 0, beta = 0, phi = 1, l0 = 0, b0 = 0;
};

Parameters unpack(const EtsSpec& spec, const Eigen::VectorXd& x) {
    Parameters p;
    Eigen::Index i = 0;
    p.alpha = x(i++);
    if (spec.trend != EtsTrend::None) p.beta = x(i++);
    if (spec.trend == EtsTrend::Damped) p.phi = x(i++);
    p.l0 = x(i++);
    if (spec.trend != EtsTrend::None) p.b0 = x(i++);
    return p;
}

// Usual bounds and the admissible region (HKOS §10.2; R's admissible()).
bool feasible(const EtsSpec& spec, const Parameters& p) {
    if (p.alpha < lower_smoothing || p.alpha > upper_smoothing) return false;
    if (spec.trend != EtsTrend::None && (p.beta < lower_smoothing || p.beta > p.alpha || p.beta > upper_smoothing))
        return false;
    if (spec.trend == EtsTrend::Damped && (p.phi < lower_phi || p.phi > upper_phi)) return false;
    if (p.alpha < 1.0 - 1.0 / p.phi || p.alpha > 1.0 + 1.0 / p.phi) return false;
    if (spec.trend != EtsTrend::None && (p.beta < p.alpha * (p.phi - 1.0) || p.beta > (1.0 + p.phi) * (2.0 - p.alpha)))
        return false;
    return true;
}

struct Pass {
    double sse = 0, log_abs_forecast = 0, level = 0, slope = 0;
    bool ok = true;
};

// One pass of the recursions; residuals written when `residuals` is given. The class is a
// template argument so that the loop carries no per-step branches on it (this loop is where
// fitting spends its time).
template <EtsError error, EtsTrend trend>
Pass run_class(const Parameters& p, const std::vector<double>& y, std::vector<double>* residuals) {
    Pass r;
    double l = p.l0, b = trend == EtsTrend::None ? 0.0 : p.b0;
    const double phi = trend == EtsTrend::Damped ? p.phi : 1.0;
    const double slope_gain = trend == EtsTrend::None ? 0.0 : p.beta / p.alpha;
    // sum log|f| (multiplicative errors only) as the log of a running product, renormalised
    // before it can over- or underflow: one log per many steps instead of one per step
    // (the logs were half of the fitting time).
    double product = 1.0;
    for (double value : y) {
        const double damped = trend == EtsTrend::None ? 0.0 : phi * b;
        const double f = l + damped;
        if (error == EtsError::Multiplicative && f == 0.0) {
            r.ok = false;  // the relative error is undefined (R, too, only needs f != 0)
            return r;
        }
        const double e = error == EtsError::Additive ? value - f : (value - f) / f;
        if (residuals) residuals->push_back(e);
        r.sse += e * e;
        if (error == EtsError::Multiplicative) {
            const double size = std::fabs(f);
            if (size > 1e100 || size < 1e-100) {
                r.log_abs_forecast += std::log(size);
            } else {
                product *= size;
                if (product > 1e200 || product < 1e-200) {
                    r.log_abs_forecast += std::log(product);
                    product = 1.0;
                }
            }
        }
        const double new_level = f + p.alpha * (value - f);
        if (trend != EtsTrend::None) b = damped + slope_gain * (new_level - l - damped);
        l = new_level;
    }
    r.log_abs_forecast += std::log(product);
    r.level = l;
    r.slope = b;
    return r;
}

Pass run(const EtsSpec& spec, const Parameters& p, const std::vector<double>& y, std::vector<double>* residuals) {
    const bool additive = spec.error == EtsError::Additive;
    switch (spec.trend) {
        case EtsTrend::None:
            return additive ? run_class<EtsError::Additive, EtsTrend::None>(p, y, residuals)
                            : run_class<EtsError::Multiplicative, EtsTrend::None>(p, y, residuals);
        case EtsTrend::Additive:
            return additive ? run_class<EtsError::Additive, EtsTrend::Additive>(p, y, residuals)
                            : run_class<EtsError::Multiplicative, EtsTrend::Additive>(p, y, residuals);
        case EtsTrend::Damped: break;
    }
    return additive ? run_class<EtsError::Additive, EtsTrend::Damped>(p, y, residuals)
                    : run_class<EtsError::Multiplicative, EtsTrend::Damped>(p, y, residuals);
}

// The recursions of several classes over one series in one loop, for fits in lockstep. A lane's
// step waits on its previous step (the recursion is latency-bound), so interleaving independent
// lanes lets the processor overlap them. The lanes' states are arrays of K values (K known at
// compile time, the loop over lanes unrolled); a lane without trend has phi = 0 and keeps b = 0,
// and the error type is a branch that goes the same way at every step. Each lane's arithmetic is
// run_class's, operation by operation, so the passes are identical to run's.
struct Lane {
    EtsSpec spec;
    Parameters p;
    Pass pass;
};

template <std::size_t K>
void run_lanes(Lane* const* lanes, const std::vector<double>& y) {
    double l[K], b[K], phi[K], alpha[K], slope_gain[K], product[K], sse[K], log_abs[K];
    bool trended[K], multiplicative[K], ok[K];
    for (std::size_t i = 0; i < K; ++i) {
        const Lane& lane = *lanes[i];
        trended[i] = lane.spec.trend != EtsTrend::None;
        multiplicative[i] = lane.spec.error == EtsError::Multiplicative;
        l[i] = lane.p.l0;
        b[i] = trended[i] ? lane.p.b0 : 0.0;
        phi[i] = lane.spec.trend == EtsTrend::Damped ? lane.p.phi : trended[i] ? 1.0 : 0.0;
        alpha[i] = lane.p.alpha;
        slope_gain[i] = trended[i] ? lane.p.beta / lane.p.alpha : 0.0;
        product[i] = 1.0;
        sse[i] = 0.0;
        log_abs[i] = 0.0;
        ok[i] = true;
    }
    for (double value : y) {
#pragma GCC unroll 6
        for (std::size_t i = 0; i < K; ++i) {
            const double damped = phi[i] * b[i];
            const double f = l[i] + damped;
            if (multiplicative[i]) {
                ok[i] = ok[i] && f != 0.0;  // the relative error is undefined (R, too, only needs f != 0)
                const double e = (value - f) / f;
                sse[i] += e * e;
                const double size = std::fabs(f);
                if (size > 1e100 || size < 1e-100) {
                    log_abs[i] += std::log(size);
                } else {
                    product[i] *= size;
                    if (product[i] > 1e200 || product[i] < 1e-200) {
                        log_abs[i] += std::log(product[i]);
                        product[i] = 1.0;
                    }
                }
            } else {
                const double e = value - f;
                sse[i] += e * e;
            }
            const double new_level = f + alpha[i] * (value - f);
            b[i] = trended[i] ? damped + slope_gain[i] * (new_level - l[i] - damped) : 0.0;
            l[i] = new_level;
        }
    }
    for (std::size_t i = 0; i < K; ++i) {
        Pass& r = lanes[i]->pass;
        r = Pass{};
        r.ok = ok[i];
        if (!ok[i]) continue;
        r.sse = sse[i];
        r.log_abs_forecast = log_abs[i] + std::log(product[i]);
        r.level = l[i];
        r.slope = b[i];
    }
}

constexpr std::size_t max_lanes = 6;  // the ETS classes

void run_lanes(Lane* const* lanes, std::size_t k, const std::vector<double>& y) {
    switch (k) {
        case 1: return run_lanes<1>(lanes, y);
        case 2: return run_lanes<2>(lanes, y);
        case 3: return run_lanes<3>(lanes, y);
        case 4: return run_lanes<4>(lanes, y);
        case 5: return run_lanes<5>(lanes, y);
        case 6: return run_lanes<6>(lanes, y);
        default: throw std::logic_error("run_lanes: more lanes than the six ETS classes");
    }
}

// R's criterion: n log(SSE) (+ 2 sum log|f| for multiplicative errors), floored at -1e10.
double criterion(const EtsSpec& spec, const Pass& pass, int n) {
    if (!pass.ok) return std::numeric_limits<double>::infinity();
    double lik = n * std::log(pass.sse);
    if (spec.error == EtsError::Multiplicative) lik += 2.0 * pass.log_abs_forecast;
    if (std::isnan(lik)) return std::numeric_limits<double>::infinity();
    return std::max(lik, -1e10);
}

}  // namespace

std::string EtsSpec::name() const {
    std::string s = error == EtsError::Additive ? "A" : "M";
    s += trend == EtsTrend::None ? "N" : trend == EtsTrend::Additive ? "A" : "Ad";
    return s + "N";
}

std::string EtsSpec::label() const {
    const std::string n = name();
    return "ETS(" + n.substr(0, 1) + "," + n.substr(1, n.size() - 2) + "," + n.substr(n.size() - 1) + ")";
}

int EtsSpec::n_free() const {
    switch (trend) {
        case EtsTrend::None: return 2;
        case EtsTrend::Additive: return 4;
        case EtsTrend::Damped: return 5;
    }
    return 0;
}

EtsSpec EtsSpec::parse(const std::string& name) {
    for (const EtsSpec& s : all())
        if (s.name() == name) return s;
    std::string names;
    for (const EtsSpec& s : all()) names += (names.empty() ? "" : ", ") + s.name();
    throw InputError("unknown ETS class '" + name + "'; expected one of " + names);
}

std::vector<EtsSpec> EtsSpec::all() {
    std::vector<EtsSpec> out;
    for (EtsError e : {EtsError::Additive, EtsError::Multiplicative})
        for (EtsTrend t : {EtsTrend::None, EtsTrend::Additive, EtsTrend::Damped}) out.push_back({e, t});
    return out;
}

namespace {

// The series' checks for one class (fit throws them; the automatic choice leaves the class out).
void check_series(const std::vector<double>& y, const EtsSpec& spec) {
    const int n = static_cast<int>(y.size());
    for (int i = 0; i < n; ++i) {
        if (!std::isfinite(y[static_cast<std::size_t>(i)]))
            throw InputError("ETS: observation " + std::to_string(i + 1) + " is not finite");
        // Squares of such values overflow the likelihood and variance formulas; ETS is
        // scale-equivariant, so a rescaled series gives the same model.
        if (std::fabs(y[static_cast<std::size_t>(i)]) > 1e100)
            throw InputError("ETS: observation " + std::to_string(i + 1) + " exceeds 1e100 in size; rescale the series");
        if (spec.error == EtsError::Multiplicative && y[static_cast<std::size_t>(i)] <= 0.0)
            throw InputError("ETS(" + spec.name() + "): observation " + std::to_string(i + 1) +
                             " is not positive; multiplicative errors need positive data");
    }
    if (n < spec.minimum_length())
        throw InputError("ETS(" + spec.name() + ") estimates " + std::to_string(spec.n_free()) +
                         " parameters and needs at least " + std::to_string(spec.minimum_length()) +
                         " observations; got " + std::to_string(n));
}

// R's starting values: initparam() and initstate() (regression on the first 10 points).
Eigen::VectorXd start_values(const std::vector<double>& y, const EtsSpec& spec) {
    const int n = static_cast<int>(y.size());
    Eigen::VectorXd x(spec.n_free());
    Eigen::Index i = 0;
    const double alpha0 = lower_smoothing + 0.2 * (upper_smoothing - lower_smoothing);
    x(i++) = alpha0;
    if (spec.trend != EtsTrend::None) {
        double beta0 = lower_smoothing + 0.1 * (std::min(upper_smoothing, alpha0) - lower_smoothing);
        if (beta0 < 0.0 || beta0 > alpha0) beta0 = alpha0 - 0.001;
        x(i++) = beta0;
    }
    if (spec.trend == EtsTrend::Damped) x(i++) = lower_phi + 0.99 * (upper_phi - lower_phi);
    const int m = std::min(10, n);
    if (spec.trend == EtsTrend::None) {
        double sum = 0.0;
        for (int t = 0; t < m; ++t) sum += y[static_cast<std::size_t>(t)];
        x(i++) = sum / m;
    } else {
        // Least squares of y_t on (1, t), t = 1..m.
        double tm = 0.0, ym = 0.0;
        for (int t = 0; t < m; ++t) {
            tm += t + 1;
            ym += y[static_cast<std::size_t>(t)];
        }
        tm /= m;
        ym /= m;
        double sxy = 0.0, sxx = 0.0;
        for (int t = 0; t < m; ++t) {
            sxy += (t + 1 - tm) * (y[static_cast<std::size_t>(t)] - ym);
            sxx += (t + 1 - tm) * (t + 1 - tm);
        }
        double slope = sxy / sxx, intercept = ym - slope * tm;
        if (std::fabs(intercept + slope) < 1e-8) {
            intercept *= 1.001;
            slope *= 0.999;
        }
        x(i++) = intercept;
        x(i++) = slope;
    }
    return x;
}

}  // namespace

EtsModel EtsModel::fit(const std::vector<double>& y, EtsSpec spec, EtsCriterion target) {
    check_series(y, spec);
    const int n = static_cast<int>(y.size());
    const Eigen::VectorXd x = start_values(y, spec);
    auto objective = [&](const Eigen::VectorXd& v) {
        const Parameters p = unpack(spec, v);
        if (!feasible(spec, p)) return std::numeric_limits<double>::infinity();
        const Pass pass = run(spec, p, y, nullptr);
        if (target == EtsCriterion::Mse) return pass.ok ? pass.sse / n : std::numeric_limits<double>::infinity();
        return criterion(spec, pass, n);
    };
    if (!std::isfinite(objective(x)))
        throw InputError("ETS(" + spec.name() + "): the starting values give no valid fit for this series");
    return from_estimate(y, spec, nelder_mead(objective, x).x);
}

EtsModel EtsModel::from_estimate(const std::vector<double>& y, EtsSpec spec, const Eigen::VectorXd& x) {
    const int n = static_cast<int>(y.size());
    EtsModel model;
    model.spec_ = spec;
    const Parameters p = unpack(spec, x);
    model.alpha_ = p.alpha;
    model.beta_ = p.beta;
    model.phi_ = p.phi;
    model.l0_ = p.l0;
    model.b0_ = p.b0;
    model.n_ = n;
    const Pass pass = run(spec, p, y, &model.residuals_);
    const double lik = criterion(spec, pass, n);
    const int k = spec.n_free() + 1;
    model.loglik_ = -0.5 * lik;
    model.aic_ = lik + 2.0 * k;
    model.bic_ = lik + std::log(static_cast<double>(n)) * k;
    model.aicc_ = n - k - 1 > 0 ? model.aic_ + 2.0 * k * (k + 1) / (n - k - 1)
                                : std::numeric_limits<double>::infinity();
    model.sigma2_ = pass.sse / (n - spec.n_free());
    model.level_ = pass.level;
    model.slope_ = pass.slope;
    return model;
}

// The classes are fitted in lockstep: each round asks every unfinished class's Nelder–Mead search
// for its next point and evaluates them all in one pass over the series (run_lanes). Each search
// sees exactly the values it would alone, so the fits are EtsModel::fit's, and the six fits cost
// little more than the slowest one.
std::pair<std::vector<EtsModel>, std::size_t> EtsModel::fit_every_class(const std::vector<double>& y,
                                                                        bool additive_only) {
    bool positive = !additive_only;
    for (double v : y) positive = positive && v > 0.0;
    const int n = static_cast<int>(y.size());
    struct Fit {
        Lane lane;
        NelderMeadSearch search;
        bool failed;
    };
    std::vector<Fit> fits;
    fits.reserve(max_lanes);
    for (const EtsSpec& spec : EtsSpec::all()) {
        if (spec.error == EtsError::Multiplicative && !positive) continue;
        try {
            check_series(y, spec);
        } catch (const InputError&) {
            continue;
        }
        fits.push_back({Lane{spec, {}, {}}, NelderMeadSearch(start_values(y, spec)), false});
    }
    if (fits.size() > max_lanes) throw std::logic_error("more ETS classes than lanes");
    Lane* batch[max_lanes];
    Fit* owner[max_lanes];
    while (true) {
        std::size_t k = 0;
        for (Fit& fit : fits) {
            // Points outside the bounds or the admissible region are told apart without a pass.
            while (!fit.failed && !fit.search.done()) {
                fit.lane.p = unpack(fit.lane.spec, fit.search.next());
                if (feasible(fit.lane.spec, fit.lane.p)) {
                    batch[k] = &fit.lane;
                    owner[k++] = &fit;
                    break;
                }
                try {
                    fit.search.tell(std::numeric_limits<double>::infinity());
                } catch (const InputError&) {  // the starting values give no valid fit
                    fit.failed = true;
                }
            }
        }
        if (k == 0) break;
        run_lanes(batch, k, y);
        for (std::size_t i = 0; i < k; ++i) {
            try {
                owner[i]->search.tell(criterion(batch[i]->spec, batch[i]->pass, n));
            } catch (const InputError&) {
                owner[i]->failed = true;
            }
        }
    }
    std::vector<EtsModel> fitted;
    fitted.reserve(fits.size());
    for (const Fit& fit : fits)
        if (!fit.failed) fitted.push_back(from_estimate(y, fit.lane.spec, fit.search.result().x));
    std::size_t best = fitted.size();
    for (std::size_t i = 0; i < fitted.size(); ++i)
        if (std::isfinite(fitted[i].aicc()) && (best == fitted.size() || fitted[i].aicc() < fitted[best].aicc())) best = i;
    if (best == fitted.size())
        throw InputError("no ETS class can be fitted to " + std::to_string(y.size()) +
                         " observations (ANN, the smallest, needs " +
                         std::to_string(EtsSpec{}.minimum_length() + 1) + " for a finite AICc)");
    return {std::move(fitted), best};
}

EtsModel EtsModel::select(const std::vector<double>& y, bool additive_only) {
    auto [fitted, best] = fit_every_class(y, additive_only);
    return fitted[best];
}

std::vector<std::pair<EtsModel, double>> EtsModel::aicc_weights(const std::vector<double>& y, bool additive_only) {
    auto [fitted, best] = fit_every_class(y, additive_only);
    const double best_aicc = fitted[best].aicc();
    std::vector<std::pair<EtsModel, double>> out;
    double total = 0.0;
    for (EtsModel& m : fitted) {
        if (!std::isfinite(m.aicc())) continue;
        const double w = std::exp(-0.5 * (m.aicc() - best_aicc));
        total += w;
        out.emplace_back(std::move(m), w);
    }
    for (auto& entry : out) entry.second /= total;
    return out;
}

std::vector<std::pair<std::string, double>> EtsModel::params() const {
    std::vector<std::pair<std::string, double>> out{{"alpha", alpha_}};
    if (spec_.trend != EtsTrend::None) out.emplace_back("beta", beta_);
    if (spec_.trend == EtsTrend::Damped) out.emplace_back("phi", phi_);
    out.emplace_back("l", l0_);
    if (spec_.trend != EtsTrend::None) out.emplace_back("b", b0_);
    return out;
}

Eigen::VectorXd EtsModel::mean(int h) const {
    if (h < 1) throw InputError("the forecast horizon must be at least 1");
    Eigen::VectorXd out(h);
    double damped_sum = 0.0, power = 1.0;
    for (int k = 0; k < h; ++k) {
        if (spec_.trend != EtsTrend::None) {
            power *= phi_;
            damped_sum += power;
        }
        out(k) = level_ + damped_sum * slope_;
    }
    return out;
}

Eigen::VectorXd EtsModel::variance(int h) const {
    // c_j = H F^{j-1} G with H = (1, phi), F = [[1, phi], [0, phi]], G = (alpha, beta).
    Eigen::VectorXd c(h);
    double g_level = alpha_, g_slope = spec_.trend == EtsTrend::None ? 0.0 : beta_;
    const double phi = spec_.trend == EtsTrend::None ? 0.0 : phi_;
    for (int j = 0; j < h; ++j) {
        c(j) = g_level + phi * g_slope;
        g_level += phi * g_slope;  // F applied to (g_level, g_slope)
        g_slope *= phi;
    }
    Eigen::VectorXd var(h);
    if (spec_.error == EtsError::Additive) {
        double sum = 0.0;
        for (int k = 0; k < h; ++k) {
            var(k) = sigma2_ * (1.0 + sum);
            sum += c(k) * c(k);
        }
        return var;
    }
    const Eigen::VectorXd mu = mean(h);
    Eigen::VectorXd theta(h);
    for (int k = 0; k < h; ++k) {
        theta(k) = mu(k) * mu(k);
        for (int j = 0; j < k; ++j) theta(k) += sigma2_ * c(j) * c(j) * theta(k - 1 - j);
        var(k) = (1.0 + sigma2_) * theta(k) - mu(k) * mu(k);
    }
    return var;
}

std::pair<std::vector<EtsModel>, double> EtsModel::posterior_draws(const std::vector<double>& y,
                                                                   const ImportanceOptions& options) const {
    if (static_cast<int>(y.size()) != n_)
        throw InputError("ETS(" + spec_.name() + ") was fitted to " + std::to_string(n_) +
                         " observations; posterior_draws got " + std::to_string(y.size()));
    // The posterior is sampled in unbounded coordinates, where it is far closer to the elliptical
    // proposal than on the box: alpha = lo + (hi - lo) s(a), beta = lo + (alpha - lo) s(b),
    // phi = lo_phi + (hi_phi - lo_phi) s(c), s the logistic function; the flat prior on the box
    // becomes the Jacobian |d(alpha, beta, phi) / d(a, b, c)| (BDA3 §1.8). On these bounds the
    // admissible region adds no constraint (beta <= alpha < 1 < 1 + 1/phi), and the initial states
    // are unbounded already.
    const EtsSpec& spec = spec_;
    const auto logistic = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
    // An estimate on or near a bound is a logit far in the tail, where the posterior in these
    // coordinates has little mass (it decays as the Jacobian, exp(-|z|)): start within +-3.
    const auto logit = [](double u) {
        u = std::clamp(u, 0.05, 0.95);
        return std::log(u / (1.0 - u));
    };
    struct Mapped {
        Parameters p;
        double log_jacobian = 0;
    };
    const auto to_parameters = [&](const Eigen::VectorXd& z) {
        Mapped m;
        Eigen::Index i = 0;
        const double sa = logistic(z(i++));
        m.p.alpha = lower_smoothing + (upper_smoothing - lower_smoothing) * sa;
        m.log_jacobian = std::log((upper_smoothing - lower_smoothing) * sa * (1.0 - sa));
        if (spec.trend != EtsTrend::None) {
            const double sb = logistic(z(i++));
            m.p.beta = lower_smoothing + (m.p.alpha - lower_smoothing) * sb;
            m.log_jacobian += std::log((m.p.alpha - lower_smoothing) * sb * (1.0 - sb));
        }
        if (spec.trend == EtsTrend::Damped) {
            const double sc = logistic(z(i++));
            m.p.phi = lower_phi + (upper_phi - lower_phi) * sc;
            m.log_jacobian += std::log((upper_phi - lower_phi) * sc * (1.0 - sc));
        }
        m.p.l0 = z(i++);
        if (spec.trend != EtsTrend::None) m.p.b0 = z(i++);
        return m;
    };

    // Starting proposal: the estimate, with spreads wide enough to cover the posterior (the
    // population Monte Carlo rounds then shape it): the smoothing parameters across much of their
    // range, the initial states by the one-step error in the data's units.
    const double typical = std::fabs(l0_) > 0.0 ? std::fabs(l0_) : 1.0;
    const double error_sd = std::sqrt(sigma2_) * (spec_.error == EtsError::Multiplicative ? typical : 1.0);
    const double state_sd = error_sd > 0.0 ? error_sd : 1e-6 * typical;
    Eigen::VectorXd start(spec_.n_free()), spread(spec_.n_free());
    Eigen::Index i = 0;
    start(i) = logit((alpha_ - lower_smoothing) / (upper_smoothing - lower_smoothing));
    spread(i++) = 1.5;
    if (spec_.trend != EtsTrend::None) {
        start(i) = logit((beta_ - lower_smoothing) / (alpha_ - lower_smoothing));
        spread(i++) = 1.5;
    }
    if (spec_.trend == EtsTrend::Damped) {
        start(i) = logit((phi_ - lower_phi) / (upper_phi - lower_phi));
        spread(i++) = 1.5;
    }
    start(i) = l0_;
    spread(i++) = state_sd;
    if (spec_.trend != EtsTrend::None) {
        start(i) = b0_;
        spread(i++) = 0.5 * state_sd;
    }
    const auto log_density = [&](const Eigen::VectorXd& z) {
        const Mapped m = to_parameters(z);
        if (!std::isfinite(m.log_jacobian) || !feasible(spec, m.p)) return -std::numeric_limits<double>::infinity();
        return -0.5 * criterion(spec, run(spec, m.p, y, nullptr), n_) + m.log_jacobian;
    };
    const ImportanceDraws sample =
        importance_resample(log_density, start, Eigen::MatrixXd(spread.array().square().matrix().asDiagonal()), options);

    Rng rng = make_rng(options.seed, 1);
    boost::random::chi_squared_distribution<double> chi2(n_);
    std::vector<EtsModel> draws;
    draws.reserve(static_cast<std::size_t>(sample.draws.rows()));
    for (Eigen::Index k = 0; k < sample.draws.rows(); ++k) {
        const Parameters p = to_parameters(sample.draws.row(k).transpose()).p;
        const Pass pass = run(spec, p, y, nullptr);
        EtsModel m = *this;
        m.residuals_.clear();
        m.alpha_ = p.alpha;
        m.beta_ = p.beta;
        m.phi_ = p.phi;
        m.l0_ = p.l0;
        m.b0_ = p.b0;
        m.level_ = pass.level;
        m.slope_ = pass.slope;
        m.sigma2_ = pass.sse / chi2(rng);
        draws.push_back(std::move(m));
    }
    return {std::move(draws), sample.effective_sample_size};
}

void EtsModel::simulate(Rng& rng, Eigen::Ref<Eigen::VectorXd> out) const {
    boost::random::normal_distribution<double> normal(0.0, std::sqrt(sigma2_));
    double l = level_, b = slope_;
    for (Eigen::Index k = 0; k < out.size(); ++k) {
        const double damped = spec_.trend == EtsTrend::None ? 0.0 : phi_ * b;
        const double f = l + damped;
        const double e = normal(rng);
        const double value = spec_.error == EtsError::Additive ? f + e : f * (1.0 + e);
        const double new_level = f + alpha_ * (value - f);
        if (spec_.trend != EtsTrend::None) b = damped + beta_ / alpha_ * (new_level - l - damped);
        l = new_level;
        out(k) = value;
    }
}

}  // namespace tradetarget
