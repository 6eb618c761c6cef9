// SynTimes: a flow's client SYN times, the first inline and the rest in a block taken at the
// second. Every way a flow is built, copied and moved keeps the times in order, and none past
// SynTimes::kMax (under ASan: no leak, no double free).
#include "core/analysis/captureanalysis.h"
#include "core/analysis/findings.h"

#include <QtTest>

#include <numeric>
#include <vector>

using lbs::analysis::SynTimes;

namespace {

std::vector<int64_t> times(int n)
{
    std::vector<int64_t> t(static_cast<size_t>(n));
    std::iota(t.begin(), t.end(), int64_t(1000));
    return t;
}

SynTimes filled(int n)
{
    SynTimes s;
    for (int64_t t : times(n))
        s.push_back(t);
    return s;
}

std::vector<int64_t> contents(const SynTimes &s)
{
    return {s.begin(), s.end()};
}

std::vector<int64_t> kept(int n)
{
    return times(std::min<int>(n, int(SynTimes::kMax)));
}

} // namespace

class TestSynTimes : public QObject {
    Q_OBJECT

private slots:
    void keepsTimes_data()
    {
        QTest::addColumn<int>("pushed");
        QTest::newRow("none") << 0;
        QTest::newRow("one, inline") << 1;
        QTest::newRow("two, a block") << 2;
        QTest::newRow("five") << 5;
        QTest::newRow("the most kept") << int(SynTimes::kMax);
        QTest::newRow("more than are kept") << int(SynTimes::kMax) + 7;
    }

    void keepsTimes()
    {
        QFETCH(int, pushed);
        const std::vector<int64_t> want = kept(pushed);
        SynTimes s = filled(pushed);
        QCOMPARE(s.size(), want.size());
        QCOMPARE(s.empty(), want.empty());
        QCOMPARE(contents(s), want);
        if (!want.empty()) {
            QCOMPARE(s.front(), want.front());
            QCOMPARE(s.back(), want.back());
            QCOMPARE(s[want.size() - 1], want.back());
        }
        const std::span<const int64_t> view = s;
        QCOMPARE(std::vector<int64_t>(view.begin(), view.end()), want);

        // Copies are their own; a moved-from value is empty and usable.
        SynTimes copy(s);
        QCOMPARE(contents(copy), want);
        copy.push_back(-1);
        QCOMPARE(contents(s), want);
        SynTimes assigned = filled(3);
        assigned = s;
        QCOMPARE(contents(assigned), want);
        assigned = filled(1);
        QCOMPARE(contents(assigned), kept(1));
        SynTimes moved(std::move(s));
        QCOMPARE(contents(moved), want);
        QVERIFY(s.empty()); // NOLINT(bugprone-use-after-move): the moved-from state is specified
        s.push_back(7);
        s.push_back(8);
        QCOMPARE(contents(s), (std::vector<int64_t> {7, 8}));
        SynTimes target = filled(2);
        target = std::move(moved);
        QCOMPARE(contents(target), want);
        const SynTimes &self = target;
        target = self;
        QCOMPARE(contents(target), want);

        // As a flow holds it: copied and moved with the flow.
        lbs::analysis::Flow f;
        f.synTimesNs = filled(pushed);
        std::vector<lbs::analysis::Flow> flows(3, f);
        flows.resize(40, f);
        QCOMPARE(contents(flows.back().synTimesNs), want);
    }

    void linuxRetryPattern()
    {
        // 1, 2, 4 s between the SYNs: Linux's backoff; read through the span of the inline block.
        const int64_t s = 1'000'000'000;
        QVERIFY(lbs::analysis::isLinuxSynRetryPattern(SynTimes {0, s, 3 * s, 7 * s}));
        QVERIFY(!lbs::analysis::isLinuxSynRetryPattern(SynTimes {0}));
        QVERIFY(!lbs::analysis::isLinuxSynRetryPattern(SynTimes {0, s / 10, s / 5}));
    }
};

QTEST_GUILESS_MAIN(TestSynTimes)
#include "tst_syntimes.moc"
