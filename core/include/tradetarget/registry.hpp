#pragma once
/// \file registry.hpp
/// Every model, once: its name (the same in C++, Python, the CLI and the JSON), family, one-line
/// description and what it needs. Every list of models, every check of what a model can take and
/// every dispatch by name reads this table; adding a model is one entry here and its fit in
/// fit_model (growth_models.cpp).
#include <string>
#include <vector>

#include "tradetarget/growth_models.hpp"

namespace tradetarget {

struct ModelInfo {
    ModelKind kind;
    std::string name;         ///< "reference_rw", "auto_ets", ...
    std::string family;       ///< "calibrated", "growth", "saturating", "state space", "levels"
    std::string label;        ///< one line for tables and the JSON
    int minimum_years;        ///< the fewest observed years it can be fitted to
    bool gaps_allowed;        ///< missing years inside the series (false: consecutive years only)
    /// The ModelOptions it reads, by field name ("capacity", "reference", "ets_class", "arima_order",
    /// "ensemble", "positive", "box_cox"),
    /// and those of them it cannot be fitted without.
    std::vector<std::string> options;
    std::vector<std::string> required_options;
    bool evaluable;           ///< rolling-origin evaluation (evaluate.hpp) can score it

    bool takes(const std::string& option) const;
    bool requires_option(const std::string& option) const;
};

/// The registry, in the order models are listed (the default, calibrated model first).
const std::vector<ModelInfo>& model_registry();
const ModelInfo& model_info(ModelKind kind);
/// Throws InputError naming the known models for an unknown name.
const ModelInfo& model_info(const std::string& name);
/// Throws InputError at the first missing year: "<who> needs consecutive years: 2023 is missing
/// (... take gaps)", naming the models that take gaps.
void require_consecutive_years(const std::vector<int>& years, const std::string& who);

}  // namespace tradetarget
