#include <cmath>

#include <catch2/catch.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/observations.hpp"

using namespace tradetarget;
using Catch::Matchers::Contains;

namespace {

Observation obs(const std::string& id, const std::string& source, const std::string& statement,
                const std::string& start, const std::string& end, double value,
                const std::string& published = "") {
    return make_observation(id, "row " + id, source, statement, start, end, published, value, 0.0);
}

// The Kazakhstan–Türkiye figures as the seed articles state them.
std::vector<Observation> seed_like() {
    return {
        obs("t2021", "004", "level", "2021-01", "2021-12", 5.3e9),
        obs("g2021", "004", "growth", "2021-01", "2021-12", 0.58),
        obs("t2022", "000", "level", "2022-01", "2022-12", 4.0e9),
        obs("t2024a", "000", "level", "2024-01", "2024-12", 6.3e9),
        obs("t2024b", "002", "approx_level", "2024-01", "2024-12", 5.0e9),
        obs("t2024c", "002", "level", "2024-01", "2024-12", 5.0e9),
        obs("cur", "001", "current_level", "", "", 5.0e9, "2025-08-04"),
        obs("jm2025", "002", "level", "2025-01", "2025-05", 1.9e9),
    };
}

}  // namespace

TEST_CASE("the default annual rule combines sources in logs and reports every decision") {
    const auto r = reconcile_annual(seed_like());
    REQUIRE(r.year_list() == std::vector<int>{2020, 2021, 2022, 2024});

    // 2020 comes from 2021's level and the 58% growth statement.
    CHECK(r.years[0].value == Approx(5.3e9 / 1.58).epsilon(1e-12));
    CHECK(r.years[0].log_sd == 0.0);
    // 2024: three sources (000: 6.3; 002: 5.0 twice, counted once; 001: "current" 5.0).
    const double logs[] = {std::log(6.3e9), std::log(5.0e9), std::log(5.0e9)};
    const double m = (logs[0] + logs[1] + logs[2]) / 3.0;
    const double sd = std::sqrt(((logs[0] - m) * (logs[0] - m) + 2 * (logs[1] - m) * (logs[1] - m)) / 2.0);
    CHECK(r.years[3].value == Approx(std::exp(m)).epsilon(1e-12));
    CHECK(r.years[3].log_sd == Approx(sd).epsilon(1e-12));
    CHECK(r.years[3].n_sources == 3);
    CHECK_THAT(r.years[3].how, Contains("geometric mean of 3 sources"));

    // Every observation has a decision; the partial year is kept out and says why.
    REQUIRE(r.decisions.size() == 8);
    CHECK_FALSE(r.decisions[7].used);
    CHECK_THAT(r.decisions[7].reason, Contains("partial year"));
    CHECK(r.decisions[6].used);
    CHECK(*r.decisions[6].year == 2024);
    CHECK_THAT(r.decisions[6].reason, Contains("2025-08-04"));
}

TEST_CASE("growth statements anchor forwards too, and are checks when both years are known") {
    auto forward = reconcile_annual({obs("a", "s", "level", "2020-01", "2020-12", 100.0),
                                     obs("g", "s", "growth", "2021-01", "2021-12", 0.1),
                                     obs("b", "s", "level", "2023-01", "2023-12", 150.0)});
    REQUIRE(forward.year_list() == std::vector<int>{2020, 2021, 2023});
    CHECK(forward.years[1].value == Approx(110.0));

    auto both = reconcile_annual({obs("a", "s", "level", "2020-01", "2020-12", 100.0),
                                  obs("b", "s", "level", "2021-01", "2021-12", 120.0),
                                  obs("g", "s", "growth", "2021-01", "2021-12", 0.1)});
    CHECK_FALSE(both.decisions[2].used);
    CHECK_THAT(both.decisions[2].reason, Contains("consistency check"));

    auto absurd = reconcile_annual({obs("a", "s", "level", "2020-01", "2020-12", 1e-300),
                                    obs("g", "s", "growth", "2020-01", "2020-12", 1e300),
                                    obs("b", "s", "level", "2021-01", "2021-12", 2e-300)});
    CHECK_FALSE(absurd.decisions[1].used);
    CHECK_THAT(absurd.decisions[1].reason, Contains("outside the range of numbers"));

    auto orphan = reconcile_annual({obs("a", "s", "level", "2020-01", "2020-12", 100.0),
                                    obs("b", "s", "level", "2021-01", "2021-12", 120.0),
                                    obs("g", "s", "growth", "2015-01", "2015-12", 0.1)});
    CHECK_THAT(orphan.decisions[2].reason, Contains("no level for 2014 or 2015"));
}

TEST_CASE("bounds, ranges, expectations and multi-year totals are reported, not used") {
    auto r = reconcile_annual({
        obs("a", "s", "level", "2020-01", "2020-12", 100.0),
        obs("b", "s", "level", "2021-01", "2021-12", 120.0),
        make_observation("r", "row r", "s", "range", "2021-01", "2021-12", "", 100.0, 130.0),
        obs("lb", "s", "lower_bound", "2021-01", "2021-12", 90.0),
        obs("ex", "s", "expectation", "2025-01", "2025-12", 300.0),
        obs("cum", "s", "level", "2005-01", "2024-12", 5000.0),
    });
    REQUIRE(r.years.size() == 2);
    for (std::size_t i = 2; i < r.decisions.size(); ++i) CHECK_FALSE(r.decisions[i].used);
    CHECK_THAT(r.decisions[5].reason, Contains("multi-year"));
}

TEST_CASE("bad observations are refused with a message naming the row, column and value") {
    CHECK_THROWS_WITH(obs("x", "s", "level", "2021-01", "2021-12", -5.0),
                      Contains("row x") && Contains("'value'") && Contains("-5"));
    CHECK_THROWS_WITH(obs("x", "s", "level", "2021-01", "2021-12", 0.0), Contains("positive"));
    CHECK_THROWS_WITH(obs("x", "s", "level", "2021-01", "2021-12", std::nan("")), Contains("finite"));
    CHECK_THROWS_WITH(obs("x", "s", "growth", "2021-01", "2021-12", -1.5), Contains("above -1"));
    CHECK_THROWS_WITH(obs("x", "s", "levels", "2021-01", "2021-12", 1.0),
                      Contains("'statement'") && Contains("approx_level"));
    CHECK_THROWS_WITH(obs("x", "s", "level", "2021-13", "2021-12", 1.0), Contains("01 to 12"));
    CHECK_THROWS_WITH(obs("x", "s", "level", "21-01", "2021-12", 1.0), Contains("'period_start'"));
    CHECK_THROWS_WITH(obs("x", "s", "level", "2022-01", "2021-12", 1.0), Contains("before it starts"));
    CHECK_THROWS_WITH(obs("x", "s", "level", "", "", 1.0), Contains("only a current_level"));
    CHECK_THROWS_WITH(obs("x", "s", "current_level", "", "", 1.0, "soon"), Contains("'published'"));
    CHECK_THROWS_WITH(make_observation("x", "row x", "s", "range", "2021-01", "2021-12", "", 5.0, 4.0),
                      Contains("'value_upper'"));
    CHECK_THROWS_AS(obs("x", "s", "level", "2021-01", "2021-12", -5.0), InputError);
    CHECK_THROWS_AS(obs("x", "s", "level", "2021-01", "2021-12", -5.0), std::invalid_argument);
}

TEST_CASE("fewer than two usable years is an error that says so") {
    CHECK_THROWS_WITH(reconcile_annual({obs("a", "s", "level", "2020-01", "2020-12", 100.0),
                                        obs("p", "s", "level", "2021-01", "2021-05", 50.0)}),
                      Contains("only 1 usable year(s) (2020)"));
    CHECK_THROWS_WITH(reconcile_annual({}), Contains("only 0 usable"));
}
