#pragma once
/// COSEM data in A-XDR (IEC 62056-6-2): the tagged Data CHOICE, including structure, array and the basics
/// of compact-array, and the 12-byte date-time. Pure functions; decoders are total (ProtocolError).
#include "Bytes.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kabinet::dlms {

enum class DataType : std::uint8_t {
    Null = 0,
    Array = 1,
    Structure = 2,
    Boolean = 3,
    BitString = 4,
    Int32 = 5,
    UInt32 = 6,
    OctetString = 9,
    VisibleString = 10,
    Utf8String = 12,
    Bcd = 13,
    Int8 = 15,
    Int16 = 16,
    UInt8 = 17,
    UInt16 = 18,
    CompactArray = 19,
    Int64 = 20,
    UInt64 = 21,
    Enum = 22,
    Float32 = 23,
    Float64 = 24,
    DateTime = 25,
    Date = 26,
    Time = 27,
};

/// One Data value. Integers of every width are kept in `integer` (signed) or `uinteger` (unsigned);
/// strings, bit-strings and date/time in `bytes`; array/structure elements in `items`.
struct Data {
    DataType type = DataType::Null;
    std::int64_t integer = 0;
    std::uint64_t uinteger = 0;
    double real = 0;
    std::uint32_t bits = 0; ///< bit-string: number of bits
    Bytes bytes;
    std::vector<Data> items;

    bool isInteger() const noexcept;
    bool isNumber() const noexcept;
    bool isString() const noexcept;
    /// Integer value as int64 (throws ProtocolError if not an integer or out of range).
    std::int64_t asInt() const;
    /// Any number as double (throws ProtocolError otherwise).
    double asDouble() const;
    std::string asText() const; ///< octet/visible/utf8 string bytes as text

    static Data null() { return {}; }
    static Data u8(std::uint8_t v);
    static Data u16(std::uint16_t v);
    static Data u32(std::uint32_t v);
    static Data u64(std::uint64_t v);
    static Data i8(std::int8_t v);
    static Data i16(std::int16_t v);
    static Data i32(std::int32_t v);
    static Data enumeration(std::uint8_t v);
    static Data octets(std::span<const std::uint8_t> v);
    static Data visible(const std::string& v);
    static Data structure(std::vector<Data> items);
    static Data array(std::vector<Data> items);
};

/// Limits of the decoder (a hostile meter cannot make it recurse or allocate without bound).
constexpr int kMaxDepth = 16;

/// Decodes one Data from `r`.
Data decodeData(Reader& r, int depth = 0);
/// Decodes one Data that spans all of `bytes`.
Data decodeData(std::span<const std::uint8_t> bytes);
void encodeData(const Data& value, Bytes& out);
Bytes encodeData(const Data& value);

/// A COSEM date-time (12 bytes). Unspecified fields are 0xFF (0xFFFF for the year); deviation
/// 0x8000 means "not specified".
struct DateTime {
    std::uint16_t year = 0xFFFF;
    std::uint8_t month = 0xFF, day = 0xFF, weekday = 0xFF;
    std::uint8_t hour = 0xFF, minute = 0xFF, second = 0xFF, hundredths = 0xFF;
    std::int16_t deviation = static_cast<std::int16_t>(0x8000);
    std::uint8_t status = 0xFF;

    bool hasDeviation() const noexcept { return deviation != static_cast<std::int16_t>(0x8000); }
};

/// How a meter's deviation field is read.
enum class DeviationMode {
    Standard, ///< IEC 62056-6-2: local time = UTC - deviation (UTC+3 is sent as -180)
    Inverted, ///< some meters send the UTC offset itself (+180 for UTC+3)
    Ignore,   ///< never trust the field; use the configured UTC offset
};

DateTime decodeDateTime(std::span<const std::uint8_t> twelveBytes);
Bytes encodeDateTime(const DateTime& dt);
/// A date-time given as octet-string(12) or date-time Data; nullopt for other types.
std::optional<DateTime> dateTimeOf(const Data& value);
/// UTC seconds of a date-time: its deviation if specified (per `mode`), else utcOffsetMin. nullopt if the
/// date or time is not fully specified or is not a valid calendar moment.
std::optional<std::int64_t> toUtc(const DateTime& dt, int utcOffsetMin, DeviationMode mode);
/// The local date-time of UTC `t` at utcOffsetMin, with the deviation encoded per `mode`
/// (unspecified for Ignore).
DateTime fromUtc(std::int64_t t, int utcOffsetMin, DeviationMode mode);

/// Clock status bits that make a value doubtful (invalid value, doubtful value, invalid clock).
constexpr std::uint8_t kClockStatusDoubtful = 0x01 | 0x02 | 0x08;

/// A 6-byte OBIS code.
struct Obis {
    std::array<std::uint8_t, 6> v{};
    bool operator==(const Obis&) const = default;
    bool operator<(const Obis& o) const { return v < o.v; }
    std::string toString() const;
    static Obis parse(const std::string& text); ///< "a.b.c.d.e.f"; throws std::invalid_argument
    static std::optional<Obis> fromBytes(std::span<const std::uint8_t> bytes);
};

constexpr Obis obis(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t e, std::uint8_t f = 255)
{
    return Obis{{a, b, c, d, e, f}};
}

} // namespace kabinet::dlms
