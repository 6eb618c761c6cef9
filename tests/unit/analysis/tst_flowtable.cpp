// core/analysis FlowTable: the flow lookup behaves as a map from 5-tuple keys to flow indices
// through growth, reservation, overwrites (port reuse) and keys that differ in one field only.
#include "core/analysis/flowtable.h"

#include <QTest>

#include <map>
#include <random>
#include <string>

using namespace lbs::analysis;

namespace {

lbs::pcap::IpAddress ip4(uint32_t v)
{
    const uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
    return lbs::pcap::IpAddress::v4(b);
}

FlowKey keyOf(uint32_t n, uint32_t variant)
{
    bool reversed = false;
    const lbs::pcap::IpAddress a = ip4(0x0a000000u | (n >> 8));
    const lbs::pcap::IpAddress b = ip4(0xac100000u | (n & 0xff));
    const auto port = static_cast<uint16_t>(1024 + (n * 7919) % 60000);
    switch (variant % 4) {
    case 0:
        return FlowKey::make(a, port, b, 80, 6, reversed);
    case 1:
        return FlowKey::make(a, port, b, 80, 17, reversed); // protocol only differs
    case 2:
        return FlowKey::make(a, port, b, 80, 6, reversed, 3); // interface only differs
    default:
        return FlowKey::make(b, 80, a, port, 6, reversed); // the other direction: the same key as 0
    }
}

std::string text(const FlowKey &k)
{
    return std::string(reinterpret_cast<const char *>(&k), sizeof k);
}

} // namespace

class TestFlowTable : public QObject {
    Q_OBJECT
private slots:
    void sameAsMap_data()
    {
        QTest::addColumn<int>("keys");
        QTest::addColumn<int>("reserve");
        QTest::addColumn<int>("overwriteEvery");
        // Before each set: 0 the key itself was just looked up (a new flow), 1 another key was
        // looked up in between, 2 nothing was (set's own probe).
        QTest::addColumn<int>("before");
        // Keys whose slots are reserved with the keys (the rest of the reservation is keys only).
        QTest::addColumn<int>("slotKeys");
        QTest::newRow("few") << 10 << 0 << 3 << 0 << 0;
        QTest::newRow("growth past the first size") << 5000 << 0 << 7 << 0 << 0;
        QTest::newRow("reserved") << 5000 << 8000 << 5 << 0 << 8000;
        QTest::newRow("reserved too little") << 20000 << 1000 << 11 << 0 << 1000;
        QTest::newRow("reserved after use") << 3000 << -1 << 2 << 0 << 0;
        QTest::newRow("many more keys than recent slots") << 60000 << 0 << 13 << 0 << 0;
        QTest::newRow("keys reserved, few slots") << 60000 << 200000 << 13 << 0 << 1000;
        QTest::newRow("another key looked up before set") << 20000 << 0 << 3 << 1 << 0;
        QTest::newRow("set twice without lookups") << 20000 << 0 << 1 << 2 << 0;
    }
    void sameAsMap()
    {
        QFETCH(int, keys);
        QFETCH(int, reserve);
        QFETCH(int, overwriteEvery);
        QFETCH(int, before);
        QFETCH(int, slotKeys);
        FlowTable t;
        std::map<std::string, uint32_t> expected;
        if (reserve > 0)
            t.reserve(size_t(reserve), size_t(slotKeys));
        std::mt19937 rng(7);
        for (int i = 0; i < keys; ++i) {
            const FlowKey k = keyOf(rng() % uint32_t(keys), uint32_t(i));
            if (i == keys / 2 && reserve < 0)
                t.reserve(size_t(keys) * 4, size_t(keys) * 4);
            const uint32_t *found = t.find(k);
            const auto it = expected.find(text(k));
            QCOMPARE(found != nullptr, it != expected.end());
            if (found)
                QCOMPARE(*found, it->second);
            if (!found || i % overwriteEvery == 0) {
                if (before == 1) {
                    const FlowKey other = keyOf(rng() % uint32_t(keys), uint32_t(i + 1));
                    const uint32_t *o = t.find(other);
                    QCOMPARE(o != nullptr, expected.count(text(other)) > 0);
                }
                t.set(k, uint32_t(i));
                if (before == 2)
                    t.set(k, uint32_t(i)); // the second set overwrites: no second entry
                expected[text(k)] = uint32_t(i);
            }
        }
        QCOMPARE(t.size(), expected.size());
        for (uint32_t n = 0; n < uint32_t(keys); ++n) {
            for (uint32_t v = 0; v < 4; ++v) {
                const FlowKey k = keyOf(n, v);
                const uint32_t *found = t.find(k);
                const auto it = expected.find(text(k));
                QCOMPARE(found != nullptr, it != expected.end());
                if (found)
                    QCOMPARE(*found, it->second);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestFlowTable)
#include "tst_flowtable.moc"
