#include "core/capture/captureobserver.h"

namespace lbs::capture {

void ObserverProgressSink::report(const ProgressEvent &event)
{
    if (!m_observer)
        return;
    const std::string prefix = "download ";
    const std::string name
        = event.stage.rfind(prefix, 0) == 0 ? event.stage.substr(prefix.size()) : event.stage;
    m_observer->downloadProgress(name, event);
}

} // namespace lbs::capture
