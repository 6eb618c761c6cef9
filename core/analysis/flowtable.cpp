#include "core/analysis/flowtable.h"

namespace lbs::analysis {

FlowKey FlowKey::make(const pcap::IpAddress &src, uint16_t srcPort, const pcap::IpAddress &dst,
    uint16_t dstPort, uint8_t proto, bool &reversed, int32_t ifIndex)
{
    FlowKey k;
    // memcmp's order of the 16 address bytes, as two big-endian words.
    uint64_t s[2], d[2];
    std::memcpy(s, src.bytes.data(), 16);
    std::memcpy(d, dst.bytes.data(), 16);
    const auto be
        = [](uint64_t v) { return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? __builtin_bswap64(v) : v; };
    const uint64_t s0 = be(s[0]), d0 = be(d[0]);
    const uint64_t s1 = be(s[1]), d1 = be(d[1]);
    const int c = s0 != d0 ? (s0 < d0 ? -1 : 1) : s1 != d1 ? (s1 < d1 ? -1 : 1) : 0;
    reversed = c > 0 || (c == 0 && srcPort > dstPort);
    const pcap::IpAddress &a = reversed ? dst : src;
    const pcap::IpAddress &b = reversed ? src : dst;
    std::memcpy(k.a, a.bytes.data(), 16);
    std::memcpy(k.b, b.bytes.data(), 16);
    k.portA = reversed ? dstPort : srcPort;
    k.portB = reversed ? srcPort : dstPort;
    k.proto = proto;
    k.family = src.family;
    k.ifIndex = static_cast<uint16_t>(ifIndex + 1);
    return k;
}

FlowTable::FlowTable()
{
    m_slots.resize(1024);
    m_mask = m_slots.size() - 1;
}

uint64_t FlowTable::hash(const FlowKey &k)
{
    uint64_t w[5];
    std::memcpy(w, &k, sizeof w);
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (uint64_t x : w) {
        h ^= x;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    return h;
}

uint32_t *FlowTable::find(const FlowKey &key)
{
    size_t i = hash(key) & m_mask;
    while (m_slots[i].used) {
        if (m_slots[i].key == key)
            return &m_slots[i].value;
        i = (i + 1) & m_mask;
    }
    return nullptr;
}

void FlowTable::set(const FlowKey &key, uint32_t value)
{
    if ((m_size + 1) * 2 > m_slots.size())
        grow();
    size_t i = hash(key) & m_mask;
    while (m_slots[i].used) {
        if (m_slots[i].key == key) {
            m_slots[i].value = value;
            return;
        }
        i = (i + 1) & m_mask;
    }
    m_slots[i].key = key;
    m_slots[i].value = value;
    m_slots[i].used = 1;
    ++m_size;
}

void FlowTable::grow()
{
    std::vector<Slot> old;
    old.swap(m_slots);
    m_slots.resize(old.size() * 2);
    m_mask = m_slots.size() - 1;
    m_size = 0;
    for (const Slot &s : old)
        if (s.used)
            set(s.key, s.value);
}

} // namespace lbs::analysis
