#include "ApduCodec.h"

#include <stdexcept>

namespace kabinet::dlms::apdu {

namespace {

// Object identifiers below the joint-iso-ccitt(2) country(16) country-name(756) identified-organization(5)
// DLMS-UA(8) arc, BER-encoded: 60 85 74 05 08.
constexpr std::uint8_t kContextLn[] = {0x06, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01};
constexpr std::uint8_t kMechanismLls[] = {0x60, 0x85, 0x74, 0x05, 0x08, 0x02, 0x01};

void putConformance(Bytes& out, std::uint32_t bits)
{
    std::uint8_t c[3] = {0, 0, 0};
    for (unsigned n = 0; n < 24; ++n)
        if (bits & (1u << n)) c[n / 8] |= static_cast<std::uint8_t>(0x80u >> (n % 8));
    out.insert(out.end(), c, c + 3);
}

std::uint32_t readConformance(std::span<const std::uint8_t> c)
{
    std::uint32_t bits = 0;
    for (unsigned n = 0; n < 24; ++n)
        if (c[n / 8] & (0x80u >> (n % 8))) bits |= 1u << n;
    return bits;
}

/// BER length (short form, or long form with 1..2 bytes).
std::size_t berLength(Reader& r)
{
    const std::uint8_t first = r.u8();
    std::size_t n = first;
    if (first == 0x81) n = r.u8();
    else if (first == 0x82) n = r.u16();
    else if (first >= 0x80) r.fail("unsupported BER length");
    if (n > r.remaining()) r.fail("BER length exceeds the data");
    return n;
}

/// `02 01 v` (an INTEGER of one byte) inside a context tag.
std::uint8_t smallInteger(std::span<const std::uint8_t> v, const char* what)
{
    Reader r(v, what);
    if (r.u8() != 0x02) r.fail("expected INTEGER");
    const std::size_t n = berLength(r);
    if (n != 1) r.fail("INTEGER of unexpected size");
    const std::uint8_t value = r.u8();
    if (!r.atEnd()) r.fail("bytes after INTEGER");
    return value;
}

void parseUserInformation(std::span<const std::uint8_t> v, Aare& out)
{
    Reader r(v, "AARE user-information");
    if (r.u8() != 0x04) r.fail("expected OCTET STRING");
    Reader p(r.take(berLength(r)), "AARE user-information");
    if (!r.atEnd()) r.fail("bytes after the OCTET STRING");
    const std::uint8_t tag = p.u8();
    if (tag == 0x08) {
        // InitiateResponse: [QoS], DLMS version, conformance, max PDU, VAA name.
        if (p.u8() != 0) p.u8();
        const std::uint8_t version = p.u8();
        if (version < 6) p.fail("DLMS version " + std::to_string(version) + " below 6");
        if (p.u8() != 0x5F || p.u8() != 0x1F) p.fail("expected the conformance tag 5F 1F");
        if (p.u8() != 0x04) p.fail("conformance of unexpected length");
        p.u8(); // unused bits
        out.conformance = readConformance(p.take(3));
        out.maxPdu = p.u16();
        p.u16(); // VAA name (0x0007 for LN)
        out.initiateResponse = true;
    } else if (tag == kConfirmedServiceError) {
        out.serviceError = true;
        out.serviceErrorChoice = p.u8();
        if (!p.atEnd()) p.u8(); // the service-error CHOICE tag
        if (!p.atEnd()) out.serviceErrorValue = p.u8();
    } else {
        p.fail("unexpected xDLMS APDU " + std::to_string(tag));
    }
}

} // namespace

Bytes encodeAarq(const AarqParams& p)
{
    if (p.password.size() > 64) throw std::invalid_argument("AARQ: password longer than 64 bytes");
    Bytes body;
    body.push_back(0xA1);
    body.push_back(sizeof kContextLn);
    body.insert(body.end(), std::begin(kContextLn), std::end(kContextLn));
    if (p.lowLevelSecurity) {
        // sender-acse-requirements: authentication
        body.insert(body.end(), {0x8A, 0x02, 0x07, 0x80});
        body.push_back(0x8B);
        body.push_back(sizeof kMechanismLls);
        body.insert(body.end(), std::begin(kMechanismLls), std::end(kMechanismLls));
        body.push_back(0xAC);
        body.push_back(static_cast<std::uint8_t>(2 + p.password.size()));
        body.push_back(0x80);
        body.push_back(static_cast<std::uint8_t>(p.password.size()));
        body.insert(body.end(), p.password.begin(), p.password.end());
    }
    // user-information: xDLMS InitiateRequest (no dedicated key, response allowed, no QoS, version 6).
    Bytes initiate{0x01, 0x00, 0x00, 0x00, 0x06, 0x5F, 0x1F, 0x04, 0x00};
    putConformance(initiate, p.conformance);
    putU16(initiate, p.maxReceivePdu);
    body.push_back(0xBE);
    body.push_back(static_cast<std::uint8_t>(initiate.size() + 2));
    body.push_back(0x04);
    body.push_back(static_cast<std::uint8_t>(initiate.size()));
    body.insert(body.end(), initiate.begin(), initiate.end());
    Bytes out{kAarq};
    putAxdrLength(out, body.size()); // a BER length: identical below 0x80, and the body stays short
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

Aare decodeAare(std::span<const std::uint8_t> bytes)
{
    Reader r(bytes, "AARE");
    if (r.u8() != kAare) r.fail("not an AARE");
    Reader body(r.take(berLength(r)), "AARE");
    if (!r.atEnd()) r.fail("bytes after the AARE");
    Aare out;
    bool haveResult = false;
    while (!body.atEnd()) {
        const std::uint8_t tag = body.u8();
        const auto value = body.take(berLength(body));
        switch (tag) {
        case 0xA2:
            out.result = smallInteger(value, "AARE result");
            haveResult = true;
            break;
        case 0xA3: {
            Reader d(value, "AARE diagnostic");
            const std::uint8_t source = d.u8();
            if (source != 0xA1 && source != 0xA2) d.fail("unknown diagnostic source");
            out.diagnosticSource = source == 0xA1 ? 1 : 2;
            out.diagnostic = smallInteger(d.take(berLength(d)), "AARE diagnostic");
            if (!d.atEnd()) d.fail("bytes after the diagnostic");
            break;
        }
        case 0xBE:
            parseUserInformation(value, out);
            break;
        default:
            break; // application context, responder titles, mechanism name, ...: not needed
        }
    }
    if (!haveResult) body.fail("no result component");
    return out;
}

Bytes encodeGetRequest(std::uint8_t invoke, std::uint16_t classId, const Obis& obis, std::int8_t attribute, const Access* access)
{
    Bytes out{kGetRequest, 0x01, invoke};
    putU16(out, classId);
    out.insert(out.end(), obis.v.begin(), obis.v.end());
    out.push_back(static_cast<std::uint8_t>(attribute));
    if (access) {
        out.push_back(0x01);
        out.push_back(access->selector);
        encodeData(access->parameters, out);
    } else {
        out.push_back(0x00);
    }
    return out;
}

Bytes encodeGetNext(std::uint8_t invoke, std::uint32_t blockNumber)
{
    Bytes out{kGetRequest, 0x02, invoke};
    putU32(out, blockNumber);
    return out;
}

Access rangeAccess(const DateTime& from, const DateTime& to)
{
    static constexpr std::uint8_t clockLn[] = {0, 0, 1, 0, 0, 255};
    Access a;
    a.selector = 1;
    a.parameters = Data::structure({
        Data::structure({Data::u16(8), Data::octets(clockLn), Data::i8(2), Data::u16(0)}),
        Data::octets(encodeDateTime(from)),
        Data::octets(encodeDateTime(to)),
        Data::array({}),
    });
    return a;
}

GetResponse decodeGetResponse(std::span<const std::uint8_t> bytes)
{
    Reader r(bytes, "GET-Response");
    GetResponse g;
    const std::uint8_t tag = r.u8();
    if (tag == kExceptionResponse) {
        const std::uint8_t state = r.u8();
        const std::uint8_t service = r.u8();
        g.kind = GetResponse::Kind::Error;
        g.error = "exception-response (state-error " + std::to_string(state) + ", service-error " + std::to_string(service) + ")";
        return g;
    }
    if (tag == kConfirmedServiceError) {
        const std::uint8_t choice = r.u8();
        const std::uint8_t service = r.u8();
        const std::uint8_t value = r.u8();
        g.kind = GetResponse::Kind::Error;
        g.error = "confirmed-service-error (" + std::to_string(choice) + ", " + std::to_string(service) + ", " +
                  std::to_string(value) + ")";
        return g;
    }
    if (tag != kGetResponse) r.fail("unexpected APDU tag " + std::to_string(tag));
    const std::uint8_t type = r.u8();
    g.invokeIdAndPriority = r.u8();
    if (type == 0x01) {
        g.kind = GetResponse::Kind::Normal;
        const std::uint8_t choice = r.u8();
        if (choice == 0x00) {
            g.success = true;
            g.data = decodeData(r, 0);
        } else if (choice == 0x01) {
            g.accessResult = r.u8();
        } else {
            r.fail("bad Get-Data-Result choice");
        }
    } else if (type == 0x02) {
        g.kind = GetResponse::Kind::Block;
        const std::uint8_t last = r.u8();
        if (last > 1) r.fail("bad last-block flag");
        g.lastBlock = last == 1;
        g.blockNumber = r.u32();
        const std::uint8_t choice = r.u8();
        if (choice == 0x00) {
            g.success = true;
            const auto raw = r.take(r.axdrLength());
            g.raw.assign(raw.begin(), raw.end());
        } else if (choice == 0x01) {
            g.accessResult = r.u8();
        } else {
            r.fail("bad DataBlock-G result choice");
        }
    } else {
        r.fail("unsupported GET-Response type " + std::to_string(type));
    }
    if (!r.atEnd()) r.fail("bytes after the response");
    return g;
}

Bytes encodeRlrq()
{
    return Bytes{kRlrq, 0x03, 0x80, 0x01, 0x00};
}

void decodeRlre(std::span<const std::uint8_t> bytes)
{
    Reader r(bytes, "RLRE");
    if (r.u8() != kRlre) r.fail("not an RLRE");
    r.take(berLength(r));
    if (!r.atEnd()) r.fail("bytes after the RLRE");
}

std::string accessResultText(std::uint8_t code)
{
    switch (code) {
    case 0: return "success";
    case 1: return "hardware-fault";
    case 2: return "temporary-failure";
    case 3: return "read-write-denied";
    case 4: return "object-undefined";
    case 9: return "object-class-inconsistent";
    case 11: return "object-unavailable";
    case 12: return "type-unmatched";
    case 13: return "scope-of-access-violated";
    case 14: return "data-block-unavailable";
    case 15: return "long-get-aborted";
    case 16: return "no-long-get-in-progress";
    case 250: return "other-reason";
    default: return "data-access-result " + std::to_string(code);
    }
}

} // namespace kabinet::dlms::apdu
