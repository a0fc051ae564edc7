#pragma once
/// Bounds-checked reading and big-endian writing of byte buffers, shared by the DLMS codecs. Every read
/// past the end throws ProtocolError, so decoders built on it are total.
#include "kabinet/sdk.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kabinet::dlms {

using Bytes = std::vector<std::uint8_t>;

/// A cursor over a byte span.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> data, const char* what = "frame") : data_(data), what_(what) {}

    std::size_t position() const noexcept { return pos_; }
    std::size_t remaining() const noexcept { return data_.size() - pos_; }
    bool atEnd() const noexcept { return pos_ >= data_.size(); }

    std::uint8_t u8()
    {
        need(1);
        return data_[pos_++];
    }
    std::uint16_t u16()
    {
        need(2);
        const std::uint16_t v = static_cast<std::uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
        pos_ += 2;
        return v;
    }
    std::uint32_t u32()
    {
        need(4);
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = v << 8 | data_[pos_ + i];
        pos_ += 4;
        return v;
    }
    std::uint64_t u64()
    {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = v << 8 | data_[pos_ + i];
        pos_ += 8;
        return v;
    }
    std::span<const std::uint8_t> take(std::size_t n)
    {
        need(n);
        auto s = data_.subspan(pos_, n);
        pos_ += n;
        return s;
    }
    std::span<const std::uint8_t> rest()
    {
        auto s = data_.subspan(pos_);
        pos_ = data_.size();
        return s;
    }
    /// A-XDR length: one byte below 0x80, else 0x80|n followed by n big-endian bytes (n <= 4). When
    /// `bounded`, a length beyond the remaining bytes is an error (for counts of bytes or of elements that
    /// take at least one byte each).
    std::size_t axdrLength(bool bounded = true)
    {
        const std::uint8_t first = u8();
        if (first < 0x80) {
            if (bounded && first > remaining()) fail("length exceeds the data");
            return first;
        }
        const unsigned n = first & 0x7Fu;
        if (n == 0 || n > 4) fail("bad length encoding");
        std::uint64_t v = 0;
        for (unsigned i = 0; i < n; ++i) v = v << 8 | u8();
        if (bounded && v > remaining()) fail("length exceeds the data");
        if (v > 0xFFFFFFu) fail("length too large");
        return static_cast<std::size_t>(v);
    }

    [[noreturn]] void fail(const std::string& why) const
    {
        throw sdk::ProtocolError(std::string(what_) + ": " + why);
    }

private:
    void need(std::size_t n) const
    {
        if (n > remaining()) fail("truncated");
    }

    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
    const char* what_;
};

inline void putU16(Bytes& out, std::uint16_t v)
{
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

inline void putU32(Bytes& out, std::uint32_t v)
{
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}

inline void putU64(Bytes& out, std::uint64_t v)
{
    for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}

inline void putAxdrLength(Bytes& out, std::size_t n)
{
    if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
    } else if (n <= 0xFF) {
        out.push_back(0x81);
        out.push_back(static_cast<std::uint8_t>(n));
    } else if (n <= 0xFFFF) {
        out.push_back(0x82);
        putU16(out, static_cast<std::uint16_t>(n));
    } else {
        out.push_back(0x84);
        putU32(out, static_cast<std::uint32_t>(n));
    }
}

/// "7E A0 07 ..." for logs and test messages.
inline std::string hex(std::span<const std::uint8_t> bytes, std::size_t max = 64)
{
    static const char* digits = "0123456789ABCDEF";
    std::string s;
    for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
        if (i) s += ' ';
        s += digits[bytes[i] >> 4];
        s += digits[bytes[i] & 0xF];
    }
    if (bytes.size() > max) s += " ...";
    return s;
}

} // namespace kabinet::dlms
