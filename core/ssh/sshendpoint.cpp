#include "core/ssh/sshendpoint.h"

#include <charconv>

namespace lbs::ssh {

namespace {

bool safeChars(const std::string &s, bool allowColon)
{
    for (unsigned char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
            || c == '-' || c == '_' || (allowColon && c == ':');
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

Result<SshEndpoint> SshEndpoint::parse(const std::string &text)
{
    SshEndpoint ep;
    std::string rest = text;
    const auto at = rest.rfind('@');
    if (at != std::string::npos) {
        ep.user = rest.substr(0, at);
        rest = rest.substr(at + 1);
        if (ep.user.empty() || !safeChars(ep.user, false))
            return Error {
                "'" + text + "' has an invalid user name", {}, "use USER@HOST[:PORT]", ErrorKind::BadInput};
    }
    std::string portText;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos)
            return Error {
                "'" + text + "' has an unclosed '['", {}, "use USER@[IPV6]:PORT", ErrorKind::BadInput};
        ep.host = rest.substr(1, close - 1);
        const std::string after = rest.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return Error {"'" + text + "' has text after ']' that is not :PORT", {},
                    "use USER@[IPV6]:PORT", ErrorKind::BadInput};
            portText = after.substr(1);
        }
        if (ep.host.empty() || !safeChars(ep.host, true))
            return Error {
                "'" + text + "' has an invalid host", {}, "use USER@HOST[:PORT]", ErrorKind::BadInput};
    } else {
        const auto colon = rest.find(':');
        if (colon != std::string::npos) {
            portText = rest.substr(colon + 1);
            rest = rest.substr(0, colon);
        }
        ep.host = rest;
        if (ep.host.empty() || !safeChars(ep.host, false))
            return Error {
                "'" + text + "' has an invalid host name", {}, "use USER@HOST[:PORT]", ErrorKind::BadInput};
    }
    if (!portText.empty() || text.back() == ':') {
        int port = 0;
        const auto [p, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
        if (ec != std::errc {} || p != portText.data() + portText.size() || port < 1 || port > 65535)
            return Error {"'" + text + "' has an invalid port '" + portText + "'", {}, "ports are 1..65535",
                ErrorKind::BadInput};
        ep.port = port;
    }
    return ep;
}

std::string SshEndpoint::toString() const
{
    std::string s;
    if (!user.empty())
        s = user + "@";
    s += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port > 0)
        s += ":" + std::to_string(port);
    return s;
}

} // namespace lbs::ssh
