// The session's link and association: connect, AARQ/AARE, re-establishing a lost session once per
// read, GET with block transfer, release.
#include "DlmsSession.h"

namespace kabinet::dlms {

namespace {

constexpr std::size_t kMaxBlockData = 16u << 20; ///< a block-transferred value longer than this is nonsense
constexpr std::uint32_t kMaxBlocks = 100000;

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
