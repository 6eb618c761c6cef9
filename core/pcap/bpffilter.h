#pragma once

#include "core/common/error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lbs::pcap {

/// A tcpdump-syntax filter compiled with pcap_compile once per link type (files of one set may
/// differ) and applied with pcap_offline_filter. An empty expression matches everything.
class BpfFilter {
public:
    BpfFilter();
    ~BpfFilter();
    BpfFilter(BpfFilter &&) noexcept;
    BpfFilter &operator=(BpfFilter &&) noexcept;

    /// Compiles `expression` for every link type given. The error carries pcap_geterr's text,
    /// e.g. "invalid filter 'tcp port x': syntax error".
    static Result<BpfFilter> compile(
        const std::string &expression, const std::vector<int> &linktypes, uint32_t snaplen = 262144);

    bool isEmpty() const { return m_expression.empty(); }
    const std::string &expression() const { return m_expression; }
    /// True when the packet passes. Link types not compiled for never match.
    bool matches(int linktype, const uint8_t *data, uint32_t capLen, uint32_t wireLen) const;

private:
    struct Program;
    std::string m_expression;
    std::vector<std::unique_ptr<Program>> m_programs;
};

} // namespace lbs::pcap
