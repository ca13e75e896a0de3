#pragma once
/// \file random.hpp
/// Seeded random streams. Boost.Random's generators and distributions give the same numbers on
/// every platform (std::normal_distribution does not), and each block of sample paths gets its
/// own stream derived from (seed, block), so results do not depend on how work is scheduled.
#include <cstdint>

#include <boost/random/mersenne_twister.hpp>

namespace tradetarget {

using Rng = boost::random::mt19937_64;

/// The seed every seeded computation uses unless given another (bound as tradetarget.DEFAULT_SEED).
constexpr std::uint64_t default_seed = 20250729;

/// The generator for stream `stream` of `seed` (SplitMix64 mixing of both, Steele et al. 2014).
Rng make_rng(std::uint64_t seed, std::uint64_t stream);

}  // namespace tradetarget
