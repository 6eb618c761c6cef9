#include "kubesimapp.h"

#include "httpconnection.h"
#include "nodeprocess.h"

#include <QCoreApplication>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QSaveFile>
#include <QSslConfiguration>
#include <QSslKey>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace kubesim {

namespace {
int g_signalFds[2] = {-1, -1};

void signalHandler(int sig)
{
    const char c = char(sig);
    [[maybe_unused]] const auto n = ::write(g_signalFds[0], &c, 1);
}
} // namespace

KubesimApp::KubesimApp(KubesimOptions options, QObject *parent)
    : QObject(parent), m_opts(std::move(options)), m_runtime(m_store, m_events, m_opts.labDir),
      m_api(m_store, m_runtime, m_auth, m_opts.labDir)
{
}

KubesimApp::~KubesimApp()
{
    m_runtime.shutdown();
}

bool KubesimApp::setupTls(QString *error)
{
    auto readFile = [error](const QString &path, QByteArray *out) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            *error
                = QStringLiteral("cannot read %1: %2 (kubesim-up generates it)").arg(path, f.errorString());
            return false;
        }
        *out = f.readAll();
        return true;
    };
    QByteArray certPem, keyPem, caPem;
    if (!readFile(m_opts.certFile, &certPem) || !readFile(m_opts.keyFile, &keyPem)
        || !readFile(m_opts.caFile, &caPem))
        return false;
    const QList<QSslCertificate> certs = QSslCertificate::fromData(certPem);
    const QList<QSslCertificate> cas = QSslCertificate::fromData(caPem);
    QSslKey key(keyPem, QSsl::Ec);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Rsa);
    if (certs.isEmpty() || cas.isEmpty() || key.isNull()) {
        *error
            = QStringLiteral("the TLS files %1, %2, %3 do not hold a certificate, a CA and an EC or RSA key")
                  .arg(m_opts.certFile, m_opts.keyFile, m_opts.caFile);
        return false;
    }
    // Client certificates are optional (token users have none); when present they are checked against the
    // lab CA in Authenticator, which uses the default configuration's CA list.
    QSslConfiguration def = QSslConfiguration::defaultConfiguration();
    def.setCaCertificates(cas);
    QSslConfiguration::setDefaultConfiguration(def);
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setLocalCertificateChain(certs);
    conf.setPrivateKey(key);
    conf.setCaCertificates(cas);
    conf.setPeerVerifyMode(QSslSocket::QueryPeer);
    conf.setProtocol(QSsl::TlsV1_2OrLater);
    m_server.setSslConfiguration(conf);
    m_auth.setCa(cas.first());
    return true;
}

bool KubesimApp::start(QString *error)
{
    if (!setupTls(error))
        return false;
    if (!m_opts.tokensFile.isEmpty() && !m_auth.loadTokens(m_opts.tokensFile, error))
        return false;
    QString labError;
    auto model = LabModel::load(m_opts.labDir + u"/lab.json"_qs, &labError);
    if (!model) {
        *error = labError;
        return false;
    }
    m_runtime.setModel(*model);
    m_labObjects.sync(*model, m_store);

    connect(&m_server, &QSslServer::pendingConnectionAvailable, this, [this] {
        while (m_server.hasPendingConnections()) {
            auto *socket = qobject_cast<QSslSocket *>(m_server.nextPendingConnection());
            if (!socket)
                continue;
            auto *conn = new HttpConnection(socket, this);
            connect(conn, &HttpConnection::requestReady, &m_api, &ApiServer::handle);
        }
    });
    connect(&m_server, &QSslServer::errorOccurred, this, [](QSslSocket *, QAbstractSocket::SocketError) {});
    for (int i = 0; i < m_opts.portTries; ++i) {
        if (m_server.listen(QHostAddress::LocalHost, quint16(m_opts.port + i))) {
            m_port = m_opts.port + i;
            break;
        }
    }
    if (!m_port) {
        *error = QStringLiteral("no free port on 127.0.0.1 in %1..%2: %3")
                     .arg(m_opts.port)
                     .arg(m_opts.port + m_opts.portTries - 1)
                     .arg(m_server.errorString());
        return false;
    }
    m_api.setPort(m_port);
    if (!m_opts.portFile.isEmpty()) {
        QSaveFile pf(m_opts.portFile);
        if (!pf.open(QIODevice::WriteOnly) || pf.write(QByteArray::number(m_port) + '\n') < 0
            || !pf.commit()) {
            *error
                = QStringLiteral("cannot write the port file %1: %2").arg(m_opts.portFile, pf.errorString());
            return false;
        }
    }
    installSignalHandlers();
    return true;
}

void KubesimApp::reload()
{
    QString err;
    auto model = LabModel::load(m_opts.labDir + u"/lab.json"_qs, &err);
    if (!model) {
        qWarning("kubesim: reload ignored, keeping the previous state: %s", qPrintable(err));
        return;
    }
    m_runtime.setModel(*model);
    // What the kubelet reports when a lab fault changes a pod: a failing readiness probe, a crash loop.
    QHash<QString, std::pair<bool, bool>> before; // ns/name -> (ready, crash-looping)
    for (const LabPod &p : model->pods)
        if (const auto old = m_store.get(u"pods"_qs, p.ns, p.name))
            before.insert(p.ns + u'/' + p.name, podHealth(*old));
    m_labObjects.sync(*model, m_store);
    for (const LabPod &p : model->pods) {
        const auto now = m_store.get(u"pods"_qs, p.ns, p.name);
        const auto was = before.constFind(p.ns + u'/' + p.name);
        if (!now || was == before.cend())
            continue;
        const auto [ready, looping] = podHealth(*now);
        const QString container = QStringLiteral("spec.containers{%1}").arg(p.container);
        if (looping && !was->second)
            m_events.podEvent(*now, u"Warning"_qs, u"BackOff"_qs,
                QStringLiteral("Back-off restarting failed container %1 in pod %2").arg(p.container, p.name),
                u"kubelet"_qs, container);
        else if (!ready && was->first && p.containerPort > 0)
            m_events.podEvent(*now, u"Warning"_qs, u"Unhealthy"_qs,
                QStringLiteral("Readiness probe failed: HTTP probe failed with statuscode: 503"),
                u"kubelet"_qs, container);
    }
    qInfo("kubesim: reloaded lab.json (%d nodes, %d pods, %d services)", int(model->nodes.size()),
        int(model->pods.size()), int(model->services.size()));
}

std::pair<bool, bool> KubesimApp::podHealth(const QJsonObject &pod)
{
    bool ready = false;
    for (const QJsonValue &c : pod.value(u"status").toObject().value(u"conditions").toArray())
        if (c.toObject().value(u"type").toString() == u"Ready")
            ready = c.toObject().value(u"status").toString() == u"True";
    bool looping = false;
    for (const QJsonValue &c : pod.value(u"status").toObject().value(u"containerStatuses").toArray())
        looping = looping
            || c.toObject()
                    .value(u"state")
                    .toObject()
                    .value(u"waiting")
                    .toObject()
                    .value(u"reason")
                    .toString()
                == u"CrashLoopBackOff";
    return {ready, looping};
}

void KubesimApp::installSignalHandlers()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFds) != 0)
        qFatal("kubesim: socketpair for signal handling failed");
    m_signalNotifier = std::make_unique<QSocketNotifier>(g_signalFds[1], QSocketNotifier::Read);
    connect(m_signalNotifier.get(), &QSocketNotifier::activated, this, &KubesimApp::onSignal);
    struct sigaction sa = {};
    sa.sa_handler = signalHandler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int sig : {SIGHUP, SIGTERM, SIGINT})
        ::sigaction(sig, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
}

void KubesimApp::onSignal()
{
    char c = 0;
    if (::read(g_signalFds[1], &c, 1) != 1)
        return;
    if (c == SIGHUP) {
        reload();
        return;
    }
    shutdown();
}

void KubesimApp::shutdown()
{
    qInfo("kubesim: stopping; killing every process started for pods");
    m_server.close();
    m_runtime.shutdown();
    for (int i = 0; i < 50 && NodeProcess::signalLab(m_opts.labDir, SIGKILL) > 0; ++i)
        ::usleep(20000);
    QCoreApplication::quit();
}

} // namespace kubesim
