#include "loginshellsetup.h"

#include "core/kube/execcredential.h"
#include "core/kube/loginshellpath.h"

#include <future>
#include <mutex>

namespace lbs::ui {

namespace {
std::mutex g_mutex;
std::shared_future<QString> g_lookup;
} // namespace

void startLoginShellPathLookup(int timeoutMs)
{
    const std::lock_guard lock(g_mutex);
    if (g_lookup.valid())
        return;
    g_lookup = std::async(std::launch::async, [timeoutMs] {
        auto path = kube::loginShellPathFromEnvironment(timeoutMs);
        if (!path)
            return QString::fromStdString(path.error().toString());
        kube::setExecPluginSearchPath(*path);
        return QString();
    }).share();
}

QString waitForLoginShellPath()
{
    std::shared_future<QString> lookup;
    {
        const std::lock_guard lock(g_mutex);
        lookup = g_lookup;
    }
    return lookup.valid() ? lookup.get() : QString();
}

} // namespace lbs::ui
