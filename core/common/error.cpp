#include "core/common/error.h"

namespace lbs {

const char *errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Unknown:
        return "unknown";
    case ErrorKind::NotFound:
        return "not_found";
    case ErrorKind::Forbidden:
        return "forbidden";
    case ErrorKind::Unauthorized:
        return "unauthorized";
    case ErrorKind::Conflict:
        return "conflict";
    case ErrorKind::Cancelled:
        return "cancelled";
    case ErrorKind::Timeout:
        return "timeout";
    case ErrorKind::BadInput:
        return "bad_input";
    case ErrorKind::Io:
        return "io";
    case ErrorKind::Unsupported:
        return "unsupported";
    case ErrorKind::Unavailable:
        return "unavailable";
    case ErrorKind::Internal:
        return "internal";
    }
    return "unknown";
}

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
