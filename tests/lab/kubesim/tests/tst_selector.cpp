// Unit tests of kubesim's label and field selector parsing and matching.
#include "selector.h"

#include <QJsonObject>
#include <QTest>

using kubesim::FieldSelector;
using kubesim::LabelSelector;

class TestSelector : public QObject {
    Q_OBJECT
private slots:
    void labelMatch_data()
    {
        QTest::addColumn<QString>("selector");
        QTest::addColumn<bool>("matchesWeb");
        QTest::addColumn<bool>("matchesKeepalived");
        QTest::newRow("empty") << QString() << true << true;
        QTest::newRow("equals") << QStringLiteral("app=web") << true << false;
        QTest::newRow("double-equals") << QStringLiteral("app==web") << true << false;
        QTest::newRow("not-equals") << QStringLiteral("app!=web") << false << true;
        QTest::newRow("in") << QStringLiteral("app in (web, ibm-cloud-provider-lb)") << true << true;
        QTest::newRow("notin") << QStringLiteral("app notin (web)") << false << true;
        QTest::newRow("exists") << QStringLiteral("ibm-cloud-provider-lb-app") << false << true;
        QTest::newRow("not-exists") << QStringLiteral("!ibm-cloud-provider-lb-app") << true << false;
        QTest::newRow("and") << QStringLiteral(
            "ibm-cloud-provider-lb-app=keepalived,ibm-cloud-provider-ip=203-0-113-10")
                             << false << true;
        QTest::newRow("and-fails") << QStringLiteral("ibm-cloud-provider-lb-app=keepalived,app=web") << false
                                   << false;
        QTest::newRow("prefixed-key") << QStringLiteral("kubernetes.io/service-name!=x") << true << true;
        QTest::newRow("in-and-exists") << QStringLiteral("app in (web),tier") << false << false;
        QTest::newRow("notin-missing-key") << QStringLiteral("tier notin (a)") << true << true;
    }
    void labelMatch()
    {
        QFETCH(QString, selector);
        QFETCH(bool, matchesWeb);
        QFETCH(bool, matchesKeepalived);
        QString error;
        const auto sel = LabelSelector::parse(selector, &error);
        QVERIFY2(sel.has_value(), qPrintable(error));
        const QJsonObject web {{QStringLiteral("app"), QStringLiteral("web")}};
        const QJsonObject ka {{QStringLiteral("app"), QStringLiteral("ibm-cloud-provider-lb")},
            {QStringLiteral("ibm-cloud-provider-lb-app"), QStringLiteral("keepalived")},
            {QStringLiteral("ibm-cloud-provider-ip"), QStringLiteral("203-0-113-10")}};
        QCOMPARE(sel->matches(web), matchesWeb);
        QCOMPARE(sel->matches(ka), matchesKeepalived);
    }

    void labelErrors_data()
    {
        QTest::addColumn<QString>("selector");
        QTest::newRow("unbalanced") << QStringLiteral("app in (web");
        QTest::newRow("bad-key") << QStringLiteral("-app=web");
        QTest::newRow("bad-value") << QStringLiteral("app=we b");
        QTest::newRow("empty-in") << QStringLiteral("app in ()");
        QTest::newRow("missing-key") << QStringLiteral("=web");
    }
    void labelErrors()
    {
        QFETCH(QString, selector);
        QString error;
        QVERIFY(!LabelSelector::parse(selector, &error).has_value());
        QVERIFY(error.startsWith(QStringLiteral("unable to parse requirement")));
    }

    void fieldMatch_data()
    {
        QTest::addColumn<QString>("selector");
        QTest::addColumn<bool>("matches");
        QTest::newRow("empty") << QString() << true;
        QTest::newRow("name") << QStringLiteral("metadata.name=dbg-1") << true;
        QTest::newRow("name-double") << QStringLiteral("metadata.name==dbg-1") << true;
        QTest::newRow("name-other") << QStringLiteral("metadata.name=dbg-2") << false;
        QTest::newRow("node-and-phase")
            << QStringLiteral("spec.nodeName=lab-node-1,status.phase=Running") << true;
        QTest::newRow("phase-not") << QStringLiteral("status.phase!=Running") << false;
        QTest::newRow("phase-not-failed") << QStringLiteral("status.phase!=Failed") << true;
        QTest::newRow("escaped-comma") << QStringLiteral("metadata.namespace=a\\,b") << false;
    }
    void fieldMatch()
    {
        QFETCH(QString, selector);
        QFETCH(bool, matches);
        QString error;
        const auto sel = FieldSelector::parse(selector, &error);
        QVERIFY2(sel.has_value(), qPrintable(error));
        const QHash<QString, QString> pod {{QStringLiteral("metadata.name"), QStringLiteral("dbg-1")},
            {QStringLiteral("metadata.namespace"), QStringLiteral("lbscope")},
            {QStringLiteral("spec.nodeName"), QStringLiteral("lab-node-1")},
            {QStringLiteral("status.phase"), QStringLiteral("Running")}};
        QCOMPARE(sel->matches([&pod](const QString &k) { return pod.value(k); }), matches);
    }

    void fieldEscapes()
    {
        QString error;
        const auto sel = FieldSelector::parse(QStringLiteral("metadata.namespace=a\\,b"), &error);
        QVERIFY(sel.has_value());
        QCOMPARE(sel->requirements().size(), 1);
        QCOMPARE(sel->requirements().first().value, QStringLiteral("a,b"));
    }

    void fieldErrorsAndSupport()
    {
        QString error;
        QVERIFY(!FieldSelector::parse(QStringLiteral("metadata.name"), &error).has_value());
        QVERIFY(error.contains(QStringLiteral("metadata.name")));
        const auto sel = FieldSelector::parse(QStringLiteral("spec.nodeName=x,spec.bogus=y"), &error);
        QVERIFY(sel.has_value());
        QCOMPARE(sel->unsupportedKey({QStringLiteral("spec.nodeName")}), QStringLiteral("spec.bogus"));
        QCOMPARE(
            sel->unsupportedKey({QStringLiteral("spec.nodeName"), QStringLiteral("spec.bogus")}), QString());
    }
};

QTEST_APPLESS_MAIN(TestSelector)
#include "tst_selector.moc"
