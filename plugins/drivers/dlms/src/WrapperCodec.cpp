#include "WrapperCodec.h"

#include <stdexcept>

namespace kabinet::dlms::wrapper {

Bytes encode(std::uint16_t source, std::uint16_t destination, std::span<const std::uint8_t> apdu)
{
    if (apdu.size() > 0xFFFF) throw std::invalid_argument("wrapper: APDU too long");
    Bytes out;
    out.reserve(kHeaderSize + apdu.size());
    putU16(out, kVersion);
    putU16(out, source);
    putU16(out, destination);
    putU16(out, static_cast<std::uint16_t>(apdu.size()));
    out.insert(out.end(), apdu.begin(), apdu.end());
    return out;
}

DecodeResult decodeHeader(std::span<const std::uint8_t> bytes)
{
    DecodeResult r;
    if (bytes.size() < kHeaderSize) return r;
    auto u16 = [&](std::size_t i) { return static_cast<std::uint16_t>(bytes[i] << 8 | bytes[i + 1]); };
    r.header = Header{u16(0), u16(2), u16(4), u16(6)};
    if (r.header.version != kVersion) {
        r.status = DecodeStatus::Invalid;
        r.error = "wrapper: version " + std::to_string(r.header.version) + " is not 1";
        return r;
    }
    if (r.header.length == 0) {
        r.status = DecodeStatus::Invalid;
        r.error = "wrapper: empty APDU";
        return r;
    }
    r.status = DecodeStatus::Ok;
    r.consumed = kHeaderSize;
    return r;
}

DecodeResult decode(std::span<const std::uint8_t> bytes)
{
    DecodeResult r = decodeHeader(bytes);
    if (r.status != DecodeStatus::Ok) return r;
    const std::size_t total = kHeaderSize + r.header.length;
    if (bytes.size() < total) {
        r.status = DecodeStatus::Incomplete;
        r.consumed = 0;
        return r;
    }
    r.apdu.assign(bytes.begin() + kHeaderSize, bytes.begin() + static_cast<std::ptrdiff_t>(total));
    r.consumed = total;
    return r;
}

} // namespace kabinet::dlms::wrapper
