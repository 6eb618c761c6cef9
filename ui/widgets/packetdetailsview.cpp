#include "packetdetailsview.h"

#include "core/analysis/packetinfo.h"
#include "core/pcap/decodedpacket.h"
#include "core/pcap/packetreader.h"

#include <QDateTime>
#include <QHeaderView>

namespace lbs::ui {

using pcap::DecodedPacket;

namespace {
QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}
QTreeWidgetItem *add(QTreeWidgetItem *parent, const QString &text)
{
    auto *item = new QTreeWidgetItem(parent, QStringList {text});
    return item;
}
QString tcpFlagsText(uint8_t f)
{
    static const char *const names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
    QStringList on;
    for (int i = 0; i < 8; ++i)
        if (f & (1 << i))
            on << QLatin1String(names[i]);
    return QStringLiteral("0x%1 (%2)").arg(f, 3, 16, QLatin1Char('0')).arg(on.join(QStringLiteral(", ")));
}
} // namespace

PacketDetailsView::PacketDetailsView(QWidget *parent) : QTreeWidget(parent)
{
    setHeaderHidden(true);
    setColumnCount(1);
    setUniformRowHeights(true);
    header()->setSectionResizeMode(QHeaderView::ResizeToContents);
}

void PacketDetailsView::clearPacket()
{
    clear();
    emit bytesChanged({});
}

QStringList PacketDetailsView::layerTitles() const
{
    QStringList out;
    for (int i = 0; i < topLevelItemCount(); ++i)
        out << topLevelItem(i)->text(0);
    return out;
}

void PacketDetailsView::showPacket(
    const std::shared_ptr<const analysis::CaptureAnalysis> &an, uint32_t position)
{
    clear();
    if (!an || position >= an->packetIndex.size()) {
        emit bytesChanged({});
        return;
    }
    const pcap::PacketIndexEntry &e = an->packetIndex[position];
    if (e.fileIndex >= an->files.size())
        return;
    const pcap::CaptureFileInfo &file = an->files[e.fileIndex];
    std::vector<uint8_t> buffer;
    auto raw = pcap::PacketReader::readAt(file, uint16_t(e.fileIndex), e.offset, buffer);
    if (!raw) {
        auto *item = new QTreeWidgetItem(
            this, {tr("Cannot re-read packet %1: %2").arg(position + 1).arg(qs(raw.error().toString()))});
        Q_UNUSED(item);
        emit bytesChanged({});
        return;
    }
    DecodedPacket d;
    pcap::decodePacket(raw->linktype, raw->data, raw->capLen, raw->wireLen, d);

    auto *frame = new QTreeWidgetItem(this,
        {tr("Frame %1: %2 bytes on wire, %3 bytes captured")
                .arg(position + 1)
                .arg(raw->wireLen)
                .arg(raw->capLen)});
    add(frame, tr("Arrival time: %1 UTC").arg(qs(pcap::formatUtcTime(e.tsNs))));
    add(frame, tr("Epoch time: %1 s").arg(qs(pcap::formatTimestamp(e.tsNs))));
    add(frame, tr("Time since capture start: %1 s").arg(double(e.tsNs - an->firstTsNs) * 1e-9, 0, 'f', 9));
    add(frame, tr("File: %1 (record at byte %2)").arg(qs(file.path)).arg(e.offset));
    if (e.flowId != pcap::PacketIndexEntry::kNoFlow && e.flowId < an->flows.size()) {
        const analysis::Flow &f = an->flows[e.flowId];
        add(frame,
            tr("Flow %1: %2 → %3 (%4)")
                .arg(f.id)
                .arg(qs(f.client.toString()), qs(f.server.toString()),
                    QLatin1String(analysis::outcomeName(f.outcome))));
    }

    auto *link = new QTreeWidgetItem(this,
        {tr("Link layer: %1 (DLT %2)")
                .arg(QLatin1String(pcap::linktypeName(raw->linktype)))
                .arg(raw->linktype)});
    if (d.etherType)
        add(link, tr("EtherType: 0x%1").arg(d.etherType, 4, 16, QLatin1Char('0')));
    for (int i = 0; i < d.vlanCount && i < 2; ++i)
        add(link, tr("VLAN ID: %1").arg(d.vlanIds[i]));
    if (d.ifIndex >= 0)
        add(link, tr("Interface index: %1").arg(d.ifIndex));
    if (d.sllPacketType >= 0)
        add(link,
            tr("Packet type: %1")
                .arg(d.sllPacketType == 4 ? tr("outgoing") : QString::number(d.sllPacketType)));

    if (d.ipVersion) {
        auto *ip = new QTreeWidgetItem(this,
            {tr("Internet Protocol Version %1, Src: %2, Dst: %3")
                    .arg(d.ipVersion)
                    .arg(qs(d.src.toString()), qs(d.dst.toString()))});
        add(ip, tr("Source address: %1").arg(qs(d.src.toString())));
        add(ip, tr("Destination address: %1").arg(qs(d.dst.toString())));
        add(ip, tr("Protocol: %1").arg(d.ipProto));
        add(ip, d.ipVersion == 4 ? tr("Time to live: %1").arg(d.ttl) : tr("Hop limit: %1").arg(d.ttl));
        if (d.ipVersion == 4)
            add(ip, tr("Identification: 0x%1").arg(d.ipId, 4, 16, QLatin1Char('0')));
        if (d.ipv6ExtHeaders)
            add(ip, tr("Extension headers: %1").arg(d.ipv6ExtHeaders));
        if (d.fragment)
            add(ip,
                d.firstFragment ? tr("Fragment: first fragment")
                                : tr("Fragment: later fragment (no transport header)"));
        if (d.tunnelled)
            add(ip, tr("Tunnelled: %1").arg(qs(lbs::analysis::tunnelText(d))));
    }
    if (d.isTcp()) {
        auto *tcp = new QTreeWidgetItem(this,
            {tr("Transmission Control Protocol, Src Port: %1, Dst Port: %2, Len: %3")
                    .arg(d.srcPort)
                    .arg(d.dstPort)
                    .arg(d.payloadLen)});
        add(tcp, tr("Sequence number (raw): %1").arg(d.seq));
        add(tcp, tr("Acknowledgment number (raw): %1").arg(d.ack));
        add(tcp, tr("Flags: %1").arg(tcpFlagsText(d.tcpFlags)));
        add(tcp, tr("Window (unscaled): %1").arg(d.window));
        const auto &o = d.tcpOptions;
        if (o.mss || o.windowScale >= 0 || o.sackPermitted || o.hasTimestamps || o.sackBlocks) {
            auto *opts = add(tcp, tr("Options"));
            if (o.mss)
                add(opts, tr("Maximum segment size: %1").arg(o.mss));
            if (o.windowScale >= 0)
                add(opts, tr("Window scale: %1 (multiply by %2)").arg(o.windowScale).arg(1 << o.windowScale));
            if (o.sackPermitted)
                add(opts, tr("SACK permitted"));
            if (o.sackBlocks)
                add(opts, tr("SACK blocks: %1").arg(o.sackBlocks));
            if (o.hasTimestamps)
                add(opts, tr("Timestamps: TSval %1, TSecr %2").arg(o.tsVal).arg(o.tsEcr));
        }
        add(tcp, tr("Payload: %1 bytes (%2 captured)").arg(d.payloadLen).arg(d.payloadCaptured));
    } else if (d.isUdp()) {
        auto *udp = new QTreeWidgetItem(
            this, {tr("User Datagram Protocol, Src Port: %1, Dst Port: %2").arg(d.srcPort).arg(d.dstPort)});
        add(udp, tr("Payload: %1 bytes").arg(d.payloadLen));
    } else if (d.isIcmp()) {
        auto *icmp = new QTreeWidgetItem(this,
            {tr("%1, Type: %2, Code: %3")
                    .arg(d.ipProto == 58 ? tr("ICMPv6") : tr("ICMP"))
                    .arg(d.icmpType)
                    .arg(d.icmpCode)});
        if (d.icmpQuote.valid)
            add(icmp,
                tr("Quoted packet: %1 → %2 (protocol %3)")
                    .arg(qs(d.icmpQuote.src.toString()), qs(d.icmpQuote.dst.toString()))
                    .arg(d.icmpQuote.proto));
    }
    // HTTP: show the start line and headers of a segment that begins a request or response.
    if (d.payload && d.payloadCaptured > 0 && (e.flags & pcap::PF_Http)) {
        const QByteArray payload(
            reinterpret_cast<const char *>(d.payload), int(std::min<uint32_t>(d.payloadCaptured, 4096)));
        const qsizetype headerEnd = payload.indexOf("\r\n\r\n");
        const QList<QByteArray> lines = payload.left(headerEnd < 0 ? payload.size() : headerEnd).split('\n');
        auto *http = new QTreeWidgetItem(this, {tr("Hypertext Transfer Protocol")});
        for (const QByteArray &line : lines.mid(0, 40))
            add(http, QString::fromLatin1(line.trimmed()));
    }
    auto *analysisItem = new QTreeWidgetItem(this, {tr("lbscope analysis")});
    add(analysisItem,
        tr("Info: %1")
            .arg(qs(analysis::packetInfoText(d, e.flags,
                e.flowId < an->flows.size() ? analysis::relativeSeqFor(an->flows[e.flowId])
                                            : analysis::RelativeSeq {}))));
    static const struct {
        uint16_t flag;
        const char *text;
    } flags[] = {{pcap::PF_Retransmission, "Retransmission"}, {pcap::PF_OutOfOrder, "Out-of-order segment"},
        {pcap::PF_DupAck, "Duplicate ACK"}, {pcap::PF_ZeroWindow, "Zero window"},
        {pcap::PF_KeepAlive, "Keep-alive"}, {pcap::PF_FromServer, "Direction: server → client"},
        {pcap::PF_Undecoded, "Not fully decoded"}};
    for (const auto &f : flags)
        if (e.flags & f.flag)
            add(analysisItem, tr(f.text));
    expandAll();
    emit bytesChanged(QByteArray(reinterpret_cast<const char *>(raw->data), int(raw->capLen)));
}

} // namespace lbs::ui
