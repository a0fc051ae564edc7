// The meter's identity and clock, and the current values: energy registers and instantaneous values.
#include "DlmsSession.h"

#include <algorithm>
#include <cstdio>

namespace kabinet::dlms {

namespace {

/// Identity text of a Data: strings as text (trailing NULs and spaces dropped; non-printable octets as
/// hex), integers in decimal.
std::string textOf(const Data& d)
{
    if (d.isString()) {
        std::string s = d.asText();
        while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
        while (!s.empty() && s.front() == ' ') s.erase(s.begin());
        const bool printable = std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7F; });
        return printable ? s : hex(d.bytes, 64);
    }
    if (d.isInteger()) {
        try {
            return std::to_string(d.asInt());
        } catch (const sdk::ProtocolError&) {
            return std::to_string(d.uinteger);
        }
    }
    return "";
}

std::string ymd(unsigned y, unsigned m, unsigned d)
{
    if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return "";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", y, m, d);
    return buf;
}

/// "YYYY-MM-DD" of a COSEM date, date-time or a date text; "" when not a date.
std::string dateOf(const Data& d)
{
    const Bytes& b = d.bytes;
    if ((d.type == DataType::Date || d.type == DataType::OctetString) && b.size() == 5) return ymd(b[0] << 8 | b[1], b[2], b[3]);
    if ((d.type == DataType::DateTime || d.type == DataType::OctetString) && b.size() == 12) return ymd(b[0] << 8 | b[1], b[2], b[3]);
    if (d.type == DataType::VisibleString || d.type == DataType::Utf8String) {
        const std::string s = d.asText();
        unsigned y = 0, m = 0, day = 0;
        char tail = 0;
        if (std::sscanf(s.c_str(), "%4u-%2u-%2u%c", &y, &m, &day, &tail) == 3) return ymd(y, m, day);
        if (std::sscanf(s.c_str(), "%2u.%2u.%4u%c", &day, &m, &y, &tail) == 3) return ymd(y, m, day);
    }
    return "";
}

} // namespace

void DlmsSession::readIdentity(sdk::ReadingSink& sink)
{
    const Value serial = get(spodes::kClassData, spodes::kSerial, 2);
    if (!serial.ok) {
        sink.unavailable(KB_READ_IDENTITY, spodes::kSerial.toString(), serial.reason());
        return;
    }
    sdk::Identity id;
    id.serial = textOf(serial.data);
    if (const Value v = get(spodes::kClassData, spodes::kDeviceType, 2); v.ok) id.model = textOf(v.data);
    if (const Value v = get(spodes::kClassData, spodes::kFirmware, 2); v.ok) id.firmware = textOf(v.data);
    if (const Value v = get(spodes::kClassData, spodes::kManufactureDate, 2); v.ok) id.manufacturedOn = dateOf(v.data);
    sink.identity(id);
}

void DlmsSession::readClock(sdk::ReadingSink& sink)
{
    const Value v = get(spodes::kClassClock, spodes::kClock, 2);
    const std::int64_t host = sdk::nowUnix();
    if (!v.ok) {
        sink.unavailable(KB_READ_CLOCK, spodes::kClock.toString(), v.reason());
        return;
    }
    const auto utc = utcOf(v.data);
    if (!utc) {
        sink.unavailable(KB_READ_CLOCK, spodes::kClock.toString(), "not a valid date-time");
        return;
    }
    sink.clock(*utc, host);
}

void DlmsSession::readEnergy(sdk::ReadingSink& sink)
{
    for (std::uint8_t channel = 1; channel <= 4; ++channel) {
        for (std::uint8_t tariff = 0; tariff <= 4; ++tariff) {
            const Obis o = spodes::energyRegister(channel, tariff);
            std::string reason;
            const auto kwh = registerValue(o, spodes::energyQuantity(channel), reason);
            if (kwh) sink.value(spodes::energyQuantity(channel), tariff, 0, *kwh, sdk::nowUnix());
            else sink.unavailable(KB_READ_ENERGY, o.toString(), reason);
        }
    }
}

void DlmsSession::readInstant(sdk::ReadingSink& sink)
{
    const auto& three = spodes::threePhaseInstant();
    const auto& single = spodes::singlePhaseInstant();
    std::string reason;
    std::size_t start = 0;
    const auto* list = &three;
    if (auto u1 = registerValue(three[0].obis, three[0].quantity, reason)) {
        sink.value(three[0].quantity, 0, three[0].phase, *u1, sdk::nowUnix());
        start = 1;
    } else {
        // No phase L1 voltage: a single-phase meter (U = 1.0.12.7.0.255, I = 1.0.11.7.0.255)?
        std::string reason1;
        if (auto u = registerValue(single[0].obis, single[0].quantity, reason1)) {
            sink.value(single[0].quantity, 0, single[0].phase, *u, sdk::nowUnix());
            list = &single;
        } else {
            sink.unavailable(KB_READ_INSTANT, three[0].obis.toString(), reason);
        }
        start = 1;
    }
    for (std::size_t i = start; i < list->size(); ++i) {
        const auto& o = (*list)[i];
        std::string why;
        if (auto v = registerValue(o.obis, o.quantity, why)) sink.value(o.quantity, 0, o.phase, *v, sdk::nowUnix());
        else sink.unavailable(KB_READ_INSTANT, o.obis.toString(), why);
    }
}

} // namespace kabinet::dlms
