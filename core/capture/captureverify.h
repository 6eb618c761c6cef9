#pragma once
// Checking a capture directory against its manifest.json after the fact, the way `sha256sum -c` checks
// a list: every file the manifest lists is there, has the recorded size and hashes to the recorded
// sha256; capture files in the directory that the manifest does not list are named too. Used when a
// directory was copied, archived or edited by hand (lbscope-cli verify). Opening a capture only
// compares sizes, because hashing gigabytes on each open would cost more than the analysis.

#include "core/common/canceltoken.h"
#include "core/common/error.h"

#include <QJsonObject>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lbs::capture {

struct VerifiedFile {
    enum class Status {
        ok, ///< size and sha256 as recorded
        missing, ///< listed in manifest.json, not in the directory
        sizeDiffers, ///< there, but not the recorded size (sha256 not computed)
        sha256Differs, ///< the recorded size, other bytes
        unchecked, ///< the manifest records no sha256 for it: size only
        notListed, ///< a capture file in the directory that manifest.json does not list
        unreadable, ///< there, but could not be read (permissions, I/O error): `readError` says why
        listedTwice, ///< manifest.json lists this name twice (names are compared without directories)
    };
    std::string name; ///< file name inside the directory
    Status status = Status::ok;
    uint64_t expectedSize = 0;
    uint64_t size = 0;
    std::string expectedSha256;
    std::string sha256; ///< computed (empty when not hashed)
    std::string readError; ///< why an unreadable file could not be read ("cannot read: ...")

    /// True for the statuses that mean the bytes are not those that were downloaded.
    bool isProblem() const;
    /// "ok", "missing", "size-differs", "sha256-differs", "unchecked", "not-listed", "unreadable",
    /// "listed-twice".
    static const char *statusName(Status s);
    /// One sentence for people: what differs and what to do.
    std::string message() const;
};

/// Checks `dir` against `dir/manifest.json`. An Error (kind BadInput or Io) when the manifest is
/// missing, truncated or not JSON, naming it, or Cancelled; a file that cannot be read is reported
/// as unreadable and the others are still checked; `progress` gets (bytes hashed, bytes to hash).
Result<std::vector<VerifiedFile>> verifyCaptureDirectory(const std::string &dir, const CancelToken &cancel,
    const std::function<void(uint64_t, uint64_t)> &progress = {});

/// The verification of one directory as `lbscope-cli verify --json` prints it: {"dir", "ok", "error"}
/// when the manifest could not be read, else {"dir", "ok", "files": [{"name", "status", "size",
/// "expected_size", "sha256", "expected_sha256", "message"}]}; "ok" is false when a file is a problem.
QJsonObject verificationJson(const std::string &dir, const Result<std::vector<VerifiedFile>> &files);

} // namespace lbs::capture
