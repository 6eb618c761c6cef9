#pragma once

#include "core/common/canceltoken.h"
#include "core/kube/kubeclient.h"

#include <cstddef>
#include <functional>
#include <optional>

namespace lbs::kube {

/// Receives bytes of one output channel; return false to abort the command.
using ExecSink = std::function<bool(const char *data, std::size_t size)>;

/// One exec into a pod container over WebSocket (docs/protocol-notes.md, "Exec over WebSocket").
struct ExecRequest {
    QString nameSpace;
    QString pod;
    QString container; ///< empty: the pod's only container
    QStringList command; ///< argv; no shell unless you exec sh -c
    std::optional<QByteArray> stdinData; ///< sent, then closed (EOF) when v5 was negotiated
    ExecSink onStdout; ///< when set, stdout goes here instead of ExecOutcome::out
    ExecSink onStderr;
    std::size_t maxOut = 16u << 20;
    std::size_t maxErr = 1u << 20;
    int timeoutMs = 120000; ///< <= 0: none
    int pingIntervalMs = 5000; ///< keep-alive pings on long streams
    int pongTimeoutMs = 61000; ///< abort when no pong for this long
};

/// How it ended. A non-zero exit code is not an Error; a Failure status (the command never ran) is
/// reported with exitCode -1 and `failure` set.
struct ExecOutcome {
    int exitCode = -1;
    QString failure; ///< server text when the command could not run ("executable file not found")
    bool commandNotFound = false; ///< `failure` says the command does not exist in the container
    QByteArray out;
    QByteArray err;
    bool outTruncated = false;
    bool errTruncated = false;
    QString protocol; ///< negotiated subprotocol
};

/// Runs the exec and waits for its channel-3 status. Errors: handshake refused (401 retried once after
/// a credential refresh; 403/404 mapped), TLS, socket closed without a status, timeout, no pong,
/// cancel (the WebSocket is closed within ~50 ms), or the sink asked to stop.
Result<ExecOutcome> execInPod(KubeClient &client, const ExecRequest &request, const CancelToken &cancel);

} // namespace lbs::kube
