// Where a panel forecast's time goes, per model: fit_panel (one thread, no paths, a 10-year
// forecast with 80% and 95% intervals, as benchmarks/panel_speed.py asks) split into fit_model and
// forecast_series, on 1,000 seeded annual series of 25 years (random walks with drift in logs and
// AR(1) noise, the series of arima_fit_timing.cpp), in one process.
//   cmake --build build/cpp
//   g++ -std=c++17 -O2 -g -Icore/include -I/usr/include/eigen3 benchmarks/panel_fit_timing.cpp -Lbuild/cpp/core -ltradetarget -lpthread -o build/panel_fit_timing
//   build/panel_fit_timing
// (against an earlier commit: build its core in a worktree, link against that build's include/
// and libtradetarget.a instead.)
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <vector>

#include <boost/random/normal_distribution.hpp>

#include "tradetarget/panel.hpp"
#include "tradetarget/random.hpp"
#include "tradetarget/registry.hpp"

int main() {
    using namespace tradetarget;
    using clock = std::chrono::steady_clock;
    Rng rng = make_rng(1, 0);
    boost::random::normal_distribution<double> normal;
    std::vector<PanelSeries> panel;
    for (int i = 0; i < 1000; ++i) {
        PanelSeries s;
        s.id = std::to_string(i);
        double log_level = std::log(100.0), noise = 0.0;
        for (int t = 0; t < 25; ++t) {
            noise = 0.5 * noise + 0.05 * normal(rng);
            log_level += 0.05 + 0.1 * normal(rng);
            s.years.push_back(2000 + t);
            s.values.push_back(std::exp(log_level + noise));
        }
        panel.push_back(s);
    }
    const auto per_series = [&](clock::time_point start) {
        return std::chrono::duration<double>(clock::now() - start).count() / static_cast<double>(panel.size()) * 1e3;
    };
    std::cout << std::setprecision(3) << std::fixed << "ms per series: model, fit_panel, fit_model, forecast_series\n";
    for (const ModelKind kind : {ModelKind::AutoArima, ModelKind::AutoEts, ModelKind::Theta, ModelKind::RandomWalkDrift}) {
        PanelOptions options;
        options.model = kind;
        options.horizon = 10;
        options.n_paths = 0;
        options.threads = 1;
        auto start = clock::now();
        fit_panel(panel, options);
        const double whole = per_series(start);
        std::vector<AnnualSeries> series;
        for (const auto& s : panel) series.push_back(AnnualSeries::from_levels(s.years, s.values));
        std::vector<std::shared_ptr<const GrowthModel>> fits;
        start = clock::now();
        for (const auto& s : series) fits.push_back(fit_model(kind, s, options.model_options));
        const double fit = per_series(start);
        ForecastOptions one = options;
        start = clock::now();
        for (std::size_t i = 0; i < fits.size(); ++i) forecast_series(*fits[i], series[i], {}, one);
        std::cout << to_string(kind) << " " << whole << " " << fit << " " << per_series(start) << "\n";
    }
}
