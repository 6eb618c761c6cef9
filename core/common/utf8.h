#pragma once

#include <string>
#include <string_view>

namespace lbs {

/// s with every byte that is not part of valid UTF-8 replaced by U+FFFD, as appendJsonString
/// (json.h) writes it.
std::string validUtf8(std::string_view s);

} // namespace lbs
