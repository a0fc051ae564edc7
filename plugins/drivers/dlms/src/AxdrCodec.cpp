#include "AxdrCodec.h"

#include "kabinet/driver.hpp"

#include <cmath>
#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace kabinet::dlms {

// ---- Data ---------------------------------------------------------------------------------------

bool Data::isInteger() const noexcept
{
    switch (type) {
    case DataType::Int8: case DataType::Int16: case DataType::Int32: case DataType::Int64:
    case DataType::UInt8: case DataType::UInt16: case DataType::UInt32: case DataType::UInt64:
    case DataType::Enum: case DataType::Bcd: case DataType::Boolean:
        return true;
    default:
        return false;
    }
}

bool Data::isNumber() const noexcept
{
    return isInteger() || type == DataType::Float32 || type == DataType::Float64;
}

bool Data::isString() const noexcept
{
    return type == DataType::OctetString || type == DataType::VisibleString || type == DataType::Utf8String;
}

namespace {

bool isUnsignedType(DataType t)
{
    return t == DataType::UInt8 || t == DataType::UInt16 || t == DataType::UInt32 || t == DataType::UInt64 ||
           t == DataType::Enum || t == DataType::Bcd || t == DataType::Boolean;
}

} // namespace

std::int64_t Data::asInt() const
{
    if (!isInteger()) throw sdk::ProtocolError("COSEM: expected an integer, got data type " + std::to_string(int(type)));
    if (isUnsignedType(type)) {
        if (uinteger > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            throw sdk::ProtocolError("COSEM: integer out of range");
        return static_cast<std::int64_t>(uinteger);
    }
    return integer;
}

double Data::asDouble() const
{
    if (type == DataType::Float32 || type == DataType::Float64) return real;
    if (!isInteger()) throw sdk::ProtocolError("COSEM: expected a number, got data type " + std::to_string(int(type)));
    return isUnsignedType(type) ? static_cast<double>(uinteger) : static_cast<double>(integer);
}

std::string Data::asText() const
{
    return std::string(bytes.begin(), bytes.end());
}

Data Data::u8(std::uint8_t v) { Data d; d.type = DataType::UInt8; d.uinteger = v; return d; }
Data Data::u16(std::uint16_t v) { Data d; d.type = DataType::UInt16; d.uinteger = v; return d; }
Data Data::u32(std::uint32_t v) { Data d; d.type = DataType::UInt32; d.uinteger = v; return d; }
Data Data::u64(std::uint64_t v) { Data d; d.type = DataType::UInt64; d.uinteger = v; return d; }
Data Data::i8(std::int8_t v) { Data d; d.type = DataType::Int8; d.integer = v; return d; }
Data Data::i16(std::int16_t v) { Data d; d.type = DataType::Int16; d.integer = v; return d; }
Data Data::i32(std::int32_t v) { Data d; d.type = DataType::Int32; d.integer = v; return d; }
Data Data::enumeration(std::uint8_t v) { Data d; d.type = DataType::Enum; d.uinteger = v; return d; }
Data Data::octets(std::span<const std::uint8_t> v) { Data d; d.type = DataType::OctetString; d.bytes.assign(v.begin(), v.end()); return d; }
Data Data::visible(const std::string& v) { Data d; d.type = DataType::VisibleString; d.bytes.assign(v.begin(), v.end()); return d; }
Data Data::structure(std::vector<Data> items) { Data d; d.type = DataType::Structure; d.items = std::move(items); return d; }
Data Data::array(std::vector<Data> items) { Data d; d.type = DataType::Array; d.items = std::move(items); return d; }

// ---- decoding -----------------------------------------------------------------------------------

namespace {

/// A compact-array type description.
struct TypeDesc {
    DataType type = DataType::Null;
    std::size_t count = 0; ///< array: element count
    std::vector<TypeDesc> children;
};

TypeDesc readTypeDesc(Reader& r, int depth)
{
    if (depth > kMaxDepth) r.fail("type description nested too deep");
    TypeDesc d;
    d.type = static_cast<DataType>(r.u8());
    if (d.type == DataType::Array) {
        d.count = r.u16();
        d.children.push_back(readTypeDesc(r, depth + 1));
    } else if (d.type == DataType::Structure) {
        const std::size_t n = r.axdrLength();
        for (std::size_t i = 0; i < n; ++i) d.children.push_back(readTypeDesc(r, depth + 1));
    } else {
        switch (d.type) {
        case DataType::Boolean: case DataType::BitString: case DataType::Int32: case DataType::UInt32:
        case DataType::OctetString: case DataType::VisibleString: case DataType::Utf8String: case DataType::Bcd:
        case DataType::Int8: case DataType::Int16: case DataType::UInt8: case DataType::UInt16: case DataType::Int64:
        case DataType::UInt64: case DataType::Enum: case DataType::Float32: case DataType::Float64:
        case DataType::DateTime: case DataType::Date: case DataType::Time:
            break;
        default: // null takes no content bytes; nested compact-arrays are not allowed
            r.fail("type " + std::to_string(static_cast<int>(d.type)) + " in a compact-array type description");
        }
    }
    return d;
}

/// How many Data values one element of this description becomes (saturated at kHuge).
std::uint64_t nodeCount(const TypeDesc& d);

/// The fewest content bytes one element of this description takes (0 for null), saturated at kHuge.
constexpr std::uint64_t kHuge = std::uint64_t(1) << 40;

std::uint64_t minSize(const TypeDesc& d)
{
    switch (d.type) {
    case DataType::Null: return 0;
    case DataType::Array: {
        const std::uint64_t child = minSize(d.children.front());
        if (child != 0 && d.count > kHuge / child) return kHuge;
        return std::min(kHuge, d.count * child);
    }
    case DataType::Structure: {
        std::uint64_t s = 0;
        for (const auto& c : d.children) s = std::min(kHuge, s + minSize(c));
        return s;
    }
    default: return 1;
    }
}

std::uint64_t nodeCount(const TypeDesc& d)
{
    if (d.type == DataType::Array) {
        const std::uint64_t child = nodeCount(d.children.front());
        if (child != 0 && d.count > kHuge / child) return kHuge;
        return std::min(kHuge, 1 + d.count * child);
    }
    std::uint64_t n = 1;
    for (const auto& c : d.children) n = std::min(kHuge, n + nodeCount(c));
    return n;
}

/// A compact-array may not expand into more values than this (a few bytes of type description could
/// otherwise describe millions of empty arrays).
constexpr std::uint64_t kMaxCompactValues = 1u << 20;


/// Every decode may create at most this many values (memory stays bounded whatever a meter sends).
constexpr std::size_t kMaxValues = 1u << 20;

void count(Reader& r, std::size_t& values)
{
    if (++values > kMaxValues) r.fail("too many values");
}

Data decodeTyped(Reader& r, DataType type, int depth, std::size_t& values);
Data decodeValue(Reader& r, int depth, std::size_t& values);

Data decodeWithDesc(Reader& r, const TypeDesc& d, int depth, std::size_t& values)
{
    if (depth > kMaxDepth) r.fail("data nested too deep");
    if (d.type == DataType::Array) {
        count(r, values);
        Data out;
        out.type = DataType::Array;
        out.items.reserve(std::min<std::size_t>(d.count, r.remaining()));
        for (std::size_t i = 0; i < d.count; ++i) out.items.push_back(decodeWithDesc(r, d.children.front(), depth + 1, values));
        return out;
    }
    if (d.type == DataType::Structure) {
        count(r, values);
        Data out;
        out.type = DataType::Structure;
        for (const auto& c : d.children) out.items.push_back(decodeWithDesc(r, c, depth + 1, values));
        return out;
    }
    return decodeTyped(r, d.type, depth, values);
}

Data decodeCompactArray(Reader& r, int depth, std::size_t& values)
{
    const TypeDesc desc = readTypeDesc(r, depth + 1);
    const std::size_t length = r.axdrLength();
    const std::uint64_t min = minSize(desc);
    if (min == 0) r.fail("compact-array element without content");
    if (min > length && length > 0) r.fail("compact-array element larger than its contents");
    if (nodeCount(desc) > kMaxCompactValues / (length / min + 1)) r.fail("compact-array expands into too many values");
    Reader content(r.take(length), "compact-array");
    Data out;
    out.type = DataType::Array;
    while (!content.atEnd()) {
        const std::size_t before = content.position();
        out.items.push_back(decodeWithDesc(content, desc, depth + 1, values));
        if (content.position() == before) content.fail("element took no bytes");
    }
    return out;
}

Data decodeTyped(Reader& r, DataType type, int depth, std::size_t& values)
{
    count(r, values);
    Data d;
    d.type = type;
    switch (type) {
    case DataType::Null:
        break;
    case DataType::Array:
    case DataType::Structure: {
        if (depth >= kMaxDepth) r.fail("data nested too deep");
        const std::size_t n = r.axdrLength();
        d.items.reserve(n);
        for (std::size_t i = 0; i < n; ++i) d.items.push_back(decodeValue(r, depth + 1, values));
        break;
    }
    case DataType::Boolean:
    case DataType::UInt8:
    case DataType::Enum:
    case DataType::Bcd:
        d.uinteger = r.u8();
        break;
    case DataType::BitString: {
        d.bits = static_cast<std::uint32_t>(r.axdrLength(false));
        const auto bytes = r.take((static_cast<std::size_t>(d.bits) + 7) / 8);
        d.bytes.assign(bytes.begin(), bytes.end());
        break;
    }
    case DataType::Int32: d.integer = static_cast<std::int32_t>(r.u32()); break;
    case DataType::UInt32: d.uinteger = r.u32(); break;
    case DataType::OctetString:
    case DataType::VisibleString:
    case DataType::Utf8String: {
        const auto bytes = r.take(r.axdrLength());
        d.bytes.assign(bytes.begin(), bytes.end());
        break;
    }
    case DataType::Int8: d.integer = static_cast<std::int8_t>(r.u8()); break;
    case DataType::Int16: d.integer = static_cast<std::int16_t>(r.u16()); break;
    case DataType::UInt16: d.uinteger = r.u16(); break;
    case DataType::CompactArray:
        if (depth >= kMaxDepth) r.fail("data nested too deep");
        return decodeCompactArray(r, depth, values);
    case DataType::Int64: d.integer = static_cast<std::int64_t>(r.u64()); break;
    case DataType::UInt64: d.uinteger = r.u64(); break;
    case DataType::Float32: {
        const std::uint32_t raw = r.u32();
        float f;
        std::memcpy(&f, &raw, sizeof f);
        d.real = f;
        break;
    }
    case DataType::Float64: {
        const std::uint64_t raw = r.u64();
        std::memcpy(&d.real, &raw, sizeof d.real);
        break;
    }
    case DataType::DateTime: {
        const auto bytes = r.take(12);
        d.bytes.assign(bytes.begin(), bytes.end());
        break;
    }
    case DataType::Date: {
        const auto bytes = r.take(5);
        d.bytes.assign(bytes.begin(), bytes.end());
        break;
    }
    case DataType::Time: {
        const auto bytes = r.take(4);
        d.bytes.assign(bytes.begin(), bytes.end());
        break;
    }
    default:
        r.fail("unknown data type " + std::to_string(static_cast<int>(type)));
    }
    return d;
}

Data decodeValue(Reader& r, int depth, std::size_t& values)
{
    if (depth > kMaxDepth) r.fail("data nested too deep");
    const auto type = static_cast<DataType>(r.u8());
    return decodeTyped(r, type, depth, values);
}

} // namespace

Data decodeData(Reader& r, int depth)
{
    std::size_t values = 0;
    return decodeValue(r, depth, values);
}

Data decodeData(std::span<const std::uint8_t> bytes)
{
    Reader r(bytes, "COSEM data");
    Data d = decodeData(r, 0);
    if (!r.atEnd()) r.fail("bytes after the value");
    return d;
}

// ---- encoding -----------------------------------------------------------------------------------

void encodeData(const Data& d, Bytes& out)
{
    out.push_back(static_cast<std::uint8_t>(d.type));
    switch (d.type) {
    case DataType::Null:
        break;
    case DataType::Array:
    case DataType::Structure:
        putAxdrLength(out, d.items.size());
        for (const auto& i : d.items) encodeData(i, out);
        break;
    case DataType::Boolean:
    case DataType::UInt8:
    case DataType::Enum:
    case DataType::Bcd:
        out.push_back(static_cast<std::uint8_t>(d.uinteger));
        break;
    case DataType::BitString:
        putAxdrLength(out, d.bits);
        out.insert(out.end(), d.bytes.begin(), d.bytes.end());
        break;
    case DataType::Int32: putU32(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(d.integer))); break;
    case DataType::UInt32: putU32(out, static_cast<std::uint32_t>(d.uinteger)); break;
    case DataType::OctetString:
    case DataType::VisibleString:
    case DataType::Utf8String:
        putAxdrLength(out, d.bytes.size());
        out.insert(out.end(), d.bytes.begin(), d.bytes.end());
        break;
    case DataType::Int8: out.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(d.integer))); break;
    case DataType::Int16: putU16(out, static_cast<std::uint16_t>(static_cast<std::int16_t>(d.integer))); break;
    case DataType::UInt16: putU16(out, static_cast<std::uint16_t>(d.uinteger)); break;
    case DataType::Int64: putU64(out, static_cast<std::uint64_t>(d.integer)); break;
    case DataType::UInt64: putU64(out, d.uinteger); break;
    case DataType::Float32: {
        const float f = static_cast<float>(d.real);
        std::uint32_t raw;
        std::memcpy(&raw, &f, sizeof raw);
        putU32(out, raw);
        break;
    }
    case DataType::Float64: {
        std::uint64_t raw;
        std::memcpy(&raw, &d.real, sizeof raw);
        putU64(out, raw);
        break;
    }
    case DataType::DateTime:
    case DataType::Date:
    case DataType::Time:
        out.insert(out.end(), d.bytes.begin(), d.bytes.end());
        break;
    default:
        throw std::invalid_argument("encodeData: unsupported data type " + std::to_string(static_cast<int>(d.type)));
    }
}

Bytes encodeData(const Data& value)
{
    Bytes out;
    encodeData(value, out);
    return out;
}

// ---- date-time ----------------------------------------------------------------------------------

DateTime decodeDateTime(std::span<const std::uint8_t> b)
{
    if (b.size() != 12) throw sdk::ProtocolError("COSEM: date-time must be 12 bytes, got " + std::to_string(b.size()));
    DateTime dt;
    dt.year = static_cast<std::uint16_t>(b[0] << 8 | b[1]);
    dt.month = b[2];
    dt.day = b[3];
    dt.weekday = b[4];
    dt.hour = b[5];
    dt.minute = b[6];
    dt.second = b[7];
    dt.hundredths = b[8];
    dt.deviation = static_cast<std::int16_t>(b[9] << 8 | b[10]);
    dt.status = b[11];
    return dt;
}

Bytes encodeDateTime(const DateTime& dt)
{
    Bytes out;
    putU16(out, dt.year);
    out.push_back(dt.month);
    out.push_back(dt.day);
    out.push_back(dt.weekday);
    out.push_back(dt.hour);
    out.push_back(dt.minute);
    out.push_back(dt.second);
    out.push_back(dt.hundredths);
    putU16(out, static_cast<std::uint16_t>(dt.deviation));
    out.push_back(dt.status);
    return out;
}

std::optional<DateTime> dateTimeOf(const Data& value)
{
    if ((value.type == DataType::OctetString || value.type == DataType::DateTime) && value.bytes.size() == 12)
        return decodeDateTime(value.bytes);
    return std::nullopt;
}

std::optional<std::int64_t> toUtc(const DateTime& dt, int utcOffsetMin, DeviationMode mode)
{
    if (dt.year < 1970 || dt.year > 2200 || dt.month < 1 || dt.month > 12 || dt.day < 1 || dt.day > 31 ||
        dt.hour > 23 || dt.minute > 59 || (dt.second > 59 && dt.second != 0xFF))
        return std::nullopt;
    const unsigned second = dt.second == 0xFF ? 0 : dt.second;
    const std::int64_t local = sdk::civilToUnix(dt.year, dt.month, dt.day, dt.hour, dt.minute, second);
    const sdk::Civil back = sdk::unixToCivil(local);
    if (back.day != dt.day || back.month != dt.month) return std::nullopt; // 31 April and the like
    if (dt.hasDeviation() && mode != DeviationMode::Ignore) {
        if (dt.deviation < -840 || dt.deviation > 840) return std::nullopt;
        return mode == DeviationMode::Standard ? local + dt.deviation * 60LL : local - dt.deviation * 60LL;
    }
    return local - utcOffsetMin * 60LL;
}

DateTime fromUtc(std::int64_t t, int utcOffsetMin, DeviationMode mode)
{
    const sdk::Civil c = sdk::unixToCivil(t + utcOffsetMin * 60LL);
    DateTime dt;
    dt.year = static_cast<std::uint16_t>(c.year);
    dt.month = static_cast<std::uint8_t>(c.month);
    dt.day = static_cast<std::uint8_t>(c.day);
    dt.weekday = static_cast<std::uint8_t>(c.weekday == 0 ? 7 : c.weekday);
    dt.hour = static_cast<std::uint8_t>(c.hour);
    dt.minute = static_cast<std::uint8_t>(c.minute);
    dt.second = static_cast<std::uint8_t>(c.second);
    dt.hundredths = 0;
    switch (mode) {
    case DeviationMode::Standard: dt.deviation = static_cast<std::int16_t>(-utcOffsetMin); break;
    case DeviationMode::Inverted: dt.deviation = static_cast<std::int16_t>(utcOffsetMin); break;
    case DeviationMode::Ignore: dt.deviation = static_cast<std::int16_t>(0x8000); break;
    }
    dt.status = 0;
    return dt;
}

// ---- OBIS ---------------------------------------------------------------------------------------

std::string Obis::toString() const
{
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += '.';
        s += std::to_string(v[i]);
    }
    return s;
}

Obis Obis::parse(const std::string& text)
{
    Obis o;
    std::size_t pos = 0;
    for (std::size_t i = 0; i < 6; ++i) {
        if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') throw std::invalid_argument("bad OBIS code '" + text + "'");
        unsigned v = 0;
        std::size_t digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && digits < 4) {
            v = v * 10 + static_cast<unsigned>(text[pos] - '0');
            ++pos;
            ++digits;
        }
        if (v > 255) throw std::invalid_argument("bad OBIS code '" + text + "'");
        o.v[i] = static_cast<std::uint8_t>(v);
        if (i < 5) {
            if (pos >= text.size() || text[pos] != '.') throw std::invalid_argument("bad OBIS code '" + text + "'");
            ++pos;
        }
    }
    if (pos != text.size()) throw std::invalid_argument("bad OBIS code '" + text + "'");
    return o;
}

std::optional<Obis> Obis::fromBytes(std::span<const std::uint8_t> bytes)
{
    if (bytes.size() != 6) return std::nullopt;
    Obis o;
    for (std::size_t i = 0; i < 6; ++i) o.v[i] = bytes[i];
    return o;
}

} // namespace kabinet::dlms
