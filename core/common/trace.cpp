#include "core/common/trace.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace lbs {

namespace {

// Initialised with the program's other statics, so trace times count from (about) process start.
const std::chrono::steady_clock::time_point g_origin = std::chrono::steady_clock::now();

const std::string &setting()
{
    static const std::string s = [] {
        const char *env = std::getenv("LBSCOPE_TRACE");
        return std::string(env ? env : "");
    }();
    return s;
}

} // namespace

bool traceEnabled(std::string_view area)
{
    const std::string &s = setting();
    if (s.empty())
        return false;
    if (s == "all" || s == "1")
        return true;
    std::string_view rest(s);
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        if (rest.substr(0, comma) == area)
            return true;
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    return false;
}

double traceSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - g_origin).count();
}

void trace(std::string_view area, std::string_view text)
{
    if (!traceEnabled(area))
        return;
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "[+%.3fs] ", traceSeconds());
    std::string line(stamp);
    line.append(area).append(": ").append(text).push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace lbs
