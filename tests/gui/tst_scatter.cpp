// The latency scatter's thinning: the kept points against a map of every cell (one per occupied
// cell, the first in key order, none lost), and the plot drawing the thinned copy at the overview,
// every point once zoomed in, clicks naming the right flow either way, exports drawn whole.

#include "ui/plots/latencyscatterplot.h"
#include "ui/plots/scatterthinning.h"

#include <QApplication>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

using namespace lbs::ui;

namespace {

struct Points {
    std::vector<double> keys;
    std::vector<double> values;
};

/// `n` points, keys sorted, values positive, drawn as `shape` says.
Points makePoints(const QString &shape, int n)
{
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> uniform(0, 1);
    std::lognormal_distribution<double> tail(1.0, 1.5);
    Points p;
    for (int i = 0; i < n; ++i) {
        double key = uniform(rng) * 600;
        double value = tail(rng);
        if (shape == QLatin1String("one key"))
            key = 7.5;
        else if (shape == QLatin1String("one value"))
            value = 12.5;
        else if (shape == QLatin1String("repeated keys"))
            key = std::floor(key / 60) * 60;
        else if (shape == QLatin1String("two bands"))
            value = (i % 2 ? 1.0 : 1000.0) * (1 + uniform(rng) * 0.01);
        p.keys.push_back(key);
        p.values.push_back(value);
    }
    std::sort(p.keys.begin(), p.keys.end());
    return p;
}

/// The cell of point `i`, written out the way a reader of ScatterGrid would: the extent (values
/// widened by the margin) split into equal cells, key linear, value logarithmic, the last edge in
/// the last cell.
std::pair<int, int> cellOf(const Points &p, size_t i, int columns, int rows, double margin)
{
    const auto [lo, hi] = std::minmax_element(p.values.begin(), p.values.end());
    const double keySpan = p.keys.back() - p.keys.front();
    const double logLo = std::log(*lo) - std::log(margin);
    const double logSpan = std::log(*hi) - std::log(*lo) + 2 * std::log(margin);
    const auto cell = [](double offset, double span, int cells) {
        if (span <= 0)
            return 0;
        return std::clamp(int(offset * (cells / span)), 0, cells - 1);
    };
    return {cell(p.keys[i] - p.keys.front(), keySpan, columns),
        cell(std::log(p.values[i]) - logLo, logSpan, rows)};
}

} // namespace

class TestScatter : public QObject {
    Q_OBJECT
private slots:
    void thinningKeepsFirstOfEveryCell_data()
    {
        QTest::addColumn<QString>("shape");
        QTest::addColumn<int>("points");
        QTest::addColumn<int>("columns");
        QTest::addColumn<int>("rows");
        QTest::addColumn<double>("margin");
        QTest::newRow("empty") << QStringLiteral("spread") << 0 << 16 << 16 << 1.0;
        QTest::newRow("one point") << QStringLiteral("spread") << 1 << 16 << 16 << 2.0;
        QTest::newRow("spread, coarse grid") << QStringLiteral("spread") << 20000 << 16 << 8 << 1.0;
        QTest::newRow("spread, fine grid") << QStringLiteral("spread") << 20000 << 512 << 256 << 1.0;
        QTest::newRow("spread, margins") << QStringLiteral("spread") << 20000 << 64 << 64 << 2.0;
        QTest::newRow("rows not a multiple of 64") << QStringLiteral("spread") << 20000 << 100 << 97 << 1.0;
        QTest::newRow("one key") << QStringLiteral("one key") << 5000 << 64 << 64 << 1.0;
        QTest::newRow("one value") << QStringLiteral("one value") << 5000 << 64 << 64 << 1.0;
        QTest::newRow("one value, margins") << QStringLiteral("one value") << 5000 << 64 << 64 << 2.0;
        QTest::newRow("repeated keys") << QStringLiteral("repeated keys") << 20000 << 64 << 64 << 1.0;
        QTest::newRow("two bands") << QStringLiteral("two bands") << 20000 << 64 << 256 << 2.0;
    }

    void thinningKeepsFirstOfEveryCell()
    {
        QFETCH(QString, shape);
        QFETCH(int, points);
        QFETCH(int, columns);
        QFETCH(int, rows);
        QFETCH(double, margin);
        const Points p = makePoints(shape, points);
        const ScatterGrid grid = ScatterGrid::over(p.keys, p.values, columns, rows, margin);
        const std::vector<uint32_t> kept = thinScatter(p.keys, p.values, grid);
        std::map<std::pair<int, int>, uint32_t> firstOfCell;
        for (size_t i = 0; i < p.keys.size(); ++i)
            firstOfCell.try_emplace(cellOf(p, i, columns, rows, margin), uint32_t(i));
        std::vector<uint32_t> expected;
        for (const auto &[cell, index] : firstOfCell)
            expected.push_back(index);
        std::sort(expected.begin(), expected.end());
        QCOMPARE(kept, expected);
        QVERIFY(kept.size() <= size_t(columns) * size_t(rows));
        if (points > 1000 && shape != QLatin1String("one key"))
            QVERIFY2(kept.size() < p.keys.size() / 2 || size_t(columns) * size_t(rows) > p.keys.size(),
                "a grid far smaller than the points thins them");

        // A coarser grid over the same extent, thinning only the points this one kept, keeps what
        // it keeps from all the points: the plot builds its smaller copies that way.
        if (columns % 2 == 0 && rows % 2 == 0)
            QCOMPARE(thinScatter(p.keys, p.values, grid.coarser(2), kept),
                thinScatter(p.keys, p.values, grid.coarser(2)));
    }

    void plotThinsOverviewAndShowsAllZoomedIn()
    {
        // 200,000 points of one outcome in two narrow bands (fast and slow answers), flow id =
        // 7 × position + 3.
        const Points p = makePoints(QStringLiteral("two bands"), 200'000);
        std::vector<ScatterGroup> groups(1);
        groups[0].name = QStringLiteral("complete");
        groups[0].color = Qt::blue;
        for (size_t i = 0; i < p.keys.size(); ++i) {
            groups[0].keys << p.keys[i];
            groups[0].values << p.values[i];
            groups[0].flowIds.push_back(uint32_t(7 * i + 3));
        }
        LatencyScatterPlot scatter;
        scatter.resize(900, 500);
        scatter.setGroups(std::move(groups), QStringLiteral("TTFB (ms)"), 600);
        scatter.show();
        QVERIFY(QTest::qWaitForWindowExposed(&scatter));
        QCOMPARE(scatter.pointCount(), 200'000);
        QTRY_VERIFY(scatter.shownPointCount() < 200'000 / 4);
        QVERIFY(scatter.shownPointCount() > 1000);

        // A click on a thinned point names the flow of that very point.
        QSignalSpy clicked(&scatter, &LatencyScatterPlot::flowClicked);
        const int shown = scatter.shownPointCount();
        for (int index : {0, 1, shown / 2, shown - 1}) {
            scatter.clickPoint(0, index);
            QCOMPARE(clicked.count(), 1);
            const size_t whole = (clicked.takeFirst().at(0).toUInt() - 3) / 7;
            QCOMPARE(scatter.shownPoint(0, index), QPointF(p.keys[whole], p.values[whole]));
        }

        // Zoomed in to a tenth of the time: every point there is drawn.
        scatter.setVisibleRange(100, 160);
        QTRY_COMPARE(scatter.shownPointCount(), 200'000);
        scatter.clickPoint(0, 123'456);
        QCOMPARE(clicked.takeFirst().at(0).toUInt(), uint32_t(7 * 123'456 + 3));

        // Back to the overview, then an export: the file gets every point, the screen the thinned.
        scatter.setVisibleRange(0, 600);
        QTRY_COMPARE(scatter.shownPointCount(), shown);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QCOMPARE(scatter.exportTo(dir.filePath(QStringLiteral("scatter.svg"))), QString());
        QFile svg(dir.filePath(QStringLiteral("scatter.svg")));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        // QCustomPlot samples what it is given down to what can be told apart at the export's
        // size; given the thinned copy, it could draw at most that many discs.
        const qsizetype discs = svg.readAll().count("<circle");
        QVERIFY2(discs > 2 * shown, qPrintable(QStringLiteral("%1 discs exported").arg(discs)));
        QCOMPARE(scatter.shownPointCount(), shown);
    }

    void smallGroupsAreDrawnWhole()
    {
        const Points p = makePoints(QStringLiteral("spread"), 20'000);
        std::vector<ScatterGroup> groups(1);
        for (size_t i = 0; i < p.keys.size(); ++i) {
            groups[0].keys << p.keys[i];
            groups[0].values << p.values[i];
            groups[0].flowIds.push_back(uint32_t(i));
        }
        LatencyScatterPlot scatter;
        scatter.resize(900, 500);
        scatter.setGroups(std::move(groups), QStringLiteral("RTT (ms)"), 600);
        scatter.show();
        QVERIFY(QTest::qWaitForWindowExposed(&scatter));
        QTest::qWait(50);
        QCOMPARE(scatter.shownPointCount(), 20'000);
    }
};

QTEST_MAIN(TestScatter)
#include "tst_scatter.moc"
