// core/analysis finding kinds: every kind has a stable name that reads back to it and an
// explanation; the plain-text form of an explanation (lbscope-cli analyze --explain) keeps its
// words and drops the markup.
#include "core/analysis/findingexplanation.h"
#include "core/analysis/findingkind.h"

#include <QTest>

#include <set>
#include <string>

using namespace lbs::analysis;

Q_DECLARE_METATYPE(lbs::analysis::FindingKind)

class TestFindingKind : public QObject {
    Q_OBJECT
private slots:
    void everyKind_data();
    void everyKind();
    void namesAreDistinct();
    void unknownNames_data();
    void unknownNames();
    void plainText_data();
    void plainText();
    void plainTextWraps();
};

void TestFindingKind::everyKind_data()
{
    QTest::addColumn<FindingKind>("kind");
    for (FindingKind k : kAllFindingKinds)
        QTest::newRow(findingKindName(k)) << k;
}

void TestFindingKind::everyKind()
{
    QFETCH(FindingKind, kind);
    const std::string name = findingKindName(kind);
    QVERIFY(!name.empty());
    const auto back = findingKindFromName(name);
    QVERIFY2(back.has_value(), name.c_str());
    QCOMPARE(*back, kind);
    const FindingExplanation &ex = explainFinding(kind);
    QVERIFY2(!ex.headline.empty(), name.c_str());
    QVERIFY2(!ex.details.empty(), name.c_str());
    QVERIFY2(ex.details.rfind("<p>", 0) == 0, name.c_str());
    const std::string text = explanationPlainText(ex);
    QVERIFY2(text.rfind(ex.headline.substr(0, 20), 0) == 0, text.c_str());
    QVERIFY2(text.find('<') == std::string::npos, text.c_str());
}

void TestFindingKind::namesAreDistinct()
{
    std::set<std::string> names;
    for (FindingKind k : kAllFindingKinds)
        QVERIFY2(names.insert(findingKindName(k)).second, findingKindName(k));
    QCOMPARE(names.size(), std::size(kAllFindingKinds));
    // The JSON report's kinds (design contract) are among them.
    for (const char *contract : {"failed_handshakes", "icmp_port_unreachable", "handshake_refused",
             "syn_retransmitted", "resets_from_server", "resets_from_vip", "resets_from_client",
             "retransmission_burst", "latency_spike", "slow_backend", "http_server_errors", "zero_window",
             "kernel_drops", "interface_drops", "truncated_file", "overlapping_files", "duplicate_file",
             "handshake_before_capture", "ip_in_ip"})
        QVERIFY2(names.count(contract) == 1, contract);
}

void TestFindingKind::unknownNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << QString();
    QTest::newRow("prefix") << QStringLiteral("resets");
    QTest::newRow("upper case") << QStringLiteral("FAILED_HANDSHAKES");
    QTest::newRow("trailing space") << QStringLiteral("zero_window ");
}

void TestFindingKind::unknownNames()
{
    QFETCH(QString, name);
    QVERIFY(!findingKindFromName(name.toStdString()).has_value());
}

void TestFindingKind::plainText_data()
{
    QTest::addColumn<FindingKind>("kind");
    QTest::addColumn<QString>("expect");
    QTest::newRow("list item") << FindingKind::FailedHandshakes
                               << QStringLiteral(
                                      "\n- a NetworkPolicy or security group drops the traffic;\n");
    QTest::newRow("code kept as text")
        << FindingKind::HandshakeRefused << QStringLiteral("the service's targetPort does not match");
    QTest::newRow("bold kept as text")
        << FindingKind::KernelDrops << QStringLiteral("tcpdump reported packets dropped by the kernel:");
    QTest::newRow("second paragraph") << FindingKind::IcmpPortUnreachable
                                      << QStringLiteral("endpoints.\n\nCheck: kubectl get endpointslices");
}

void TestFindingKind::plainText()
{
    QFETCH(FindingKind, kind);
    QFETCH(QString, expect);
    const std::string text = explanationPlainText(explainFinding(kind), {}, 1000);
    QVERIFY2(text.find(expect.toStdString()) != std::string::npos, text.c_str());
}

void TestFindingKind::plainTextWraps()
{
    const std::string text = explanationPlainText(explainFinding(FindingKind::FailedHandshakes), "    ", 60);
    size_t lines = 0;
    for (size_t at = 0; at < text.size();) {
        const size_t end = text.find('\n', at);
        QVERIFY(end != std::string::npos);
        const std::string line = text.substr(at, end - at);
        at = end + 1;
        ++lines;
        if (line.empty())
            continue;
        QVERIFY2(line.rfind("    ", 0) == 0, line.c_str());
        size_t cols = 0;
        for (unsigned char c : line)
            cols += (c & 0xC0) != 0x80;
        QVERIFY2(cols <= 60, line.c_str());
    }
    QVERIFY(lines > 10);
    // A wrapped list item continues under its text, not under the dash.
    QVERIFY2(text.find("\n    - externalTrafficPolicy: Local and the node holding the") != std::string::npos,
        text.c_str());
    QVERIFY2(text.find("\n      ") != std::string::npos, text.c_str());
}

QTEST_GUILESS_MAIN(TestFindingKind)
#include "tst_findingkind.moc"
