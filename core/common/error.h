#pragma once
// core/common: small shared types for every lbscope module.
// Must never depend on Qt or on any other lbscope module.

#include <string>
#include <utility>
#include <variant>

namespace lbs {

/// An error a user can act on: what went wrong, and where (file, node, context...).
struct Error {
    std::string message; ///< one line, complete sentence, names the object concerned
    std::string where; ///< optional: file path, node, context
    std::string hint; ///< optional: what the user can do about it

    /// "where: message (hint)" in one line.
    std::string toString() const;
};

/// Value or Error. Small on purpose: C++23 std::expected is not available with GCC 12 in C++20 mode.
template <typename T> class Result {
public:
    Result(T value) : m_v(std::move(value)) { } // NOLINT(google-explicit-constructor)
    Result(Error error) : m_v(std::move(error)) { } // NOLINT(google-explicit-constructor)

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T *operator->() { return &std::get<0>(m_v); }
    const T *operator->() const { return &std::get<0>(m_v); }
    T &operator*() & { return std::get<0>(m_v); }
    const Error &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

/// Result without a value.
struct Ok { };
using Status = Result<Ok>;

} // namespace lbs
