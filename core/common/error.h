#pragma once
// core/common: small shared types for every lbscope module.
// Must never depend on Qt or on any other lbscope module.

#include <string>
#include <utility>
#include <variant>

namespace lbs {

/// What kind of failure an Error is, for code that must react to it (skip, explain, retry, stop).
/// Code decides by the kind, never by searching the message: the message is for people.
enum class ErrorKind {
    Unknown, ///< not classified
    NotFound, ///< the object, file, resource type or command does not exist
    Forbidden, ///< known but not allowed (RBAC, Pod Security, SCC)
    Unauthorized, ///< credentials missing or rejected
    Conflict, ///< exists already, or changed meanwhile (including an expired resource version)
    Cancelled, ///< the caller's cancel token fired, or the receiver stopped the output
    Timeout, ///< no answer or no end within the limit
    BadInput, ///< invalid input: options, files, a request the server refused as invalid
    Io, ///< reading or writing a local file failed
    Unsupported, ///< the peer or the data needs something lbscope does not implement
    Unavailable, ///< the peer cannot be reached or is unhealthy (refused, DNS, TLS, cut, 5xx, 429)
    Internal, ///< a state that should not happen
};

/// Stable lower-case name of a kind ("not_found", "cancelled", ...), for JSON and logs.
const char *errorKindName(ErrorKind kind);

/// An error a user can act on: what went wrong, and where (file, node, context...).
struct Error {
    std::string message; ///< one line, complete sentence, names the object concerned
    std::string where; ///< optional: file path, node, context
    std::string hint; ///< optional: what the user can do about it
    /// Last, so that `Error {message, where, hint}` still compiles and means Unknown.
    ErrorKind kind = ErrorKind::Unknown;

    /// "where: message (hint)" in one line; the kind is not part of it.
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
