#pragma once
// The project's own robustness corpus: small captures of every link type lbscope reads, in every
// container (pcap in both byte orders and resolutions, pcapng in both byte orders), then the same
// with header fields out of range and cut at every structural boundary. Deterministic: the files in
// tests/data/robustness are exactly what writeRobustnessCorpus() writes (a test checks it).

#include "core/common/error.h"

#include <string>
#include <vector>

namespace lbs::gen {

/// Writes the corpus into @p dir (which must exist) and returns the file names, sorted.
Result<std::vector<std::string>> writeRobustnessCorpus(const std::string &dir);

} // namespace lbs::gen
