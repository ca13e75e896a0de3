#pragma once
/// \file observations.hpp
/// From what was *said* (news, ministries, statistics offices) to an annual series.
///
/// An Observation records one statement as it was made: a level, an approximate level, a
/// "current" level, a bound, a range, a growth rate or an expectation, for a period of months.
/// reconcile_annual() applies the documented default rule of this version (see
/// docs in docs/guide/observations.md, "How observations become a series") and records a Decision for every
/// observation, used or not, so that nothing happens silently.
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace tradetarget {

/// The kind of a statement, as in the `statement` column of the data files.
enum class Statement { Level, ApproxLevel, CurrentLevel, LowerBound, Range, Growth, Expectation };

/// Parses "level", "approx_level", ...; `where` names the observation in the error message.
Statement parse_statement(const std::string& text, const std::string& where);
std::string to_string(Statement statement);

/// Calendar years the library accepts (keeps year arithmetic far from integer overflow).
constexpr int earliest_year = 1000;
constexpr int latest_year = 3000;

/// A month, written "YYYY-MM" in the data files.
struct YearMonth {
    int year = 0;
    int month = 0;  // 1..12
};
/// Parses "YYYY-MM" (or "YYYY", read as a whole year when `is_end`); throws InputError naming `where`.
YearMonth parse_year_month(const std::string& text, bool is_end, const std::string& where);
/// "YYYY-MM".
std::string to_string(const YearMonth& m);

/// What period a statement covers: the one classification both rules read (the annual rule in
/// reconcile(), the measurement model), each with its own policy for each case.
enum class Span {
    FullYear,      ///< January to December of one year
    PartOfYear,    ///< some months of one year (a January–May figure)
    SeveralYears,  ///< a total over more than one year
    Undated,       ///< no period: a "current" level, dated by its publication
};

struct Observation {
    std::string id;      ///< stable identifier (obs_id)
    std::string where;   ///< where it came from, for messages: "line 7 of trade.csv"
    std::string source;  ///< who/what said it; one source counts once per year
    Statement statement = Statement::Level;
    std::optional<YearMonth> period_start;  ///< empty only for CurrentLevel
    std::optional<YearMonth> period_end;
    std::string published;  ///< "YYYY-MM[-DD]"; required for CurrentLevel
    double value = 0.0;
    double value_upper = 0.0;  ///< upper bound, for Range only
    /// Empty for the series itself; otherwise the name of one additive component of it (e.g.
    /// "exports" of a total): the measurement model sums the components a source gives for the
    /// same period into a level of the series.
    std::string component;

    Span span() const;
    bool is_full_year() const { return span() == Span::FullYear; }
    /// "YYYY-MM to YYYY-MM", or "" when the observation states no period.
    std::string period_text() const;
    /// The year a level stated with no period describes: the last full year before `published`
    /// (YYYY-MM or YYYY-MM-DD); InputError naming `where` when the date is not one.
    int current_level_year() const;
};

/// Validates every field and builds an Observation; throws InputError naming `where`, the
/// column and the value for anything it cannot accept.
Observation make_observation(std::string id, std::string where, std::string source,
                             const std::string& statement, const std::string& period_start,
                             const std::string& period_end, std::string published, double value,
                             double value_upper, std::string component = "");

/// One year of the reconciled series. Values are in the data's units (e.g. US$).
struct YearEstimate {
    int year = 0;
    double value = 0.0;     ///< exp(mean of the sources' log values): a geometric mean
    double log_sd = 0.0;    ///< disagreement between sources, in logs (0 for one source)
    int n_sources = 0;
    std::string how;                ///< the rule applied, in words
    std::vector<std::string> ids;   ///< observations that entered
};

/// What happened to one observation.
struct Decision {
    std::string id;
    std::string where;
    bool used = false;
    std::optional<int> year;  ///< the year it informs, when used
    std::string reason;
};

/// Options of the default rule.
struct ReconcileOptions {
    /// A "current" level stated on date D is read as the level of the last full calendar
    /// year before D, year(D) - 1 (statements in the middle of a year cannot refer to it).
    bool use_current_levels = true;
    /// Growth statements "g more than the previous year" give a level for the year that has
    /// none, from the one that has.
    bool use_growth_statements = true;
};

struct ReconciledSeries {
    std::vector<YearEstimate> years;  ///< increasing, gaps allowed
    std::vector<Decision> decisions;  ///< one per observation, in input order

    std::vector<int> year_list() const;
    Eigen::VectorXd log_levels() const;
    Eigen::VectorXd log_sds() const;
};

/// Applies the default annual rule (documented in the implementation and docs/guide/observations.md):
///  1. full-calendar-year level, approximate-level and current-level statements are levels;
///  2. for each year, a source's statements are averaged in logs, then sources are averaged in
///     logs with equal weight; their sample standard deviation (in logs) is kept as `log_sd`;
///  3. growth statements link a year with no level to an adjacent year with one;
///  4. partial periods, multi-year sums, bounds, ranges and expectations are kept out and
///     reported with the reason.
/// Throws InputError if fewer than two years remain.
ReconciledSeries reconcile_annual(const std::vector<Observation>& observations,
                                  const ReconcileOptions& options = {});

}  // namespace tradetarget
