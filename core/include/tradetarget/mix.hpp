#pragma once
/// \file mix.hpp
/// The commodity mix of one snapshot of exports (e.g. January–May 2025): shares of exports and
/// of total trade, the unlisted remainder as its own line, concentration (Herfindahl–Hirschman
/// index, raw and normalised; top-k shares) and the raw-material share.
///
/// HHI = sum s_i^2 over export shares (Hirschman 1964; normalised: (H - 1/N) / (1 - 1/N), N the
/// number of lines). The remainder is an unknown set of goods, so the index is given as a range:
/// `hhi` counts the listed lines only (the remainder spread thinly: the lower bound) and
/// `hhi_upper` adds the remainder as one line (the upper bound); `hhi_normalised` normalises
/// hhi_upper over the N lines with a positive value (remainder included).
#include <optional>
#include <string>
#include <vector>

namespace tradetarget {

struct MixItem {
    std::string name;
    double value = 0.0;       ///< US$, >= 0
    bool primary = false;     ///< a raw material (see data/commodity_classes.csv for the rule)
    bool classified = false;  ///< whether `primary` is known
};

struct MixLine {
    std::string name;          ///< "unlisted remainder" for the remainder
    double value = 0.0;
    double share_of_exports = 0.0;
    double share_of_trade = 0.0;  ///< NaN when total trade is unknown
    bool remainder = false;
};

struct MixSummary {
    std::vector<MixLine> lines;  ///< listed lines by value (descending), then the remainder (maybe 0)
    double exports_total = 0.0;  ///< the denominator used for export shares
    bool exports_known = false;  ///< false: exports_total is the listed sum (shares within listed)
    double listed_total = 0.0;
    double remainder = 0.0;
    double hhi = 0.0, hhi_upper = 0.0, hhi_normalised = 0.0;
    std::vector<std::pair<int, double>> top_k;  ///< (k, share of exports of the k largest lines)
    double primary_share = 0.0;       ///< share of exports that is classified primary
    double unclassified_share = 0.0;  ///< share of exports with no classification (incl. remainder)
};

/// `exports_total`, `trade_total`: NaN when not known. Throws InputError for a negative or
/// non-finite value, a commodity listed twice, listed items above the given exports total, or
/// exports above total trade (each naming the item).
MixSummary summarize_mix(const std::vector<MixItem>& items, double exports_total, double trade_total);

}  // namespace tradetarget
