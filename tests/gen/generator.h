#pragma once
// lbscope_gen: deterministic synthetic captures of HTTP traffic through a Kubernetes load balancer
// VIP, with injectable faults and exact ground truth. Used by tests, the sample capture, fuzz seeds
// and benchmarks. Must never depend on Qt or on the lbscope engine it is meant to check.

#include "core/common/error.h"
#include "genoptions.h"
#include "groundtruth.h"

namespace lbs::gen {

/// Writes the capture described by @p options (files at options.output, rotated as tcpdump would)
/// and returns its ground truth. Same options = byte-identical files and truth.
lbs::Result<GroundTruth> generate(const Options &options);

/// Parses `lbscope-gen` command-line arguments (without argv[0]) into @p options and the optional
/// ground-truth path. Returns an error naming the offending argument.
lbs::Status parseArguments(const std::vector<std::string> &args, Options &options, std::string &truthPath);

/// Usage text of `lbscope-gen`.
const char *usage();

} // namespace lbs::gen
