#include "tradetarget/version.hpp"

namespace tradetarget {

std::string version() { return TRADETARGET_VERSION; }

}  // namespace tradetarget
