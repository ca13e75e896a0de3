#include <cmath>

#include <catch2/catch.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/hierarchy.hpp"
#include "tradetarget/mix.hpp"
#include "tradetarget/scenario.hpp"

using namespace tradetarget;
using Catch::Matchers::Contains;

TEST_CASE("mix: shares, remainder and the HHI range") {
    const std::vector<MixItem> items = {{"copper", 60.0, true, true}, {"oil", 30.0, true, true}, {"pp", 10.0, false, true}};
    const MixSummary s = summarize_mix(items, 200.0, 400.0);
    REQUIRE(s.lines.size() == 4);
    CHECK(s.lines[3].remainder);
    CHECK(s.remainder == Approx(100.0));
    CHECK(s.hhi == Approx(0.09 + 0.0225 + 0.0025));
    CHECK(s.hhi_upper == Approx(s.hhi + 0.25));
    CHECK(s.hhi_normalised == Approx((s.hhi_upper - 0.25) / 0.75));
    CHECK(s.primary_share == Approx(0.45));
    CHECK(s.lines[0].share_of_trade == Approx(0.15));
    CHECK_THROWS_WITH(summarize_mix(items, 50.0, 400.0), Contains("shares above 100%"));
    CHECK_THROWS_WITH(summarize_mix({{"a", 1.0}, {"a", 2.0}}, NAN, NAN), Contains("'a' is listed twice"));
    CHECK_THROWS_WITH(summarize_mix(items, 500.0, 400.0), Contains("exceed total trade"));
    // Found by libFuzzer: values whose sum overflows gave shares of 0 that did not add up to 1.
    CHECK_THROWS_WITH(summarize_mix({{"a", 1.7e308}, {"b", 1.7e308}}, NAN, NAN), Contains("beyond the range"));
}

TEST_CASE("hierarchy: reconciled paths are coherent and bottom-up keeps the bottom") {
    Eigen::MatrixXd s(3, 2);
    s << 1, 1, 1, 0, 0, 1;
    std::vector<PathMatrix> base(3, PathMatrix(4, 2));
    for (int i = 0; i < 3; ++i) base[static_cast<std::size_t>(i)].setConstant(10.0 + i);
    const auto g = reconciliation_matrix(s, Reconciliation::BottomUp, {}, {});
    const auto out = reconcile_paths(base, s, g);
    CHECK((out[1].array() == 11.0).all());
    CHECK((out[0].array() == 23.0).all());
    Eigen::MatrixXd residuals(6, 3);
    residuals << 1, 0.5, 0.4, -1, -0.6, -0.5, 0.5, 0.2, 0.2, -0.3, -0.1, -0.2, 0.8, 0.5, 0.2, -0.7, -0.4, -0.3;
    const auto mint = reconcile_paths(base, s, reconciliation_matrix(s, Reconciliation::MinTShrink, {}, residuals));
    CHECK(((mint[0] - mint[1] - mint[2]).array().abs() < 1e-12).all());
    CHECK_THROWS_AS(reconciliation_matrix(s, Reconciliation::MinTShrink, {}, residuals.topRows(2)), InputError);
}

TEST_CASE("scenario: zero levers give the baseline, and contributions add up") {
    PathMatrix baseline(3, 4);
    baseline << 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6;
    Lever zero{"zero", LeverKind::Price, 0, 0, 1, 0.5, {{2026, 0.0}}, 0.0, 0.7};
    CHECK((apply_levers(baseline, 2025, {zero}, 1).total.array() == baseline.array()).all());
    Lever programme{"programme", LeverKind::NewExports, 8.0, 2026, 4, 1.0, {}, 0.0, 0.0};
    Lever uplift{"uplift", LeverKind::GrowthUplift, 0, 0, 1, 1.0, {}, 0.1, 0.0};
    const auto s = apply_levers(baseline, 2025, {programme, uplift}, 1);
    CHECK(s.contributions[0](0, 0) == 0.0);               // 2025: not started
    CHECK(s.contributions[0](0, 2) == Approx(4.0));       // 2027: 2 of 4 years
    CHECK(s.contributions[1](1, 3) == Approx(5.0 * (std::pow(1.1, 4) - 1.0)));
    CHECK(((s.total - baseline - s.contributions[0] - s.contributions[1]).array().abs() < 1e-12).all());
    Lever bad{"bad", LeverKind::NewExports, 1.0, 2026, 0, 1.0, {}, 0.0, 0.0};
    CHECK_THROWS_WITH(apply_levers(baseline, 2025, {bad}, 1), Contains("lever 'bad': phase_in_years"));
}
