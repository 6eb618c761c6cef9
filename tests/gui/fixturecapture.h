#pragma once
// Writes a small, fully known Ethernet/IPv4/TCP capture for the GUI tests: HTTP flows that
// complete, one black-holed handshake (SYN retried at +1 s, +3 s, +7 s) and one refused by RST.

#include <QString>

namespace lbs::test {

struct FixtureCapture {
    static constexpr int kCompleteFlows = 6; ///< HTTP GET / 200, 10 packets each
    static constexpr int kPacketsPerComplete = 10;
    static constexpr int kFailedSyns = 4; ///< one flow, client port 41000
    static constexpr int kResetPackets = 2; ///< one flow, client port 42000: SYN, RST/ACK
    static constexpr int kFlows = kCompleteFlows + 2;
    static constexpr int kPackets = kCompleteFlows * kPacketsPerComplete + kFailedSyns + kResetPackets;
    static constexpr double kFirstTs = 1700000000.0;

    /// Writes the capture; returns an empty string or the writer's error.
    static QString write(const QString &path);
};

} // namespace lbs::test
