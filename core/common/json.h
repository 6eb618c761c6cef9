#pragma once
// core/common JSON: a small Qt-free JSON reader (for manifest.json and tests) and a streaming
// writer (for analysis reports). Never depends on Qt or on another lbscope module.

#include "core/common/error.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lbs {

/// A parsed JSON value. Objects keep their keys sorted (std::map); numbers are doubles, and the
/// original number text is kept so that integers beyond 2^53 can be read exactly.
class JsonValue {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };

    JsonValue() = default;
    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isNumber() const { return m_type == Type::Number; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }

    bool toBool(bool fallback = false) const { return isBool() ? m_bool : fallback; }
    double toDouble(double fallback = 0) const { return isNumber() ? m_number : fallback; }
    /// Exact for integer literals up to 64 bits; fallback when not a number.
    int64_t toInt(int64_t fallback = 0) const;
    /// The string value, or the number's literal text, or fallback.
    std::string toString(const std::string &fallback = {}) const;

    const std::vector<JsonValue> &array() const { return m_array; }
    const std::map<std::string, JsonValue, std::less<>> &object() const { return m_object; }
    /// Member of an object, or a shared null value when absent or not an object.
    const JsonValue &operator[](std::string_view key) const;
    /// Element of an array, or a shared null value when out of range.
    const JsonValue &operator[](size_t index) const;
    bool contains(std::string_view key) const;
    size_t size() const { return isArray() ? m_array.size() : isObject() ? m_object.size() : 0; }

    static JsonValue makeNull() { return {}; }
    static JsonValue makeBool(bool b);
    static JsonValue makeNumber(double d, std::string text);
    static JsonValue makeString(std::string s);
    static JsonValue makeArray(std::vector<JsonValue> items);
    static JsonValue makeObject(std::map<std::string, JsonValue, std::less<>> members);

private:
    Type m_type = Type::Null;
    bool m_bool = false;
    double m_number = 0;
    std::string m_string; ///< string value, or a number's literal text
    std::vector<JsonValue> m_array;
    std::map<std::string, JsonValue, std::less<>> m_object;
};

/// Parses one JSON document (RFC 8259). Depth is limited to 256 to survive hostile input.
/// Errors name the byte offset and what was expected.
Result<JsonValue> parseJson(std::string_view text);

/// Streaming JSON writer into a std::string. Tracks commas; optional two-space indentation.
/// Strings are escaped (control characters as \u00XX); invalid UTF-8 bytes become U+FFFD.
class JsonWriter {
public:
    explicit JsonWriter(bool pretty = false) : m_pretty(pretty) { }
    /// Streaming writer: whenever a container closes with at least `chunkBytes` buffered, the
    /// buffer is handed to `sink` and reused, so a large document never lives in memory whole.
    /// A sink returning false stops further output (see sinkFailed()).
    JsonWriter(bool pretty, std::function<bool(std::string_view)> sink, size_t chunkBytes = size_t(1) << 20);
    /// A writer for a fragment of a document: elements of a container nested `depth` deep that
    /// already has elements, to be formatted apart (on another thread) and handed to
    /// appendFragment() of the writer of the whole document. The text is what that writer would
    /// have written for the same calls.
    static JsonWriter fragment(bool pretty, size_t depth);
    /// Appends text a fragment() writer produced as the next elements of the open container.
    void appendFragment(std::string_view text);

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    /// An array whose elements stay on one line even when pretty-printing (long numeric series).
    JsonWriter &beginInlineArray();
    JsonWriter &endArray();
    /// Object member name; the next call writes its value.
    JsonWriter &key(std::string_view name);
    JsonWriter &value(std::string_view s);
    JsonWriter &value(const char *s) { return value(std::string_view(s)); }
    JsonWriter &value(const std::string &s) { return value(std::string_view(s)); }
    JsonWriter &value(bool b);
    JsonWriter &value(int64_t n);
    JsonWriter &value(uint64_t n);
    JsonWriter &value(int n) { return value(static_cast<int64_t>(n)); }
    JsonWriter &value(unsigned n) { return value(static_cast<uint64_t>(n)); }
    /// Finite doubles with up to `decimals` fractional digits (trailing zeros trimmed);
    /// NaN and infinities are written as null.
    JsonWriter &value(double d, int decimals = 3);
    JsonWriter &null();
    /// Writes pre-formatted number text verbatim (e.g. an exact nanosecond timestamp).
    JsonWriter &rawNumber(std::string_view text);

    const std::string &str() const { return m_out; }
    std::string take() { return std::move(m_out); }
    /// Streaming writer: appends `tail` and hands everything still buffered to the sink.
    /// Returns false when any sink call failed.
    bool finish(std::string_view tail = {});
    bool sinkFailed() const { return m_sinkFailed; }

private:
    /// Longest key or value text written through the one-append path.
    static constexpr size_t kMaxFastText = 96;
    /// Deepest nesting whose indentation the one-append path writes.
    static constexpr size_t kMaxFastDepth = 32;
    static constexpr size_t kMaxPrefix = 2 + 2 * kMaxFastDepth;
    void beforeValue();
    bool fastPrefix() const { return m_hasItems.size() <= kMaxFastDepth; }
    /// What beforeValue() would append, written to buf (kMaxPrefix bytes) instead; its length.
    size_t prefix(char *buf);
    /// beforeValue() and `text` in one append.
    void appendValue(std::string_view text);
    void newline();
    void maybeFlush()
    {
        if (m_sink && m_out.size() >= m_chunkBytes)
            flush();
    }
    void flush();

    std::string m_out;
    std::function<bool(std::string_view)> m_sink;
    size_t m_chunkBytes = 0;
    bool m_sinkFailed = false;
    std::vector<bool> m_hasItems; ///< one per open container
    std::vector<bool> m_inline; ///< per open container: is it an inline array
    size_t m_inlineDepth = 0; ///< > 0 inside an inline array (no newlines)
    bool m_afterKey = false;
    bool m_pretty;
};

/// Appends s to out as a quoted, escaped JSON string.
void appendJsonString(std::string &out, std::string_view s);

} // namespace lbs
