#pragma once
/// \file scenario.hpp
/// Policy scenarios on sample paths: what a new-export programme, commodity prices and volumes,
/// import growth or a general uplift add to the baseline, and the target-gap decomposition.
///
/// Each lever adds a contribution path to every baseline path (levels, US$):
///   new exports     c_t = A * min(1, max(0, (t - start + 1) / phase_years)) * m
///   price / volume  c_t = B_t * share * (prod_{y <= t} (1 + pct_y / 100) - 1) * m
///   import growth   c_t = B_t * share * ((1 + rate)^(t - t0) - 1) * m
///   growth uplift   c_t = B_t * ((1 + rate)^(t - t0) - 1) * m
/// with B_t the baseline path, t0 the last year before the paths, `share` the part of trade the
/// lever acts on (a commodity's or imports' share), and m a per-path effect multiplier,
/// lognormal with mean 1 and log-sd `uncertainty` (m = 1 when it is 0), from the lever's own
/// seeded stream. Contributions are first-order deviations from the baseline (no interaction
/// terms), so the scenario is baseline + sum of contributions, path by path; the decomposition
/// (mean contribution by a year) adds up exactly to the scenario minus the baseline, and a
/// scenario whose levers are all zero is the baseline itself.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "tradetarget/simulation.hpp"

namespace tradetarget {

enum class LeverKind { NewExports, Price, Volume, ImportGrowth, GrowthUplift };

LeverKind parse_lever_kind(const std::string& name);  ///< new_exports, price, volume, import_growth, growth_uplift

struct Lever {
    std::string name;
    LeverKind kind = LeverKind::GrowthUplift;
    double amount = 0.0;      ///< NewExports: US$ a year once phased in
    int start_year = 0;       ///< NewExports: first year with exports
    int phase_years = 1;      ///< NewExports: years to reach `amount`
    double share = 1.0;       ///< Price/Volume/ImportGrowth: the part of trade acted on, in [0, 1]
    std::vector<std::pair<int, double>> percent_by_year;  ///< Price/Volume: % change in that year
    double rate = 0.0;        ///< ImportGrowth/GrowthUplift: extra growth a year (0.02 = 2%)
    double uncertainty = 0.0; ///< log-sd of the effect multiplier
};

struct ScenarioPaths {
    int first_year = 0;
    PathMatrix total;                          ///< baseline + contributions (levels)
    std::vector<PathMatrix> contributions;     ///< one per lever (levels)
};

/// Applies the levers to baseline level paths (n_paths x horizon, first year `first_year`).
/// Throws InputError naming the lever for a bad value.
ScenarioPaths apply_levers(const PathMatrix& baseline, int first_year, const std::vector<Lever>& levers,
                           std::uint64_t seed);

}  // namespace tradetarget
