// Remembered SSH key passphrases in a real system keychain (gnome-keyring's Secret Service on a private
// D-Bus session, started by keychainsession.sh): written, read back, replaced and forgotten through
// SecretStore; present in the keyring as another Secret Service client (secret-tool) sees it; and never
// in lbscope's settings file.
#include "ui/cluster/secretstore.h"

#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QTest>

using namespace lbs::ui;
using namespace Qt::StringLiterals;

namespace {

struct ReadResult {
    bool done = false;
    bool found = false;
    QString passphrase;
    QString error;
};

ReadResult readBack(SecretStore &store, const QString &key)
{
    ReadResult r;
    store.readPassphrase(key, [&r](bool found, const QString &passphrase, const QString &error) {
        r = {true, found, passphrase, error};
    });
    (void)QTest::qWaitFor([&r] { return r.done; }, 15000);
    return r;
}

QString writeAndWait(SecretStore &store, const QString &key, const QString &passphrase)
{
    bool done = false;
    QString error = u"no answer from the keychain"_s;
    store.writePassphrase(key, passphrase, [&](const QString &e) {
        done = true;
        error = e;
    });
    (void)QTest::qWaitFor([&done] { return done; }, 15000);
    return error;
}

QString forgetAndWait(SecretStore &store, const QString &key)
{
    bool done = false;
    QString error = u"no answer from the keychain"_s;
    store.forgetPassphrase(key, [&](const QString &e) {
        done = true;
        error = e;
    });
    (void)QTest::qWaitFor([&done] { return done; }, 15000);
    return error;
}

/// What `secret-tool search` (libsecret, another Secret Service client) finds for lbscope's entries.
QByteArray keyringListing()
{
    QProcess p;
    p.start(
        u"secret-tool"_s, {u"search"_s, u"--all"_s, u"--unlock"_s, u"server"_s, SecretStore::serviceName()});
    p.waitForFinished(15000);
    return p.readAllStandardOutput() + p.readAllStandardError();
}

} // namespace

class TestKeychain : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
            "run through keychainsession.sh (a private D-Bus session with gnome-keyring)");
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("passphrase");
        QTest::newRow("plain") << u"/home/u/.ssh/id_ed25519"_s << u"correct horse battery staple"_s;
        QTest::newRow("unicode and quotes") << u"/home/u/.ssh/id_ecdsa"_s << u"pässwörd \"'`$(id)` ☃"_s;
        QTest::newRow("path with spaces") << u"/home/u/my keys/id_rsa"_s << u"x"_s;
    }

    void roundTrip()
    {
        QFETCH(QString, key);
        QFETCH(QString, passphrase);
        SecretStore store;
        QCOMPARE(writeAndWait(store, key, passphrase), QString());
        ReadResult r = readBack(store, key);
        QVERIFY2(r.done && r.found, qPrintable(r.error));
        QCOMPARE(r.passphrase, passphrase);
        // A real keyring entry, as other Secret Service clients see it.
        QVERIFY2(keyringListing().contains(key.toUtf8()), keyringListing().constData());
        // Replaced, not duplicated.
        QCOMPARE(writeAndWait(store, key, passphrase + u"-2"_s), QString());
        QCOMPARE(readBack(store, key).passphrase, passphrase + u"-2"_s);
        // Forgotten: gone from the keyring; forgetting twice is not an error.
        QCOMPARE(forgetAndWait(store, key), QString());
        r = readBack(store, key);
        QVERIFY(r.done);
        QVERIFY(!r.found);
        QCOMPARE(r.error, QString());
        QVERIFY(!keyringListing().contains(key.toUtf8()));
        QCOMPARE(forgetAndWait(store, key), QString());
    }

    void nothingInSettings()
    {
        SecretStore store;
        const QString secret = u"never-in-settings-91c2"_s;
        QCOMPARE(writeAndWait(store, u"/k/id"_s, secret), QString());
        QSettings settings; // lbscope's own settings file, under the session's XDG_CONFIG_HOME
        settings.setValue(u"probe"_s, 1);
        settings.sync();
        QVERIFY(QFile::exists(settings.fileName()));
        QDirIterator it(qEnvironmentVariable("XDG_CONFIG_HOME"), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains(secret.toUtf8()), qPrintable(f.fileName()));
        }
        QCOMPARE(forgetAndWait(store, u"/k/id"_s), QString());
    }
};

int main(int argc, char **argv)
{
    QCoreApplication::setOrganizationName(u"lbscope"_s);
    QCoreApplication::setApplicationName(u"lbscope"_s);
    QApplication app(argc, argv);
    TestKeychain t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_keychain.moc"
