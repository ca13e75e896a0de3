#pragma once
// Boost.Math in double precision throughout (private to the library). Boost's default policy
// promotes double arguments to long double inside its special functions: x87 arithmetic that
// made one Student-t quantile cost about 5 µs, 80% of the time to forecast a random walk's
// intervals in a panel, for digits a double result cannot hold. Every distribution and special
// function the library calls takes this policy (Boost.Math, "Policies: promote_double").
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/inverse_gamma.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/policies/policy.hpp>

namespace tradetarget {

using MathPolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
using Normal = boost::math::normal_distribution<double, MathPolicy>;
using StudentsT = boost::math::students_t_distribution<double, MathPolicy>;
using ChiSquared = boost::math::chi_squared_distribution<double, MathPolicy>;
using InverseGamma = boost::math::inverse_gamma_distribution<double, MathPolicy>;

}  // namespace tradetarget
