// The "iec" protocol: Energomera CE meters (CE303-like) speaking IEC 62056-21 mode C on a bus.
//
// Written apart from the driver (its own framing, checksums and formats), so that a shared mistake does
// not hide. What the simulated meter does:
//  - Address: a meter answers the sign-on "/?<address>!\r\n" when <address> equals the digits of its
//    MeterConfig.serial; an empty address is answered only when the bus has exactly one meter.
//  - Sign-on -> "/EKT5<model>v<firmware>\r\n"; "<ACK>0z1\r\n" -> "<SOH>P0<STX>(operand)<ETX><BCC>";
//    "<SOH>P1<STX>(password)<ETX><BCC>" -> <ACK> and programming mode, or "<SOH>B0<ETX><BCC>" and idle
//    when the password is wrong (or a WrongPassword fault is due), as the manufacturer documents.
//  - Checksum ("auto" port protocol): the meter accepts a frame whose BCC is either the 7-bit sum or the
//    XOR and answers with the kind of the last frame of this connection that fitted only one of them (the
//    sum until then, so a client using XOR first sees a prompt it rejects, breaks with XOR and signs on
//    again). A frame that fits neither gets <NAK>.
//  - In programming mode "<SOH>R1<STX>NAME(params)<ETX><BCC>" is answered "<STX>NAME(v)\r\nNAME(v)...
//    <ETX><BCC>" (the name on every line, as CE301 meters do); "<STX>(ERR12)<ETX><BCC>" for functions it
//    does not know, "NAME(ERR18)" for dates it has no record of. "<SOH>B0<ETX><BCC>" ends the session.
//  - Idle meters ignore everything but a sign-on. A session also ends after 60 s of silence, or at once
//    when a SessionTimeout fault is due (the request is then ignored, like every R1 until a new sign-on).
//  - Functions: SNUMB, DATE_ ("ww.dd.mm.yy", 0 = Sunday), TIME_, ET0PE, ECMPE, ECDPE (total, T1..T5),
//    EAMPE(mm.yy) and EADPE(dd.mm.yy) (energy in the month / day), ENMPE(mm.yy) (register at the end of
//    the month), VOLTA, CURRE, POWEP (total kW), POWPP (kW per phase), COS_f (L1..L3, total), FREQU,
//    VPI01(dd.mm.yy) (48 half-hours of A+ kWh with a status byte: 01 = record, 05 = power failed in it,
//    00 = empty) and the journals LOE01/04/08/28/29/30 (newest first, depth 20/20/20/4/4/12).
//    Energies print whole Wh (three decimals of kWh), so the driver's values are exact.
#include "Simulator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kabinet::sim {

namespace {

constexpr std::uint8_t kSoh = 0x01, kStx = 0x02, kEtx = 0x03, kAck = 0x06, kNak = 0x15;
constexpr long long kDaySec = 86400;
constexpr int kSessionIdleMs = 60000;

// ---- calendar (own implementation) ---------------------------------------------------------------

long long daysFromCivil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

struct Ymd {
    int y;
    unsigned m, d;
};

Ymd civilFromDays(long long z) {
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(yoe + era * 400 + (m <= 2)), m, d};
}

long long floorDiv(long long a, long long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

unsigned daysInMonth(int y, unsigned m) {
    return static_cast<unsigned>(daysFromCivil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - daysFromCivil(y, m, 1));
}

// ---- frames ----------------------------------------------------------------------------------------

std::uint8_t sum7(const std::vector<std::uint8_t>& b, std::size_t from, std::size_t to) {
    unsigned s = 0;
    for (std::size_t i = from; i < to; ++i) s += b[i];
    return static_cast<std::uint8_t>(s & 0x7F);
}

std::uint8_t xorAll(const std::vector<std::uint8_t>& b, std::size_t from, std::size_t to) {
    std::uint8_t s = 0;
    for (std::size_t i = from; i < to; ++i) s ^= b[i];
    return s;
}

std::string fmtWh(long long wh) {
    char buf[32];
    const char* sign = wh < 0 ? "-" : "";
    const long long a = wh < 0 ? -wh : wh;
    std::snprintf(buf, sizeof buf, "%s%lld.%03lld", sign, a / 1000, a % 1000);
    return buf;
}

std::string fmt(double v, int decimals) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string two(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02u", v % 100);
    return buf;
}

std::optional<unsigned> number(const std::string& s) {
    if (s.empty() || s.size() > 4) return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + unsigned(c - '0');
    }
    return v;
}

std::vector<std::string> splitOn(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    out.push_back(cur);
    return out;
}

std::string addressOf(const MeterConfig& c) {
    std::string digits;
    for (char ch : c.serial)
        if (ch >= '0' && ch <= '9') digits.push_back(ch);
    return digits;
}

// ---- the meter's answers ---------------------------------------------------------------------------

/// What a meter shows at one moment (the true time `now`), in its own local time.
class View {
public:
    View(const MeterModel& model, long long now) : m_(model), now_(now) {
        const auto& c = m_.config();
        off_ = c.utcOffsetMin * 60LL;
        drift_ = c.clockDriftS;
        local_ = now + drift_ + off_;
        today_ = floorDiv(local_, kDaySec);
    }

    /// True (UTC) moment at which the meter's clock shows local midnight of day `dayNo`.
    long long dayStartTrue(long long dayNo) const { return dayNo * kDaySec - off_ - drift_; }
    long long monthStartTrue(int y, unsigned m) const { return dayStartTrue(daysFromCivil(y, m, 1)); }

    long long wh(unsigned tariff, long long trueT) const { return m_.energyWh(Channel::AP, tariff, trueT); }

    std::vector<std::string> registers(long long trueT) const {
        return {fmtWh(wh(0, trueT)), fmtWh(wh(1, trueT)), fmtWh(wh(2, trueT)), fmtWh(wh(3, trueT)), fmtWh(wh(4, trueT)), "0.000"};
    }
    std::vector<std::string> consumption(long long a, long long b) const {
        std::vector<std::string> out;
        for (unsigned t = 0; t <= 4; ++t) out.push_back(fmtWh(wh(t, b) - wh(t, a)));
        out.push_back("0.000");
        return out;
    }

    long long now() const { return now_; }
    long long local() const { return local_; }
    long long today() const { return today_; }
    long long drift() const { return drift_; }
    long long off() const { return off_; }
    const MeterModel& model() const { return m_; }

private:
    const MeterModel& m_;
    long long now_, off_ = 0, drift_ = 0, local_ = 0, today_ = 0;
};

struct Answer {
    std::vector<std::string> values; ///< answered as NAME(value) lines
    int error = -1;                  ///< >= 0: NAME(ERRnn)
    bool unknown = false;            ///< (ERR12) without a name
};

std::optional<long long> dayOf(const std::string& p) { // dd.mm.yy -> day number
    const auto f = splitOn(p, '.');
    if (f.size() != 3) return std::nullopt;
    const auto d = number(f[0]), m = number(f[1]), y = number(f[2]);
    if (!d || !m || !y || *m < 1 || *m > 12 || *d < 1 || *d > daysInMonth(2000 + int(*y), *m)) return std::nullopt;
    return daysFromCivil(2000 + int(*y), *m, *d);
}

std::optional<std::pair<int, unsigned>> monthOf(const std::string& p) { // mm.yy
    const auto f = splitOn(p, '.');
    if (f.size() != 2) return std::nullopt;
    const auto m = number(f[0]), y = number(f[1]);
    if (!m || !y || *m < 1 || *m > 12) return std::nullopt;
    return std::pair{2000 + int(*y), *m};
}

/// The journals: number -> (depth, record of an event kind, or nothing).
struct JournalDef {
    unsigned depth;
};
const std::map<unsigned, JournalDef> kJournals = {{1, {20}}, {4, {20}}, {8, {20}}, {28, {4}}, {29, {4}}, {30, {12}}};

std::optional<std::pair<unsigned, unsigned>> journalRecord(const SimEvent& e, unsigned phaseState[4]) {
    switch (e.kind) {
    case EvPowerOff: return std::pair{4u, 1u};
    case EvPowerOn: return std::pair{4u, 0u};
    case EvPhaseOff:
    case EvPhaseOn: {
        if (e.phase < 1 || e.phase > 3) return std::nullopt;
        phaseState[e.phase] = e.kind == EvPhaseOff ? 3u : 0u;
        unsigned info = 0;
        for (unsigned p = 1; p <= 3; ++p) info |= phaseState[p] << (2 * (p - 1));
        return std::pair{8u, info};
    }
    case EvTerminalCoverOpen: return std::pair{28u, 2u};
    case EvTerminalCoverClose: return std::pair{28u, 1u};
    case EvCoverOpen: return std::pair{29u, 2u};
    case EvCoverClose: return std::pair{29u, 1u};
    case EvMagneticField: return std::pair{30u, 1u};
    case EvFirmwareIntegrity: return std::pair{1u, 1u};
    default: return std::nullopt;
    }
}

Answer journal(const View& v, unsigned journalNo, const std::string& params) {
    const auto def = kJournals.find(journalNo);
    if (def == kJournals.end()) return {{}, -1, true};
    struct Rec {
        long long ts;
        unsigned info;
    };
    std::vector<Rec> recs;
    unsigned phaseState[4] = {0, 0, 0, 0};
    const MeterConfig& c = v.model().config();
    for (const SimEvent& e : v.model().events(c.installedAt, v.now() + 1)) {
        auto r = journalRecord(e, phaseState);
        if (r && r->first == journalNo) recs.push_back({e.ts + v.drift(), r->second});
    }
    // Newest first, numbered from the first record ever; only the last `depth` are kept.
    unsigned k = 1, n = def->second.depth;
    if (!params.empty()) {
        const auto f = splitOn(params, ',');
        const auto a = number(f[0]);
        const auto b = f.size() > 1 ? number(f[1]) : std::optional<unsigned>(1u);
        if (f.size() > 2 || !a || !b || *a == 0) return {{}, 13, false};
        k = *a;
        n = *b;
    }
    Answer out;
    const std::size_t total = recs.size();
    const std::size_t kept = std::min<std::size_t>(total, def->second.depth);
    for (std::size_t i = k - 1; i < kept && out.values.size() < n; ++i) {
        const std::size_t idx = total - 1 - i;
        const long long local = recs[idx].ts + v.off();
        const long long day = floorDiv(local, kDaySec);
        const long long sod = local - day * kDaySec;
        const Ymd ymd = civilFromDays(day);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%zu,%02u.%02u.%02u,%02lld:%02lld:%02lld,%02X", idx + 1, ymd.d, ymd.m,
                      unsigned(ymd.y % 100), sod / 3600, sod % 3600 / 60, sod % 60, recs[idx].info);
        out.values.push_back(buf);
    }
    if (out.values.empty()) out.values.push_back("0,00.00.00,00:00:00,00");
    return out;
}

Answer profileDay(const View& v, const std::string& params) {
    const auto day = dayOf(params);
    if (!day) return {{}, 17, false};
    const MeterModel& m = v.model();
    const long long start = v.dayStartTrue(*day);
    if (*day > v.today() || *day < v.today() - 63) return {{}, 18, false};
    if (start + kDaySec <= m.profileStart()) return {{}, 18, false};
    // Power failures overlapping a half hour mark it (status bit 2).
    std::vector<std::pair<long long, long long>> outages;
    long long offAt = -1;
    for (const SimEvent& e : m.events(start - 2 * kDaySec, start + 2 * kDaySec)) {
        if (e.kind == EvPowerOff) offAt = e.ts;
        if (e.kind == EvPowerOn && offAt >= 0) {
            outages.push_back({offAt, e.ts});
            offAt = -1;
        }
    }
    Answer out;
    for (int k = 0; k < 48; ++k) {
        const long long a = start + k * 1800LL, b = a + 1800;
        std::string entry;
        if (a >= m.profileStart() && b <= v.now()) {
            unsigned status = 0x01;
            for (const auto& [from, to] : outages)
                if (from < b && to >= a) status |= 0x04;
            entry = fmtWh(v.wh(0, b) - v.wh(0, a)) + "," + two(status);
        } else {
            entry = "0.000,00";
        }
        if (k == 0) {
            const Ymd ymd = civilFromDays(*day);
            entry = two(ymd.d) + "." + two(ymd.m) + "." + two(unsigned(ymd.y % 100)) + "," + entry;
        }
        out.values.push_back(entry);
    }
    return out;
}

Answer answer(const View& v, const std::string& name, const std::string& params) {
    const MeterModel& m = v.model();
    const MeterConfig& c = m.config();
    const bool three = c.phases >= 3;
    const Instant in = m.instant(v.now());
    const long long today = v.today();
    const Ymd t = civilFromDays(today);
    auto noParams = [&](Answer a) { return params.empty() ? a : Answer{{}, 13, false}; };

    if (name == "SNUMB") return noParams({{c.serial}});
    if (name == "DATE_") {
        const unsigned wd = static_cast<unsigned>(((today % 7) + 11) % 7); // 0 = Sunday
        return noParams({{two(wd) + "." + two(t.d) + "." + two(t.m) + "." + two(unsigned(t.y % 100))}});
    }
    if (name == "TIME_") {
        const long long sod = v.local() - today * kDaySec;
        return noParams({{two(unsigned(sod / 3600)) + ":" + two(unsigned(sod % 3600 / 60)) + ":" + two(unsigned(sod % 60))}});
    }
    if (name == "ET0PE") return noParams({v.registers(v.now())});
    if (name == "ECDPE") return noParams({v.consumption(v.dayStartTrue(today), v.now())});
    if (name == "ECMPE") return noParams({v.consumption(v.monthStartTrue(t.y, t.m), v.now())});
    if (name == "EADPE") {
        const auto day = dayOf(params);
        if (!day) return {{}, 17, false};
        const long long a = v.dayStartTrue(*day), b = v.dayStartTrue(*day + 1);
        if (*day > today || *day < today - 127 || b <= c.installedAt) return {{}, 18, false};
        return {v.consumption(a, std::min(b, v.now()))};
    }
    if (name == "EAMPE" || name == "ENMPE") {
        const auto ym = monthOf(params);
        if (!ym) return {{}, 17, false};
        const auto [y, mo] = *ym;
        const long long a = v.monthStartTrue(y, mo);
        const long long b = v.monthStartTrue(mo == 12 ? y + 1 : y, mo == 12 ? 1 : mo + 1);
        const long long age = (t.y - y) * 12LL + (long long)t.m - mo;
        if (age < 0 || age > 39 || b <= c.installedAt) return {{}, 18, false};
        if (name == "EAMPE") return {v.consumption(a, std::min(b, v.now()))};
        if (b > v.now()) return {{}, 18, false}; // the month has not ended: nothing fixed yet
        return {v.registers(b)};
    }
    if (name == "VOLTA" || name == "CURRE") {
        Answer a;
        for (int p = 0; p < (three ? 3 : 1); ++p)
            a.values.push_back(name == "VOLTA" ? fmt(in.u[p], 2) : fmt(in.i[p], 3));
        return noParams(a);
    }
    if (name == "POWEP") return noParams({{fmt(in.p[0], 4)}});
    if (name == "POWPP") {
        Answer a;
        for (int p = 1; p <= (three ? 3 : 1); ++p) a.values.push_back(fmt(in.p[p], 4));
        return noParams(a);
    }
    if (name == "COS_f") {
        Answer a;
        for (int p = 1; p <= 3; ++p) a.values.push_back(fmt(in.pf[p], 3));
        a.values.push_back(fmt(in.pf[0], 3));
        return noParams(a);
    }
    if (name == "FREQU") return noParams({{fmt(in.f, 2)}});
    if (name == "VPI01") return profileDay(v, params);
    if (name.size() == 5 && name.compare(0, 3, "LOE") == 0) {
        const auto n = number(name.substr(3));
        if (n) return journal(v, *n, params);
    }
    return {{}, -1, true};
}

// ---- the dialogue ----------------------------------------------------------------------------------

enum class State { Idle, Identified, Password, Programming };

class IecHandler : public ProtocolHandler {
public:
    void applyDefaults(MeterConfig& c) const override {
        if (c.model.empty()) c.model = "CE303";
        if (c.firmware.empty()) c.firmware = "12";
        if (c.password.empty()) c.password = "777777";
    }

    void serve(Link& link, Bus& bus) override {
        Dialogue d{link, bus};
        d.run();
    }

private:
    struct Dialogue {
        Link& link;
        Bus& bus;
        State state = State::Idle;
        Meter* meter = nullptr;
        bool xorMode = false;
        unsigned operand = 0x3A7F;

        /// One byte of the 7E1 line: the meter sees 7 data bits (a parity bit a gateway passes through is
        /// not data).
        bool get(std::uint8_t& b, int timeoutMs) {
            if (!link.readByte(b, timeoutMs)) return false;
            b &= 0x7F;
            return true;
        }

        void run() {
            std::uint8_t b = 0;
            for (;;) {
                if (!get(b, state == State::Idle ? 1000 : kSessionIdleMs)) {
                    if (state != State::Idle) state = State::Idle; // the session timed out
                    continue;
                }
                if (b == '/') signOn();
                else if (b == kAck) optionSelect();
                else if (b == kSoh) command();
                // anything else is noise on the line
            }
        }

        /// Reads up to and including `last` (at most max bytes); empty on a timeout.
        std::vector<std::uint8_t> readUntil(std::uint8_t last, std::size_t max) {
            std::vector<std::uint8_t> out;
            std::uint8_t b = 0;
            while (out.size() < max && get(b, 1500)) {
                out.push_back(b);
                if (b == last) return out;
            }
            return {};
        }

        void signOn() {
            const auto rest = readUntil('\n', 64); // "?address!\r\n"
            state = State::Idle;
            meter = nullptr;
            if (rest.size() < 4 || rest[0] != '?' || rest[rest.size() - 2] != '\r' || rest[rest.size() - 3] != '!') return;
            const std::string address(rest.begin() + 1, rest.end() - 3);
            if (address.empty()) {
                if (bus.meters.size() == 1) meter = bus.meters.front().get();
            } else {
                for (auto& m : bus.meters)
                    if (addressOf(m->model.config()) == address) meter = m.get();
            }
            if (!meter) return; // nobody answers
            const MeterConfig& c = meter->model.config();
            const std::string line = "/EKT5" + c.model + "v" + c.firmware + "\r\n";
            state = State::Identified;
            link.reply(*meter, std::vector<std::uint8_t>(line.begin(), line.end()));
        }

        void optionSelect() {
            const auto rest = readUntil('\n', 8); // "0z1\r\n"
            if (state != State::Identified || !meter) return;
            if (rest.size() != 5 || rest[0] != '0' || rest[3] != '\r') return;
            if (rest[2] != '1') { // only programming mode is offered
                state = State::Idle;
                return;
            }
            char buf[16];
            std::snprintf(buf, sizeof buf, "(%08X)", operand++);
            state = State::Password;
            sendCommand("P0", buf, true, xorMode);
        }

        void sendCommand(const std::string& cmd, const std::string& data, bool withData, bool useXor) {
            std::vector<std::uint8_t> f{kSoh};
            f.insert(f.end(), cmd.begin(), cmd.end());
            if (withData) {
                f.push_back(kStx);
                f.insert(f.end(), data.begin(), data.end());
            }
            f.push_back(kEtx);
            f.push_back(useXor ? xorAll(f, 1, f.size()) : sum7(f, 1, f.size()));
            link.reply(*meter, f);
        }

        void sendData(const std::string& name, const Answer& a) {
            std::vector<std::uint8_t> f{kStx};
            auto put = [&](const std::string& s) { f.insert(f.end(), s.begin(), s.end()); };
            if (a.unknown) {
                put("(ERR12)");
            } else if (a.error >= 0) {
                put(name + "(ERR" + two(unsigned(a.error)) + ")\r\n");
            } else {
                for (const auto& v : a.values) put(name + "(" + v + ")\r\n");
            }
            f.push_back(kEtx);
            f.push_back(xorMode ? xorAll(f, 1, f.size()) : sum7(f, 1, f.size()));
            link.reply(*meter, f);
        }

        void command() {
            // SOH ... ETX BCC
            std::vector<std::uint8_t> f{kSoh};
            const auto rest = readUntil(kEtx, 256);
            if (rest.empty()) return;
            f.insert(f.end(), rest.begin(), rest.end());
            std::uint8_t bcc = 0;
            if (!get(bcc, 1500)) return;
            if (state == State::Idle || !meter) return; // an idle meter ignores it
            const bool sumOk = sum7(f, 1, f.size()) == bcc, xorOk = xorAll(f, 1, f.size()) == bcc;
            if (!sumOk && !xorOk) {
                link.reply(*meter, std::vector<std::uint8_t>{kNak});
                return;
            }
            if (sumOk != xorOk) xorMode = xorOk; // the port follows the checksum its client uses
            // Split "cmd STX data ETX".
            const auto stx = std::find(f.begin(), f.end(), kStx);
            const std::string cmd(f.begin() + 1, stx == f.end() ? f.end() - 1 : stx);
            const std::string data = stx == f.end() ? std::string() : std::string(stx + 1, f.end() - 1);

            if (cmd == "B0") {
                state = State::Idle;
                return;
            }
            if (state == State::Password) {
                if (cmd != "P1") return;
                const MeterConfig& c = meter->model.config();
                const bool refused = meter->takeBehaviourFault(Fault::WrongPassword) || data != "(" + c.password + ")";
                if (refused) {
                    sendCommand("B0", "", false, xorMode);
                    state = State::Idle;
                    return;
                }
                state = State::Programming;
                link.reply(*meter, std::vector<std::uint8_t>{kAck});
                return;
            }
            if (state != State::Programming) return;
            if (cmd != "R1") {
                sendData("", Answer{{}, -1, true});
                return;
            }
            if (meter->takeBehaviourFault(Fault::SessionTimeout)) {
                state = State::Idle; // the meter's session has timed out: it ignores this and what follows
                return;
            }
            const auto open = data.find('(');
            if (open == std::string::npos || data.empty() || data.back() != ')') {
                sendData("", Answer{{}, 13, false});
                return;
            }
            const std::string name = data.substr(0, open);
            const std::string params = data.substr(open + 1, data.size() - open - 2);
            const View view(meter->model, simNow());
            sendData(name, answer(view, name, params));
        }
    };
};

} // namespace

std::unique_ptr<ProtocolHandler> makeIecHandler() { return std::make_unique<IecHandler>(); }

} // namespace kabinet::sim
