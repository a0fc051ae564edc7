// The Mercury 230/234 side of the simulator: a bus of meters speaking Incotex's protocol, each answering
// only its own address (0 reaches a single meter on the bus, FE is a broadcast without answer).
//
// An independent implementation of the meter's side: its own CRC, BCD and calendar code, nothing shared
// with the driver. What it keeps per meter: the channel (open, access level, idle time), the energy
// registers and arrays, the 30-minute power profile in a ring of 4096 records of 16 bytes (record i of the
// profile, counted from MeterModel::profileStart, lives at byte address (i mod 4096) * 16, its values
// are pulse counts at 2·A pulses per kWh with A = 1000 imp/kWh), and the journals of power, phase, case
// and magnetic-field events, ten records each. The firmware setting picks the generation: from 7.1.0 on
// (the default 9.1.0) the address word of 08 13 counts 16-byte units, below it is the byte address itself.
// The Malformed fault answers a request of the planned object well framed but one data byte short.
#include "Simulator.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <vector>

namespace kabinet::sim {

namespace {

using Frame = std::vector<std::uint8_t>;

constexpr unsigned kPulsesPerKwh = 1000;    // meter constant A (variant code 4)
constexpr unsigned kVariantConstantCode = 4;
constexpr long long kRingRecords = 4096;     // memory 3 of 65.5 KB
constexpr unsigned kPeriodMin = 30;
constexpr long long kPeriodS = kPeriodMin * 60;
constexpr long long kIdleCloseS = 240;       // the meter closes an idle channel after 240 s
constexpr const char* kAdminPassword = "222222";

// ---- bytes --------------------------------------------------------------------------------------------

std::uint16_t modbusCrc(const std::uint8_t* p, std::size_t n) {
    std::uint16_t crc = 0xFFFF;
    for (std::size_t i = 0; i < n; ++i) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : static_cast<std::uint16_t>(crc >> 1);
    }
    return crc;
}

bool frameChecks(const Frame& f) {
    if (f.size() < 4) return false;
    const std::uint16_t crc = modbusCrc(f.data(), f.size() - 2);
    return f[f.size() - 2] == (crc & 0xFF) && f[f.size() - 1] == (crc >> 8);
}

Frame seal(std::uint8_t address, const Frame& data) {
    Frame f(data.size() + 3);
    f[0] = address;
    for (std::size_t i = 0; i < data.size(); ++i) f[1 + i] = data[i];
    const std::uint16_t crc = modbusCrc(f.data(), data.size() + 1);
    f[data.size() + 1] = static_cast<std::uint8_t>(crc & 0xFF);
    f[data.size() + 2] = static_cast<std::uint8_t>(crc >> 8);
    return f;
}

std::uint8_t bcd(unsigned v) { return static_cast<std::uint8_t>(((v / 10 % 10) << 4) | (v % 10)); }

// ---- calendar (meter-local time as seconds; struct tm through the C library) ---------------------------

std::tm civil(long long localSeconds) {
    const std::time_t t = static_cast<std::time_t>(localSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}

long long seconds(int year, int month, int day) { // local seconds of year-month-day 00:00 (month may overflow)
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    return static_cast<long long>(timegm(&tm));
}

/// Six BCD bytes ss mm hh DD MM YY of a meter-local moment.
void putMoment(Frame& out, long long localSeconds) {
    const std::tm tm = civil(localSeconds);
    out.push_back(bcd(unsigned(tm.tm_sec)));
    out.push_back(bcd(unsigned(tm.tm_min)));
    out.push_back(bcd(unsigned(tm.tm_hour)));
    out.push_back(bcd(unsigned(tm.tm_mday)));
    out.push_back(bcd(unsigned(tm.tm_mon + 1)));
    out.push_back(bcd(unsigned(tm.tm_year % 100)));
}

// ---- values -------------------------------------------------------------------------------------------

/// An energy register as the meter sends it: value v goes as (v >> 16), (v >> 24), v, (v >> 8).
void putEnergy(Frame& out, long long wh) {
    const std::uint32_t v = wh < 0 ? 0u : (wh > 0xFFFFFFFELL ? 0xFFFFFFFEu : static_cast<std::uint32_t>(wh));
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    out.push_back(static_cast<std::uint8_t>(v >> 24));
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}

/// A 3-byte instantaneous value: magnitude in units of the resolution, direction bits 7 (active) and 6
/// (reactive) of the first byte.
void putValue(Frame& out, double value, double resolution, bool activeBack = false, bool reactiveBack = false) {
    long long n = std::llround(std::fabs(value) / resolution);
    if (n > 0x3FFFFF) n = 0x3FFFFF;
    out.push_back(static_cast<std::uint8_t>(((n >> 16) & 0x3F) | (activeBack ? 0x80 : 0) | (reactiveBack ? 0x40 : 0)));
    out.push_back(static_cast<std::uint8_t>(n & 0xFF));
    out.push_back(static_cast<std::uint8_t>((n >> 8) & 0xFF));
}

// ---- per-meter channel state ------------------------------------------------------------------------

struct ChannelState {
    std::mutex mutex;
    bool open = false;
    unsigned level = 0;
    std::chrono::steady_clock::time_point lastRequest{};
};

std::mutex stateCreation;

ChannelState& channelOf(Meter& meter) {
    std::lock_guard lock(stateCreation);
    if (!meter.state) meter.state = std::make_shared<ChannelState>();
    return *static_cast<ChannelState*>(meter.state.get());
}

/// The password bytes a non-D meter expects: each digit's value.
bool passwordMatches(const std::string& expected, const std::uint8_t* given) {
    if (expected.size() != 6) return false;
    for (std::size_t i = 0; i < 6; ++i) {
        const char c = expected[i];
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (v < 0 || given[i] != v) return false;
    }
    return true;
}

// ---- one meter answering one request --------------------------------------------------------------

class Answerer {
public:
    Answerer(Meter& meter, long long now) : model_(meter.model), cfg_(meter.model.config()), now_(now) {
        offsetS_ = cfg_.utcOffsetMin * 60LL;
        meterNow_ = model_.clock(now);
        drift_ = meterNow_ - now;
        local_ = meterNow_ + offsetS_;
    }

    /// Data of an answer, or nullopt-like empty with status set.
    bool answer(const Frame& req, Frame& data, std::uint8_t& status) {
        switch (req[1]) {
        case 0x04: return time(req, data, status);
        case 0x05: return energy(req, data, status);
        case 0x06: return memory(req, data, status);
        case 0x08: return parameter(req, data, status);
        default: status = 1; return false;
        }
    }

private:
    // The true moment at which the meter's clock showed meter-local seconds `local`.
    long long trueOf(long long local) const { return local - offsetS_ - drift_; }
    long long wh(Channel ch, unsigned tariff, long long t) const { return model_.energyWh(ch, tariff, t); }

    bool time(const Frame& req, Frame& data, std::uint8_t& status) {
        if (req.size() == 5 && req[2] == 0x00) { // clock
            const std::tm tm = civil(local_);
            data = {bcd(unsigned(tm.tm_sec)), bcd(unsigned(tm.tm_min)), bcd(unsigned(tm.tm_hour)), bcd(unsigned(tm.tm_wday)),
                    bcd(unsigned(tm.tm_mday)), bcd(unsigned(tm.tm_mon + 1)), bcd(unsigned(tm.tm_year % 100)), 0x01 /* winter */};
            return true;
        }
        if (req.size() != 6 || req[3] > 9) { status = 1; return false; }
        return journal(req[2], req[3], data, status);
    }

    struct Pair { long long start = 0, end = -1; };

    bool journal(std::uint8_t number, unsigned record, Frame& data, std::uint8_t& status) {
        int startKind = 0, endKind = 0;
        unsigned phase = 0;
        bool endFirst = false; // power and phase journals keep the switch-on time first
        switch (number) {
        case 0x01: startKind = EvPowerOff; endKind = EvPowerOn; endFirst = true; break;
        case 0x03: case 0x04: case 0x05:
            startKind = EvPhaseOff; endKind = EvPhaseOn; phase = number - 0x02u; endFirst = true; break;
        case 0x12: startKind = EvCoverOpen; endKind = EvCoverClose; break;
        case 0x1A: startKind = EvMagneticField; break;
        default: status = 1; return false;
        }
        std::vector<Pair> pairs;
        for (const SimEvent& e : model_.events(now_ - 400 * 86400LL, now_ + 1)) {
            if (e.phase != phase) continue;
            if (e.kind == startKind) {
                Pair p;
                p.start = e.ts;
                if (number == 0x1A && e.ts + 60 <= now_) p.end = e.ts + 60; // the field lasted a minute
                pairs.push_back(p);
            } else if (endKind != 0 && e.kind == endKind && !pairs.empty() && pairs.back().end < 0) {
                pairs.back().end = e.ts;
            }
        }
        // The last ten records, oldest first.
        const std::size_t skip = pairs.size() > 10 ? pairs.size() - 10 : 0;
        data.clear();
        const std::size_t at = skip + record;
        auto moment = [&](long long ts) {
            if (ts < 0) data.insert(data.end(), 6, 0x00);
            else putMoment(data, ts + offsetS_ + drift_);
        };
        if (at >= pairs.size()) {
            data.assign(12, 0x00);
            return true;
        }
        const Pair& p = pairs[at];
        if (endFirst) { moment(p.end); moment(p.start); }
        else { moment(p.start); moment(p.end); }
        return true;
    }

    bool energy(const Frame& req, Frame& data, std::uint8_t& status) {
        if (req.size() != 6 || req[3] > 4) { status = 1; return false; }
        const unsigned array = req[2] >> 4, month = req[2] & 0x0F, tariff = req[3];
        const std::tm tm = civil(local_);
        const int year = tm.tm_year + 1900, mon = tm.tm_mon + 1;
        const long long yearStart = trueOf(seconds(year, 1, 1)), prevYearStart = trueOf(seconds(year - 1, 1, 1));
        const long long monthStart = trueOf(seconds(year, mon, 1));
        const long long todayStart = trueOf(seconds(year, mon, tm.tm_mday)), yesterdayStart = todayStart - 86400;
        data.clear();
        for (Channel ch : {Channel::AP, Channel::AM, Channel::RP, Channel::RM}) {
            auto at = [&](long long t) { return wh(ch, tariff, t); };
            long long v = 0;
            switch (array) {
            case 0x0: v = at(now_); break;
            case 0x1: v = at(now_) - at(yearStart); break;
            case 0x2: v = at(yearStart) - at(prevYearStart); break;
            case 0x3: {
                if (month < 1 || month > 12) { status = 1; return false; }
                if (int(month) == mon) { v = at(now_) - at(monthStart); break; }
                const int y = int(month) < mon ? year : year - 1;
                v = at(trueOf(seconds(y, int(month) + 1, 1))) - at(trueOf(seconds(y, int(month), 1)));
                break;
            }
            case 0x4: v = at(now_) - at(todayStart); break;
            case 0x5: v = at(todayStart) - at(yesterdayStart); break;
            case 0x9: v = at(yearStart); break;
            case 0xA: v = at(prevYearStart); break;
            case 0xB: v = at(monthStart); break;
            case 0xC: v = at(todayStart); break;
            case 0xD: v = at(yesterdayStart); break;
            default: status = 1; return false;
            }
            putEnergy(data, v);
        }
        return true;
    }

    // ---- power profile

    long long lastRecord() const { // index of the last complete record, -1 when none
        const long long start = model_.profileStart();
        if (now_ < start + kPeriodS) return -1;
        return (now_ - start) / kPeriodS - 1;
    }

    std::uint8_t recordStatus(long long index) const {
        const long long start = model_.profileStart() + index * kPeriodS;
        std::uint8_t s = 0x08; // winter time
        for (const SimEvent& e : model_.events(start, start + kPeriodS))
            if (e.kind == EvPowerOff || e.kind == EvPowerOn) s |= 0x02; // incomplete: the meter was off
        return s;
    }

    void putRecordTime(Frame& out, long long index) const {
        const std::tm tm = civil(model_.profileStart() + index * kPeriodS + offsetS_);
        out.push_back(bcd(unsigned(tm.tm_hour)));
        out.push_back(bcd(unsigned(tm.tm_min)));
        out.push_back(bcd(unsigned(tm.tm_mday)));
        out.push_back(bcd(unsigned(tm.tm_mon + 1)));
        out.push_back(bcd(unsigned(tm.tm_year % 100)));
    }

    bool memory(const Frame& req, Frame& data, std::uint8_t& status) {
        if (req.size() != 8 || (req[2] & 0x0F) != 3 || (req[2] & 0x70) != 0 || req[5] != 0x0F) { status = 1; return false; }
        const long long byteAddress = ((req[2] & 0x80) ? 0x10000LL : 0) | (static_cast<long long>(req[3]) << 8) | req[4];
        if (byteAddress % 16 != 0 || byteAddress / 16 >= kRingRecords) { status = 1; return false; }
        const long long slot = byteAddress / 16, last = lastRecord();
        long long index = -1;
        if (last >= 0) index = last - ((last % kRingRecords) - slot + kRingRecords) % kRingRecords;
        if (index < 0) {
            data.assign(15, 0xFF); // never written
            return true;
        }
        data.clear();
        data.push_back(recordStatus(index));
        putRecordTime(data, index);
        data.push_back(static_cast<std::uint8_t>(kPeriodMin));
        const long long start = model_.profileStart() + index * kPeriodS;
        for (Channel ch : {Channel::AP, Channel::AM, Channel::RP, Channel::RM}) {
            long long n = std::llround(double(model_.intervalWh(ch, start, kPeriodS)) * 2.0 * kPulsesPerKwh / 1000.0);
            if (n < 0) n = 0;
            if (n > 0xFFFE) n = 0xFFFE;
            data.push_back(static_cast<std::uint8_t>(n & 0xFF));
            data.push_back(static_cast<std::uint8_t>(n >> 8));
        }
        return true;
    }

    // ---- parameters

    bool parameter(const Frame& req, Frame& data, std::uint8_t& status) {
        const std::uint8_t param = req[2];
        if (req.size() == 5) {
            switch (param) {
            case 0x00: return serial(data);
            case 0x03: return firmware(data);
            case 0x12: return variant(data);
            case 0x13: return lastRecordParameters(data);
            default: status = 1; return false;
            }
        }
        if (req.size() == 6 && param == 0x16) return instant(req[3], data, status);
        status = 1;
        return false;
    }

    bool serial(Frame& data) const {
        std::string digits;
        for (char c : cfg_.serial)
            if (c >= '0' && c <= '9') digits += c;
        if (digits.size() > 8) digits = digits.substr(digits.size() - 8);
        digits.insert(0, 8 - digits.size(), '0');
        data.clear();
        for (int i = 0; i < 4; ++i) data.push_back(static_cast<std::uint8_t>((digits[2 * i] - '0') * 10 + (digits[2 * i + 1] - '0')));
        int y = 0, m = 0, d = 0;
        if (std::sscanf(cfg_.manufacturedOn.c_str(), "%d-%d-%d", &y, &m, &d) != 3) y = m = d = 0;
        data.push_back(static_cast<std::uint8_t>(d));
        data.push_back(static_cast<std::uint8_t>(m));
        data.push_back(static_cast<std::uint8_t>(y % 100));
        return true;
    }

    bool firmware(Frame& data) const {
        unsigned a = 0, b = 0, c = 0;
        if (std::sscanf(cfg_.firmware.c_str(), "%u.%u.%u", &a, &b, &c) != 3) a = b = c = 0;
        data = {static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), static_cast<std::uint8_t>(c)};
        return true;
    }

    bool variant(Frame& data) const {
        // 1: class 1.0 / 2.0, 230 V, 5 A. 2: two directions, -40 °C, profile kept, phases, constant code.
        // 3: internal tariff programme, A+R. 4: memory 3 of 65.5 KB, RS485, optical port. 5, 6: options.
        const std::uint8_t second = static_cast<std::uint8_t>(0x40 | 0x20 | (cfg_.phases >= 3 ? 0x00 : 0x10) | kVariantConstantCode);
        data = {0xB4, second, 0xC2, 0x17, 0xDF, 0x00};
        return true;
    }

    /// The address word of 08 13: the record's slot (16-byte units) from firmware 7.1.0 on, its byte
    /// address on the older generation.
    bool addressInUnits() const {
        unsigned a = 0, b = 0, c = 0;
        if (std::sscanf(cfg_.firmware.c_str(), "%u.%u.%u", &a, &b, &c) != 3) return true;
        return a != 7 ? a > 7 : (b != 1 ? b > 1 : true);
    }

    bool lastRecordParameters(Frame& data) const {
        const long long last = lastRecord();
        data.clear();
        if (last < 0) {
            data = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, static_cast<std::uint8_t>(kPeriodMin)};
            return true;
        }
        const long long slot = last % kRingRecords;
        const long long word = addressInUnits() ? slot : slot * 16;
        data.push_back(static_cast<std::uint8_t>(word >> 8));
        data.push_back(static_cast<std::uint8_t>(word & 0xFF));
        data.push_back(static_cast<std::uint8_t>(recordStatus(last) | (last >= kRingRecords ? 0x01 : 0x00)));
        putRecordTime(data, last);
        data.push_back(static_cast<std::uint8_t>(kPeriodMin));
        return true;
    }

    bool instant(std::uint8_t bwri, Frame& data, std::uint8_t& status) const {
        const Instant v = model_.instant(now_);
        data.clear();
        switch (bwri >> 4) {
        case 0x0: {
            const unsigned kind = (bwri >> 2) & 0x03;
            if (kind > 2) { status = 1; return false; }
            const double* values = kind == 0 ? v.p : (kind == 1 ? v.q : v.s);
            for (int i = 0; i < 4; ++i) putValue(data, values[i], 1e-5, v.p[i] < 0, v.q[i] < 0); // kW in 0.01 W
            return true;
        }
        case 0x1:
            for (int i = 0; i < 3; ++i) putValue(data, v.u[i], 0.01);
            return true;
        case 0x2:
            for (int i = 0; i < 3; ++i) putValue(data, v.i[i], 0.001);
            return true;
        case 0x3:
            for (int i = 0; i < 4; ++i) putValue(data, v.pf[i], 0.001, v.p[i] < 0, v.q[i] < 0);
            return true;
        case 0x4:
            putValue(data, v.f, 0.01);
            return true;
        case 0x5: // U1-U2, U1-U3, U2-U3: the model's L1-L2, L3-L1, L2-L3
            putValue(data, v.angle[0], 0.01);
            putValue(data, v.angle[2], 0.01);
            putValue(data, v.angle[1], 0.01);
            return true;
        default:
            status = 1;
            return false;
        }
    }

    const MeterModel& model_;
    const MeterConfig& cfg_;
    long long now_ = 0, meterNow_ = 0, drift_ = 0, offsetS_ = 0, local_ = 0;
};

// ---- the handler ------------------------------------------------------------------------------------

class MercuryHandler : public ProtocolHandler {
public:
    void applyDefaults(MeterConfig& config) const override {
        if (config.model.empty()) config.model = "Mercury 230";
        if (config.firmware.empty()) config.firmware = "9.1.0";
        if (config.password.empty()) config.password = "111111";
    }

    void serve(Link& link, Bus& bus) override {
        for (;;) {
            const Frame req = readRequest(link);
            if (req.empty() || !frameChecks(req)) continue; // a meter ignores a frame whose CRC fails
            const std::uint8_t address = req[0];
            if (address == 0xFE || address > 0xF0) continue; // broadcast (no answer) or reserved
            Meter* meter = nullptr;
            if (address == 0) meter = bus.meters.size() == 1 ? bus.meters.front().get() : nullptr;
            else meter = bus.byAddress(address);
            if (!meter) continue;
            handle(link, *meter, address, req);
        }
    }

private:
    /// One request: bytes until the frame checks out and nothing follows at once (the real meter waits for
    /// a pause on the line; over TCP a request arrives in one piece).
    static Frame readRequest(Link& link) {
        Frame f;
        std::uint8_t b = 0;
        if (!link.readByte(b, 500)) return f;
        f.push_back(b);
        for (;;) {
            const bool checks = f.size() >= 4 && frameChecks(f);
            if (!link.readByte(b, checks ? 2 : 50)) return f;
            f.push_back(b);
            if (f.size() > 64) return f;
        }
    }

    /// The request without address and CRC as the driver names it: "04 00", "06 03 00 10 0F".
    static std::string objectName(const Frame& req) {
        std::string out;
        char buf[4];
        for (std::size_t i = 1; i + 2 < req.size(); ++i) {
            std::snprintf(buf, sizeof buf, "%02X", req[i]);
            if (!out.empty()) out += ' ';
            out += buf;
        }
        return out;
    }

    static void status(Link& link, Meter& meter, std::uint8_t address, std::uint8_t code) {
        const Frame f = seal(address, {code});
        link.reply(meter, f);
    }

    static void handle(Link& link, Meter& meter, std::uint8_t address, const Frame& req) {
        ChannelState& ch = channelOf(meter);
        const std::uint8_t code = req[1];
        const auto nowSteady = std::chrono::steady_clock::now();
        {
            std::lock_guard lock(ch.mutex);
            if (ch.open && nowSteady - ch.lastRequest > std::chrono::seconds(kIdleCloseS)) ch.open = false;
        }
        if (code == 0x00) { // test of the link: always answered
            if (req.size() != 4) return;
            status(link, meter, address, 0);
            return;
        }
        if (code == 0x01) { // open the channel
            if (req.size() != 11) return;
            const unsigned level = req[2];
            bool ok = (level == 1 && passwordMatches(meter.model.config().password, &req[3])) ||
                      (level == 2 && passwordMatches(kAdminPassword, &req[3]));
            // The password is checked whenever one is presented; a due fault refuses it like a wrong one.
            if (meter.takeBehaviourFault(Fault::WrongPassword)) ok = false;
            {
                std::lock_guard lock(ch.mutex);
                ch.open = ok;
                ch.level = ok ? level : 0;
                ch.lastRequest = nowSteady;
            }
            // A refused password is answered with status 1 ("invalid command or parameter").
            status(link, meter, address, ok ? 0 : 1);
            return;
        }
        if (code == 0x02) { // close
            if (req.size() != 4) return;
            {
                std::lock_guard lock(ch.mutex);
                ch.open = false;
            }
            status(link, meter, address, 0);
            return;
        }
        const bool needsChannel = !(code == 0x08 && req.size() == 5 && req[2] == 0x00); // the serial needs none
        if (needsChannel) {
            bool open = false;
            {
                std::lock_guard lock(ch.mutex);
                open = ch.open;
            }
            if (open && meter.takeBehaviourFault(Fault::SessionTimeout)) { // the channel timed out just now
                std::lock_guard lock(ch.mutex);
                ch.open = false;
                open = false;
            }
            if (!open) {
                status(link, meter, address, 5);
                return;
            }
            std::lock_guard lock(ch.mutex);
            ch.lastRequest = nowSteady;
        }
        Answerer answerer(meter, simNow());
        Frame data;
        std::uint8_t st = 0;
        if (answerer.answer(req, data, st)) {
            // A malformed answer: well framed (the CRC checks out), one data byte short.
            if (!data.empty() && meter.takeObjectFault(Fault::Malformed, objectName(req))) data.pop_back();
            link.reply(meter, seal(address, data));
        } else {
            status(link, meter, address, st);
        }
    }
};

} // namespace

std::unique_ptr<ProtocolHandler> makeMercuryHandler() { return std::make_unique<MercuryHandler>(); }

} // namespace kabinet::sim
