#include "core/capture/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <vector>

namespace lbs::capture {

struct Sha256::Impl {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>())
{
    EVP_DigestInit_ex(m_impl->ctx, EVP_sha256(), nullptr);
}

Sha256::~Sha256() = default;

void Sha256::update(const void *data, std::size_t size)
{
    EVP_DigestUpdate(m_impl->ctx, data, size);
}

std::string Sha256::hexDigest()
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_impl->ctx, md, &len);
    EVP_DigestInit_ex(m_impl->ctx, EVP_sha256(), nullptr);
    static const char *hex = "0123456789abcdef";
    std::string s;
    for (unsigned int i = 0; i < len; ++i) {
        s += hex[md[i] >> 4];
        s += hex[md[i] & 15];
    }
    return s;
}

Result<std::string> sha256OfFile(const std::string &path, std::size_t length)
{
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f)
        return Error {"cannot read " + path + " to hash it", path, "check permissions"};
    Sha256 h;
    std::vector<char> buf(4 << 20);
    std::size_t left = length;
    while (left > 0) {
        const std::size_t want = std::min(left, buf.size());
        const std::size_t n = std::fread(buf.data(), 1, want, f);
        if (n == 0)
            break;
        h.update(buf.data(), n);
        if (left != std::string::npos)
            left -= n;
    }
    const bool err = std::ferror(f) != 0;
    std::fclose(f);
    if (err)
        return Error {"read error while hashing " + path, path, {}};
    return h.hexDigest();
}

} // namespace lbs::capture
