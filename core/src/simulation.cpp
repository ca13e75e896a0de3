#include "tradetarget/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <boost/random/normal_distribution.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/parallel.hpp"

namespace tradetarget {

void SimulationOptions::validate() const {
    if (horizon < 1 || horizon > 500)
        throw InputError("horizon is " + std::to_string(horizon) + " years; it must be 1 to 500");
    if (n_paths < 1)
        throw InputError("n_paths is " + std::to_string(n_paths) + "; at least 1 path is needed");
    if (threads < 0) throw InputError("threads is " + std::to_string(threads) + "; it must be >= 0 (0: all cores)");
    if (paths_per_refit < 1)
        throw InputError("paths_per_refit is " + std::to_string(paths_per_refit) +
                         "; it must be at least 1");
    const double values = static_cast<double>(n_paths) * horizon;
    if (values > max_path_values)
        throw InputError(std::to_string(n_paths) + " paths x " + std::to_string(horizon) +
                         " years would take " + std::to_string(values * 8 / 1e9) +
                         " GB; ask for at most " + std::to_string(static_cast<long long>(max_path_values)) +
                         " path-years");
}

namespace {
constexpr int max_redraws = 20;
}  // namespace

void for_each_path_block(int n_paths, int block, std::uint64_t seed, int threads,
                         const std::function<void(int b, Rng& rng, int begin, int end)>& run) {
    const int n_blocks = (n_paths + block - 1) / block;
    parallel_for(static_cast<std::size_t>(n_blocks), threads, [&](std::size_t index) {
        const int b = static_cast<int>(index);
        Rng rng = make_rng(seed, static_cast<std::uint64_t>(b));
        run(b, rng, b * block, std::min(n_paths, (b + 1) * block));
    });
}

SamplePaths simulate_paths(ModelKind kind, const AnnualSeries& series,
                           const SimulationOptions& options) {
    options.validate();
    const auto fitted = fit_model(kind, series, options.model);  // also validates the series for this model
    return simulate_paths(*fitted, series, options);
}

SamplePaths simulate_paths(const GrowthModel& fitted, const AnnualSeries& series,
                           const SimulationOptions& options) {
    options.validate();
    const ModelKind kind = fitted.kind();
    SamplePaths paths;
    paths.model = kind;
    paths.first_year = series.last_year() + 1;
    paths.log_level.resize(options.n_paths, options.horizon);

    const bool redraw = options.source_uncertainty && (series.log_sd.array() > 0.0).any();
    // Block b of paths always uses stream b of the seed, so the paths do not depend on how the
    // blocks are shared among threads.
    const int block = redraw ? options.paths_per_refit : SimulationOptions::paths_per_block;
    for_each_path_block(options.n_paths, block, options.seed, options.threads, [&](int b, Rng& rng, int begin, int end) {
        std::unique_ptr<GrowthModel> block_model;
        if (redraw) {
            // A refitted model serves only this block's paths: it makes as many posterior draws
            // from a small importance sample (their union over the blocks is the posterior
            // mixture), seeded by the block (without touching its stream, so the redrawn series
            // are the same with or without parameter uncertainty).
            ModelOptions refit = options.model;
            refit.posterior.draws = block;
            refit.posterior.proposals = std::max(block, 500);
            refit.posterior.adaptation_rounds = 2;
            refit.posterior.adaptation_proposals = 250;
            refit.posterior.seed = options.seed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(b) + 1);
            // a Box-Cox lambda chosen from the data stays the central fit's: a redrawn series is the
            // same series measured differently, not a reason for another transformation
            if (refit.box_cox_auto)
                for (const auto& [name, value] : fitted.params())
                    if (name == "lambda") {
                        refit.box_cox_auto = false;
                        refit.box_cox_lambda = value;
                    }
            // A redrawn series the model cannot fit (a saturating curve that does not converge)
            // is replaced by another redraw; after max_redraws failures the block uses the
            // central fit.
            AnnualSeries redrawn = series;
            boost::random::normal_distribution<double> normal;
            for (int attempt = 0; attempt < max_redraws && !block_model; ++attempt) {
                for (Eigen::Index i = 0; i < series.log_level.size(); ++i)
                    redrawn.log_level(i) = series.log_level(i) + series.log_sd(i) * normal(rng);
                try {
                    block_model = fit_model(kind, redrawn, refit);
                } catch (const InputError&) {
                }
            }
        }
        const GrowthModel& model = block_model ? *block_model : fitted;
        Eigen::VectorXd row(options.horizon);
        for (int p = begin; p < end; ++p) {
            model.simulate(rng, paths.first_year, row);
            paths.log_level.row(p) = row.transpose();
        }
    });
    return paths;
}

SamplePaths mix_paths(const std::vector<const SamplePaths*>& paths, const std::vector<double>& weights) {
    if (paths.empty() || paths.size() != weights.size())
        throw InputError("mix_paths needs one weight per set of paths (and at least one set)");
    double total = 0.0;
    for (double w : weights) {
        if (!std::isfinite(w) || w < 0.0) throw InputError("combination weights must be finite and >= 0");
        total += w;
    }
    if (!(total > 0.0)) throw InputError("combination weights must not all be zero");
    const SamplePaths& first = *paths.front();
    for (const SamplePaths* p : paths)
        if (p->first_year != first.first_year || p->horizon() != first.horizon())
            throw InputError("paths to combine must cover the same years (" + std::to_string(first.first_year) + "-" +
                             std::to_string(first.last_year()) + ")");
    SamplePaths out;
    out.model = first.model;
    out.first_year = first.first_year;
    const Eigen::Index n = first.log_level.rows();
    out.log_level.resize(n, first.horizon());
    Eigen::Index row = 0;
    double cumulative = 0.0;
    for (std::size_t k = 0; k < paths.size(); ++k) {
        cumulative += weights[k] / total;
        const Eigen::Index end = k + 1 == paths.size() ? n : static_cast<Eigen::Index>(std::llround(cumulative * static_cast<double>(n)));
        const Eigen::Index take = std::min(end - row, paths[k]->log_level.rows());
        if (end - row > paths[k]->log_level.rows())
            throw InputError("not enough paths in set " + std::to_string(k) + " for its weight");
        out.log_level.middleRows(row, take) = paths[k]->log_level.topRows(take);
        row += take;
    }
    return out;
}

SamplePaths paths_from_levels(int first_year, const PathMatrix& levels) {
    SamplePaths out;
    out.first_year = first_year;
    out.log_level = levels.unaryExpr([](double v) {
        return v > 0.0 ? std::log(v) : -std::numeric_limits<double>::infinity();
    });
    return out;
}

Eigen::MatrixXd path_quantiles(const SamplePaths& paths, const std::vector<double>& probabilities) {
    for (double p : probabilities)
        if (!(p > 0.0 && p < 1.0))
            throw InputError("quantile probabilities must be in (0, 1); got " + std::to_string(p));
    const Eigen::Index n = paths.log_level.rows();
    Eigen::MatrixXd out(paths.log_level.cols(), static_cast<Eigen::Index>(probabilities.size()));
    std::vector<double> column(static_cast<std::size_t>(n));
    for (Eigen::Index k = 0; k < paths.log_level.cols(); ++k) {
        for (Eigen::Index i = 0; i < n; ++i) column[static_cast<std::size_t>(i)] = paths.log_level(i, k);
        std::sort(column.begin(), column.end());
        for (std::size_t j = 0; j < probabilities.size(); ++j) {
            // Linear interpolation between order statistics (Hyndman & Fan 1996, type 7).
            const double h = (static_cast<double>(n) - 1.0) * probabilities[j];
            const auto lo = static_cast<std::size_t>(std::floor(h));
            const std::size_t hi = std::min(lo + 1, column.size() - 1);
            const double q = column[lo] + (h - static_cast<double>(lo)) * (column[hi] - column[lo]);
            out(k, static_cast<Eigen::Index>(j)) = std::exp(q);
        }
    }
    return out;
}

}  // namespace tradetarget
