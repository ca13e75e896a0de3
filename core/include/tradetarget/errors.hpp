#pragma once
/// \file errors.hpp
/// The error contract: every failure caused by the caller's input is an InputError whose
/// message names the offending observation, field and value. It derives from
/// std::invalid_argument, which the Python bindings turn into ValueError.
#include <stdexcept>
#include <string>

namespace tradetarget {

class InputError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

}  // namespace tradetarget
