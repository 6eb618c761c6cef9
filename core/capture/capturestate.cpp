#include "core/capture/capturestate.h"

namespace lbs::capture {

const char *captureStateName(CaptureState state)
{
    switch (state) {
    case CaptureState::idle:
        return "idle";
    case CaptureState::locating:
        return "locating";
    case CaptureState::connecting:
        return "connecting";
    case CaptureState::scheduling:
        return "scheduling";
    case CaptureState::checking:
        return "checking";
    case CaptureState::starting:
        return "starting";
    case CaptureState::capturing:
        return "capturing";
    case CaptureState::stopping:
        return "stopping";
    case CaptureState::downloading:
        return "downloading";
    case CaptureState::verified:
        return "verified";
    case CaptureState::failed:
        return "failed";
    case CaptureState::aborted:
        return "aborted";
    case CaptureState::detached:
        return "detached";
    }
    return "unknown";
}

bool isFinal(CaptureState state)
{
    return state == CaptureState::verified || state == CaptureState::failed || state == CaptureState::aborted
        || state == CaptureState::detached;
}

} // namespace lbs::capture
