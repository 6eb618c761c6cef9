// The packet index container: LargeAllocator keeps small vectors on the heap and maps big ones
// 2 MiB-aligned (for transparent huge pages); growth, copies and shrinking keep every entry.
#include "core/pcap/packetindexentry.h"

#include <QTest>

#include <cstdint>

using lbs::pcap::PacketIndex;
using lbs::pcap::PacketIndexEntry;

class TestPacketIndex : public QObject {
    Q_OBJECT
private slots:
    void growShrinkCopy_data();
    void growShrinkCopy();
};

void TestPacketIndex::growShrinkCopy_data()
{
    QTest::addColumn<int>("entries");
    QTest::addColumn<bool>("mapped"); // 4 MiB and more are mapped
    QTest::newRow("empty") << 0 << false;
    QTest::newRow("small, heap") << 1000 << false;
    QTest::newRow("just under 4 MiB") << (4 << 20) / 32 - 1 << false;
    QTest::newRow("large, mapped") << 300000 << true;
}

void TestPacketIndex::growShrinkCopy()
{
    QFETCH(int, entries);
    QFETCH(bool, mapped);
    PacketIndex idx;
    for (int i = 0; i < entries; ++i) {
        PacketIndexEntry e;
        e.tsNs = int64_t(i) * 1000;
        e.flowId = uint32_t(i);
        idx.push_back(e); // grows through many reallocations, heap and mapped
    }
    QCOMPARE(idx.size(), size_t(entries));
    if (mapped) {
        idx.shrink_to_fit();
        QCOMPARE(reinterpret_cast<std::uintptr_t>(idx.data()) % (std::uintptr_t(2) << 20), std::uintptr_t(0));
    }
    const PacketIndex copy = idx;
    PacketIndex moved = std::move(idx);
    for (int i = 0; i < entries; i += 997) {
        QCOMPARE(copy[size_t(i)].tsNs, int64_t(i) * 1000);
        QCOMPARE(moved[size_t(i)].flowId, uint32_t(i));
    }
    if (entries) {
        QCOMPARE(copy.back().flowId, uint32_t(entries - 1));
        // Writing the whole mapped block must be possible (no short mapping).
        moved.resize(moved.capacity());
        moved.back().tsNs = -1;
        QCOMPARE(moved.back().tsNs, int64_t(-1));
    }
}

QTEST_GUILESS_MAIN(TestPacketIndex)
#include "tst_packetindex.moc"
