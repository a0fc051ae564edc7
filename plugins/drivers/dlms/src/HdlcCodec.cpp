#include "HdlcCodec.h"

#include <stdexcept>

namespace kabinet::dlms::hdlc {

std::uint16_t crc16(std::span<const std::uint8_t> data) noexcept
{
    std::uint16_t crc = 0xFFFF;
    for (std::uint8_t b : data) {
        crc ^= b;
        for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0x8408) : static_cast<std::uint16_t>(crc >> 1);
    }
    return static_cast<std::uint16_t>(~crc);
}

Address serverAddress(unsigned logical, unsigned physical, unsigned size)
{
    const unsigned limit = size == 4 ? 0x3FFF : 0x7F;
    if (size != 1 && size != 2 && size != 4) throw std::invalid_argument("address size must be 1, 2 or 4");
    if (logical > limit || (size != 1 && physical > limit))
        throw std::invalid_argument("server address part does not fit into " + std::to_string(size) + " bytes");
    return Address{static_cast<std::uint16_t>(logical), static_cast<std::uint16_t>(size == 1 ? 0 : physical),
                   static_cast<std::uint8_t>(size)};
}

Address clientAddress(unsigned sap)
{
    if (sap > 0x7F) throw std::invalid_argument("client SAP must be below 0x80");
    return Address{static_cast<std::uint16_t>(sap), 0, 1};
}

Bytes encodeAddress(const Address& a)
{
    Bytes out;
    switch (a.size) {
    case 1:
        out.push_back(static_cast<std::uint8_t>((a.upper & 0x7F) << 1 | 1));
        break;
    case 2:
        out.push_back(static_cast<std::uint8_t>((a.upper & 0x7F) << 1));
        out.push_back(static_cast<std::uint8_t>((a.lower & 0x7F) << 1 | 1));
        break;
    case 4:
        out.push_back(static_cast<std::uint8_t>(((a.upper >> 7) & 0x7F) << 1));
        out.push_back(static_cast<std::uint8_t>((a.upper & 0x7F) << 1));
        out.push_back(static_cast<std::uint8_t>(((a.lower >> 7) & 0x7F) << 1));
        out.push_back(static_cast<std::uint8_t>((a.lower & 0x7F) << 1 | 1));
        break;
    default:
        throw std::invalid_argument("address size must be 1, 2 or 4");
    }
    return out;
}

std::string describe(const Address& a)
{
    if (a.size == 1) return std::to_string(a.upper);
    return std::to_string(a.upper) + "/" + std::to_string(a.lower);
}

Bytes encodeFrame(const Frame& f)
{
    const Bytes dst = encodeAddress(f.dst);
    const Bytes src = encodeAddress(f.src);
    std::size_t length = 2 + dst.size() + src.size() + 1 + 2;
    if (!f.info.empty()) length += 2 + f.info.size();
    if (length > kMaxFrameLength) throw std::invalid_argument("HDLC frame too long");
    Bytes out;
    out.reserve(length + 2);
    out.push_back(kFlag);
    out.push_back(static_cast<std::uint8_t>(0xA0 | (f.segmented ? 0x08 : 0) | ((length >> 8) & 0x07)));
    out.push_back(static_cast<std::uint8_t>(length));
    out.insert(out.end(), dst.begin(), dst.end());
    out.insert(out.end(), src.begin(), src.end());
    out.push_back(f.control);
    if (!f.info.empty()) {
        const std::uint16_t hcs = crc16(std::span(out).subspan(1));
        out.push_back(static_cast<std::uint8_t>(hcs));
        out.push_back(static_cast<std::uint8_t>(hcs >> 8));
        out.insert(out.end(), f.info.begin(), f.info.end());
    }
    const std::uint16_t fcs = crc16(std::span(out).subspan(1));
    out.push_back(static_cast<std::uint8_t>(fcs));
    out.push_back(static_cast<std::uint8_t>(fcs >> 8));
    out.push_back(kFlag);
    return out;
}

namespace {

/// Reads an address of 1..4 bytes starting at bytes[pos] (within the frame of `end` bytes).
bool readAddress(std::span<const std::uint8_t> bytes, std::size_t& pos, std::size_t end, Address& out)
{
    std::size_t n = 0;
    while (true) {
        if (pos + n >= end || n >= 4) return false;
        if (bytes[pos + n] & 1) break;
        ++n;
    }
    ++n;
    if (n == 3) return false;
    auto part = [&](std::size_t i) { return static_cast<std::uint16_t>(bytes[pos + i] >> 1); };
    out.size = static_cast<std::uint8_t>(n);
    if (n == 1) {
        out.upper = part(0);
        out.lower = 0;
    } else if (n == 2) {
        out.upper = part(0);
        out.lower = part(1);
    } else {
        out.upper = static_cast<std::uint16_t>(part(0) << 7 | part(1));
        out.lower = static_cast<std::uint16_t>(part(2) << 7 | part(3));
    }
    pos += n;
    return true;
}

DecodeResult invalid(std::size_t skip, std::string why)
{
    DecodeResult r;
    r.status = DecodeStatus::Invalid;
    r.consumed = skip;
    r.error = std::move(why);
    return r;
}

} // namespace

DecodeResult decodeFrame(std::span<const std::uint8_t> bytes)
{
    if (bytes.empty()) return {};
    if (bytes[0] != kFlag) {
        std::size_t skip = 1;
        while (skip < bytes.size() && bytes[skip] != kFlag) ++skip;
        return invalid(skip, "bytes before the opening flag");
    }
    if (bytes.size() < 2) return {};
    if (bytes[1] == kFlag) return invalid(1, "empty frame"); // two flags in a row: the first one closed nothing
    if ((bytes[1] & 0xF0) != 0xA0) return invalid(1, "not frame format type 3");
    if (bytes.size() < 3) return {};
    const std::size_t length = static_cast<std::size_t>(bytes[1] & 0x07) << 8 | bytes[2];
    // format(2) + dst(>=1) + src(>=1) + control(1) + FCS(2)
    if (length < 7) return invalid(1, "frame length too small");
    if (bytes.size() < length + 2) return {};
    if (bytes[length + 1] != kFlag) return invalid(1, "no closing flag where the length says");
    const auto body = bytes.subspan(1, length); // format .. FCS
    const std::uint16_t fcs = static_cast<std::uint16_t>(body[length - 2] | body[length - 1] << 8);
    if (crc16(body.first(length - 2)) != fcs) return invalid(1, "FCS mismatch");

    DecodeResult r;
    r.frame.segmented = (body[0] & 0x08) != 0;
    std::size_t pos = 2;
    const std::size_t headerEnd = length - 2;
    if (!readAddress(body, pos, headerEnd, r.frame.dst)) return invalid(1, "bad destination address");
    if (!readAddress(body, pos, headerEnd, r.frame.src)) return invalid(1, "bad source address");
    if (pos >= headerEnd) return invalid(1, "no control field");
    r.frame.control = body[pos++];
    if (pos < headerEnd) {
        // HCS, then the information field.
        if (pos + 2 > headerEnd) return invalid(1, "truncated HCS");
        const std::uint16_t hcs = static_cast<std::uint16_t>(body[pos] | body[pos + 1] << 8);
        if (crc16(body.first(pos)) != hcs) return invalid(1, "HCS mismatch");
        pos += 2;
        r.frame.info.assign(body.begin() + static_cast<std::ptrdiff_t>(pos), body.begin() + static_cast<std::ptrdiff_t>(headerEnd));
        if (r.frame.info.empty()) return invalid(1, "HCS without an information field");
    }
    r.status = DecodeStatus::Ok;
    r.consumed = length + 1; // leave the closing flag: it may open the next frame
    return r;
}

Frame parseFrame(std::span<const std::uint8_t> bytes)
{
    DecodeResult r = decodeFrame(bytes);
    if (r.status == DecodeStatus::Incomplete) throw sdk::ProtocolError("HDLC: truncated frame");
    if (r.status == DecodeStatus::Invalid) throw sdk::ProtocolError("HDLC: " + r.error);
    if (r.consumed + 1 != bytes.size()) throw sdk::ProtocolError("HDLC: bytes after the frame");
    return std::move(r.frame);
}

namespace {

void putParam(Bytes& out, std::uint8_t id, std::uint32_t v)
{
    out.push_back(id);
    if (v < 0x100) {
        out.push_back(1);
        out.push_back(static_cast<std::uint8_t>(v));
    } else if (v < 0x10000) {
        out.push_back(2);
        putU16(out, static_cast<std::uint16_t>(v));
    } else {
        out.push_back(4);
        putU32(out, v);
    }
}

} // namespace

Bytes encodeXid(const LinkParams& p)
{
    Bytes out;
    out.reserve(24);
    out.push_back(0x81); // format identifier
    out.push_back(0x80); // group identifier
    out.push_back(0);    // group length, set below
    putParam(out, 0x05, p.maxInfoTx);
    putParam(out, 0x06, p.maxInfoRx);
    out.push_back(0x07);
    out.push_back(4);
    putU32(out, p.windowTx);
    out.push_back(0x08);
    out.push_back(4);
    putU32(out, p.windowRx);
    out[2] = static_cast<std::uint8_t>(out.size() - 3);
    return out;
}

LinkParams decodeXid(std::span<const std::uint8_t> info)
{
    LinkParams p;
    if (info.empty()) return p;
    Reader r(info, "HDLC XID");
    if (r.u8() != 0x81) r.fail("format identifier is not 0x81");
    if (r.u8() != 0x80) r.fail("group identifier is not 0x80");
    const std::size_t len = r.u8();
    auto group = r.take(len);
    if (!r.atEnd()) r.fail("bytes after the parameter group");
    Reader g(group, "HDLC XID");
    while (!g.atEnd()) {
        const std::uint8_t id = g.u8();
        const std::size_t n = g.u8();
        if (n == 0 || n > 4) g.fail("bad parameter length");
        std::uint32_t v = 0;
        for (std::size_t i = 0; i < n; ++i) v = v << 8 | g.u8();
        switch (id) {
        case 0x05: p.maxInfoTx = v; break;
        case 0x06: p.maxInfoRx = v; break;
        case 0x07: p.windowTx = v; break;
        case 0x08: p.windowRx = v; break;
        default: break; // unknown parameters are skipped
        }
    }
    return p;
}

} // namespace kabinet::dlms::hdlc
