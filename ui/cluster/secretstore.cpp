#include "secretstore.h"

#include <qt6keychain/keychain.h>

namespace lbs::ui {

SecretStore::SecretStore(QObject *parent) : QObject(parent)
{
}

QString SecretStore::serviceName()
{
    return QStringLiteral("lbscope ssh key passphrase");
}

void SecretStore::readPassphrase(const QString &identityFile,
    std::function<void(bool found, const QString &passphrase, const QString &error)> done)
{
    auto *job = new QKeychain::ReadPasswordJob(serviceName(), this);
    job->setKey(identityFile);
    job->setAutoDelete(true);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (read->error() == QKeychain::EntryNotFound)
            done(false, {}, {});
        else if (read->error() != QKeychain::NoError)
            done(false, {}, read->errorString());
        else
            done(true, read->textData(), {});
    });
    job->start();
}

void SecretStore::writePassphrase(
    const QString &identityFile, const QString &passphrase, std::function<void(const QString &error)> done)
{
    auto *job = new QKeychain::WritePasswordJob(serviceName(), this);
    job->setKey(identityFile);
    job->setTextData(passphrase);
    job->setAutoDelete(true);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        done(j->error() == QKeychain::NoError ? QString() : j->errorString());
    });
    job->start();
}

void SecretStore::forgetPassphrase(
    const QString &identityFile, std::function<void(const QString &error)> done)
{
    auto *job = new QKeychain::DeletePasswordJob(serviceName(), this);
    job->setKey(identityFile);
    job->setAutoDelete(true);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        const bool ok = j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound;
        done(ok ? QString() : j->errorString());
    });
    job->start();
}

} // namespace lbs::ui
