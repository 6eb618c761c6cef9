#include "core/common/error.h"

namespace lbs {

std::string Error::toString() const
{
    std::string s;
    if (!where.empty())
        s = where + ": ";
    s += message;
    if (!hint.empty())
        s += " (" + hint + ")";
    return s;
}

} // namespace lbs
