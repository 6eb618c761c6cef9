#pragma once
// A TCP relay that can cut every connection through it, as a laptop losing contact with the cluster
// or the node does: in front of kubesim (Kubernetes lab tests) or of an sshd (the capture soak).
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

// A TCP relay to a local port that can drop every connection and refuse new ones for a while
// (TLS and SSH pass through untouched).
class TcpRelay : public QObject {
public:
    bool start(quint16 target)
    {
        m_target = target;
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *in = m_server.nextPendingConnection()) {
                if (m_refuse > 0) {
                    --m_refuse;
                    in->abort();
                    in->deleteLater();
                    continue;
                }
                auto *out = new QTcpSocket(in);
                m_sockets << in << out;
                connect(in, &QTcpSocket::readyRead, out, [in, out] {
                    if (out->state() == QAbstractSocket::ConnectedState)
                        out->write(in->readAll());
                });
                connect(out, &QTcpSocket::connected, in, [in, out] { out->write(in->readAll()); });
                connect(out, &QTcpSocket::readyRead, in, [in, out] { in->write(out->readAll()); });
                connect(in, &QTcpSocket::disconnected, out, [out] { out->disconnectFromHost(); });
                connect(out, &QTcpSocket::disconnected, in, [in] { in->disconnectFromHost(); });
                connect(in, &QTcpSocket::disconnected, in, &QObject::deleteLater);
                out->connectToHost(QHostAddress::LocalHost, m_target);
            }
        });
        return m_server.listen(QHostAddress::LocalHost);
    }
    quint16 port() const { return m_server.serverPort(); }
    /// Resets every open connection and refuses the next `count` new ones (then relays again: a
    /// short outage, after which deleting the pod would work).
    void drop(int count)
    {
        m_refuse = count;
        for (const QPointer<QTcpSocket> &s : std::as_const(m_sockets))
            if (s)
                s->abort();
        m_sockets.clear();
    }

private:
    QTcpServer m_server;
    quint16 m_target = 0;
    QList<QPointer<QTcpSocket>> m_sockets;
    int m_refuse = 0;
};
