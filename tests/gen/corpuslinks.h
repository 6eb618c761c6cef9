#pragma once
// The link-layer headers of the robustness corpus (robustnesscorpus.cpp): one IP packet of its HTTP
// exchange wrapped for each link type the decoder reads.

#include <cstdint>
#include <vector>

namespace lbs::gen {

/// @p ip wrapped for link type @p dlt (0 NULL, 1 Ethernet, 7 and 129 ARCNET, 9 PPP, 113 and 276
/// Linux cooked, 178 Juniper Ethernet, 242 IPoIB; raw IP for the others). @p toServer picks the
/// direction's addresses; NULL's address family is in the file's byte order (@p bigEndianFile).
std::vector<uint8_t> corpusLinkFrame(
    int dlt, const std::vector<uint8_t> &ip, bool v6, bool toServer, bool bigEndianFile);

} // namespace lbs::gen
