#include "core/common/json.h"

#include <charconv>
#include <cstdlib>

namespace lbs {

namespace {

const JsonValue &sharedNull()
{
    static const JsonValue null;
    return null;
}

class Parser {
public:
    explicit Parser(std::string_view text) : m_s(text) { }

    Result<JsonValue> document()
    {
        JsonValue v;
        if (!parseValue(v, 0))
            return fail();
        skipSpace();
        if (m_pos != m_s.size()) {
            m_error = "unexpected data after the JSON document";
            return fail();
        }
        return v;
    }

private:
    Error fail() const
    {
        return Error {"invalid JSON at byte " + std::to_string(m_pos) + ": " + m_error, {}, {}};
    }

    void skipSpace()
    {
        while (m_pos < m_s.size()
            && (m_s[m_pos] == ' ' || m_s[m_pos] == '\t' || m_s[m_pos] == '\n' || m_s[m_pos] == '\r'))
            ++m_pos;
    }

    bool literal(std::string_view word)
    {
        if (m_s.substr(m_pos, word.size()) != word) {
            m_error = "unknown literal";
            return false;
        }
        m_pos += word.size();
        return true;
    }

    bool parseValue(JsonValue &out, int depth)
    {
        if (depth > 256) {
            m_error = "nesting deeper than 256 levels";
            return false;
        }
        skipSpace();
        if (m_pos >= m_s.size()) {
            m_error = "unexpected end of input, expected a value";
            return false;
        }
        const char c = m_s[m_pos];
        if (c == '{')
            return parseObject(out, depth);
        if (c == '[')
            return parseArray(out, depth);
        if (c == '"') {
            std::string s;
            if (!parseString(s))
                return false;
            out = JsonValue::makeString(std::move(s));
            return true;
        }
        if (c == 't') {
            out = JsonValue::makeBool(true);
            return literal("true");
        }
        if (c == 'f') {
            out = JsonValue::makeBool(false);
            return literal("false");
        }
        if (c == 'n') {
            out = JsonValue::makeNull();
            return literal("null");
        }
        return parseNumber(out);
    }

    bool parseNumber(JsonValue &out)
    {
        const size_t start = m_pos;
        if (m_pos < m_s.size() && m_s[m_pos] == '-')
            ++m_pos;
        const size_t digits = m_pos;
        while (m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9')
            ++m_pos;
        if (m_pos == digits) {
            m_error = "expected a value";
            return false;
        }
        if (m_pos < m_s.size() && m_s[m_pos] == '.') {
            ++m_pos;
            const size_t frac = m_pos;
            while (m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9')
                ++m_pos;
            if (m_pos == frac) {
                m_error = "expected digits after the decimal point";
                return false;
            }
        }
        if (m_pos < m_s.size() && (m_s[m_pos] == 'e' || m_s[m_pos] == 'E')) {
            ++m_pos;
            if (m_pos < m_s.size() && (m_s[m_pos] == '+' || m_s[m_pos] == '-'))
                ++m_pos;
            const size_t exp = m_pos;
            while (m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9')
                ++m_pos;
            if (m_pos == exp) {
                m_error = "expected digits in the exponent";
                return false;
            }
        }
        std::string text(m_s.substr(start, m_pos - start));
        const double d = std::strtod(text.c_str(), nullptr);
        out = JsonValue::makeNumber(d, std::move(text));
        return true;
    }

    static void appendUtf8(std::string &s, uint32_t cp)
    {
        if (cp < 0x80) {
            s.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            s.push_back(static_cast<char>(0xc0 | (cp >> 6)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            s.push_back(static_cast<char>(0xe0 | (cp >> 12)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else {
            s.push_back(static_cast<char>(0xf0 | (cp >> 18)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        }
    }

    bool hex4(uint32_t &out)
    {
        if (m_pos + 4 > m_s.size()) {
            m_error = "truncated \\u escape";
            return false;
        }
        out = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_s[m_pos++];
            out <<= 4;
            if (c >= '0' && c <= '9')
                out |= static_cast<uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                out |= static_cast<uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                out |= static_cast<uint32_t>(c - 'A' + 10);
            else {
                m_error = "invalid hex digit in \\u escape";
                return false;
            }
        }
        return true;
    }

    bool parseString(std::string &out)
    {
        ++m_pos; // opening quote
        while (true) {
            if (m_pos >= m_s.size()) {
                m_error = "unterminated string";
                return false;
            }
            const char c = m_s[m_pos++];
            if (c == '"')
                return true;
            if (static_cast<unsigned char>(c) < 0x20) {
                m_error = "control character inside a string";
                return false;
            }
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (m_pos >= m_s.size()) {
                m_error = "unterminated escape";
                return false;
            }
            const char e = m_s[m_pos++];
            switch (e) {
            case '"':
            case '\\':
            case '/':
                out.push_back(e);
                break;
            case 'b':
                out.push_back('\b');
                break;
            case 'f':
                out.push_back('\f');
                break;
            case 'n':
                out.push_back('\n');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 't':
                out.push_back('\t');
                break;
            case 'u': {
                uint32_t cp = 0;
                if (!hex4(cp))
                    return false;
                if (cp >= 0xd800 && cp <= 0xdbff && m_s.substr(m_pos, 2) == "\\u") {
                    m_pos += 2;
                    uint32_t lo = 0;
                    if (!hex4(lo))
                        return false;
                    if (lo >= 0xdc00 && lo <= 0xdfff)
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    else
                        cp = 0xfffd;
                } else if (cp >= 0xd800 && cp <= 0xdfff) {
                    cp = 0xfffd;
                }
                appendUtf8(out, cp);
                break;
            }
            default:
                m_error = "unknown escape sequence";
                return false;
            }
        }
    }

    bool parseArray(JsonValue &out, int depth)
    {
        ++m_pos;
        std::vector<JsonValue> items;
        skipSpace();
        if (m_pos < m_s.size() && m_s[m_pos] == ']') {
            ++m_pos;
            out = JsonValue::makeArray(std::move(items));
            return true;
        }
        while (true) {
            JsonValue v;
            if (!parseValue(v, depth + 1))
                return false;
            items.push_back(std::move(v));
            skipSpace();
            if (m_pos < m_s.size() && m_s[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_s.size() && m_s[m_pos] == ']') {
                ++m_pos;
                out = JsonValue::makeArray(std::move(items));
                return true;
            }
            m_error = "expected ',' or ']' in an array";
            return false;
        }
    }

    bool parseObject(JsonValue &out, int depth)
    {
        ++m_pos;
        std::map<std::string, JsonValue, std::less<>> members;
        skipSpace();
        if (m_pos < m_s.size() && m_s[m_pos] == '}') {
            ++m_pos;
            out = JsonValue::makeObject(std::move(members));
            return true;
        }
        while (true) {
            skipSpace();
            if (m_pos >= m_s.size() || m_s[m_pos] != '"') {
                m_error = "expected a member name in quotes";
                return false;
            }
            std::string name;
            if (!parseString(name))
                return false;
            skipSpace();
            if (m_pos >= m_s.size() || m_s[m_pos] != ':') {
                m_error = "expected ':' after a member name";
                return false;
            }
            ++m_pos;
            JsonValue v;
            if (!parseValue(v, depth + 1))
                return false;
            members.insert_or_assign(std::move(name), std::move(v));
            skipSpace();
            if (m_pos < m_s.size() && m_s[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_s.size() && m_s[m_pos] == '}') {
                ++m_pos;
                out = JsonValue::makeObject(std::move(members));
                return true;
            }
            m_error = "expected ',' or '}' in an object";
            return false;
        }
    }

    std::string_view m_s;
    size_t m_pos = 0;
    std::string m_error;
};

} // namespace

int64_t JsonValue::toInt(int64_t fallback) const
{
    if (!isNumber())
        return fallback;
    int64_t v = 0;
    const char *b = m_string.data();
    const char *e = b + m_string.size();
    auto r = std::from_chars(b, e, v);
    if (r.ec == std::errc() && r.ptr == e)
        return v;
    return static_cast<int64_t>(m_number);
}

std::string JsonValue::toString(const std::string &fallback) const
{
    if (isString() || isNumber())
        return m_string;
    return fallback;
}

const JsonValue &JsonValue::operator[](std::string_view key) const
{
    if (!isObject())
        return sharedNull();
    auto it = m_object.find(key);
    return it == m_object.end() ? sharedNull() : it->second;
}

const JsonValue &JsonValue::operator[](size_t index) const
{
    if (!isArray() || index >= m_array.size())
        return sharedNull();
    return m_array[index];
}

bool JsonValue::contains(std::string_view key) const
{
    return isObject() && m_object.find(key) != m_object.end();
}

JsonValue JsonValue::makeBool(bool b)
{
    JsonValue v;
    v.m_type = Type::Bool;
    v.m_bool = b;
    return v;
}

JsonValue JsonValue::makeNumber(double d, std::string text)
{
    JsonValue v;
    v.m_type = Type::Number;
    v.m_number = d;
    v.m_string = std::move(text);
    return v;
}

JsonValue JsonValue::makeString(std::string s)
{
    JsonValue v;
    v.m_type = Type::String;
    v.m_string = std::move(s);
    return v;
}

JsonValue JsonValue::makeArray(std::vector<JsonValue> items)
{
    JsonValue v;
    v.m_type = Type::Array;
    v.m_array = std::move(items);
    return v;
}

JsonValue JsonValue::makeObject(std::map<std::string, JsonValue, std::less<>> members)
{
    JsonValue v;
    v.m_type = Type::Object;
    v.m_object = std::move(members);
    return v;
}

Result<JsonValue> parseJson(std::string_view text)
{
    return Parser(text).document();
}

} // namespace lbs
