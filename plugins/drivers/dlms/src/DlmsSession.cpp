#include "DlmsSession.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <set>

namespace kabinet::dlms {

namespace {

constexpr std::size_t kMaxBlockData = 16u << 20; ///< a block-transferred value longer than this is nonsense
constexpr std::uint32_t kMaxBlocks = 100000;

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

bool isRegisterClass(std::uint16_t c)
{
    return c == spodes::kClassRegister || c == spodes::kClassExtendedRegister || c == spodes::kClassDemandRegister;
}

} // namespace

DlmsSession::DlmsSession(MeterSettings settings, DriverConfig config, sdk::Transport transport)
    : settings_(std::move(settings)), config_(config), transport_(transport)
{
    if (settings_.wrapper) {
        link_ = makeWrapperLink(transport_, static_cast<std::uint16_t>(settings_.client),
                                static_cast<std::uint16_t>(settings_.serverLogical), config_.link);
    } else {
        hdlc::Address server, client;
        try {
            server = hdlc::serverAddress(settings_.serverLogical, settings_.serverPhysical, settings_.addressSize);
            client = hdlc::clientAddress(settings_.client);
        } catch (const std::invalid_argument& e) {
            throw sdk::ConfigError(std::string("meter: ") + e.what());
        }
        link_ = makeHdlcLink(transport_, server, client, config_.link);
    }
    try {
        establish();
    } catch (...) {
        close();
        throw;
    }
}

DlmsSession::~DlmsSession() = default;

void DlmsSession::establish()
{
    associated_ = false;
    try {
        link_->connect();
    } catch (const sdk::TransportError&) {
        linkBroken_ = true;
        throw;
    }
    associate();
}

void DlmsSession::associate()
{
    apdu::AarqParams p;
    p.lowLevelSecurity = settings_.client == 32;
    p.password = settings_.password;
    p.maxReceivePdu = config_.maxPdu;
    const apdu::Aare aare = apdu::decodeAare(exchange(apdu::encodeAarq(p)));
    if (aare.result != 0) {
        const std::string detail = "AARE result " + std::to_string(aare.result) + ", diagnostic " + std::to_string(aare.diagnostic);
        if (aare.diagnosticSource == 1 && aare.diagnostic == 2)
            throw sdk::RejectedError("the meter does not support the logical-name application context (" + detail + ")");
        if (aare.diagnosticSource == 1)
            throw sdk::AuthError(std::string("the meter refused the association") +
                                 (aare.diagnostic == 13 ? " (authentication failure: wrong password)" : "") + " (" + detail +
                                 ", client " + std::to_string(settings_.client) + ")");
        throw sdk::ProtocolError("the meter's ACSE provider rejected the association (" + detail + ")");
    }
    if (aare.serviceError)
        throw sdk::ProtocolError("the meter answered the AARQ with a confirmed-service-error (" + std::to_string(aare.serviceErrorChoice) +
                                 ", " + std::to_string(aare.serviceErrorValue) + ")");
    if (!aare.initiateResponse) throw sdk::ProtocolError("the AARE carries no xDLMS InitiateResponse");
    if (!(aare.conformance & apdu::kConformanceGet)) throw sdk::ProtocolError("the meter does not offer the GET service");
    associated_ = true;
}

Bytes DlmsSession::exchange(const Bytes& apdu)
{
    try {
        return link_->request(apdu);
    } catch (const sdk::TransportError&) {
        linkBroken_ = true;
        throw;
    }
}

std::uint8_t DlmsSession::nextInvoke()
{
    invoke_ = static_cast<std::uint8_t>((invoke_ + 1) & 0x0F);
    return static_cast<std::uint8_t>(0xC0 | invoke_); // high priority, confirmed
}

DlmsSession::Value DlmsSession::get(std::uint16_t classId, const Obis& obis, std::int8_t attribute, const apdu::Access* access)
{
    for (;;) {
        try {
            return getOnce(classId, obis, attribute, access);
        } catch (const SessionLost& e) {
            if (reestablished_)
                throw sdk::ProtocolError(std::string(e.what()) + ", again after the session was re-established");
            reestablished_ = true;
            sdk::log(KB_LOG_WARN, std::string("dlms: ") + e.what() + "; re-establishing the session once");
            establish();
        }
    }
}

DlmsSession::Value DlmsSession::getOnce(std::uint16_t classId, const Obis& obis, std::int8_t attribute, const apdu::Access* access)
{
    const std::uint8_t id = nextInvoke();
    const std::string what = "GET " + std::to_string(classId) + "/" + obis.toString() + "/" + std::to_string(attribute);
    apdu::GetResponse r = apdu::decodeGetResponse(exchange(apdu::encodeGetRequest(id, classId, obis, attribute, access)));
    auto check = [&](const apdu::GetResponse& g) {
        if (g.kind == apdu::GetResponse::Kind::Error) throw sdk::ProtocolError("the meter answered " + what + " with " + g.error);
        if ((g.invokeIdAndPriority & 0x0F) != (id & 0x0F)) throw sdk::ProtocolError("the answer to " + what + " has another invoke-id");
    };
    check(r);
    Value v;
    if (r.kind == apdu::GetResponse::Kind::Normal) {
        v.ok = r.success;
        v.accessResult = r.accessResult;
        v.data = std::move(r.data);
        return v;
    }
    // GET with block transfer: collect the raw blocks, then decode the whole Data.
    Bytes raw;
    std::uint32_t blocks = 0;
    for (;;) {
        if (!r.success) {
            v.accessResult = r.accessResult;
            return v;
        }
        if (raw.size() + r.raw.size() > kMaxBlockData) throw sdk::ProtocolError(what + ": block-transferred value too long");
        raw.insert(raw.end(), r.raw.begin(), r.raw.end());
        if (r.lastBlock) break;
        if (++blocks > kMaxBlocks) throw sdk::ProtocolError(what + ": too many blocks");
        const std::uint32_t number = r.blockNumber;
        r = apdu::decodeGetResponse(exchange(apdu::encodeGetNext(id, number)));
        check(r);
        if (r.kind != apdu::GetResponse::Kind::Block) throw sdk::ProtocolError(what + ": a normal answer inside a block transfer");
        if (r.blockNumber != number + 1)
            throw sdk::ProtocolError(what + ": block " + std::to_string(r.blockNumber) + " instead of " + std::to_string(number + 1));
    }
    v.ok = true;
    v.data = decodeData(raw);
    return v;
}

std::optional<DlmsSession::ScalerUnit> DlmsSession::scalerUnit(std::uint16_t classId, const Obis& obis, std::string* reason)
{
    auto it = scalers_.find(obis);
    if (it == scalers_.end()) {
        std::pair<std::optional<ScalerUnit>, std::string> entry;
        const Value v = get(classId, obis, classId == spodes::kClassDemandRegister ? 4 : 3);
        if (!v.ok) {
            entry.second = "scaler_unit: " + v.reason();
        } else if (v.data.type != DataType::Structure || v.data.items.size() != 2 || !v.data.items[0].isInteger() ||
                   !v.data.items[1].isInteger()) {
            entry.second = "scaler_unit is not {integer, enum}";
        } else {
            const std::int64_t scaler = v.data.items[0].asInt();
            const std::int64_t unit = v.data.items[1].asInt();
            if (scaler < -128 || scaler > 127 || unit < 0 || unit > 255) entry.second = "scaler_unit out of range";
            else entry.first = ScalerUnit{static_cast<int>(scaler), static_cast<std::uint8_t>(unit)};
        }
        it = scalers_.emplace(obis, std::move(entry)).first;
    }
    if (!it->second.first && reason) *reason = it->second.second;
    return it->second.first;
}

std::optional<double> DlmsSession::registerValue(const Obis& obis, kb_quantity quantity, std::string& reason)
{
    const Value v = get(spodes::kClassRegister, obis, 2);
    if (!v.ok) {
        reason = v.reason();
        return std::nullopt;
    }
    if (!v.data.isNumber()) {
        reason = "value is not a number";
        return std::nullopt;
    }
    const auto su = scalerUnit(spodes::kClassRegister, obis, &reason);
    if (!su) return std::nullopt;
    const auto value = spodes::toQuantityUnit(quantity, spodes::applyScaler(v.data.asDouble(), su->scaler), su->unit);
    if (!value) reason = "unexpected unit " + std::to_string(su->unit);
    return value;
}

std::optional<std::int64_t> DlmsSession::utcOf(const Data& value, std::uint8_t* status) const
{
    const auto dt = dateTimeOf(value);
    if (!dt) return std::nullopt;
    if (status) *status = dt->status;
    return toUtc(*dt, settings_.utcOffsetMin, settings_.deviation);
}

DlmsSession::Listed DlmsSession::listed(std::uint16_t classId, const Obis& obis)
{
    // The object_list of the current association (0.0.40.0.0.255, IC 15 attribute 2): what a standard
    // client reads first. A meter that does not give it (or gives one that does not decode) is asked for
    // each object as before.
    if (!objectListRead_) {
        objectListRead_ = true;
        const Value v = get(spodes::kClassAssociationLn, spodes::kCurrentAssociation, 2);
        if (v.ok) {
            try {
                objectList_ = spodes::parseObjectList(v.data);
            } catch (const sdk::ProtocolError& e) {
                sdk::log(KB_LOG_WARN, std::string("dlms: ") + e.what() + "; objects are asked for one by one");
            }
        }
    }
    if (!objectList_) return Listed::Unknown;
    for (const auto& o : *objectList_)
        if (o.classId == classId && o.obis == obis) return Listed::Yes;
    return Listed::No;
}

std::optional<std::uint32_t> DlmsSession::entriesInUse(const Obis& profile)
{
    const Value v = get(spodes::kClassProfile, profile, spodes::kProfileEntriesInUse);
    if (!v.ok || !v.data.isInteger()) return std::nullopt;
    const std::int64_t n = v.data.asInt();
    if (n < 0 || n > 0xFFFFFFFFLL) return std::nullopt;
    return static_cast<std::uint32_t>(n);
}

const DlmsSession::ProfileInfo& DlmsSession::profileInfo(const Obis& profile)
{
    auto it = profiles_.find(profile);
    if (it != profiles_.end()) return it->second;
    ProfileInfo info;
    if (listed(spodes::kClassProfile, profile) == Listed::No) {
        info.reason = "not in the association's object list";
        return profiles_.emplace(profile, std::move(info)).first->second;
    }
    const Value caps = get(spodes::kClassProfile, profile, 3);
    if (!caps.ok) {
        info.reason = "capture_objects: " + caps.reason();
    } else if (caps.data.type != DataType::Array) {
        info.reason = "capture_objects is not an array";
    } else {
        info.ok = true;
        for (const Data& c : caps.data.items) {
            if (c.type != DataType::Structure || c.items.size() != 4 || !c.items[0].isInteger() || !c.items[2].isInteger()) {
                info.ok = false;
                info.reason = "capture_objects: malformed entry";
                break;
            }
            const auto ln = Obis::fromBytes(c.items[1].bytes);
            const std::int64_t cls = c.items[0].asInt(), attr = c.items[2].asInt();
            if (!ln || cls < 0 || cls > 0xFFFF || attr < -128 || attr > 127) {
                info.ok = false;
                info.reason = "capture_objects: malformed entry";
                break;
            }
            info.columns.push_back(Column{static_cast<std::uint16_t>(cls), *ln, static_cast<std::int8_t>(attr), std::nullopt});
        }
        if (info.ok) {
            const Value period = get(spodes::kClassProfile, profile, 4);
            if (period.ok && period.data.isInteger()) {
                const std::int64_t p = period.data.asInt();
                if (p > 0 && p <= 366 * 86400LL) info.period = static_cast<std::uint32_t>(p);
            }
            // The value attribute of a register is 2; of a demand register 2 (current) or 3 (last average).
            for (Column& col : info.columns)
                if (isRegisterClass(col.classId) &&
                    (col.attribute == 2 || (col.classId == spodes::kClassDemandRegister && col.attribute == 3)))
                    col.scaler = scalerUnit(col.classId, col.obis);
        }
    }
    return profiles_.emplace(profile, std::move(info)).first->second;
}

std::optional<std::vector<Data>> DlmsSession::profileRows(const Obis& profile, std::int64_t fromUtcTime, std::int64_t toUtcTime,
                                                          kb_read_item item, sdk::ReadingSink& sink)
{
    const apdu::Access access = apdu::rangeAccess(fromUtc(fromUtcTime, settings_.utcOffsetMin, settings_.deviation),
                                                  fromUtc(toUtcTime, settings_.utcOffsetMin, settings_.deviation));
    Value v = get(spodes::kClassProfile, profile, 2, &access);
    if (!v.ok) {
        sink.unavailable(item, profile.toString(), "buffer: " + v.reason());
        return std::nullopt;
    }
    if (v.data.type != DataType::Array) throw sdk::ProtocolError("the buffer of " + profile.toString() + " is not an array");
    const std::size_t columns = profileInfo(profile).columns.size();
    for (const Data& row : v.data.items)
        if (row.type != DataType::Structure || row.items.size() != columns)
            throw sdk::ProtocolError("a row of " + profile.toString() + " does not match its " + std::to_string(columns) + " capture objects");
    return std::move(v.data.items);
}

namespace {

/// The column of the clock (class 8, 0.0.1.0.0.255, attribute 2) among a profile's capture objects.
template <typename Columns>
std::optional<std::size_t> findClock(const Columns& columns)
{
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].classId == spodes::kClassClock && columns[i].obis == spodes::kClock && columns[i].attribute == 2) return i;
    return std::nullopt;
}

} // namespace

void DlmsSession::read(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
    reestablished_ = false;
    try {
        if (!associated_) establish();
        sdk::ItemSession::read(request, sink);
    } catch (const sdk::AuthError&) {
        associated_ = false;
        throw;
    } catch (const sdk::Error&) {
        // The link state is unknown now: the next read starts over with SNRM / AARQ.
        associated_ = false;
        throw;
    }
}

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

void DlmsSession::readProfile(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
    const Obis profile = spodes::kLoadProfile;
    const ProfileInfo& info = profileInfo(profile);
    if (!info.ok) {
        sink.unavailable(KB_READ_PROFILE, profile.toString(), info.reason);
        return;
    }
    const auto clock = findClock(info.columns);
    if (!clock) {
        sink.unavailable(KB_READ_PROFILE, profile.toString(), "no clock among the capture objects");
        return;
    }
    const std::uint32_t period = info.period ? info.period : 1800;
    const std::int64_t shift = settings_.profileStampIsEnd ? period : 0;
    if (request.to <= request.from) return;
    // An empty buffer (entries_in_use 0) needs no range read; a meter without the attribute is read as before.
    if (const auto entries = entriesInUse(profile); entries && *entries == 0) return;

    // The value columns: A+/A-/R+/R- as energy per interval (Wh, varh) or average power (W, var).
    struct Channel {
        std::size_t index;
        int channel;  ///< 1..4
        bool power;   ///< average power over the interval
        int scaler;
    };
    std::vector<Channel> channels;
    for (std::size_t i = 0; i < info.columns.size(); ++i) {
        const Column& c = info.columns[i];
        const int ch = c.obis.v[2];
        if (i == *clock || !isRegisterClass(c.classId) || c.obis.v[0] != 1 || ch < 1 || ch > 4) continue;
        if (!c.scaler) {
            std::string reason = "scaler_unit unavailable";
            scalerUnit(c.classId, c.obis, &reason);
            sink.unavailable(KB_READ_PROFILE, c.obis.toString(), reason);
            continue;
        }
        const std::uint8_t unit = c.scaler->unit;
        const bool active = ch <= 2;
        if (unit == (active ? spodes::kUnitWh : spodes::kUnitVarh)) channels.push_back({i, ch, false, c.scaler->scaler});
        else if (unit == (active ? spodes::kUnitW : spodes::kUnitVar)) channels.push_back({i, ch, true, c.scaler->scaler});
        else sink.unavailable(KB_READ_PROFILE, c.obis.toString(), "unexpected unit " + std::to_string(unit));
    }

    const auto rows = profileRows(profile, request.from + shift, request.to - 1 + shift, KB_READ_PROFILE, sink);
    if (!rows) return;
    std::optional<std::int64_t> previous;
    bool reportedBadClock = false;
    for (const Data& row : *rows) {
        const Data& stamp = row.items[*clock];
        std::uint8_t status = 0;
        std::optional<std::int64_t> ts;
        if (stamp.type == DataType::Null && previous) ts = *previous + period; // a compressed row: the next interval
        else ts = utcOf(stamp, &status);
        if (!ts) {
            if (!reportedBadClock) sink.unavailable(KB_READ_PROFILE, profile.toString(), "a row with an invalid clock was skipped");
            reportedBadClock = true;
            continue;
        }
        previous = ts;
        const std::int64_t start = *ts - shift;
        if (start < request.from || start >= request.to) continue;
        sdk::Interval iv;
        iv.start = start;
        iv.lengthS = period;
        if (status != 0xFF && (status & kClockStatusDoubtful)) iv.flags |= KB_INTERVAL_INCOMPLETE;
        for (const Channel& ch : channels) {
            const Data& cell = row.items[ch.index];
            if (!cell.isNumber()) continue;
            double v = spodes::applyScaler(cell.asDouble(), ch.scaler);
            if (ch.power) v = v * period / 3600.0;
            v /= 1000.0;
            switch (ch.channel) {
            case 1: iv.apKwh = v; break;
            case 2: iv.amKwh = v; break;
            case 3: iv.rpKvarh = v; break;
            default: iv.rmKvarh = v; break;
            }
        }
        sink.interval(iv);
    }
}

void DlmsSession::readBilling(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
    if (request.to <= request.from) return;
    std::set<std::int64_t> daily;
    for (const Obis& profile : {spodes::kDailyProfile, spodes::kMonthlyProfile}) {
        const bool isDaily = profile == spodes::kDailyProfile;
        const ProfileInfo& info = profileInfo(profile);
        if (!info.ok) {
            sink.unavailable(KB_READ_BILLING, profile.toString(), info.reason);
            continue;
        }
        const auto clock = findClock(info.columns);
        if (!clock) {
            sink.unavailable(KB_READ_BILLING, profile.toString(), "no clock among the capture objects");
            continue;
        }
        struct Register {
            std::size_t index;
            kb_quantity quantity;
            std::uint32_t tariff;
            ScalerUnit scaler;
        };
        std::vector<Register> registers;
        for (std::size_t i = 0; i < info.columns.size(); ++i) {
            const Column& c = info.columns[i];
            const int ch = c.obis.v[2], tariff = c.obis.v[4];
            if (!isRegisterClass(c.classId) || c.attribute != 2 || c.obis.v[0] != 1 || ch < 1 || ch > 4 || c.obis.v[3] != 8 || tariff > 4)
                continue;
            if (!c.scaler) {
                std::string reason = "scaler_unit unavailable";
                scalerUnit(c.classId, c.obis, &reason);
                sink.unavailable(KB_READ_BILLING, c.obis.toString(), reason);
                continue;
            }
            registers.push_back({i, spodes::energyQuantity(static_cast<std::uint8_t>(ch)), static_cast<std::uint32_t>(tariff), *c.scaler});
        }
        const auto rows = profileRows(profile, request.from, request.to - 1, KB_READ_BILLING, sink);
        if (!rows) continue;
        for (const Data& row : *rows) {
            const auto ts = utcOf(row.items[*clock]);
            if (!ts || *ts < request.from || *ts >= request.to) continue;
            if (isDaily) daily.insert(*ts);
            else if (daily.count(*ts)) continue; // the day's snapshot already gave these registers
            for (const Register& r : registers) {
                const Data& cell = row.items[r.index];
                if (!cell.isNumber()) continue;
                const auto v = spodes::toQuantityUnit(r.quantity, spodes::applyScaler(cell.asDouble(), r.scaler.scaler), r.scaler.unit);
                if (v) sink.value(r.quantity, r.tariff, 0, *v, *ts);
            }
        }
    }
}

void DlmsSession::readEvents(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
    if (request.to <= request.from) return;
    for (const std::uint8_t n : spodes::eventJournals()) {
        const Obis journal = spodes::journal(n);
        const ProfileInfo& info = profileInfo(journal);
        if (!info.ok) {
            sink.unavailable(KB_READ_EVENTS, journal.toString(), info.reason);
            continue;
        }
        const auto clock = findClock(info.columns);
        std::optional<std::size_t> code;
        for (std::size_t i = 0; i < info.columns.size() && !code; ++i)
            if (info.columns[i].obis == spodes::journalEventCode(n) && info.columns[i].attribute == 2) code = i;
        for (std::size_t i = 0; i < info.columns.size() && !code; ++i)
            if (info.columns[i].classId == spodes::kClassData && i != clock) code = i;
        if (!clock || !code) {
            sink.unavailable(KB_READ_EVENTS, journal.toString(), "no clock or event code among the capture objects");
            continue;
        }
        const auto rows = profileRows(journal, request.from, request.to - 1, KB_READ_EVENTS, sink);
        if (!rows) continue;
        for (const Data& row : *rows) {
            const auto ts = utcOf(row.items[*clock]);
            const Data& cell = row.items[*code];
            if (!ts || *ts < request.from || *ts >= request.to || !cell.isInteger()) continue;
            const std::int64_t value = cell.asInt();
            const spodes::EventMeaning meaning = spodes::eventMeaning(n, value);
            sdk::Event e;
            e.timestamp = *ts;
            e.eventClass = meaning.eventClass;
            e.phase = meaning.phase;
            e.journal = journal.toString();
            e.code = value >= INT32_MIN && value <= INT32_MAX ? static_cast<std::int32_t>(value) : -1;
            sink.event(e);
        }
    }
}

void DlmsSession::close() noexcept
{
    if (!link_ || linkBroken_) return;
    link_->setRetries(0);
    if (associated_) {
        associated_ = false;
        try {
            apdu::decodeRlre(link_->request(apdu::encodeRlrq()));
        } catch (...) {
        }
    }
    link_->disconnect();
}

} // namespace kabinet::dlms
