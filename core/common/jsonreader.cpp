#include "core/common/json.h"
#include "core/common/utf8.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace lbs {

namespace {

const JsonValue &sharedNull()
{
    static const JsonValue null;
    return null;
}

namespace sj = simdjson::ondemand;

constexpr size_t kMaxDepth = 256;

/// The number's text as written (trailing whitespace dropped), for exact 64-bit integers.
std::string numberText(std::string_view raw)
{
    while (
        !raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\n' || raw.back() == '\r'))
        raw.remove_suffix(1);
    return std::string(raw);
}

/// Builds a JsonValue from `v` (anything but the document itself), depth-first.
simdjson::error_code convert(sj::value v, JsonValue &out, size_t depth)
{
    if (depth > kMaxDepth)
        return simdjson::DEPTH_ERROR;
    sj::json_type type;
    if (auto e = v.type().get(type))
        return e;
    switch (type) {
    case sj::json_type::object: {
        std::map<std::string, JsonValue, std::less<>> members;
        sj::object object;
        if (auto e = v.get_object().get(object))
            return e;
        for (auto field : object) {
            std::string_view key;
            if (auto e = field.unescaped_key().get(key))
                return e;
            JsonValue member;
            if (auto e = convert(field.value(), member, depth + 1))
                return e;
            members.insert_or_assign(std::string(key), std::move(member));
        }
        out = JsonValue::makeObject(std::move(members));
        return simdjson::SUCCESS;
    }
    case sj::json_type::array: {
        std::vector<JsonValue> items;
        sj::array array;
        if (auto e = v.get_array().get(array))
            return e;
        for (auto element : array) {
            sj::value item;
            if (auto e = element.get(item))
                return e;
            JsonValue converted;
            if (auto e = convert(item, converted, depth + 1))
                return e;
            items.push_back(std::move(converted));
        }
        out = JsonValue::makeArray(std::move(items));
        return simdjson::SUCCESS;
    }
    case sj::json_type::string: {
        std::string_view text;
        if (auto e = v.get_string().get(text))
            return e;
        out = JsonValue::makeString(std::string(text));
        return simdjson::SUCCESS;
    }
    case sj::json_type::number: {
        const std::string text = numberText(v.raw_json_token());
        double d = 0;
        if (auto e = v.get_double().get(d))
            return e;
        out = JsonValue::makeNumber(d, text);
        return simdjson::SUCCESS;
    }
    case sj::json_type::boolean: {
        bool b = false;
        if (auto e = v.get_bool().get(b))
            return e;
        out = JsonValue::makeBool(b);
        return simdjson::SUCCESS;
    }
    case sj::json_type::null: {
        bool isNull = false;
        if (auto e = v.is_null().get(isNull))
            return e;
        if (!isNull)
            return simdjson::N_ATOM_ERROR;
        out = JsonValue::makeNull();
        return simdjson::SUCCESS;
    }
    }
    return simdjson::INCORRECT_TYPE;
}

/// The document itself: objects and arrays as values, a lone scalar read off the document.
simdjson::error_code convertDocument(sj::document &doc, JsonValue &out)
{
    sj::json_type type;
    if (auto e = doc.type().get(type))
        return e;
    if (type == sj::json_type::object || type == sj::json_type::array) {
        sj::value v;
        if (auto e = doc.get_value().get(v))
            return e;
        return convert(v, out, 1);
    }
    switch (type) {
    case sj::json_type::string: {
        std::string_view text;
        if (auto e = doc.get_string().get(text))
            return e;
        out = JsonValue::makeString(std::string(text));
        return simdjson::SUCCESS;
    }
    case sj::json_type::number: {
        std::string_view raw;
        if (auto e = doc.raw_json_token().get(raw))
            return e;
        double d = 0;
        if (auto e = doc.get_double().get(d))
            return e;
        out = JsonValue::makeNumber(d, numberText(raw));
        return simdjson::SUCCESS;
    }
    case sj::json_type::boolean: {
        bool b = false;
        if (auto e = doc.get_bool().get(b))
            return e;
        out = JsonValue::makeBool(b);
        return simdjson::SUCCESS;
    }
    default: {
        bool isNull = false;
        if (auto e = doc.is_null().get(isNull))
            return e;
        if (!isNull)
            return simdjson::N_ATOM_ERROR;
        out = JsonValue::makeNull();
        return simdjson::SUCCESS;
    }
    }
}

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
    // simdjson reads from a copy padded for its vector loads; one parser per thread, reused.
    thread_local sj::parser parser;
    // Bytes that are not UTF-8 (a hand-edited manifest in Latin-1) read as U+FFFD, as the writer
    // writes them, instead of making the whole document unreadable.
    std::string repaired;
    if (!simdjson::validate_utf8(text.data(), text.size())) {
        repaired = validUtf8(text);
        text = repaired;
    }
    const simdjson::padded_string padded(text);
    if (parser.capacity() < padded.size() || parser.max_depth() != kMaxDepth + 1)
        if (auto e = parser.allocate(std::max<size_t>(padded.size(), 4096), kMaxDepth + 1))
            return Error {
                std::string("cannot parse JSON: ") + simdjson::error_message(e), {}, {}, ErrorKind::Io};
    sj::document doc;
    JsonValue value;
    simdjson::error_code e = parser.iterate(padded).get(doc);
    const bool iterated = !e;
    if (!e)
        e = convertDocument(doc, value);
    // Anything left after the value (the position is out of bounds only at the end).
    if (const char *next = nullptr; !e && !doc.current_location().get(next))
        e = simdjson::TRAILING_CONTENT;
    if (!e)
        return value;
    // Where it went wrong: the parser's position when it has one, else the end.
    size_t at = text.size();
    if (const char *where = nullptr; iterated && !doc.current_location().get(where) && where >= padded.data())
        at = std::min<size_t>(text.size(), size_t(where - padded.data()));
    const std::string reason = e == simdjson::DEPTH_ERROR ? "nesting deeper than 256 levels"
        : e == simdjson::TRAILING_CONTENT                 ? "unexpected data after the JSON document"
                                                          : simdjson::error_message(e);
    return Error {"invalid JSON at byte " + std::to_string(at) + ": " + reason, {}, {}, ErrorKind::BadInput};
}

} // namespace lbs
