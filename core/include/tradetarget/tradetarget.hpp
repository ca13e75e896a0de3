#pragma once
/// \file tradetarget.hpp
/// Umbrella header: observations -> reconciled series -> fitted models -> sample paths ->
/// first-passage analysis.
#include "tradetarget/arima.hpp"
#include "tradetarget/errors.hpp"
#include "tradetarget/ets.hpp"
#include "tradetarget/evaluate.hpp"
#include "tradetarget/first_passage.hpp"
#include "tradetarget/growth_models.hpp"
#include "tradetarget/level_models.hpp"
#include "tradetarget/measurement.hpp"
#include "tradetarget/observations.hpp"
#include "tradetarget/optimize.hpp"
#include "tradetarget/panel.hpp"
#include "tradetarget/random.hpp"
#include "tradetarget/saturating.hpp"
#include "tradetarget/simulation.hpp"
#include "tradetarget/structural.hpp"
#include "tradetarget/target.hpp"
#include "tradetarget/theta.hpp"
#include "tradetarget/version.hpp"
