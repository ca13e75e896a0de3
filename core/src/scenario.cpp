#include "tradetarget/scenario.hpp"

#include <algorithm>
#include <cmath>

#include <boost/random/normal_distribution.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/random.hpp"

namespace tradetarget {

LeverKind parse_lever_kind(const std::string& name) {
    if (name == "new_exports") return LeverKind::NewExports;
    if (name == "price") return LeverKind::Price;
    if (name == "volume") return LeverKind::Volume;
    if (name == "import_growth") return LeverKind::ImportGrowth;
    if (name == "growth_uplift") return LeverKind::GrowthUplift;
    throw InputError("unknown lever kind '" + name + "'; expected new_exports, price, volume, import_growth or growth_uplift");
}

namespace {

void check(const Lever& lever) {
    const auto fail = [&](const std::string& why) { throw InputError("lever '" + lever.name + "': " + why); };
    if (!std::isfinite(lever.uncertainty) || lever.uncertainty < 0.0 || lever.uncertainty > 3.0)
        fail("uncertainty must be a log-sd between 0 and 3");
    switch (lever.kind) {
        case LeverKind::NewExports:
            if (!std::isfinite(lever.amount) || lever.amount < 0.0) fail("amount must be finite and >= 0");
            if (lever.phase_years < 1) fail("phase_in_years must be at least 1");
            if (lever.start_year < 1000 || lever.start_year > 3000) fail("start must be a calendar year");
            break;
        case LeverKind::Price:
        case LeverKind::Volume:
            if (!(lever.share >= 0.0 && lever.share <= 1.0)) fail("share must be between 0 and 1");
            for (std::size_t i = 0; i < lever.percent_by_year.size(); ++i) {
                const auto& [year, pct] = lever.percent_by_year[i];
                if (!std::isfinite(pct) || pct <= -100.0) fail("the change for " + std::to_string(year) + " must be above -100%");
                if (i > 0 && year <= lever.percent_by_year[i - 1].first) fail("the years of the changes must be increasing");
            }
            break;
        case LeverKind::ImportGrowth:
        case LeverKind::GrowthUplift:
            if (!(lever.share >= 0.0 && lever.share <= 1.0)) fail("share must be between 0 and 1");
            if (!std::isfinite(lever.rate) || lever.rate <= -1.0) fail("rate must be above -1 (-100%)");
            break;
    }
}

// The lever's deterministic factor for year t (before the baseline and the multiplier).
double factor(const Lever& lever, int year, int t0, double& cumulative) {
    switch (lever.kind) {
        case LeverKind::NewExports:
            return lever.amount * std::clamp(static_cast<double>(year - lever.start_year + 1) / lever.phase_years, 0.0, 1.0);
        case LeverKind::Price:
        case LeverKind::Volume:
            for (const auto& [y, pct] : lever.percent_by_year)
                if (y == year) cumulative *= 1.0 + pct / 100.0;
            return lever.share * (cumulative - 1.0);
        case LeverKind::ImportGrowth:
        case LeverKind::GrowthUplift:
            return lever.share * (std::pow(1.0 + lever.rate, year - t0) - 1.0);
    }
    return 0.0;
}

}  // namespace

ScenarioPaths apply_levers(const PathMatrix& baseline, int first_year, const std::vector<Lever>& levers,
                           std::uint64_t seed) {
    if (!baseline.allFinite() || (baseline.array() < 0.0).any())
        throw InputError("baseline paths must be finite levels >= 0");
    for (const Lever& lever : levers) check(lever);
    ScenarioPaths out;
    out.first_year = first_year;
    out.total = baseline;
    const Eigen::Index n = baseline.rows(), horizon = baseline.cols();
    const int t0 = first_year - 1;
    for (std::size_t k = 0; k < levers.size(); ++k) {
        const Lever& lever = levers[k];
        // Lever k's multipliers come from stream k of the seed: adding a lever leaves the
        // others' draws unchanged.
        Rng rng = make_rng(seed, static_cast<std::uint64_t>(k));
        boost::random::normal_distribution<double> normal;
        Eigen::VectorXd multiplier = Eigen::VectorXd::Ones(n);
        if (lever.uncertainty > 0.0)
            for (Eigen::Index p = 0; p < n; ++p)
                multiplier(p) = std::exp(lever.uncertainty * normal(rng) - 0.5 * lever.uncertainty * lever.uncertainty);
        Eigen::VectorXd year_factor(horizon);
        double cumulative = 1.0;
        // Price/volume changes dated before the paths start still compound into them.
        for (const auto& [y, pct] : lever.percent_by_year)
            if (y < first_year) cumulative *= 1.0 + pct / 100.0;
        for (Eigen::Index k2 = 0; k2 < horizon; ++k2)
            year_factor(k2) = factor(lever, first_year + static_cast<int>(k2), t0, cumulative);
        PathMatrix c(n, horizon);
        const bool on_baseline = lever.kind != LeverKind::NewExports;
        for (Eigen::Index p = 0; p < n; ++p)
            for (Eigen::Index j = 0; j < horizon; ++j)
                c(p, j) = (on_baseline ? baseline(p, j) : 1.0) * year_factor(j) * multiplier(p);
        out.total += c;
        out.contributions.push_back(std::move(c));
    }
    return out;
}

}  // namespace tradetarget
