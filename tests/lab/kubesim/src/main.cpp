// kubesim: a simulated Kubernetes API server for the lbscope lab (see tests/lab/README.md, "kubesim").
#include "kubesimapp.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>
#include <malloc.h>

int main(int argc, char **argv)
{
    // A server streaming exec output allocates and frees ~0.5 MB TLS buffers per flush; glibc would give each
    // back to the kernel (mmap / heap trim) and fault it in again, costing more CPU than the copying. A Go
    // API server reuses its heap; keep ours too.
    ::mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
    ::mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("kubesim"));
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Simulated Kubernetes API server for the lbscope lab"));
    p.addHelpOption();
    const QCommandLineOption labDir(
        QStringLiteral("lab-dir"), QStringLiteral("Lab state directory (lab.json)."), QStringLiteral("dir"));
    const QCommandLineOption cert(
        QStringLiteral("tls-cert"), QStringLiteral("Server certificate (PEM)."), QStringLiteral("file"));
    const QCommandLineOption key(
        QStringLiteral("tls-key"), QStringLiteral("Server key (PEM)."), QStringLiteral("file"));
    const QCommandLineOption ca(QStringLiteral("client-ca"),
        QStringLiteral("CA for client certificates (PEM)."), QStringLiteral("file"));
    const QCommandLineOption tokens(QStringLiteral("token-auth-file"),
        QStringLiteral("Tokens: token,user,uid[,\"groups\"] per line."), QStringLiteral("file"));
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("First port to try on 127.0.0.1."),
        QStringLiteral("n"), QStringLiteral("16443"));
    const QCommandLineOption portFile(
        QStringLiteral("port-file"), QStringLiteral("Write the chosen port here."), QStringLiteral("file"));
    p.addOptions({labDir, cert, key, ca, tokens, port, portFile});
    p.process(app);
    if (!p.isSet(labDir) || !p.isSet(cert) || !p.isSet(key) || !p.isSet(ca)) {
        std::fprintf(stderr,
            "kubesim: --lab-dir, --tls-cert, --tls-key and --client-ca are required "
            "(tests/lab/kubesim/kubesim-up passes them)\n");
        return 2;
    }
    kubesim::KubesimOptions o;
    o.labDir = p.value(labDir);
    o.certFile = p.value(cert);
    o.keyFile = p.value(key);
    o.caFile = p.value(ca);
    o.tokensFile = p.value(tokens);
    o.portFile = p.value(portFile);
    o.port = p.value(port).toInt();
    kubesim::KubesimApp sim(o);
    QString error;
    if (!sim.start(&error)) {
        std::fprintf(stderr, "kubesim: %s\n", qPrintable(error));
        return 1;
    }
    std::fprintf(
        stderr, "kubesim: serving https://127.0.0.1:%d for lab %s\n", sim.port(), qPrintable(o.labDir));
    return app.exec();
}
