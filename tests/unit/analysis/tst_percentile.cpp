// core/analysis percentile rule (nearest rank, no interpolation) shared by the timeline's TTFB
// p50/p99, the findings' medians and the GUI's latency distribution.
#include "core/analysis/percentile.h"

#include <QTest>

#include <cmath>
#include <vector>

using namespace lbs::analysis;

class TestPercentile : public QObject {
    Q_OBJECT
private slots:
    void nearestRank_data();
    void nearestRank();
    void empty();
    void medianOfUnsorted_data();
    void medianOfUnsorted();
};

using Values = std::vector<double>;
Q_DECLARE_METATYPE(Values)

void TestPercentile::nearestRank_data()
{
    QTest::addColumn<Values>("sorted");
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("expected");
    QTest::newRow("one value p0") << Values {7} << 0.0 << 7.0;
    QTest::newRow("one value p50") << Values {7} << 0.5 << 7.0;
    QTest::newRow("one value p100") << Values {7} << 1.0 << 7.0;
    QTest::newRow("odd p50 is the middle") << Values {1, 2, 3, 4, 5} << 0.5 << 3.0;
    QTest::newRow("even p50 is the lower middle") << Values {1, 2, 3, 4} << 0.5 << 2.0;
    QTest::newRow("two values p50") << Values {10, 20} << 0.5 << 10.0;
    QTest::newRow("p0 is the smallest") << Values {1, 2, 3, 4} << 0.0 << 1.0;
    QTest::newRow("p100 is the largest") << Values {1, 2, 3, 4} << 1.0 << 4.0;
    // ceil(0.99 * n) - 1: the largest value until n reaches 101.
    QTest::newRow("p99 of 10 is the largest") << Values {1, 2, 3, 4, 5, 6, 7, 8, 9, 10} << 0.99 << 10.0;
    Values hundred, hundredAndOne;
    for (int i = 1; i <= 100; ++i)
        hundred.push_back(i);
    hundredAndOne = hundred;
    hundredAndOne.push_back(101);
    QTest::newRow("p99 of 100 is the 99th") << hundred << 0.99 << 99.0;
    QTest::newRow("p99 of 101 is the 100th") << hundredAndOne << 0.99 << 100.0;
    QTest::newRow("p90 of 100 is the 90th") << hundred << 0.90 << 90.0;
    QTest::newRow("p50 of 100 is the 50th") << hundred << 0.50 << 50.0;
    QTest::newRow("p50 of 101 is the 51st") << hundredAndOne << 0.50 << 51.0;
    QTest::newRow("no interpolation between values") << Values {0, 1000} << 0.75 << 1000.0;
    QTest::newRow("q just above a rank") << Values {1, 2, 3, 4} << 0.2501 << 2.0;
    QTest::newRow("q exactly on a rank") << Values {1, 2, 3, 4} << 0.25 << 1.0;
    QTest::newRow("ties") << Values {5, 5, 5, 9} << 0.75 << 5.0;
}

void TestPercentile::nearestRank()
{
    QFETCH(Values, sorted);
    QFETCH(double, q);
    QFETCH(double, expected);
    QCOMPARE(percentileOfSorted(sorted, q), expected);
    QCOMPARE(sorted[nearestRankIndex(sorted.size(), q)], expected);
}

void TestPercentile::empty()
{
    QVERIFY(std::isnan(percentileOfSorted({}, 0.5)));
    QVERIFY(std::isnan(median({})));
}

void TestPercentile::medianOfUnsorted_data()
{
    QTest::addColumn<Values>("values");
    QTest::addColumn<double>("expected");
    QTest::newRow("one") << Values {42} << 42.0;
    QTest::newRow("odd, shuffled") << Values {9, 1, 5} << 5.0;
    QTest::newRow("even, shuffled: lower middle") << Values {40, 10, 30, 20} << 20.0;
    QTest::newRow("negative and fractions") << Values {-1.5, 2.25, 0} << 0.0;
}

void TestPercentile::medianOfUnsorted()
{
    QFETCH(Values, values);
    QFETCH(double, expected);
    QCOMPARE(median(values), expected);
}

QTEST_GUILESS_MAIN(TestPercentile)
#include "tst_percentile.moc"
