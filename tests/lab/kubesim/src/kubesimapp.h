#pragma once
// kubesim: wiring of the simulator — TLS listener on 127.0.0.1, the object store filled from lab.json, the
// pod runtime, and Unix signals (SIGHUP reloads lab.json; SIGTERM/SIGINT kill everything kubesim started).
// kubesim is test infrastructure for the lab only: it must never depend on lbscope's own modules, so that it
// tests the client code instead of sharing its bugs.

#include "apiserver.h"
#include "authenticator.h"
#include "eventrecorder.h"
#include "labobjects.h"
#include "objectstore.h"
#include "podruntime.h"

#include <QObject>
#include <QSocketNotifier>
#include <QSslServer>
#include <memory>
#include <utility>

namespace kubesim {

struct KubesimOptions {
    QString labDir;
    QString certFile, keyFile, caFile, tokensFile, portFile;
    int port = 16443;
    int portTries = 20;
};

class KubesimApp : public QObject {
    Q_OBJECT
public:
    explicit KubesimApp(KubesimOptions options, QObject *parent = nullptr);
    ~KubesimApp() override;
    /// Loads certificates, tokens and lab.json and starts listening. Returns false with *error set.
    bool start(QString *error);
    int port() const { return m_port; }
    /// Re-reads lab.json (SIGHUP); keeps the old state if the file is unreadable.
    void reload();

private:
    bool setupTls(QString *error);
    void installSignalHandlers();
    void onSignal();
    void shutdown();
    /// (Ready condition, a container in CrashLoopBackOff) of a pod object.
    static std::pair<bool, bool> podHealth(const QJsonObject &pod);

    KubesimOptions m_opts;
    ObjectStore m_store;
    EventRecorder m_events {m_store};
    PodRuntime m_runtime;
    Authenticator m_auth;
    ApiServer m_api;
    LabObjects m_labObjects;
    QSslServer m_server;
    int m_port = 0;
    std::unique_ptr<QSocketNotifier> m_signalNotifier;
};

} // namespace kubesim
