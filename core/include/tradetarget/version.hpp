#pragma once
#include <string>

namespace tradetarget {

/// The library version, e.g. "0.1.0" (set from CMakeLists.txt).
std::string version();

}  // namespace tradetarget
