#pragma once

#include "core/common/error.h"

#include <cstddef>
#include <memory>
#include <string>

namespace lbs::capture {

/// Incremental SHA-256 (OpenSSL), used to hash downloads while they are written.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;
    void update(const void *data, std::size_t size);
    /// Lower-case hex digest; the object is reset afterwards.
    std::string hexDigest();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Hashes bytes [0, length) of a local file (length = npos: all of it).
Result<std::string> sha256OfFile(const std::string &path, std::size_t length = std::string::npos);

} // namespace lbs::capture
