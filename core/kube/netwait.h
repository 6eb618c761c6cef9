#pragma once

#include "core/common/canceltoken.h"

#include <functional>

class QNetworkReply;

namespace lbs::kube {

enum class WaitOutcome { Finished, Cancelled, TimedOut };

/// Spins a local event loop until `reply` finishes, `cancel` fires or `timeoutMs` (<= 0: none) passes.
/// On Cancelled/TimedOut the reply is aborted. `onReadyRead` (optional) runs for streamed bodies and
/// may return false to stop early (reported as Finished, the reply is aborted).
WaitOutcome waitForReply(QNetworkReply *reply, const CancelToken &cancel, int timeoutMs,
    const std::function<bool()> &onReadyRead = {});

} // namespace lbs::kube
