#include "tradetarget/evaluate.hpp"

#include "tradetarget/registry.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <functional>
#include <limits>

#include "tradetarget/errors.hpp"
#include "tradetarget/arima.hpp"
#include "tradetarget/level_models.hpp"
#include "tradetarget/ets.hpp"
#include "tradetarget/growth_models.hpp"
#include "tradetarget/parallel.hpp"
#include "tradetarget/theta.hpp"
#include "math_policy.hpp"

namespace tradetarget {
namespace {

// A fitted model's predictive distribution for steps 1..h: its point forecasts, and its quantiles
// at levels ps, step by step (from 1).
struct Predictive {
    std::vector<double> point;
    std::function<std::vector<double>(int step, const std::vector<double>& ps)> quantiles;
};

Predictive normal_predictive(const Eigen::VectorXd& mean, const Eigen::VectorXd& variance) {
    if (!mean.allFinite() || !variance.allFinite())
        throw InputError("the model gave a non-finite forecast (values too large for its arithmetic)");
    Predictive out;
    out.point.assign(mean.data(), mean.data() + mean.size());
    out.quantiles = [mean, variance](int step, const std::vector<double>& ps) {
        const double sd = std::sqrt(std::max(variance(step - 1), 0.0));
        std::vector<double> q;
        for (double p : ps)
            q.push_back(sd == 0.0 ? mean(step - 1) : boost::math::quantile(Normal(mean(step - 1), sd), p));
        return q;
    };
    return out;
}

// The levels scored: the 80% and 95% intervals' ends, then the 99 of the CRPS.
const std::vector<double>& scored_levels() {
    static const std::vector<double> levels = [] {
        std::vector<double> out{0.1, 0.9, 0.025, 0.975};
        for (int k = 1; k <= 99; ++k) out.push_back(k / 100.0);
        return out;
    }();
    return levels;
}

Predictive forecast(const std::string& model, const std::vector<int>& years, const std::vector<double>& values,
                    int horizon) {
    if (model == "naive") {
        // Random walk without drift: last value, variance h sigma^2 from the one-step changes.
        if (values.size() < 2) throw InputError("naive needs at least 2 observations");
        double ss = 0.0;
        for (std::size_t i = 1; i < values.size(); ++i) ss += std::pow(values[i] - values[i - 1], 2);
        const double sigma2 = ss / static_cast<double>(values.size() - 1);
        Eigen::VectorXd mean = Eigen::VectorXd::Constant(horizon, values.back()), var(horizon);
        for (int h = 1; h <= horizon; ++h) var(h - 1) = sigma2 * h;
        return normal_predictive(mean, var);
    }
    // Every other name is a registered model, or an ETS class (the 'ets' model with that class).
    ModelOptions options;
    ModelKind kind = ModelKind::Ets;
    const auto& classes = EtsSpec::all();
    if (std::any_of(classes.begin(), classes.end(), [&](const EtsSpec& s) { return s.name() == model; }))
        options.ets_class = model;
    else
        kind = parse_model(model);
    const bool positive = std::all_of(values.begin(), values.end(), [](double v) { return v > 0.0; });
    if (model_info(kind).family == "levels" && kind != ModelKind::Ensemble && !positive) {
        // Fitted to the values themselves, as R does: a model of levels takes zeros and negatives
        // (a trade balance), which a series for the models in logs refuses. A positive series is
        // scored below with the forecast tt.fit gives it (conditioned on a positive level,
        // level_models.hpp), as every model is.
        require_consecutive_years(years, model);
        if (is_theta_family(kind)) {
            const ThetaFamilyModel m = fit_theta_family(kind, values);
            return normal_predictive(m.mean(horizon), m.variance(horizon));
        }
        switch (kind) {
            case ModelKind::Theta: {
                const ThetaModel m = ThetaModel::fit(values);
                return normal_predictive(m.mean(horizon), m.variance(horizon));
            }
            case ModelKind::AutoArima: {
                const ArimaModel m = auto_arima(values);
                return normal_predictive(m.mean(horizon), m.variance(horizon));
            }
            case ModelKind::Ets:
            case ModelKind::AutoEts: {
                const EtsModel m = kind == ModelKind::AutoEts ? EtsModel::select(values)
                                                              : EtsModel::fit(values, EtsSpec::parse(options.ets_class));
                return normal_predictive(m.mean(horizon), m.variance(horizon));
            }
            default: throw InputError("'" + model + "' is not scored by rolling-origin evaluation");
        }
    }
    // The models in logs (the median and Student-t quantiles of the log level, back-transformed),
    // the models of levels on a positive series and the ensemble (its combined point forecast, its
    // mixture's quantiles).
    // values indexed by position (1, 2, ..., n: a file of values alone) have no calendar years to check
    bool by_position = true;
    for (std::size_t i = 0; i < years.size(); ++i) by_position = by_position && years[i] == static_cast<int>(i) + 1;
    const AnnualSeries series = by_position ? AnnualSeries::from_steps(values) : AnnualSeries::from_levels(years, values);
    const auto fitted = std::shared_ptr<GrowthModel>(fit_model(kind, series, options));
    const int last = years.back();
    Predictive out;
    for (int h = 1; h <= horizon; ++h) out.point.push_back(fitted->point_forecast(last + h));
    out.quantiles = [fitted, last](int step, const std::vector<double>& ps) {
        return fitted->forecast_quantiles(last + step, ps);
    };
    return out;
}

}  // namespace

std::vector<std::string> evaluable_models() {
    std::vector<std::string> out{"naive"};
    for (const auto& s : EtsSpec::all()) out.push_back(s.name());
    for (const auto& info : model_registry())
        if (info.evaluable) out.push_back(info.name);
    return out;
}

std::vector<EvaluationRow> rolling_origin(const std::vector<int>& years, const std::vector<double>& values,
                                          const std::vector<std::string>& models, int min_train, int horizon,
                                          int threads) {
    const int n = static_cast<int>(values.size());
    if (years.size() != values.size()) throw InputError("years and values differ in length");
    for (int i = 0; i < n; ++i) {
        if (!std::isfinite(values[static_cast<std::size_t>(i)]))
            throw InputError("value " + std::to_string(i + 1) + " is not finite");
        if (i > 0 && years[static_cast<std::size_t>(i)] <= years[static_cast<std::size_t>(i - 1)])
            throw InputError("years must be strictly increasing");
    }
    if (horizon < 1) throw InputError("the evaluation horizon must be at least 1");
    if (min_train < 2 || min_train >= n)
        throw InputError("min_train is " + std::to_string(min_train) + "; it must be at least 2 and below the " +
                         std::to_string(n) + " observations");
    const auto known = evaluable_models();
    for (const std::string& model : models)
        if (std::find(known.begin(), known.end(), model) == known.end())
            throw InputError("unknown model '" + model + "' for evaluation");
    // One task per (model, origin), run on the thread pool; each writes its own slot, and the slots
    // are summed below in (model, origin, step) order, so the thread count changes no number.
    struct Scored {
        double abs, sq, smape, in80, in95, crps;
    };
    struct OriginResult {
        bool scaled = false, fitted = false;
        std::string failure;
        std::vector<Scored> steps;
    };
    const std::size_t origins = static_cast<std::size_t>(n - min_train);
    std::vector<OriginResult> results(models.size() * origins);
    parallel_for(results.size(), threads, [&](std::size_t task) {
        const std::string& model = models[task / origins];
        const int origin = min_train + static_cast<int>(task % origins);
        OriginResult& result = results[task];
        const std::vector<int> train_years(years.begin(), years.begin() + origin);
        const std::vector<double> train(values.begin(), values.begin() + origin);
        double mae = 0.0, mse = 0.0;
        for (int t = 1; t < origin; ++t) {
            const double d = train[static_cast<std::size_t>(t)] - train[static_cast<std::size_t>(t - 1)];
            mae += std::fabs(d);
            mse += d * d;
        }
        mae /= origin - 1;
        mse /= origin - 1;
        // A constant training window has no naive scale; one whose changes overflow has none
        // either: both are skipped.
        if (!(mae > 0.0) || !std::isfinite(mae) || !std::isfinite(mse) || !(mse > 0.0)) return;
        result.scaled = true;
        Predictive p;
        try {
            p = forecast(model, train_years, train, horizon);
        } catch (const InputError& e) {
            result.failure = e.what();
            return;
        }
        result.fitted = true;
        for (int h = 1; h <= horizon; ++h) {
            // Steps are calendar years after the origin's last year; score those observed.
            const int target_year = train_years.back() + h;
            const auto it = std::find(years.begin() + origin, years.end(), target_year);
            if (it == years.end()) continue;
            const double y = values[static_cast<std::size_t>(it - years.begin())];
            const double f = p.point[static_cast<std::size_t>(h - 1)];
            const double e = y - f;
            if (!std::isfinite(e) || !std::isfinite(e * e / mse)) continue;  // beyond double range
            Scored score{};
            score.abs = std::fabs(e) / mae;
            score.sq = e * e / mse;
            score.smape = (std::fabs(y) + std::fabs(f)) > 0 ? 200.0 * std::fabs(e) / (std::fabs(y) + std::fabs(f)) : 0.0;
            const std::vector<double>& levels = scored_levels();
            const std::vector<double> q = p.quantiles(h, levels);
            score.in80 = (y >= q[0] && y <= q[1]) ? 1.0 : 0.0;
            score.in95 = (y >= q[2] && y <= q[3]) ? 1.0 : 0.0;
            double crps = 0.0;
            for (std::size_t k = 4; k < levels.size(); ++k) {
                const double tau = levels[k];
                crps += (y < q[k] ? (1.0 - tau) * (q[k] - y) : tau * (y - q[k]));
            }
            score.crps = 2.0 * crps / 99.0 / mae;
            result.steps.push_back(score);
        }
    });
    std::vector<EvaluationRow> rows;
    for (std::size_t i = 0; i < models.size(); ++i) {
        EvaluationRow row;
        row.model = models[i];
        double sum_abs = 0, sum_sq = 0, sum_smape = 0, in80 = 0, in95 = 0, sum_crps = 0;
        for (std::size_t o = 0; o < origins; ++o) {
            const OriginResult& result = results[i * origins + o];
            if (!result.scaled) continue;
            if (!result.fitted) {
                if (row.failures++ == 0) row.first_failure = result.failure;
                continue;
            }
            ++row.origins;
            for (const Scored& score : result.steps) {
                sum_abs += score.abs;
                sum_sq += score.sq;
                sum_smape += score.smape;
                in80 += score.in80;
                in95 += score.in95;
                sum_crps += score.crps;
                ++row.forecasts;
            }
        }
        const double m = row.forecasts;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        row.mase = m > 0 ? sum_abs / m : nan;
        row.rmsse = m > 0 ? std::sqrt(sum_sq / m) : nan;
        row.smape = m > 0 ? sum_smape / m : nan;
        row.coverage80 = m > 0 ? in80 / m : nan;
        row.coverage95 = m > 0 ? in95 / m : nan;
        row.crps = m > 0 ? sum_crps / m : nan;
        rows.push_back(row);
    }
    return rows;
}

}  // namespace tradetarget
