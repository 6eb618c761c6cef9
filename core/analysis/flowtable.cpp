#include "core/analysis/flowtable.h"

#include <algorithm>

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

FlowTable::FlowTable() : m_recent(kRecent, Slot {0, 0})
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
    return find(key, hash(key));
}

uint32_t *FlowTable::find(const FlowKey &key, uint64_t h)
{
    const auto tag = static_cast<uint32_t>(h >> 32);
    Slot &recent = m_recent[h & (kRecent - 1)];
    if (recent.entry != 0 && recent.tag == tag) {
        Entry &e = m_entries[recent.entry - 1];
        if (e.key == key)
            return &e.value;
    }
    for (size_t i = h & m_mask; m_slots[i].entry != 0; i = (i + 1) & m_mask) {
        if (m_slots[i].tag == tag) {
            Entry &e = m_entries[m_slots[i].entry - 1];
            if (e.key == key) {
                recent = m_slots[i];
                return &e.value;
            }
        }
    }
    m_missKey = key;
    m_missHash = h | 1; // never 0
    return nullptr;
}

void FlowTable::place(uint64_t h, uint32_t entry)
{
    size_t i = h & m_mask;
    while (m_slots[i].entry != 0)
        i = (i + 1) & m_mask;
    m_slots[i] = Slot {static_cast<uint32_t>(h >> 32), entry + 1};
}

void FlowTable::set(const FlowKey &key, uint32_t value)
{
    const uint64_t h = hash(key);
    const bool missed = m_missHash == (h | 1) && m_missKey == key;
    m_missHash = 0;
    if (!missed) {
        if (uint32_t *v = find(key, h)) {
            *v = value;
            return;
        }
        m_missHash = 0;
    }
    if ((m_entries.size() + 1) * 2 > m_slots.size())
        rehash(m_slots.size() * 2);
    m_entries.push_back(Entry {key, value});
    const auto entry = static_cast<uint32_t>(m_entries.size() - 1);
    place(h, entry);
    m_recent[h & (kRecent - 1)] = Slot {static_cast<uint32_t>(h >> 32), entry + 1};
}

void FlowTable::reserve(size_t keys, size_t slotKeys)
{
    reserveUpTo(m_entries, keys);
    size_t slots = m_slots.size();
    while (std::min(keys, slotKeys) * 2 > slots)
        slots *= 2;
    if (slots > m_slots.size())
        rehash(slots);
}

void FlowTable::rehash(size_t slots)
{
    m_slots.assign(slots, Slot {0, 0});
    m_mask = slots - 1;
    for (size_t e = 0; e < m_entries.size(); ++e)
        place(hash(m_entries[e].key), static_cast<uint32_t>(e));
}

} // namespace lbs::analysis
