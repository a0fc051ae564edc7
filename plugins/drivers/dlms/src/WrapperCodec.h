#pragma once
/// The IEC 62056-47 TCP/UDP wrapper: an 8-byte header (version 1, source wPort, destination wPort, length
/// of the APDU, all big-endian u16) followed by the APDU. Pure functions.
#include "Bytes.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace kabinet::dlms::wrapper {

constexpr std::uint16_t kVersion = 1;
constexpr std::size_t kHeaderSize = 8;

struct Header {
    std::uint16_t version = kVersion;
    std::uint16_t source = 0;      ///< wPort of the sender (client SAP or server logical device)
    std::uint16_t destination = 0; ///< wPort of the receiver
    std::uint16_t length = 0;      ///< APDU bytes that follow
};

Bytes encode(std::uint16_t source, std::uint16_t destination, std::span<const std::uint8_t> apdu);

enum class DecodeStatus { Incomplete, Ok, Invalid };

struct DecodeResult {
    DecodeStatus status = DecodeStatus::Incomplete;
    std::size_t consumed = 0; ///< Ok: header + APDU
    Header header;
    Bytes apdu;
    std::string error;
};

/// Decodes one message at the start of `bytes`; Invalid when the version is not 1 or the length is 0.
/// Total for any input.
DecodeResult decode(std::span<const std::uint8_t> bytes);
/// Decodes just a header (exactly 8 bytes); Invalid as above.
DecodeResult decodeHeader(std::span<const std::uint8_t> bytes);

} // namespace kabinet::dlms::wrapper
