#pragma once

#include "core/common/error.h"

#include <string>

namespace lbs::ssh {

/// USER@HOST[:PORT] as the user types it. Empty user/port mean "from ~/.ssh/config or defaults".
struct SshEndpoint {
    std::string user;
    std::string host;
    int port = 0; ///< 0 = not given

    /// Parses "host", "user@host", "user@host:2222", "user@[::1]:2222". Refuses empty hosts,
    /// ports outside 1..65535 and characters no host name or user name carries (spaces, quotes, ;).
    static Result<SshEndpoint> parse(const std::string &text);
    /// "user@host:port" with the parts that are set.
    std::string toString() const;
};

} // namespace lbs::ssh
