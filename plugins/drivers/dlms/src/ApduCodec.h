#pragma once
/// The xDLMS / ACSE APDUs a reading client needs (IEC 62056-5-3, logical name referencing): AARQ/AARE,
/// GET-Request/Response (normal, with data block, next), RLRQ/RLRE, and the error APDUs a server may send
/// instead. Pure functions; decoders are total (ProtocolError).
#include "AxdrCodec.h"
#include "Bytes.h"

#include <cstdint>
#include <span>
#include <string>

namespace kabinet::dlms::apdu {

constexpr std::uint8_t kAarq = 0x60, kAare = 0x61, kRlrq = 0x62, kRlre = 0x63;
constexpr std::uint8_t kGetRequest = 0xC0, kGetResponse = 0xC4;
constexpr std::uint8_t kConfirmedServiceError = 0x0E, kExceptionResponse = 0xD8;

/// Conformance bits a reader proposes: block-transfer-with-get (bit 11), get (19), selective-access (21).
constexpr std::uint32_t kConformanceBlockGet = 1u << 11;
constexpr std::uint32_t kConformanceGet = 1u << 19;
constexpr std::uint32_t kConformanceSelectiveAccess = 1u << 21;
constexpr std::uint32_t kReaderConformance = kConformanceBlockGet | kConformanceGet | kConformanceSelectiveAccess;

struct AarqParams {
    bool lowLevelSecurity = true; ///< LLS with password; false = no authentication (public client)
    std::string password;
    std::uint32_t conformance = kReaderConformance; ///< bit n = conformance bit n of the standard
    std::uint16_t maxReceivePdu = 1024;
};

/// The AARQ: LN context, [LLS mechanism and password], xDLMS InitiateRequest in user-information.
Bytes encodeAarq(const AarqParams& p);

struct Aare {
    std::uint8_t result = 0xFF;        ///< 0 accepted, 1 rejected-permanent, 2 rejected-transient
    std::uint8_t diagnosticSource = 0; ///< 1 acse-service-user, 2 acse-service-provider, 0 none
    std::uint8_t diagnostic = 0;       ///< e.g. 13 authentication-failure (user), 2 context not supported
    bool initiateResponse = false;     ///< user-information carried an InitiateResponse
    std::uint32_t conformance = 0;     ///< negotiated conformance (bit n = bit n of the standard)
    std::uint16_t maxPdu = 0;          ///< the server's max receive PDU size
    bool serviceError = false;         ///< user-information carried a ConfirmedServiceError
    std::uint8_t serviceErrorChoice = 0, serviceErrorValue = 0;
};

Aare decodeAare(std::span<const std::uint8_t> bytes);

/// Selective access parameters: `selector` (1 by range, 2 by entry) and its Data.
struct Access {
    std::uint8_t selector = 0;
    Data parameters;
};

/// GET-Request-Normal. invokeIdAndPriority e.g. 0xC1.
Bytes encodeGetRequest(std::uint8_t invokeIdAndPriority, std::uint16_t classId, const Obis& obis, std::int8_t attribute,
                       const Access* access = nullptr);
/// GET-Request-Next for the block after `blockNumber`.
Bytes encodeGetNext(std::uint8_t invokeIdAndPriority, std::uint32_t blockNumber);

/// Selective access 1 (by range) of a profile with the clock (class 8, 0.0.1.0.0.255, attribute 2) as the
/// restricting object, all columns.
Access rangeAccess(const DateTime& from, const DateTime& to);

struct GetResponse {
    enum class Kind { Normal, Block, Error };
    Kind kind = Kind::Normal;
    std::uint8_t invokeIdAndPriority = 0;
    bool success = false;         ///< Normal/Block: Data (true) or DataAccessResult (false)
    std::uint8_t accessResult = 0; ///< DataAccessResult when !success, e.g. 11 object-unavailable
    Data data;                    ///< Normal with success
    bool lastBlock = false;       ///< Block
    std::uint32_t blockNumber = 0;
    Bytes raw;                    ///< Block with success: this block's part of the encoded Data
    std::string error;            ///< Error: what the server sent instead (exception / service error)
};

/// Decodes a GET-Response (normal or with data block), or an Exception-Response / Confirmed-Service-Error
/// (Kind::Error). Throws ProtocolError for anything else.
GetResponse decodeGetResponse(std::span<const std::uint8_t> bytes);

/// RLRQ with reason normal: `62 03 80 01 00`.
Bytes encodeRlrq();
/// Accepts an RLRE; throws ProtocolError if the bytes are not one.
void decodeRlre(std::span<const std::uint8_t> bytes);

/// Text of a DataAccessResult ("object-unavailable", ...).
std::string accessResultText(std::uint8_t code);

} // namespace kabinet::dlms::apdu
