#include "tradetarget/observations.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <sstream>

#include "tradetarget/errors.hpp"

namespace tradetarget {
namespace {

struct StatementName {
    Statement statement;
    const char* name;
};
constexpr StatementName statement_names[] = {
    {Statement::Level, "level"},
    {Statement::ApproxLevel, "approx_level"},
    {Statement::CurrentLevel, "current_level"},
    {Statement::LowerBound, "lower_bound"},
    {Statement::Range, "range"},
    {Statement::Growth, "growth"},
    {Statement::Expectation, "expectation"},
};

std::string format_number(double x) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", x);
    return buffer;
}

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw InputError(where + ": " + what);
}

bool parse_int(const std::string& text, int& out) {
    if (text.empty() || text.size() > 6) return false;
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    out = std::stoi(text);
    return true;
}

int published_year(const std::string& published, const std::string& where) {
    int year = 0;
    if (published.size() < 4 || !parse_int(published.substr(0, 4), year) ||
        (published.size() > 4 && published[4] != '-'))
        fail(where, "column 'published' is '" + published +
                        "'; a date YYYY-MM or YYYY-MM-DD is needed for a current_level statement");
    return year;
}

double sample_sd(const std::vector<double>& x) {
    if (x.size() < 2) return 0.0;
    const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
    double ss = 0.0;
    for (double v : x) ss += (v - mean) * (v - mean);
    return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double mean(const std::vector<double>& x) {
    return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

// Log values for one year, one entry per source, each the mean of that source's statements.
struct YearSources {
    std::map<std::string, std::vector<double>> logs_by_source;
    std::vector<std::string> ids;
    double inherited_variance = 0.0;  // from the anchor year of a growth statement
};

YearEstimate combine(int year, const YearSources& sources, const std::string& rule) {
    std::vector<double> per_source;
    for (const auto& [source, logs] : sources.logs_by_source) per_source.push_back(mean(logs));
    YearEstimate e;
    e.year = year;
    e.n_sources = static_cast<int>(per_source.size());
    const double log_mean = mean(per_source);
    e.value = std::exp(log_mean);
    const double spread = sample_sd(per_source);
    e.log_sd = std::sqrt(spread * spread + sources.inherited_variance);
    e.ids = sources.ids;
    std::ostringstream how;
    if (!rule.empty()) {
        how << rule;
    } else if (e.n_sources == 1) {
        how << "one source";
    } else {
        char spread_text[32];
        std::snprintf(spread_text, sizeof spread_text, "%.3g", spread);
        how << "geometric mean of " << e.n_sources << " sources; their spread is kept as log sd "
            << spread_text;
    }
    e.how = how.str();
    return e;
}

}  // namespace

Statement parse_statement(const std::string& text, const std::string& where) {
    for (const auto& s : statement_names)
        if (text == s.name) return s.statement;
    std::string allowed;
    for (const auto& s : statement_names) allowed += std::string(allowed.empty() ? "" : ", ") + s.name;
    fail(where, "column 'statement' is '" + text + "'; expected one of " + allowed);
}

std::string to_string(Statement statement) {
    for (const auto& s : statement_names)
        if (s.statement == statement) return s.name;
    return "unknown";
}

YearMonth parse_year_month(const std::string& text, bool is_end, const std::string& where) {
    const std::string column = is_end ? "period_end" : "period_start";
    YearMonth m;
    bool ok = false;
    if (text.size() == 4) {
        ok = parse_int(text, m.year);
        m.month = is_end ? 12 : 1;
    } else if (text.size() == 7 && text[4] == '-') {
        ok = parse_int(text.substr(0, 4), m.year) && parse_int(text.substr(5, 2), m.month);
    }
    if (!ok) fail(where, "column '" + column + "' is '" + text + "'; expected YYYY-MM (or YYYY)");
    if (m.month < 1 || m.month > 12)
        fail(where, "column '" + column + "' is '" + text + "'; the month must be 01 to 12");
    if (m.year < earliest_year || m.year > latest_year)
        fail(where, "column '" + column + "' is '" + text + "'; the year must be " +
                        std::to_string(earliest_year) + " to " + std::to_string(latest_year));
    return m;
}

std::string to_string(const YearMonth& m) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d", m.year, m.month);
    return buffer;
}

std::string Observation::period_text() const {
    return period_start ? to_string(*period_start) + " to " + to_string(*period_end) : "";
}

int Observation::current_level_year() const { return published_year(published, where) - 1; }

Span Observation::span() const {
    if (!period_start || !period_end) return Span::Undated;
    if (period_start->year != period_end->year) return Span::SeveralYears;
    return period_start->month == 1 && period_end->month == 12 ? Span::FullYear : Span::PartOfYear;
}

Observation make_observation(std::string id, std::string where, std::string source,
                             const std::string& statement, const std::string& period_start,
                             const std::string& period_end, std::string published, double value,
                             double value_upper, std::string component) {
    Observation o;
    o.component = std::move(component);
    o.id = std::move(id);
    o.where = std::move(where);
    o.source = std::move(source);
    o.published = std::move(published);
    const std::string& at = o.where;
    o.statement = parse_statement(statement, at);
    if (!std::isfinite(value))
        fail(at, "column 'value' is " + format_number(value) + "; a finite number is needed");
    if (o.statement == Statement::Growth) {
        if (value <= -1.0)
            fail(at, "column 'value' is " + format_number(value) +
                         "; a growth rate must be above -1 (-100%)");
    } else if (value <= 0.0) {
        fail(at, "column 'value' is " + format_number(value) +
                     "; levels must be positive (they are modelled in logs)");
    }
    o.value = value;
    if (o.statement == Statement::Range) {
        if (!std::isfinite(value_upper) || value_upper < value)
            fail(at, "column 'value_upper' is " + format_number(value_upper) +
                         "; a range needs a finite upper bound >= value (" + format_number(value) +
                         ")");
        o.value_upper = value_upper;
    }
    const bool has_period = !period_start.empty() || !period_end.empty();
    if (has_period) {
        if (period_start.empty() || period_end.empty())
            fail(at, "columns 'period_start' and 'period_end' must both be given (got '" +
                         period_start + "' and '" + period_end + "')");
        o.period_start = parse_year_month(period_start, false, at);
        o.period_end = parse_year_month(period_end, true, at);
        const auto s = *o.period_start, e = *o.period_end;
        if (e.year * 12 + e.month < s.year * 12 + s.month)
            fail(at, "the period ends (" + to_string(e) + ") before it starts (" +
                         to_string(s) + ")");
    } else if (o.statement != Statement::CurrentLevel) {
        fail(at, "columns 'period_start' and 'period_end' are empty; only a current_level "
                 "statement may omit its period");
    }
    if (o.statement == Statement::CurrentLevel && !has_period) published_year(o.published, at);
    return o;
}

std::vector<int> ReconciledSeries::year_list() const {
    std::vector<int> out;
    for (const auto& y : years) out.push_back(y.year);
    return out;
}

Eigen::VectorXd ReconciledSeries::log_levels() const {
    Eigen::VectorXd out(static_cast<Eigen::Index>(years.size()));
    for (std::size_t i = 0; i < years.size(); ++i)
        out(static_cast<Eigen::Index>(i)) = std::log(years[i].value);
    return out;
}

Eigen::VectorXd ReconciledSeries::log_sds() const {
    Eigen::VectorXd out(static_cast<Eigen::Index>(years.size()));
    for (std::size_t i = 0; i < years.size(); ++i) out(static_cast<Eigen::Index>(i)) = years[i].log_sd;
    return out;
}

ReconciledSeries reconcile_annual(const std::vector<Observation>& observations,
                                  const ReconcileOptions& options) {
    ReconciledSeries result;
    result.decisions.resize(observations.size());
    std::map<int, YearSources> direct;
    std::vector<std::size_t> growth_statements;

    for (std::size_t i = 0; i < observations.size(); ++i) {
        const Observation& o = observations[i];
        Decision& d = result.decisions[i];
        d.id = o.id;
        d.where = o.where;
        auto use = [&](int year, const std::string& reason) {
            auto& y = direct[year];
            y.logs_by_source[o.source].push_back(std::log(o.value));
            y.ids.push_back(o.id);
            d.used = true;
            d.year = year;
            d.reason = reason;
        };
        const std::string period =
            o.period_text();
        if (!o.component.empty()) {
            d.reason = "a component (" + o.component + ") of the series: only the measurement model uses components";
            continue;
        }
        switch (o.statement) {
            case Statement::Level:
            case Statement::ApproxLevel:
            case Statement::CurrentLevel:
                switch (o.span()) {
                    case Span::FullYear:
                        use(o.period_start->year, o.statement == Statement::ApproxLevel
                                                      ? "approximate level for the year, used as stated"
                                                      : "level for the year");
                        break;
                    case Span::Undated:
                        if (!options.use_current_levels) {
                            d.reason = "'current' level with no period: not used (option off)";
                        } else {
                            const int year = o.current_level_year();
                            use(year, "'current' level stated on " + o.published + ", read as " +
                                          std::to_string(year) + ", the last full year before it");
                        }
                        break;
                    case Span::SeveralYears:
                        d.reason = "covers " + period + ": a multi-year total is not an annual level";
                        break;
                    case Span::PartOfYear:
                        d.reason = "partial year (" + period +
                                   "): kept out of the fit; the measurement model will use it";
                        break;
                }
                break;
            case Statement::Growth:
                growth_statements.push_back(i);
                break;
            case Statement::LowerBound:
                d.reason = "a lower bound: not used by the annual rule";
                break;
            case Statement::Range:
                d.reason = "a range: not used by the annual rule";
                break;
            case Statement::Expectation:
                d.reason = "an expectation about the future: never used as data";
                break;
        }
    }

    for (auto& [year, sources] : direct) result.years.push_back(combine(year, sources, ""));

    // Growth statements: a rate g for year t (relative to t - 1) links t and t - 1; it gives a
    // level to whichever of the two has none, carrying the anchor's uncertainty with it.
    std::map<int, YearSources> implied;
    std::map<int, std::string> implied_rule;
    auto find_year = [&](int year) -> const YearEstimate* {
        for (const auto& e : result.years)
            if (e.year == year) return &e;
        return nullptr;
    };
    for (std::size_t i : growth_statements) {
        const Observation& o = observations[i];
        Decision& d = result.decisions[i];
        if (!o.is_full_year()) {
            d.reason = "growth over a partial or multi-year period: not used by the annual rule";
            continue;
        }
        if (!options.use_growth_statements) {
            d.reason = "growth statement: not used (option off)";
            continue;
        }
        const int year = o.period_start->year;
        const YearEstimate* later = find_year(year);
        const YearEstimate* earlier = find_year(year - 1);
        const double log_ratio = std::log1p(o.value);
        const std::string pct = format_number(100.0 * o.value) + "%";
        if (later && earlier) {
            d.reason = "both " + std::to_string(year - 1) + " and " + std::to_string(year) +
                       " have levels: kept as a consistency check for the measurement model";
            continue;
        }
        if (!later && !earlier) {
            d.reason = "no level for " + std::to_string(year - 1) + " or " + std::to_string(year) +
                       " to anchor this growth rate";
            continue;
        }
        const YearEstimate& anchor = later ? *later : *earlier;
        const int target_year = later ? year - 1 : year;
        const double implied_log = std::log(anchor.value) + (later ? -log_ratio : log_ratio);
        if (!std::isfinite(std::exp(implied_log)) || std::exp(implied_log) <= 0.0) {
            d.reason = "growth of " + pct + " implies a level for " + std::to_string(target_year) +
                       " outside the range of numbers: not used";
            continue;
        }
        auto& y = implied[target_year];
        y.logs_by_source[o.source].push_back(implied_log);
        y.ids.push_back(o.id);
        y.inherited_variance = std::max(y.inherited_variance, anchor.log_sd * anchor.log_sd);
        implied_rule[target_year] = "derived: the " + std::to_string(anchor.year) + " level and " +
                                    pct + " growth in " + std::to_string(year);
        d.used = true;
        d.year = target_year;
        d.reason = "growth of " + pct + " in " + std::to_string(year) + " gives the " +
                   std::to_string(target_year) + " level from " + std::to_string(anchor.year) + "'s";
    }
    for (auto& [year, sources] : implied)
        result.years.push_back(
            combine(year, sources, sources.ids.size() == 1 ? implied_rule[year] : ""));
    std::sort(result.years.begin(), result.years.end(),
              [](const YearEstimate& a, const YearEstimate& b) { return a.year < b.year; });

    if (result.years.size() < 2) {
        std::string got;
        for (const auto& e : result.years) got += std::to_string(e.year);
        throw InputError("only " + std::to_string(result.years.size()) + " usable year(s)" +
                         (got.empty() ? "" : " (" + got + ")") +
                         ": at least two full calendar years with a level are needed");
    }
    return result;
}

}  // namespace tradetarget
