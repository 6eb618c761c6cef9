#include "core/kube/netwait.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkReply>
#include <QTimer>

namespace lbs::kube {

WaitOutcome waitForReply(
    QNetworkReply *reply, const CancelToken &cancel, int timeoutMs, const std::function<bool()> &onReadyRead)
{
    QEventLoop loop;
    WaitOutcome outcome = WaitOutcome::Finished;
    bool stopped = false;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (onReadyRead) {
        QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
            if (!stopped && !onReadyRead()) {
                stopped = true;
                loop.quit();
            }
        });
    }
    // The cancel token is a polled flag: check it often enough to react within ~50 ms.
    QTimer poll;
    poll.setInterval(25);
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancel.isCancelled()) {
            outcome = WaitOutcome::Cancelled;
            loop.quit();
        } else if (timeoutMs > 0 && clock.elapsed() > timeoutMs) {
            outcome = WaitOutcome::TimedOut;
            loop.quit();
        }
    });
    poll.start();
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    if (onReadyRead && !stopped && reply->bytesAvailable() > 0 && outcome == WaitOutcome::Finished)
        onReadyRead();
    if (outcome != WaitOutcome::Finished || stopped) {
        QObject::disconnect(reply, nullptr, &loop, nullptr);
        reply->abort();
    }
    return outcome;
}

} // namespace lbs::kube
