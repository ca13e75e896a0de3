#include "tradetarget/mix.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "tradetarget/errors.hpp"

namespace tradetarget {

MixSummary summarize_mix(const std::vector<MixItem>& items, double exports_total, double trade_total) {
    if (items.empty()) throw InputError("the export mix lists no commodity");
    std::set<std::string> names;
    MixSummary out;
    for (const MixItem& item : items) {
        if (!std::isfinite(item.value) || item.value < 0.0)
            throw InputError("commodity '" + item.name + "' has value " + std::to_string(item.value) +
                             "; values must be finite and >= 0");
        if (!names.insert(item.name).second) throw InputError("commodity '" + item.name + "' is listed twice");
        out.listed_total += item.value;
    }
    if (!(out.listed_total > 0.0)) throw InputError("the listed commodities sum to zero");
    if (!std::isfinite(out.listed_total)) throw InputError("the listed commodities sum beyond the range of a double");
    out.exports_known = !std::isnan(exports_total);
    if (out.exports_known) {
        if (!std::isfinite(exports_total) || exports_total <= 0.0)
            throw InputError("the exports total must be positive; got " + std::to_string(exports_total));
        if (out.listed_total > exports_total * (1.0 + 1e-12))
            throw InputError("the listed commodities sum to " + std::to_string(out.listed_total) +
                             ", more than the exports total " + std::to_string(exports_total) +
                             " (shares above 100%)");
    }
    const bool trade_known = !std::isnan(trade_total);
    if (trade_known && (!std::isfinite(trade_total) || trade_total <= 0.0))
        throw InputError("total trade must be positive; got " + std::to_string(trade_total));
    out.exports_total = out.exports_known ? exports_total : out.listed_total;
    if (trade_known && out.exports_total > trade_total * (1.0 + 1e-12))
        throw InputError("exports (" + std::to_string(out.exports_total) + ") exceed total trade (" +
                         std::to_string(trade_total) + ")");
    out.remainder = std::max(0.0, out.exports_total - out.listed_total);

    std::vector<MixItem> sorted = items;
    std::stable_sort(sorted.begin(), sorted.end(), [](const MixItem& a, const MixItem& b) { return a.value > b.value; });
    const double nan = std::nan("");
    for (const MixItem& item : sorted) {
        const double share = item.value / out.exports_total;
        out.lines.push_back({item.name, item.value, share, trade_known ? item.value / trade_total : nan, false});
        out.hhi += share * share;
        if (item.classified && item.primary) out.primary_share += share;
        if (!item.classified) out.unclassified_share += share;
    }
    const double remainder_share = out.remainder / out.exports_total;
    // The remainder is always shown (as 0 when the listed lines exhaust exports).
    out.lines.push_back({"unlisted remainder", out.remainder, remainder_share,
                         trade_known ? out.remainder / trade_total : nan, true});
    out.unclassified_share += remainder_share;
    out.hhi_upper = out.hhi + remainder_share * remainder_share;
    const auto n = static_cast<double>(
        std::count_if(out.lines.begin(), out.lines.end(), [](const MixLine& line) { return line.value > 0.0; }));
    out.hhi_normalised = n > 1.0 ? (out.hhi_upper - 1.0 / n) / (1.0 - 1.0 / n) : 1.0;
    for (int k : {1, 3, 5}) {
        if (static_cast<std::size_t>(k) > sorted.size()) break;
        double share = 0.0;
        for (int i = 0; i < k; ++i) share += sorted[static_cast<std::size_t>(i)].value / out.exports_total;
        out.top_k.emplace_back(k, share);
    }
    return out;
}

}  // namespace tradetarget
