#include "tradetarget/ensemble.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include <boost/math/tools/roots.hpp>
#include <boost/random/uniform_01.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/parallel.hpp"
#include "tradetarget/registry.hpp"

namespace tradetarget {

std::vector<ModelKind> default_ensemble_pool() {
    return {ModelKind::AutoEts, ModelKind::AutoArima, ModelKind::Theta, ModelKind::DynamicOptimizedTheta,
            ModelKind::OptimizedTheta, ModelKind::RandomWalkDrift};
}

namespace {

void check_pool(const std::vector<ModelKind>& pool) {
    if (pool.empty()) throw InputError("the ensemble's pool is empty: name at least one model");
    for (std::size_t k = 0; k < pool.size(); ++k) {
        const ModelInfo& info = model_info(pool[k]);
        if (pool[k] == ModelKind::Ensemble || !info.required_options.empty())
            throw InputError("the ensemble's pool cannot hold '" + info.name + "' (" +
                             (pool[k] == ModelKind::Ensemble ? "an ensemble" : "it needs options of its own") + ")");
        if (std::find(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(k), pool[k]) !=
            pool.begin() + static_cast<std::ptrdiff_t>(k))
            throw InputError("the ensemble's pool names '" + info.name + "' twice");
    }
}

}  // namespace

void EnsembleWeights::validate() const {
    check_pool(pool);
    if (weights.size() != pool.size())
        throw InputError("the ensemble has " + std::to_string(pool.size()) + " models but " +
                         std::to_string(weights.size()) + " weights");
    double total = 0.0;
    for (double w : weights) {
        if (!(std::isfinite(w) && w >= 0.0)) throw InputError("an ensemble weight is " + std::to_string(w) + ": weights must be >= 0");
        total += w;
    }
    if (!(total > 0.0)) throw InputError("the ensemble's weights are all 0: give at least one model a positive weight");
}

EnsembleWeights EnsembleWeights::equal(std::vector<ModelKind> pool) {
    if (pool.empty()) pool = default_ensemble_pool();
    check_pool(pool);
    EnsembleWeights out;
    out.weights.assign(pool.size(), 1.0 / static_cast<double>(pool.size()));
    out.pool = std::move(pool);
    out.source = "equal weights";
    return out;
}

EnsembleWeights learn_ensemble_weights(const std::vector<std::vector<double>>& panel, std::vector<ModelKind> pool,
                                       int horizon, int origins, int threads, const std::string& source) {
    if (pool.empty()) pool = default_ensemble_pool();
    check_pool(pool);
    if (horizon < 1) throw InputError("the ensemble's learning horizon must be at least 1; got " + std::to_string(horizon));
    if (origins < 1) throw InputError("the ensemble needs at least 1 origin per series; got " + std::to_string(origins));
    for (std::size_t s = 0; s < panel.size(); ++s)
        for (std::size_t i = 0; i < panel[s].size(); ++i)
            if (!(std::isfinite(panel[s][i]) && panel[s][i] > 0.0))
                throw InputError("series " + std::to_string(s + 1) + ", value " + std::to_string(i + 1) + " is " +
                                 std::to_string(panel[s][i]) + ": the ensemble learns from positive series");
    int fewest = 2;  // the training window must also give a naive scale
    for (ModelKind kind : pool) fewest = std::max(fewest, minimum_years(kind));
    const std::size_t K = pool.size();

    // Every (series, origin) row: the members' forecasts (K x up to H), the actuals, the scale.
    struct Row {
        std::vector<double> forecast;  // K * steps, member-major
        std::vector<char> made;        // K: the member forecast every step itself (not filled in)
        std::vector<double> actual;
        double scale = 0.0;
    };
    std::vector<std::vector<Row>> rows(panel.size());
    parallel_for(panel.size(), threads, [&](std::size_t s) {
        const std::vector<double>& y = panel[s];
        const int n = static_cast<int>(y.size());
        // the latest origin leaves `horizon` years to score, or as many as the pool's minimum allows
        const int latest = std::max(n - horizon, fewest);
        for (int k = 0; k < origins; ++k) {
            const int origin = latest - k;  // years used: y[0 .. origin)
            if (origin < fewest || origin >= n) continue;
            const std::vector<double> train(y.begin(), y.begin() + origin);
            double scale = 0.0;
            for (int i = 1; i < origin; ++i) scale += std::fabs(train[static_cast<std::size_t>(i)] - train[static_cast<std::size_t>(i - 1)]);
            scale /= origin - 1;
            if (!(scale > 0.0)) continue;  // a flat window scales no error
            const int steps = std::min(horizon, n - origin);
            Row row;
            row.actual.assign(y.begin() + origin, y.begin() + origin + steps);
            row.scale = scale;
            row.forecast.assign(K * static_cast<std::size_t>(steps), std::numeric_limits<double>::quiet_NaN());
            const AnnualSeries series = AnnualSeries::from_steps(train);
            ModelOptions options;
            options.parameter_uncertainty = false;  // point forecasts only
            for (std::size_t m = 0; m < K; ++m) {
                try {
                    const auto fitted = fit_model(pool[m], series, options);
                    for (int h = 1; h <= steps; ++h) {
                        const double f = fitted->point_forecast(origin + h);
                        if (std::isfinite(f)) row.forecast[m * static_cast<std::size_t>(steps) + static_cast<std::size_t>(h - 1)] = f;
                    }
                } catch (const InputError&) {
                }
            }
            row.made.assign(K, 1);
            for (std::size_t m = 0; m < K; ++m)
                for (int h = 0; h < steps; ++h)
                    if (!std::isfinite(row.forecast[m * static_cast<std::size_t>(steps) + static_cast<std::size_t>(h)]))
                        row.made[m] = 0;
            // a member without a forecast takes the mean of the others' (none: the row is dropped)
            bool any = false;
            for (int h = 0; h < steps; ++h) {
                double sum = 0.0;
                int count = 0;
                for (std::size_t m = 0; m < K; ++m) {
                    const double f = row.forecast[m * static_cast<std::size_t>(steps) + static_cast<std::size_t>(h)];
                    if (std::isfinite(f)) sum += f, ++count;
                }
                if (count == 0) continue;
                any = true;
                for (std::size_t m = 0; m < K; ++m) {
                    double& f = row.forecast[m * static_cast<std::size_t>(steps) + static_cast<std::size_t>(h)];
                    if (!std::isfinite(f)) f = sum / count;
                }
            }
            if (any && std::all_of(row.forecast.begin(), row.forecast.end(), [](double f) { return std::isfinite(f); }))
                rows[s].push_back(std::move(row));
        }
    });
    std::vector<const Row*> all;
    int series_used = 0;
    for (const auto& r : rows) {
        series_used += r.empty() ? 0 : 1;
        for (const auto& row : r) all.push_back(&row);
    }
    if (all.empty())
        throw InputError("the ensemble has no origin to learn from: its pool needs series of at least " +
                         std::to_string(fewest + 1) + " years that change before their origins and that its models "
                         "can fit (got " + std::to_string(panel.size()) + " series)");

    // The objective: the mean over rows of the row's MASE (mean over its steps of |e| / scale).
    const auto objective = [&](const std::vector<double>& w, std::vector<double>* gradient) {
        double total = 0.0;
        if (gradient) gradient->assign(K, 0.0);
        for (const Row* row : all) {
            const std::size_t steps = row->actual.size();
            for (std::size_t h = 0; h < steps; ++h) {
                double f = 0.0;
                for (std::size_t m = 0; m < K; ++m) f += w[m] * row->forecast[m * steps + h];
                const double e = f - row->actual[h];
                const double unit = 1.0 / (row->scale * static_cast<double>(steps));
                total += std::fabs(e) * unit;
                if (gradient && e != 0.0)
                    for (std::size_t m = 0; m < K; ++m) (*gradient)[m] += (e > 0 ? unit : -unit) * row->forecast[m * steps + h];
            }
        }
        const double rows_count = static_cast<double>(all.size());
        if (gradient)
            for (double& g : *gradient) g /= rows_count;
        return total / rows_count;
    };
    // Exponentiated gradient on the simplex, the step normalised by the gradient's largest entry
    // and shrinking as 1/sqrt(t) (the objective is convex and piecewise linear); the best iterate
    // kept, and a single member where one alone does better (an optimum at a vertex is approached
    // slowly by multiplicative steps).
    EnsembleWeights out;
    out.pool = pool;
    std::vector<char> never_failed(K, 1);
    for (std::size_t m = 0; m < K; ++m) {
        // each member alone, over the forecasts it made itself
        double total = 0.0;
        int count = 0;
        for (const Row* row : all) {
            if (!row->made[m]) {
                never_failed[m] = 0;
                continue;
            }
            const std::size_t steps = row->actual.size();
            double sum = 0.0;
            for (std::size_t h = 0; h < steps; ++h) sum += std::fabs(row->forecast[m * steps + h] - row->actual[h]);
            total += sum / (row->scale * static_cast<double>(steps));
            ++count;
        }
        out.member_mase.push_back(count ? total / count : std::numeric_limits<double>::quiet_NaN());
    }
    std::vector<double> w(K, 1.0 / static_cast<double>(K)), gradient, best = w;
    double best_value = objective(w, nullptr);
    for (int t = 1; t <= 2000; ++t) {
        objective(w, &gradient);
        // on the simplex a shift common to every entry changes nothing: centre before scaling the step
        const double mean = std::accumulate(gradient.begin(), gradient.end(), 0.0) / static_cast<double>(K);
        double largest = 0.0;
        for (double& g : gradient) largest = std::max(largest, std::fabs(g -= mean));
        if (!(largest > 0.0)) break;
        const double step = 1.0 / std::sqrt(static_cast<double>(t));
        double sum = 0.0;
        for (std::size_t m = 0; m < K; ++m) sum += (w[m] *= std::exp(-step * gradient[m] / largest));
        for (double& v : w) v /= sum;
        const double value = objective(w, nullptr);
        if (value < best_value) best_value = value, best = w;
    }
    // a single member, if one that never failed does better alone
    for (std::size_t m = 0; m < K; ++m)
        if (never_failed[m] && out.member_mase[m] < best_value) {
            best.assign(K, 0.0);
            best[m] = 1.0;
            best_value = out.member_mase[m];
        }
    out.weights = best;
    out.combined_mase = best_value;
    out.source = source;
    out.series = series_used;
    out.forecasts = static_cast<int>(all.size());
    return out;
}

EnsembleModel::EnsembleModel(const AnnualSeries& series, const EnsembleWeights& weights, const ModelOptions& options)
    : GrowthModel(series.last_year(), series.log_level(series.size() - 1)), weights_(weights) {
    weights.validate();
    std::string reasons;
    double total = 0.0;
    for (std::size_t k = 0; k < weights.pool.size(); ++k) {
        const std::string& name = model_info(weights.pool[k]).name;
        if (weights.weights[k] == 0.0) continue;
        try {
            if (series.size() < minimum_years(weights.pool[k]))
                throw InputError("needs " + std::to_string(minimum_years(weights.pool[k])) + " years");
            members_.push_back({std::shared_ptr<const GrowthModel>(fit_model(weights.pool[k], series, options)),
                                weights.weights[k]});
            total += weights.weights[k];
        } catch (const InputError& e) {
            reasons += (reasons.empty() ? "" : "; ") + name + ": " + e.what();
        }
    }
    if (members_.empty())
        throw InputError("no model of the ensemble's pool can be fitted to this series of " +
                         std::to_string(series.size()) + " years (" + reasons + ")");
    for (auto& member : members_) member.weight /= total;
}

EnsembleModel::EnsembleModel(const EnsembleModel& other, std::vector<Member> members)
    : GrowthModel(other), weights_(other.weights_), members_(std::move(members)) {}

std::shared_ptr<const GrowthModel> EnsembleModel::with_parameter_uncertainty(bool draw) const {
    bool changes = false;
    std::vector<Member> members;
    for (const auto& member : members_) {
        auto changed = member.model->with_parameter_uncertainty(draw);
        changes = changes || changed != nullptr;
        members.push_back({changed ? changed : member.model, member.weight});
    }
    if (!changes) return nullptr;
    return std::shared_ptr<const GrowthModel>(new EnsembleModel(*this, std::move(members)));  // the constructor is private
}

std::string EnsembleModel::method() const {
    std::string out = "ensemble (";
    for (std::size_t k = 0; k < members_.size(); ++k) {
        char weight[16];
        std::snprintf(weight, sizeof weight, "%.2f", members_[k].weight);
        out += (k ? ", " : "") + members_[k].model->method() + " " + weight;
    }
    return out + ")";
}

std::vector<std::pair<std::string, double>> EnsembleModel::params() const {
    std::vector<std::pair<std::string, double>> out;
    for (const auto& member : members_) out.emplace_back("weight_" + to_string(member.model->kind()), member.weight);
    return out;
}

double EnsembleModel::point_forecast(int year) const {
    double f = 0.0;
    for (const auto& member : members_) f += member.weight * member.model->point_forecast(year);
    return f;
}

double EnsembleModel::log_moment(int year, bool variance) const {
    double mean = 0.0, second = 0.0;
    for (const auto& member : members_) {
        const double m = member.model->mean_log(year);
        const double s = member.model->predictive_scale(year);
        // a member whose mean is at or below zero has no log mean: the spread in logs is unbounded
        if (!(std::isfinite(m) && std::isfinite(s))) return variance ? std::numeric_limits<double>::infinity() : m;
        mean += member.weight * m;
        second += member.weight * (s * s + m * m);
    }
    return variance ? std::max(second - mean * mean, 0.0) : mean;
}

double EnsembleModel::mean_log(int year) const {
    const double f = point_forecast(year);
    return f > 0.0 ? std::log(f) : -std::numeric_limits<double>::infinity();
}

double EnsembleModel::predictive_scale(int year) const { return std::sqrt(log_moment(year, true)); }

double EnsembleModel::log_growth() const { return mean_log(last_year() + 1) - last_log_level(); }

double EnsembleModel::log_growth_se() const { return predictive_scale(last_year() + 1); }

double EnsembleModel::forecast_quantile(int year, double p) const {
    if (!(p > 0.0 && p < 1.0)) throw InputError("a quantile probability must be in (0, 1); got " + std::to_string(p));
    if (members_.size() == 1) return members_[0].model->forecast_quantile(year, p);
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (const auto& member : members_) {
        const double q = member.model->forecast_quantile(year, p);
        low = std::min(low, q);
        high = std::max(high, q);
    }
    if (!(std::isfinite(low) && std::isfinite(high)))
        throw InputError("the ensemble's " + std::to_string(p) + "-quantile in " + std::to_string(year) +
                         " is beyond the range of numbers: a member's quantile there is not finite");
    if (!(high > low)) return low;
    const auto excess = [&](double x) { return forecast_cdf(year, x) - p; };
    // the members' own p-quantiles bracket the root, but a member with no spread (a point mass)
    // or rounding can put it on an end
    if (excess(low) >= 0.0) return low;
    if (excess(high) <= 0.0) return high;
    std::uintmax_t iterations = 100;
    const auto root = boost::math::tools::toms748_solve(excess, low, high, boost::math::tools::eps_tolerance<double>(40),
                                                        iterations);
    return 0.5 * (root.first + root.second);
}

double EnsembleModel::forecast_cdf(int year, double x) const {
    double cdf = 0.0;
    for (const auto& member : members_) cdf += member.weight * member.model->forecast_cdf(year, x);
    return cdf;
}

void EnsembleModel::simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const {
    boost::random::uniform_01<double> uniform;
    double u = uniform(rng);
    std::size_t k = 0;
    while (k + 1 < members_.size() && u >= members_[k].weight) u -= members_[k++].weight;
    members_[k].model->simulate(rng, first_year, out);
}

}  // namespace tradetarget
