#include "core/common/json.h"
#include "core/common/utf8.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace lbs {

namespace {

// Length of a valid UTF-8 sequence starting at s[i], or 0 when invalid.
size_t utf8SequenceLength(std::string_view s, size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t min = 0;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) {
        len = 2;
        min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3;
        min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    uint32_t cp = c & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

// Appends the UTF-8 sequence that starts at s[i], or U+FFFD for a byte that starts none; returns the
// index after what it consumed.
size_t appendUtf8Sequence(std::string &out, std::string_view s, size_t i)
{
    const size_t len = utf8SequenceLength(s, i);
    if (len == 0) {
        out += "\xef\xbf\xbd";
        return i + 1;
    }
    out.append(s.substr(i, len));
    return i + len;
}

// Printable ASCII that JSON strings carry unescaped.
inline bool isPlainAscii(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/// Whether every byte of `s` isPlainAscii, eight at a time (a report checks millions of keys and
/// short values; a byte loop was 5 % of a busy capture's analysis). Each term sets a byte's high
/// bit for one kind of byte to escape; as a yes/no answer the borrows between bytes do not matter.
bool allPlainAscii(std::string_view s)
{
    constexpr uint64_t ones = 0x0101010101010101ull;
    constexpr uint64_t highs = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, sizeof w);
        const uint64_t quote = w ^ (ones * '"');
        const uint64_t backslash = w ^ (ones * '\\');
        const uint64_t escape = ((w - ones * 0x20) & ~w) // below 0x20
            | (w + ones) | w // 0x7f and above
            | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash);
        if (escape & highs)
            return false;
    }
    for (; i < s.size(); ++i) {
        if (!isPlainAscii(static_cast<unsigned char>(s[i])))
            return false;
    }
    return true;
}

} // namespace

void appendJsonString(std::string &out, std::string_view s)
{
    out.push_back('"');
    for (size_t i = 0; i < s.size();) {
        // Runs of printable ASCII (nearly every key and value) are appended in one go.
        size_t run = i;
        while (run < s.size() && isPlainAscii(static_cast<unsigned char>(s[run])))
            ++run;
        if (run > i) {
            out.append(s.data() + i, run - i);
            i = run;
            if (i == s.size())
                break;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            i = appendUtf8Sequence(out, s, i);
            continue;
        }
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out.push_back(static_cast<char>(c));
            }
        }
        ++i;
    }
    out.push_back('"');
}

std::string validUtf8(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();)
        i = appendUtf8Sequence(out, s, i);
    return out;
}

JsonWriter::JsonWriter(bool pretty, std::function<bool(std::string_view)> sink, size_t chunkBytes)
    : m_sink(std::move(sink)), m_chunkBytes(chunkBytes), m_pretty(pretty)
{
    m_out.reserve(chunkBytes + chunkBytes / 4);
}

JsonWriter JsonWriter::fragment(bool pretty, size_t depth)
{
    JsonWriter w(pretty);
    w.m_hasItems.assign(depth, true);
    w.m_inline.assign(depth, false);
    return w;
}

void JsonWriter::appendFragment(std::string_view text)
{
    if (text.empty())
        return;
    m_out.append(text);
    if (!m_hasItems.empty())
        m_hasItems.back() = true;
    maybeFlush();
}

void JsonWriter::flush()
{
    if (!m_sinkFailed && !m_out.empty() && !m_sink(m_out))
        m_sinkFailed = true;
    m_out.clear(); // keeps the capacity: the same pages are reused for the next chunk
}

bool JsonWriter::finish(std::string_view tail)
{
    m_out.append(tail);
    if (m_sink)
        flush();
    return !m_sinkFailed;
}

void JsonWriter::newline()
{
    if (!m_pretty || m_inlineDepth > 0)
        return;
    m_out.push_back('\n');
    m_out.append(m_hasItems.size() * 2, ' ');
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_hasItems.empty()) {
        if (m_hasItems.back())
            m_out.push_back(',');
        m_hasItems.back() = true;
        newline();
    }
}

JsonWriter &JsonWriter::beginObject()
{
    beforeValue();
    m_out.push_back('{');
    m_hasItems.push_back(false);
    m_inline.push_back(false);
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    const bool had = !m_hasItems.empty() && m_hasItems.back();
    if (!m_hasItems.empty()) {
        m_hasItems.pop_back();
        m_inline.pop_back();
    }
    if (had)
        newline();
    m_out.push_back('}');
    maybeFlush();
    return *this;
}

JsonWriter &JsonWriter::beginArray()
{
    beforeValue();
    m_out.push_back('[');
    m_hasItems.push_back(false);
    m_inline.push_back(false);
    return *this;
}

JsonWriter &JsonWriter::beginInlineArray()
{
    beginArray();
    m_inline.back() = true;
    ++m_inlineDepth;
    return *this;
}

JsonWriter &JsonWriter::endArray()
{
    const bool had = !m_hasItems.empty() && m_hasItems.back();
    bool wasInline = false;
    if (!m_hasItems.empty()) {
        m_hasItems.pop_back();
        wasInline = m_inline.back();
        m_inline.pop_back();
    }
    if (wasInline)
        --m_inlineDepth;
    else if (had)
        newline();
    m_out.push_back(']');
    maybeFlush();
    return *this;
}

size_t JsonWriter::prefix(char *buf)
{
    if (m_afterKey) {
        m_afterKey = false;
        return 0;
    }
    if (m_hasItems.empty())
        return 0;
    size_t n = 0;
    if (m_hasItems.back())
        buf[n++] = ',';
    m_hasItems.back() = true;
    if (m_pretty && m_inlineDepth == 0) {
        buf[n++] = '\n';
        const size_t indent = m_hasItems.size() * 2;
        std::memset(buf + n, ' ', indent);
        n += indent;
    }
    return n;
}

JsonWriter &JsonWriter::key(std::string_view name)
{
    // Keys are short literals: comma, indentation and "name": in one append when nothing needs
    // escaping (a report has half a million of them).
    const size_t n = name.size();
    if (n <= kMaxFastText && fastPrefix() && allPlainAscii(name)) {
        char buf[kMaxPrefix + kMaxFastText + 4];
        size_t k = prefix(buf);
        buf[k++] = '"';
        std::memcpy(buf + k, name.data(), n);
        k += n;
        buf[k++] = '"';
        buf[k++] = ':';
        if (m_pretty)
            buf[k++] = ' ';
        m_out.append(buf, k);
    } else {
        beforeValue();
        appendJsonString(m_out, name);
        m_out += m_pretty ? ": " : ":";
    }
    m_afterKey = true;
    return *this;
}

void JsonWriter::appendValue(std::string_view text)
{
    if (text.size() <= kMaxFastText && fastPrefix()) {
        char buf[kMaxPrefix + kMaxFastText];
        size_t k = prefix(buf);
        std::memcpy(buf + k, text.data(), text.size());
        m_out.append(buf, k + text.size());
        return;
    }
    beforeValue();
    m_out.append(text);
}

JsonWriter &JsonWriter::value(std::string_view s)
{
    if (s.size() + 2 <= kMaxFastText && allPlainAscii(s)) {
        char buf[kMaxFastText];
        buf[0] = '"';
        std::memcpy(buf + 1, s.data(), s.size());
        buf[s.size() + 1] = '"';
        appendValue(std::string_view(buf, s.size() + 2));
        return *this;
    }
    beforeValue();
    appendJsonString(m_out, s);
    return *this;
}

JsonWriter &JsonWriter::value(bool b)
{
    appendValue(b ? "true" : "false");
    return *this;
}

JsonWriter &JsonWriter::value(int64_t n)
{
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    appendValue(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
    return *this;
}

JsonWriter &JsonWriter::value(uint64_t n)
{
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    appendValue(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
    return *this;
}

JsonWriter &JsonWriter::value(double d, int decimals)
{
    if (!std::isfinite(d))
        return null();
    beforeValue();
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, decimals);
    std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
    if (text.find('.') != std::string_view::npos) {
        while (text.back() == '0')
            text.remove_suffix(1);
        if (text.back() == '.')
            text.remove_suffix(1);
    }
    if (text == "-0")
        text = "0";
    m_out.append(text);
    return *this;
}

JsonWriter &JsonWriter::null()
{
    appendValue("null");
    return *this;
}

JsonWriter &JsonWriter::rawNumber(std::string_view text)
{
    appendValue(text);
    return *this;
}

} // namespace lbs
