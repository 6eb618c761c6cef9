// lbs::Error: the kind travels with the error and has a stable name; the text for people does not
// depend on it.
#include "core/common/error.h"

#include <QSet>
#include <QTest>

#include <string>

using lbs::Error;
using lbs::ErrorKind;

Q_DECLARE_METATYPE(ErrorKind)

class TestError : public QObject {
    Q_OBJECT

private slots:
    void names_data()
    {
        QTest::addColumn<ErrorKind>("kind");
        QTest::addColumn<QString>("name");
        QTest::newRow("unknown") << ErrorKind::Unknown << QStringLiteral("unknown");
        QTest::newRow("not found") << ErrorKind::NotFound << QStringLiteral("not_found");
        QTest::newRow("forbidden") << ErrorKind::Forbidden << QStringLiteral("forbidden");
        QTest::newRow("unauthorized") << ErrorKind::Unauthorized << QStringLiteral("unauthorized");
        QTest::newRow("conflict") << ErrorKind::Conflict << QStringLiteral("conflict");
        QTest::newRow("cancelled") << ErrorKind::Cancelled << QStringLiteral("cancelled");
        QTest::newRow("timeout") << ErrorKind::Timeout << QStringLiteral("timeout");
        QTest::newRow("bad input") << ErrorKind::BadInput << QStringLiteral("bad_input");
        QTest::newRow("io") << ErrorKind::Io << QStringLiteral("io");
        QTest::newRow("unsupported") << ErrorKind::Unsupported << QStringLiteral("unsupported");
        QTest::newRow("unavailable") << ErrorKind::Unavailable << QStringLiteral("unavailable");
        QTest::newRow("internal") << ErrorKind::Internal << QStringLiteral("internal");
    }

    void names()
    {
        QFETCH(ErrorKind, kind);
        QFETCH(QString, name);
        QCOMPARE(QString::fromLatin1(lbs::errorKindName(kind)), name);
    }

    // Every kind has its own name (a new kind without a name would read "unknown").
    void namesAreDistinct()
    {
        QSet<QString> seen;
        for (int k = 0; k <= static_cast<int>(ErrorKind::Internal); ++k)
            seen.insert(QString::fromLatin1(lbs::errorKindName(static_cast<ErrorKind>(k))));
        QCOMPARE(seen.size(), static_cast<int>(ErrorKind::Internal) + 1);
    }

    // The three-field form used all over the code base still compiles and means "not classified".
    void threeFieldInitialisationIsUnknown()
    {
        const Error e {"pod x: not found", "context lab", "check the name"};
        QCOMPARE(e.kind, ErrorKind::Unknown);
        const Error k {"pod x: not found", {}, {}, ErrorKind::NotFound};
        QCOMPARE(k.kind, ErrorKind::NotFound);
    }

    void textDoesNotDependOnKind_data()
    {
        QTest::addColumn<ErrorKind>("kind");
        QTest::newRow("unknown") << ErrorKind::Unknown;
        QTest::newRow("cancelled") << ErrorKind::Cancelled;
        QTest::newRow("forbidden") << ErrorKind::Forbidden;
    }

    void textDoesNotDependOnKind()
    {
        QFETCH(ErrorKind, kind);
        const Error e {"create pod lbscope/x is forbidden", "/home/u/.kube/config", "ask an admin", kind};
        QCOMPARE(QString::fromStdString(e.toString()),
            QStringLiteral("/home/u/.kube/config: create pod lbscope/x is forbidden (ask an admin)"));
    }
};

QTEST_GUILESS_MAIN(TestError)
#include "tst_error.moc"
