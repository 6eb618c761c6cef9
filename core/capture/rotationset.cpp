#include "core/capture/rotationset.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace lbs::capture {

int rotationSuffixWidth(int ringCount)
{
    if (ringCount <= 1)
        return 0;
    int w = 0;
    for (int n = ringCount - 1; n > 0; n /= 10)
        ++w;
    return w;
}

bool isRotationFile(const std::string &path, const std::string &base, int ringCount)
{
    if (path.compare(0, base.size(), base) != 0)
        return false;
    const std::string suffix = path.substr(base.size());
    const int width = rotationSuffixWidth(ringCount);
    if (static_cast<int>(suffix.size()) != width)
        return false;
    return std::all_of(suffix.begin(), suffix.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<RemoteFile> parseRotationListing(const std::string &out, const std::string &base, int ringCount)
{
    std::vector<RemoteFile> files;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const auto s2 = line.rfind(' ');
        if (s2 == std::string::npos || s2 == 0)
            continue;
        const auto s1 = line.rfind(' ', s2 - 1);
        if (s1 == std::string::npos)
            continue;
        RemoteFile f;
        f.path = line.substr(0, s1);
        const char *a = line.data() + s1 + 1;
        const char *b = line.data() + s2;
        const auto r1 = std::from_chars(a, b, f.size);
        const auto r2 = std::from_chars(b + 1, line.data() + line.size(), f.mtime);
        if (r1.ec != std::errc {} || r1.ptr != b || r2.ec != std::errc {}
            || r2.ptr != line.data() + line.size())
            continue;
        if (!isRotationFile(f.path, base, ringCount))
            continue;
        const std::string suffix = f.path.substr(base.size());
        f.index = suffix.empty() ? -1 : std::stoi(suffix);
        files.push_back(std::move(f));
    }
    std::sort(files.begin(), files.end(), [](const RemoteFile &x, const RemoteFile &y) {
        return x.mtime != y.mtime ? x.mtime < y.mtime : x.index < y.index;
    });
    return files;
}

std::vector<std::string> rotationListingCommand(const std::string &base)
{
    return {"sh", "-c", "for f in \"$1\"*; do [ -f \"$f\" ] && stat -c '%n %s %Y' -- \"$f\"; done; true",
        "sh", base};
}

} // namespace lbs::capture
