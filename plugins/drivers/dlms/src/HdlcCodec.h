#pragma once
/// HDLC frames of IEC 62056-46 (frame format type 3): flags, format field with segmentation bit and
/// length, addresses of 1/2/4 bytes, control field, HCS, information field, FCS (CRC-16/X-25).
/// Pure functions: no I/O, no clocks.
#include "Bytes.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace kabinet::dlms::hdlc {

constexpr std::uint8_t kFlag = 0x7E;

/// Control field values (P/F bit set) of the unnumbered frames.
constexpr std::uint8_t kSnrm = 0x93;
constexpr std::uint8_t kUa = 0x73;
constexpr std::uint8_t kDisc = 0x53;
constexpr std::uint8_t kDm = 0x1F;
constexpr std::uint8_t kFrmr = 0x97;
constexpr std::uint8_t kPollFinal = 0x10;

/// LLC headers in front of an APDU in the first I-frame of a message.
constexpr std::uint8_t kLlcRequest[3] = {0xE6, 0xE6, 0x00};
constexpr std::uint8_t kLlcReply[3] = {0xE6, 0xE7, 0x00};

/// Largest frame length the 11-bit length field can carry.
constexpr std::size_t kMaxFrameLength = 0x7FF;

/// CRC-16/X-25 (reflected poly 0x1021, init 0xFFFF, xorout 0xFFFF); "123456789" gives 0x906E.
std::uint16_t crc16(std::span<const std::uint8_t> data) noexcept;

/// An HDLC address: the upper (logical device / client SAP) and lower (physical) parts. size is the
/// number of bytes on the wire: 1 (upper only), 2 (7 + 7 bits) or 4 (14 + 14 bits).
struct Address {
    std::uint16_t upper = 0;
    std::uint16_t lower = 0;
    std::uint8_t size = 1;
    bool operator==(const Address&) const = default;
};

/// A server address of `size` bytes; throws std::invalid_argument when a part does not fit.
Address serverAddress(unsigned logical, unsigned physical, unsigned size);
/// A one-byte client address (SAP); throws std::invalid_argument above 0x7F.
Address clientAddress(unsigned sap);
/// The address bytes (each carries 7 bits, the last has LSB 1).
Bytes encodeAddress(const Address& address);
std::string describe(const Address& address);

struct Frame {
    Address dst, src;
    std::uint8_t control = 0;
    bool segmented = false; ///< the format field's S bit: more segments of this message follow
    Bytes info;             ///< the information field (empty: no HCS is sent)
};

/// The frame with flags, format, HCS/FCS. Throws std::invalid_argument when it exceeds kMaxFrameLength.
Bytes encodeFrame(const Frame& frame);

enum class DecodeStatus { Incomplete, Ok, Invalid };

struct DecodeResult {
    DecodeStatus status = DecodeStatus::Incomplete;
    /// Bytes the caller may drop: the frame without its closing flag (Ok, which may be the next frame's
    /// opening flag), or the bytes to skip to resynchronise (Invalid). 0 when Incomplete.
    std::size_t consumed = 0;
    Frame frame;
    std::string error;
};

/// Decodes the frame at the start of `bytes` (leading garbage up to the first flag is Invalid). Total:
/// never reads out of bounds, never throws for any input.
DecodeResult decodeFrame(std::span<const std::uint8_t> bytes);
/// Decodes exactly one frame spanning all of `bytes`; throws ProtocolError otherwise.
Frame parseFrame(std::span<const std::uint8_t> bytes);

// Control field helpers (modulo-8 sequence numbers, P/F bit set).
constexpr std::uint8_t iControl(unsigned ns, unsigned nr) noexcept
{
    return static_cast<std::uint8_t>(((nr & 7u) << 5) | kPollFinal | ((ns & 7u) << 1));
}
constexpr std::uint8_t rrControl(unsigned nr) noexcept
{
    return static_cast<std::uint8_t>(((nr & 7u) << 5) | kPollFinal | 0x01);
}
constexpr bool isIFrame(std::uint8_t c) noexcept { return (c & 0x01) == 0; }
constexpr bool isRr(std::uint8_t c) noexcept { return (c & 0x0F) == 0x01; }
constexpr bool isRnr(std::uint8_t c) noexcept { return (c & 0x0F) == 0x05; }
constexpr bool isUnnumbered(std::uint8_t c, std::uint8_t kind) noexcept
{
    return (c | kPollFinal) == kind;
}
constexpr unsigned sendSeq(std::uint8_t c) noexcept { return (c >> 1) & 7u; }
constexpr unsigned recvSeq(std::uint8_t c) noexcept { return (c >> 5) & 7u; }

/// HDLC link parameters negotiated by SNRM/UA (the XID information field).
struct LinkParams {
    std::uint32_t maxInfoTx = 128; ///< longest information field the sender of the XID transmits
    std::uint32_t maxInfoRx = 128; ///< longest information field the sender of the XID receives
    std::uint32_t windowTx = 1;
    std::uint32_t windowRx = 1;
};

/// `81 80 len 05 L tx 06 L rx 07 04 wtx 08 04 wrx`.
Bytes encodeXid(const LinkParams& params);
/// Parses an XID field; parameters not present keep the defaults. Empty input gives the defaults.
/// Throws ProtocolError on malformed input.
LinkParams decodeXid(std::span<const std::uint8_t> info);

} // namespace kabinet::dlms::hdlc
