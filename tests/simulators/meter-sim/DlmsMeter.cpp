// The DLMS/COSEM side of the simulator: SPODES meters (GOST R 58940-2020) behind an HDLC bus ("dlms") or
// one logical device behind the IEC 62056-47 TCP wrapper ("dlms-wrapper").
//
// An independent implementation of the server side: its own CRC-16/X-25, HDLC framing, A-XDR encoding
// and calendar code, nothing shared with the driver. Per connection and meter it keeps the HDLC state
// (disconnected / connected / associated), the sequence numbers, the segments of a long answer still to
// send (information field limit from the SNRM/UA negotiation) and the block transfer of a long GET
// answer (longer than the negotiated PDU, at most 512 bytes).
//
// The objects: the current association 0.0.40.0.0.255 (class 15 version 1: logical name, object_list of
// every object the client reaches with its access rights — a few kilobytes, sent in blocks — and the
// associated partners), identity 0.0.96.1.0/1/2/4.255, clock 0.0.1.0.0.255 (time and time_zone), energy
// registers 1.0.{1..4}.8.{0..4}.255 in Wh / varh, instantaneous registers with scalers, the load profile
// 1.0.99.1.0.255 (capture_period from the meter's profile period, 30 minutes unless set; entries_in_use,
// profile_entries; rows stamped with the END of their interval; meters with an even seed capture energy per interval
// 1.0.C.29.0.255, meters with an odd seed average power 1.0.C.5.0.255 of class 5), the daily 1.0.98.2.0.255
// and monthly 1.0.98.1.0.255 readings, and the journals 0.0.99.98.N.255 for N = 0, 2, 4, 6, 7 with rows
// {clock, code of 0.0.96.11.N.255}. The event codes are the row numbers of GOST R 58940-2020 tables
// D.1..D.8 as one secondary listing gives them (not checked against the standard's text); the driver
// assumes the same numbers. Closing a cover has no code there and is not journalled.
//
// The public client (SAP 0x10) reads the association, identity and clock only; the reader (0x20) presents the LLS
// password. Faults: WrongPassword rejects the AARQ (diagnostic 13); SessionTimeout on a GET inside an
// association drops the session as an expired inactivity timer does: HDLC answers DM (and keeps doing
// so until the next SNRM), the wrapper closes the TCP connection.
#include "Simulator.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kabinet::sim {

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t kServerMaxInfo = 256;  // the longest information field this meter handles
constexpr std::size_t kServerMaxPdu = 512;   // the longest APDU it sends without block transfer
constexpr long long kLoadProfileEntries = 65536; // rows the load profile keeps (45 days at 1 minute)

// ---- CRC and bytes ----------------------------------------------------------------------------------

std::uint16_t crcX25(const std::uint8_t* p, std::size_t n) {
    std::uint16_t crc = 0xFFFF;
    for (std::size_t i = 0; i < n; ++i) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0x8408) : static_cast<std::uint16_t>(crc >> 1);
    }
    return static_cast<std::uint16_t>(crc ^ 0xFFFF);
}

void be16(Bytes& b, unsigned v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}

void be32(Bytes& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}

void lengthOf(Bytes& b, std::size_t n) { // A-XDR / BER length
    if (n < 0x80) {
        b.push_back(static_cast<std::uint8_t>(n));
    } else if (n < 0x100) {
        b.push_back(0x81);
        b.push_back(static_cast<std::uint8_t>(n));
    } else {
        b.push_back(0x82);
        be16(b, static_cast<unsigned>(n));
    }
}

// ---- A-XDR values (encoding only, what this meter sends) ---------------------------------------------

struct Ax {
    Bytes b;
    Ax& structure(std::size_t n) { b.push_back(0x02); lengthOf(b, n); return *this; }
    Ax& array(std::size_t n) { b.push_back(0x01); lengthOf(b, n); return *this; }
    Ax& u8(unsigned v) { b.push_back(0x11); b.push_back(static_cast<std::uint8_t>(v)); return *this; }
    Ax& u16(unsigned v) { b.push_back(0x12); be16(b, v); return *this; }
    Ax& i16(int v) { b.push_back(0x10); be16(b, static_cast<unsigned>(v) & 0xFFFF); return *this; }
    Ax& null() { b.push_back(0x00); return *this; }
    Ax& u32(std::uint32_t v) { b.push_back(0x06); be32(b, v); return *this; }
    Ax& i32(std::int32_t v) { b.push_back(0x05); be32(b, static_cast<std::uint32_t>(v)); return *this; }
    Ax& i8(int v) { b.push_back(0x0F); b.push_back(static_cast<std::uint8_t>(v)); return *this; }
    Ax& enumerated(unsigned v) { b.push_back(0x16); b.push_back(static_cast<std::uint8_t>(v)); return *this; }
    Ax& octets(const Bytes& v) { b.push_back(0x09); lengthOf(b, v.size()); b.insert(b.end(), v.begin(), v.end()); return *this; }
    Ax& visible(const std::string& v) { b.push_back(0x0A); lengthOf(b, v.size()); b.insert(b.end(), v.begin(), v.end()); return *this; }
    Ax& ln(const std::uint8_t (&o)[6]) { return octets(Bytes(o, o + 6)); }
};

// ---- calendar ---------------------------------------------------------------------------------------

/// The 12-byte date-time of UTC t in the meter's local time, deviation = -offset (IEC 62056-6-2).
Bytes dateTime(long long utc, int offsetMin) {
    const std::time_t local = static_cast<std::time_t>(utc + offsetMin * 60LL);
    std::tm tm{};
    gmtime_r(&local, &tm);
    Bytes b;
    be16(b, static_cast<unsigned>(tm.tm_year + 1900));
    b.push_back(static_cast<std::uint8_t>(tm.tm_mon + 1));
    b.push_back(static_cast<std::uint8_t>(tm.tm_mday));
    b.push_back(static_cast<std::uint8_t>(tm.tm_wday == 0 ? 7 : tm.tm_wday));
    b.push_back(static_cast<std::uint8_t>(tm.tm_hour));
    b.push_back(static_cast<std::uint8_t>(tm.tm_min));
    b.push_back(static_cast<std::uint8_t>(tm.tm_sec));
    b.push_back(0x00);
    be16(b, static_cast<unsigned>(-offsetMin) & 0xFFFF);
    b.push_back(0x00);
    return b;
}

/// UTC of a 12-byte date-time from the client (its deviation if given, else the meter's offset).
std::optional<long long> utcOf(const std::uint8_t* p, int offsetMin) {
    const unsigned year = p[0] << 8 | p[1];
    if (year < 1970 || year > 2200 || p[2] < 1 || p[2] > 12 || p[3] < 1 || p[3] > 31 || p[5] > 23 || p[6] > 59) return std::nullopt;
    std::tm tm{};
    tm.tm_year = static_cast<int>(year) - 1900;
    tm.tm_mon = p[2] - 1;
    tm.tm_mday = p[3];
    tm.tm_hour = p[5];
    tm.tm_min = p[6];
    tm.tm_sec = p[7] == 0xFF ? 0 : p[7];
    const long long local = static_cast<long long>(timegm(&tm));
    const std::int16_t deviation = static_cast<std::int16_t>(p[9] << 8 | p[10]);
    if (deviation != static_cast<std::int16_t>(0x8000)) return local + deviation * 60LL;
    return local - offsetMin * 60LL;
}

/// UTC of local midnight starting the day of UTC t, and of the first day of its month.
long long localMidnight(long long utc, int offsetMin) {
    const long long local = utc + offsetMin * 60LL;
    const long long day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    return day * 86400 - offsetMin * 60LL;
}

long long monthStart(long long utc, int offsetMin, int addMonths) {
    const std::time_t local = static_cast<std::time_t>(utc + offsetMin * 60LL);
    std::tm tm{};
    gmtime_r(&local, &tm);
    std::tm first{};
    first.tm_year = tm.tm_year;
    first.tm_mon = tm.tm_mon + addMonths;
    first.tm_mday = 1;
    return static_cast<long long>(timegm(&first)) - offsetMin * 60LL;
}

// ---- the meter's objects ----------------------------------------------------------------------------

using Ln = std::array<std::uint8_t, 6>;

Ln ln(unsigned a, unsigned b, unsigned c, unsigned d, unsigned e, unsigned f = 255) {
    return Ln{static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), static_cast<std::uint8_t>(c),
              static_cast<std::uint8_t>(d), static_cast<std::uint8_t>(e), static_cast<std::uint8_t>(f)};
}

constexpr std::uint8_t kDarHardware = 1, kDarDenied = 3, kDarUndefined = 4, kDarUnavailable = 11, kDarTypeUnmatched = 12,
                       kDarLongGetAborted = 15, kDarOther = 250;

/// The SPODES journal and event code (0.0.96.11.N.255) of a model event; journal -1 when none.
std::pair<int, unsigned> journalCode(const SimEvent& e) {
    switch (e.kind) {
    case EvPowerOff: return {2, 1};
    case EvPowerOn: return {2, 2};
    case EvPhaseOff: return {0, e.phase >= 1 && e.phase <= 3 ? 2 * e.phase - 1 : 1};
    case EvPhaseOn: return {0, e.phase >= 1 && e.phase <= 3 ? 2 * e.phase : 2};
    case EvMagneticField: return {4, 1};
    case EvTerminalCoverOpen: return {4, 3};
    case EvCoverOpen: return {4, 4};
    case EvFirmwareIntegrity: return {6, 4};
    default: return {-1, 0};
    }
}

struct InstantReg {
    Ln obis;
    int scaler;
    unsigned unit;
    char kind; // 'u' unsigned 32, 's' signed 32, 'h' signed 16, 'w' unsigned 16
};

/// A register: value attribute, scaler_unit.
struct Register {
    Bytes value;
    int scaler = 0;
    unsigned unit = 255;
};

std::int64_t scaled(double v, int scaler) {
    double f = v;
    for (int i = 0; i < -scaler; ++i) f *= 10;
    return static_cast<std::int64_t>(f >= 0 ? f + 0.5 : f - 0.5);
}

class Objects {
public:
    Objects(const Meter& meter, long long now) : model_(meter.model), cfg_(meter.model.config()), now_(now) {}

    bool energyStyle() const { return cfg_.seed % 2 == 0; }
    long long period() const { return static_cast<long long>(std::max(1u, cfg_.profileMin)) * 60; }

    /// GET of (class, LN, attribute) with optional selective access; the encoded Data or a DataAccessResult.
    std::optional<Bytes> get(unsigned classId, const Ln& obis, int attr, const std::uint8_t* access, std::size_t accessLen,
                             bool publicClient, std::uint8_t& dar) {
        const bool identity = obis[0] == 0 && obis[1] == 0 && obis[2] == 96 && obis[3] == 1;
        const bool clock = obis == ln(0, 0, 1, 0, 0);
        const bool association = obis == ln(0, 0, 40, 0, 0);
        if (publicClient && !identity && !clock && !association) {
            dar = kDarDenied;
            return std::nullopt;
        }
        dar = kDarUndefined;
        if (association && !cfg_.associationObjects) {
            dar = kDarUnavailable;
            return std::nullopt;
        }
        // Attribute 1 of every object is its logical name.
        if (attr == 1) {
            for (const ListedObject& o : objectList(publicClient))
                if (o.classId == classId && o.obis == obis) return Ax().octets(Bytes(obis.begin(), obis.end())).b;
            return std::nullopt;
        }
        if (classId == 15 && association) {
            if (attr == 2) return objectListValue(publicClient);
            if (attr == 3) return Ax().structure(2).i8(publicClient ? 0x10 : 0x20).u16(1).b; // associated_partners_id
            return std::nullopt;
        }
        if (classId == 1 && identity && attr == 2) return identityValue(obis[4], dar);
        if (classId == 8 && clock) {
            if (attr == 2) return Ax().octets(dateTime(model_.clock(now_), cfg_.utcOffsetMin)).b;
            // time_zone: minutes of local time to UTC, in the sense of the date-time deviation this meter sends.
            if (attr == 3 && cfg_.associationObjects) return Ax().i16(-cfg_.utcOffsetMin).b;
            return std::nullopt;
        }
        if (classId == 3 || classId == 5) {
            auto reg = registerOf(classId, obis);
            if (!reg) return std::nullopt;
            if ((classId == 3 && attr == 2) || (classId == 5 && attr == 3)) return reg->value;
            if ((classId == 3 && attr == 3) || (classId == 5 && attr == 4)) return Ax().structure(2).i8(reg->scaler).enumerated(reg->unit).b;
            return std::nullopt;
        }
        if (classId == 7) return profile(obis, attr, access, accessLen, dar);
        return std::nullopt;
    }

    /// One entry of the association's object list: class, version, logical name and how many attributes
    /// and methods the class has (all attributes read-only for this meter's clients, no method allowed).
    struct ListedObject {
        unsigned classId;
        unsigned version;
        Ln obis;
        unsigned attributes;
        unsigned methods;
    };

    /// The objects the current association reaches: the public client the association, identity and clock;
    /// the reader every object of this meter.
    std::vector<ListedObject> objectList(bool publicClient) const {
        std::vector<ListedObject> out;
        out.push_back({15, 1, ln(0, 0, 40, 0, 0), 9, 4}); // Association LN, version 1
        out.push_back({8, 0, ln(0, 0, 1, 0, 0), 9, 6});   // Clock
        for (unsigned e : {0u, 1u, 2u, 4u}) out.push_back({1, 0, ln(0, 0, 96, 1, e), 2, 0});
        if (publicClient) return out;
        for (unsigned c = 1; c <= 4; ++c)
            for (unsigned t = 0; t <= 4; ++t) out.push_back({3, 0, ln(1, 0, c, 8, t), 3, 1});
        for (unsigned c = 1; c <= 4; ++c) {
            if (energyStyle()) out.push_back({3, 0, ln(1, 0, c, 29, 0), 3, 1});
            else out.push_back({5, 0, ln(1, 0, c, 5, 0), 9, 2});
        }
        const bool three = cfg_.phases >= 3;
        const std::vector<unsigned> instant = three ? std::vector<unsigned>{32, 52, 72, 31, 51, 71, 1, 21, 41, 61, 3, 23, 43, 63, 9, 29, 49, 69, 13, 33, 53, 73, 14}
                                                    : std::vector<unsigned>{12, 11, 1, 3, 9, 13, 14};
        for (unsigned c : instant) out.push_back({3, 0, ln(1, 0, c, 7, 0), 3, 1});
        out.push_back({7, 1, ln(1, 0, 99, 1, 0), 8, 2});
        out.push_back({7, 1, ln(1, 0, 98, 1, 0), 8, 2});
        out.push_back({7, 1, ln(1, 0, 98, 2, 0), 8, 2});
        for (unsigned n : {0u, 2u, 4u, 6u, 7u}) {
            out.push_back({7, 1, ln(0, 0, 99, 98, n), 8, 2});
            out.push_back({1, 0, ln(0, 0, 96, 11, n), 2, 0});
        }
        return out;
    }

    /// object_list (IC 15 attribute 2): array of structure {class_id long-unsigned, version unsigned,
    /// logical_name octet-string(6), access_rights structure {attribute_access array of structure
    /// {attribute_id integer, access_mode enum, access_selectors null-data | array of integer},
    /// method_access array of structure {method_id integer, access_mode enum}}}.
    Bytes objectListValue(bool publicClient) const {
        const auto objects = objectList(publicClient);
        Ax a;
        a.array(objects.size());
        for (const ListedObject& o : objects) {
            std::uint8_t raw[6];
            std::copy(o.obis.begin(), o.obis.end(), raw);
            a.structure(4).u16(o.classId).u8(o.version).ln(raw).structure(2);
            a.array(o.attributes);
            for (unsigned id = 1; id <= o.attributes; ++id) {
                a.structure(3).i8(static_cast<int>(id)).enumerated(1); // read-only
                if (o.classId == 7 && id == 2) a.array(1).i8(1);      // the buffer: selective access by range
                else a.null();
            }
            a.array(o.methods);
            for (unsigned id = 1; id <= o.methods; ++id) a.structure(2).i8(static_cast<int>(id)).enumerated(0); // no access
        }
        return a.b;
    }

private:
    std::optional<Bytes> identityValue(unsigned e, std::uint8_t& dar) {
        switch (e) {
        case 0: return Ax().visible(cfg_.serial).b;
        case 1: return Ax().visible(cfg_.model).b;
        case 2: return Ax().visible(cfg_.firmware).b;
        case 4: {
            unsigned y = 0, m = 0, d = 0;
            if (std::sscanf(cfg_.manufacturedOn.c_str(), "%u-%u-%u", &y, &m, &d) != 3) {
                dar = kDarUnavailable;
                return std::nullopt;
            }
            Bytes date;
            be16(date, y);
            date.push_back(static_cast<std::uint8_t>(m));
            date.push_back(static_cast<std::uint8_t>(d));
            date.push_back(0xFF);
            return Ax().octets(date).b;
        }
        default: return std::nullopt;
        }
    }

    /// Energy registers, the load profile's interval registers and the instantaneous values.
    std::optional<Register> registerOf(unsigned classId, const Ln& o) {
        if (o[0] != 1 || o[1] != 0 || o[5] != 255) return std::nullopt;
        const unsigned c = o[2], d = o[3], e = o[4];
        if (classId == 3 && c >= 1 && c <= 4 && d == 8 && e <= 4) {
            Register r;
            r.value = Ax().u32(static_cast<std::uint32_t>(model_.energyWh(static_cast<Channel>(c - 1), e, now_))).b;
            r.unit = c <= 2 ? 30 : 32;
            return r;
        }
        const long long lastEnd = lastCompleteEnd();
        if (classId == 3 && c >= 1 && c <= 4 && d == 29 && e == 0 && energyStyle()) { // energy of the last interval
            Register r;
            r.value = Ax().u32(static_cast<std::uint32_t>(lastEnd > model_.profileStart() ? model_.intervalWh(static_cast<Channel>(c - 1), lastEnd - period(), static_cast<unsigned>(period())) : 0)).b;
            r.unit = c <= 2 ? 30 : 32;
            return r;
        }
        if (classId == 5 && c >= 1 && c <= 4 && d == 5 && e == 0 && !energyStyle()) { // last average power
            Register r;
            const long long wh = lastEnd > model_.profileStart() ? model_.intervalWh(static_cast<Channel>(c - 1), lastEnd - period(), static_cast<unsigned>(period())) : 0;
            r.value = Ax().u32(static_cast<std::uint32_t>(wh * 3600 / period())).b;
            r.unit = c <= 2 ? 27 : 29;
            return r;
        }
        if (classId != 3 || d != 7 || e != 0) return std::nullopt;
        const Instant in = model_.instant(now_);
        const bool three = cfg_.phases >= 3;
        auto make = [](double v, int scaler, unsigned unit, char kind) {
            Register r;
            r.scaler = scaler;
            r.unit = unit;
            const std::int64_t raw = scaled(v, scaler);
            switch (kind) {
            case 'u': r.value = Ax().u32(static_cast<std::uint32_t>(std::max<std::int64_t>(raw, 0))).b; break;
            case 's': r.value = Ax().i32(static_cast<std::int32_t>(raw)).b; break;
            case 'h': r.value = Ax().i16(static_cast<int>(raw)).b; break;
            default: r.value = Ax().u16(static_cast<unsigned>(std::max<std::int64_t>(raw, 0))).b; break;
            }
            return r;
        };
        switch (c) {
        case 12: if (!three) return make(in.u[0], -2, 35, 'u'); break;
        case 11: if (!three) return make(in.i[0], -3, 33, 'u'); break;
        case 32: case 52: case 72: if (three) return make(in.u[(c - 32) / 20], -2, 35, 'u'); break;
        case 31: case 51: case 71: if (three) return make(in.i[(c - 31) / 20], -3, 33, 'u'); break;
        case 1: return make(in.p[0] * 1000, -1, 27, 's');
        case 21: case 41: case 61: if (three) return make(in.p[1 + (c - 21) / 20] * 1000, -1, 27, 's'); break;
        case 3: return make(in.q[0] * 1000, -1, 29, 's');
        case 23: case 43: case 63: if (three) return make(in.q[1 + (c - 23) / 20] * 1000, -1, 29, 's'); break;
        case 9: return make(in.s[0] * 1000, -1, 28, 'u');
        case 29: case 49: case 69: if (three) return make(in.s[1 + (c - 29) / 20] * 1000, -1, 28, 'u'); break;
        case 13: return make(in.pf[0], -3, 255, 'h');
        case 33: case 53: case 73: if (three) return make(in.pf[1 + (c - 33) / 20], -3, 255, 'h'); break;
        case 14: return make(in.f, -2, 44, 'w');
        default: break;
        }
        return std::nullopt;
    }

    /// The end of the oldest load-profile row still kept (the buffer holds kLoadProfileEntries rows).
    long long firstKeptEnd() const {
        return std::max(model_.profileStart() + period(), lastCompleteEnd() - (kLoadProfileEntries - 1) * period());
    }

    long long lastCompleteEnd() const {
        const long long t = now_ - ((now_ % period()) + period()) % period(); // the latest interval end <= now
        return t;
    }

    struct Column {
        unsigned classId;
        Ln obis;
        int attr;
    };

    std::vector<Column> columns(const Ln& profile, bool& known) {
        known = true;
        const Column clockCol{8, ln(0, 0, 1, 0, 0), 2};
        if (profile == ln(1, 0, 99, 1, 0)) {
            std::vector<Column> c{clockCol};
            for (unsigned ch = 1; ch <= 4; ++ch) {
                if (energyStyle()) c.push_back({3, ln(1, 0, ch, 29, 0), 2});
                else c.push_back({5, ln(1, 0, ch, 5, 0), 3});
            }
            return c;
        }
        if (profile == ln(1, 0, 98, 1, 0) || profile == ln(1, 0, 98, 2, 0)) {
            std::vector<Column> c{clockCol};
            for (unsigned t = 0; t <= 4; ++t) c.push_back({3, ln(1, 0, 1, 8, t), 2});
            for (unsigned ch = 2; ch <= 4; ++ch) c.push_back({3, ln(1, 0, ch, 8, 0), 2});
            return c;
        }
        if (profile[0] == 0 && profile[1] == 0 && profile[2] == 99 && profile[3] == 98 && profile[5] == 255 &&
            (profile[4] == 0 || profile[4] == 2 || profile[4] == 4 || profile[4] == 6 || profile[4] == 7))
            return {clockCol, {1, ln(0, 0, 96, 11, profile[4]), 2}};
        known = false;
        return {};
    }

    std::optional<Bytes> profile(const Ln& obis, int attr, const std::uint8_t* access, std::size_t accessLen, std::uint8_t& dar) {
        bool known = false;
        const std::vector<Column> cols = columns(obis, known);
        if (!known) return std::nullopt;
        if (attr == 3) {
            Ax a;
            a.array(cols.size());
            for (const Column& c : cols) {
                std::uint8_t raw[6];
                std::copy(c.obis.begin(), c.obis.end(), raw);
                a.structure(4).u16(c.classId).ln(raw).i8(c.attr).u16(0);
            }
            return a.b;
        }
        if (attr == 4) return Ax().u32(static_cast<std::uint32_t>(obis[2] == 99 && obis[3] == 1 ? period() : obis[3] == 2 ? 86400 : 0)).b;
        if (attr == 7 && cfg_.associationObjects) { // entries_in_use: the rows the buffer holds now
            if (obis == ln(1, 0, 99, 1, 0)) {
                const long long first = firstKeptEnd(), last = lastCompleteEnd();
                return Ax().u32(static_cast<std::uint32_t>(last >= first ? (last - first) / period() + 1 : 0)).b;
            }
            const std::optional<Bytes> all = profile(obis, 2, nullptr, 0, dar);
            if (!all) return std::nullopt;
            std::size_t count = (*all)[1];
            if (count == 0x81) count = (*all)[2];
            else if (count == 0x82) count = static_cast<std::size_t>((*all)[2] << 8 | (*all)[3]);
            return Ax().u32(static_cast<std::uint32_t>(count)).b;
        }
        if (attr == 8) return Ax().u32(obis == ln(1, 0, 99, 1, 0) ? kLoadProfileEntries : 0xFFFF).b; // profile_entries
        if (attr != 2) return std::nullopt;
        // The restricting range (selective access 1 with the clock) or the whole buffer.
        long long from = model_.config().installedAt, to = now_;
        if (access) {
            const auto range = parseRange(access, accessLen);
            if (!range) {
                dar = kDarTypeUnmatched;
                return std::nullopt;
            }
            from = range->first;
            to = range->second;
        }
        std::vector<Bytes> rows;
        const int off = cfg_.utcOffsetMin;
        if (obis == ln(1, 0, 99, 1, 0)) {
            const long long p = period();
            const long long first = std::max(firstKeptEnd(), from + ((p - from % p) % p));
            for (long long end = first; end <= std::min(to, lastCompleteEnd()); end += p) {
                if (end < from) continue;
                Ax r;
                r.structure(5).octets(dateTime(end, off));
                for (unsigned ch = 0; ch < 4; ++ch) {
                    const long long wh = model_.intervalWh(static_cast<Channel>(ch), end - p, static_cast<unsigned>(p));
                    r.u32(static_cast<std::uint32_t>(energyStyle() ? wh : wh * 3600 / p));
                }
                rows.push_back(std::move(r.b));
            }
        } else if (obis[2] == 98) {
            std::vector<long long> moments;
            if (obis[3] == 2) {
                for (long long t = localMidnight(std::max(from, cfg_.installedAt) - 1, off) + 86400; t <= std::min(to, now_); t += 86400)
                    if (t >= from && t > cfg_.installedAt) moments.push_back(t);
            } else {
                for (int k = 1; k < 1200; ++k) {
                    const long long t = monthStart(std::max(from, cfg_.installedAt) - 1, off, k);
                    if (t > std::min(to, now_)) break;
                    if (t >= from && t > cfg_.installedAt) moments.push_back(t);
                }
            }
            for (long long t : moments) {
                Ax r;
                r.structure(9).octets(dateTime(t, off));
                for (unsigned tariff = 0; tariff <= 4; ++tariff) r.u32(static_cast<std::uint32_t>(model_.energyWh(Channel::AP, tariff, t)));
                for (unsigned ch = 1; ch <= 3; ++ch) r.u32(static_cast<std::uint32_t>(model_.energyWh(static_cast<Channel>(ch), 0, t)));
                rows.push_back(std::move(r.b));
            }
        } else {
            const int journal = obis[4];
            for (const SimEvent& e : model_.events(from, std::min(to, now_) + 1)) {
                const auto [j, code] = journalCode(e);
                if (j != journal) continue;
                Ax r;
                r.structure(2).octets(dateTime(e.ts, off)).u16(code);
                rows.push_back(std::move(r.b));
            }
        }
        Ax out;
        out.array(rows.size());
        for (const Bytes& r : rows) out.b.insert(out.b.end(), r.begin(), r.end());
        return out.b;
    }

    /// Selective access 1: structure{ structure{u16 8, LN 0.0.1.0.0.255, i8 2, u16 0}, from, to, array }.
    std::optional<std::pair<long long, long long>> parseRange(const std::uint8_t* p, std::size_t n) {
        if (n < 1 || p[0] != 1) return std::nullopt;
        const std::uint8_t prefix[] = {0x02, 0x04, 0x02, 0x04, 0x12, 0x00, 0x08, 0x09, 0x06, 0, 0, 1, 0, 0, 255, 0x0F, 0x02, 0x12, 0x00, 0x00};
        std::size_t i = 1;
        if (n < i + sizeof prefix || std::memcmp(p + i, prefix, sizeof prefix) != 0) return std::nullopt;
        i += sizeof prefix;
        long long t[2];
        for (int k = 0; k < 2; ++k) {
            if (n < i + 14 || (p[i] != 0x09 && p[i] != 0x19)) return std::nullopt;
            if (p[i] == 0x09) {
                if (p[i + 1] != 12) return std::nullopt;
                i += 2;
            } else {
                i += 1;
            }
            const auto v = utcOf(p + i, cfg_.utcOffsetMin);
            if (!v) return std::nullopt;
            t[k] = *v;
            i += 12;
        }
        return std::make_pair(t[0], t[1]);
    }

    const MeterModel& model_;
    const MeterConfig& cfg_;
    long long now_;
};

// ---- the application layer (shared by HDLC and the wrapper) -------------------------------------------

enum class State { Disconnected, Connected, Associated };

struct Association {
    State state = State::Disconnected;
    unsigned client = 0;
    std::size_t clientMaxPdu = 0xFFFF;
    // A GET answer in blocks.
    bool blockActive = false;
    Bytes blockData;
    std::size_t blockChunk = 0;
    std::uint32_t blockNumber = 0; // the last block sent
    std::uint8_t blockInvoke = 0;
};

Bytes aare(bool accepted, std::uint8_t diagnostic, std::uint32_t conformance, unsigned maxPdu) {
    Bytes body = {0xA1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01,
                  0xA2, 0x03, 0x02, 0x01, static_cast<std::uint8_t>(accepted ? 0 : 1),
                  0xA3, 0x05, 0xA1, 0x03, 0x02, 0x01, diagnostic,
                  0xBE, 0x10, 0x04, 0x0E, 0x08, 0x00, 0x06, 0x5F, 0x1F, 0x04, 0x00,
                  static_cast<std::uint8_t>(conformance >> 16), static_cast<std::uint8_t>(conformance >> 8),
                  static_cast<std::uint8_t>(conformance)};
    be16(body, maxPdu);
    body.push_back(0x00);
    body.push_back(0x07);
    Bytes out{0x61};
    lengthOf(out, body.size());
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

/// Handles one request APDU; returns the answer APDU (empty: no answer). `dropped` is set when the meter
/// lost the session (SessionTimeout) instead of answering.
Bytes handleApdu(Meter& meter, Association& as, const Bytes& req, bool& dropped) {
    dropped = false;
    if (req.empty()) return {};
    const MeterConfig& cfg = meter.model.config();
    if (req[0] == 0x60) { // AARQ
        std::string password;
        bool lls = false, ln = false;
        std::size_t maxPdu = 0xFFFF;
        std::uint32_t proposed = 0;
        std::size_t i = 2;
        if (req.size() < 2 || (req[1] & 0x80)) return aare(false, 1, 0, kServerMaxPdu);
        while (i + 2 <= req.size()) {
            const std::uint8_t tag = req[i];
            const std::size_t len = req[i + 1];
            if (i + 2 + len > req.size()) break;
            const std::uint8_t* v = req.data() + i + 2;
            if (tag == 0xA1 && len == 9 && v[7] == 0x01 && v[8] == 0x01) ln = true;
            if (tag == 0x8B && len == 7 && v[5] == 0x02 && v[6] == 0x01) lls = true;
            if (tag == 0xAC && len >= 2 && v[0] == 0x80 && v[1] + 2u <= len) password.assign(v + 2, v + 2 + v[1]);
            if (tag == 0xBE && len >= 16 && v[0] == 0x04 && v[2] == 0x01 && v[7] == 0x5F && v[8] == 0x1F) { // InitiateRequest
                proposed = static_cast<std::uint32_t>(v[11]) << 16 | v[12] << 8 | v[13];
                maxPdu = v[14] << 8 | v[15];
            }
            i += 2 + len;
        }
        const std::uint32_t serverConformance = 0x00181D; // block get/set, get, set, selective access, action
        const std::uint32_t negotiated = proposed & serverConformance;
        if (!ln) return aare(false, 2, negotiated, kServerMaxPdu);
        bool ok = false;
        if (as.client == 0x10) ok = true;
        else if (as.client == 0x20) ok = lls && password == cfg.password;
        if (ok && as.client == 0x20 && meter.takeBehaviourFault(Fault::WrongPassword)) ok = false;
        if (!ok) {
            as.state = State::Connected;
            return aare(false, 13, negotiated, kServerMaxPdu);
        }
        as.state = State::Associated;
        as.clientMaxPdu = std::max<std::size_t>(maxPdu, 64);
        as.blockActive = false;
        return aare(true, 0, negotiated, kServerMaxPdu);
    }
    if (req[0] == 0x62) { // RLRQ
        as.state = State::Connected;
        as.blockActive = false;
        return Bytes{0x63, 0x03, 0x80, 0x01, 0x00};
    }
    if (req[0] != 0xC0 || req.size() < 3) return Bytes{0xD8, 0x01, 0x02}; // exception: service not supported
    if (as.state == State::Associated && meter.takeBehaviourFault(Fault::SessionTimeout)) {
        as = Association{};
        dropped = true;
        return {};
    }
    const std::uint8_t invoke = req[2];
    const std::size_t limit = std::min(as.clientMaxPdu, kServerMaxPdu);
    auto sendBlock = [&](std::uint32_t number) {
        const std::size_t start = static_cast<std::size_t>(number - 1) * as.blockChunk;
        const std::size_t n = std::min(as.blockChunk, as.blockData.size() - start);
        const bool last = start + n >= as.blockData.size();
        Bytes out{0xC4, 0x02, as.blockInvoke, static_cast<std::uint8_t>(last ? 1 : 0)};
        be32(out, number);
        out.push_back(0x00);
        lengthOf(out, n);
        out.insert(out.end(), as.blockData.begin() + static_cast<long>(start), as.blockData.begin() + static_cast<long>(start + n));
        as.blockNumber = number;
        if (last) as.blockActive = false;
        return out;
    };
    if (req[1] == 0x02) { // GET-Request-Next
        if (req.size() < 7) return Bytes{0xD8, 0x01, 0x02};
        const std::uint32_t asked = static_cast<std::uint32_t>(req[3]) << 24 | req[4] << 16 | req[5] << 8 | req[6];
        if (as.blockActive && asked == as.blockNumber) return sendBlock(asked + 1);
        if (asked + 1 == as.blockNumber && !as.blockData.empty()) { // our block got lost: send it again
            as.blockActive = true;
            return sendBlock(as.blockNumber);
        }
        as.blockActive = false;
        Bytes out{0xC4, 0x02, invoke, 0x01};
        be32(out, asked);
        out.push_back(0x01);
        out.push_back(kDarLongGetAborted);
        return out;
    }
    if (req[1] != 0x01 || req.size() < 13) return Bytes{0xD8, 0x01, 0x02};
    const unsigned classId = req[3] << 8 | req[4];
    Ln obis;
    std::copy(req.begin() + 5, req.begin() + 11, obis.begin());
    const int attr = static_cast<std::int8_t>(req[11]);
    const std::uint8_t* access = nullptr;
    std::size_t accessLen = 0;
    if (req[12] == 0x01) {
        access = req.data() + 13;
        accessLen = req.size() - 13;
    }
    std::uint8_t dar = kDarOther;
    std::optional<Bytes> data;
    if (as.state != State::Associated) dar = kDarUnavailable; // as observed on SPODES meters without an association
    else data = Objects(meter, simNow()).get(classId, obis, attr, access, accessLen, as.client == 0x10, dar);
    if (!data) return Bytes{0xC4, 0x01, invoke, 0x01, dar};
    if (data->size() + 4 <= limit) {
        Bytes out{0xC4, 0x01, invoke, 0x00};
        out.insert(out.end(), data->begin(), data->end());
        return out;
    }
    as.blockActive = true;
    as.blockData = std::move(*data);
    as.blockChunk = limit - 16;
    as.blockInvoke = invoke;
    return sendBlock(1);
}

// ---- HDLC ---------------------------------------------------------------------------------------------

struct HdlcSession {
    Association app;
    unsigned vs = 0, vr = 0;
    std::size_t maxTx = 128;      // information field this meter sends
    Bytes serverAddress;          // as the client addressed us, echoed as our source address
    std::uint8_t clientAddress = 0;
    Bytes lastFrame;              // the last I-frame sent, for a repeat
    std::deque<Bytes> pending;    // segments of the current answer still to send
    Bytes request;                // segments of a request received so far
};

Bytes hdlcFrame(const Bytes& dst, const Bytes& src, std::uint8_t control, bool segmented, const Bytes& info) {
    std::size_t length = 2 + dst.size() + src.size() + 1 + 2 + (info.empty() ? 0 : 2 + info.size());
    Bytes f{0x7E, static_cast<std::uint8_t>(0xA0 | (segmented ? 0x08 : 0) | ((length >> 8) & 7)), static_cast<std::uint8_t>(length)};
    f.insert(f.end(), dst.begin(), dst.end());
    f.insert(f.end(), src.begin(), src.end());
    f.push_back(control);
    if (!info.empty()) {
        const std::uint16_t hcs = crcX25(f.data() + 1, f.size() - 1);
        f.push_back(static_cast<std::uint8_t>(hcs & 0xFF));
        f.push_back(static_cast<std::uint8_t>(hcs >> 8));
        f.insert(f.end(), info.begin(), info.end());
    }
    const std::uint16_t fcs = crcX25(f.data() + 1, f.size() - 1);
    f.push_back(static_cast<std::uint8_t>(fcs & 0xFF));
    f.push_back(static_cast<std::uint8_t>(fcs >> 8));
    f.push_back(0x7E);
    return f;
}

struct RxFrame {
    Bytes dst;             // raw address bytes
    std::uint8_t src = 0;  // client address byte
    std::uint8_t control = 0;
    bool segmented = false;
    Bytes info;
};

/// Takes the next valid frame out of `buf` (dropping garbage); nullopt when none is complete yet.
std::optional<RxFrame> takeFrame(Bytes& buf) {
    for (;;) {
        const auto flag = std::find(buf.begin(), buf.end(), 0x7E);
        buf.erase(buf.begin(), flag);
        if (buf.size() < 3) return std::nullopt;
        if ((buf[1] & 0xF0) != 0xA0) {
            buf.erase(buf.begin());
            continue;
        }
        const std::size_t length = static_cast<std::size_t>(buf[1] & 7) << 8 | buf[2];
        if (length < 7) {
            buf.erase(buf.begin());
            continue;
        }
        if (buf.size() < length + 2) return std::nullopt;
        const std::uint8_t* p = buf.data() + 1;
        bool ok = buf[length + 1] == 0x7E && crcX25(p, length - 2) == (p[length - 2] | p[length - 1] << 8);
        RxFrame f;
        std::size_t i = 2;
        while (ok && i < length - 2 && !(p[i] & 1)) f.dst.push_back(p[i++]);
        if (ok && i < length - 2) f.dst.push_back(p[i++]);
        else ok = false;
        if (ok && (f.dst.size() == 3 || f.dst.size() > 4)) ok = false;
        if (ok && i + 1 < length - 2 && (p[i] & 1)) {
            f.src = p[i++];
            f.control = p[i++];
        } else {
            ok = false;
        }
        if (ok && i < length - 2) {
            ok = i + 2 < length - 2 && crcX25(p, i) == (p[i] | p[i + 1] << 8);
            if (ok) f.info.assign(p + i + 2, p + length - 2);
        }
        if (!ok) {
            buf.erase(buf.begin());
            continue;
        }
        f.segmented = (buf[1] & 0x08) != 0;
        buf.erase(buf.begin(), buf.begin() + static_cast<long>(length + 1)); // keep the closing flag
        return f;
    }
}

class DlmsHandler : public ProtocolHandler {
public:
    explicit DlmsHandler(bool wrapper) : wrapper_(wrapper) {}

    void applyDefaults(MeterConfig& c) const override {
        if (c.model.empty()) c.model = c.phases >= 3 ? "SPODES-SIM 3P" : "SPODES-SIM 1P";
        if (c.firmware.empty()) c.firmware = "1.4.2";
        if (c.password.empty()) c.password = "12345678";
    }

    void serve(Link& link, Bus& bus) override {
        if (wrapper_) serveWrapper(link, bus);
        else serveHdlc(link, bus);
    }

private:
    // ---- HDLC bus ----

    void serveHdlc(Link& link, Bus& bus) {
        std::map<Meter*, HdlcSession> sessions;
        Bytes buf;
        for (;;) {
            std::uint8_t b = 0;
            if (!link.readByte(b, 1000)) {
                buf.clear(); // a partial frame that never completed
                continue;
            }
            buf.push_back(b);
            if (buf.size() > 8192) buf.erase(buf.begin(), buf.begin() + 4096);
            while (auto f = takeFrame(buf)) {
                Meter* meter = address(*f, bus);
                if (!meter) continue; // not for a meter of this bus: nobody answers
                HdlcSession& s = sessions[meter];
                s.serverAddress = f->dst;
                s.clientAddress = f->src;
                handleFrame(link, *meter, s, *f);
            }
        }
    }

    /// The meter a destination address names (logical device 1; by physical address on a bus).
    static Meter* address(const RxFrame& f, Bus& bus) {
        unsigned logical = 0, physical = 0;
        const Bytes& a = f.dst;
        if (a.size() == 1) {
            logical = a[0] >> 1;
            if (logical != 1 || bus.meters.size() != 1) return nullptr;
            return bus.meters.front().get();
        }
        if (a.size() == 2) {
            logical = a[0] >> 1;
            physical = a[1] >> 1;
        } else {
            logical = (a[0] >> 1) << 7 | (a[1] >> 1);
            physical = (a[2] >> 1) << 7 | (a[3] >> 1);
        }
        if (logical != 1) return nullptr;
        return bus.byAddress(physical);
    }

    void send(Link& link, Meter& meter, HdlcSession& s, std::uint8_t control, bool segmented = false, const Bytes& info = {}) {
        const Bytes frame = hdlcFrame(Bytes{s.clientAddress}, s.serverAddress, control, segmented, info);
        if ((control & 1) == 0) s.lastFrame = frame;
        link.reply(meter, frame);
    }

    void sendNextSegment(Link& link, Meter& meter, HdlcSession& s) {
        Bytes seg = std::move(s.pending.front());
        s.pending.pop_front();
        const std::uint8_t control = static_cast<std::uint8_t>((s.vr & 7) << 5 | 0x10 | (s.vs & 7) << 1);
        s.vs = (s.vs + 1) & 7;
        send(link, meter, s, control, !s.pending.empty(), seg);
    }

    void handleFrame(Link& link, Meter& meter, HdlcSession& s, const RxFrame& f) {
        const std::uint8_t c = f.control;
        const std::uint8_t rr = static_cast<std::uint8_t>((s.vr & 7) << 5 | 0x11);
        if ((c | 0x10) == 0x93) { // SNRM: connect, negotiate the information field
            std::size_t clientTx = 128, clientRx = 128;
            const Bytes& x = f.info;
            if (x.size() >= 3 && x[0] == 0x81 && x[1] == 0x80) {
                for (std::size_t i = 3; i + 2 <= x.size();) {
                    const std::uint8_t id = x[i], n = x[i + 1];
                    if (i + 2 + n > x.size() || n == 0 || n > 4) break;
                    std::size_t v = 0;
                    for (std::size_t k = 0; k < n; ++k) v = v << 8 | x[i + 2 + k];
                    if (id == 5) clientTx = v;
                    if (id == 6) clientRx = v;
                    i += 2 + n;
                }
            }
            const std::size_t tx = std::min(clientRx, kServerMaxInfo), rx = std::min(clientTx, kServerMaxInfo);
            s.app = Association{};
            s.app.state = State::Connected;
            s.app.client = s.clientAddress >> 1;
            s.vs = s.vr = 0;
            s.maxTx = tx;
            s.pending.clear();
            s.request.clear();
            s.lastFrame.clear();
            Bytes xid{0x81, 0x80, 0x14, 0x05, 0x02};
            be16(xid, static_cast<unsigned>(tx));
            xid.insert(xid.end(), {0x06, 0x02});
            be16(xid, static_cast<unsigned>(rx));
            xid.insert(xid.end(), {0x07, 0x04, 0, 0, 0, 1, 0x08, 0x04, 0, 0, 0, 1});
            send(link, meter, s, 0x73, false, xid);
            return;
        }
        if ((c | 0x10) == 0x53) { // DISC
            const bool was = s.app.state != State::Disconnected;
            s.app = Association{};
            s.pending.clear();
            send(link, meter, s, was ? 0x73 : 0x1F);
            return;
        }
        if (s.app.state == State::Disconnected) { // no session (never connected or timed out): DM
            send(link, meter, s, 0x1F);
            return;
        }
        if ((c & 0x0F) == 0x01) { // RR
            const unsigned nr = c >> 5;
            if (!s.pending.empty() && nr == s.vs) {
                sendNextSegment(link, meter, s);
            } else if (nr == ((s.vs + 7) & 7) && !s.lastFrame.empty()) {
                link.reply(meter, s.lastFrame); // the client missed our last frame
            } else {
                send(link, meter, s, rr);
            }
            return;
        }
        if ((c & 1) == 0) { // I-frame
            const unsigned ns = (c >> 1) & 7;
            if (ns != s.vr) {
                if (ns == ((s.vr + 7) & 7) && !s.lastFrame.empty() && s.request.empty()) link.reply(meter, s.lastFrame); // a repeat
                else send(link, meter, s, rr);
                return;
            }
            s.vr = (s.vr + 1) & 7;
            s.request.insert(s.request.end(), f.info.begin(), f.info.end());
            if (s.request.size() > 65536) s.request.clear();
            if (f.segmented) {
                send(link, meter, s, static_cast<std::uint8_t>((s.vr & 7) << 5 | 0x11));
                return;
            }
            Bytes req = std::move(s.request);
            s.request.clear();
            if (req.size() < 3 || req[0] != 0xE6 || req[1] != 0xE6 || req[2] != 0x00) {
                send(link, meter, s, 0x97); // FRMR
                return;
            }
            req.erase(req.begin(), req.begin() + 3);
            bool dropped = false;
            Bytes answer = handleApdu(meter, s.app, req, dropped);
            if (dropped) { // the inactivity timer expired: the meter is in disconnected mode
                s.app = Association{};
                s.pending.clear();
                s.lastFrame.clear();
                send(link, meter, s, 0x1F);
                return;
            }
            if (answer.empty()) return;
            Bytes info{0xE6, 0xE7, 0x00};
            info.insert(info.end(), answer.begin(), answer.end());
            s.pending.clear();
            for (std::size_t off = 0; off < info.size(); off += s.maxTx)
                s.pending.emplace_back(info.begin() + static_cast<long>(off), info.begin() + static_cast<long>(std::min(info.size(), off + s.maxTx)));
            sendNextSegment(link, meter, s);
            return;
        }
        send(link, meter, s, 0x97); // anything else: FRMR
    }

    // ---- wrapper ----

    void serveWrapper(Link& link, Bus& bus) {
        if (bus.meters.empty()) return;
        Meter& meter = *bus.meters.front();
        Association as;
        as.state = State::Connected;
        for (;;) {
            Bytes header;
            while (header.size() < 8) {
                std::uint8_t b = 0;
                if (!link.readByte(b, 1000)) {
                    header.clear();
                    continue;
                }
                header.push_back(b);
            }
            const unsigned version = header[0] << 8 | header[1];
            const unsigned source = header[2] << 8 | header[3];
            const unsigned destination = header[4] << 8 | header[5];
            const std::size_t length = header[6] << 8 | header[7];
            if (version != 1) return; // not the wrapper: drop the connection
            Bytes apdu;
            while (apdu.size() < length) {
                std::uint8_t b = 0;
                if (!link.readByte(b, 2000)) return;
                apdu.push_back(b);
            }
            if (destination != 1) continue; // no such logical device
            if (as.client != source) {
                as = Association{};
                as.state = State::Connected;
                as.client = source;
            }
            bool dropped = false;
            const Bytes answer = handleApdu(meter, as, apdu, dropped);
            if (dropped) return; // the inactivity timer closed the connection
            if (answer.empty()) continue;
            Bytes out;
            be16(out, 1);
            be16(out, destination);
            be16(out, source);
            be16(out, static_cast<unsigned>(answer.size()));
            out.insert(out.end(), answer.begin(), answer.end());
            link.reply(meter, out);
        }
    }

    bool wrapper_;
};

} // namespace

std::unique_ptr<ProtocolHandler> makeDlmsHandler(bool wrapper) { return std::make_unique<DlmsHandler>(wrapper); }

} // namespace kabinet::sim
