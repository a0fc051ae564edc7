// libFuzzer target: the A-XDR Data decoder (tagged data, structures, arrays, compact-array) and the
// date-time conversion.
#include "AxdrCodec.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kabinet::dlms;
    std::optional<Data> d;
    try {
        d = decodeData(std::span<const std::uint8_t>(data, size));
    } catch (const kabinet::sdk::ProtocolError&) {
    }
    if (d) {
        if (d->isNumber()) (void)d->asDouble();
        if (const auto dt = dateTimeOf(*d)) {
            (void)toUtc(*dt, 180, DeviationMode::Standard);
            (void)toUtc(*dt, -600, DeviationMode::Inverted);
        }
        // Encoding is stable: what a decoded value encodes to decodes and encodes to the same bytes.
        const Bytes once = encodeData(*d);
        try {
            if (encodeData(decodeData(once)) != once) std::abort();
        } catch (const kabinet::sdk::ProtocolError&) {
            std::abort();
        }
    }
    if (size >= 12) {
        const DateTime dt = decodeDateTime(std::span<const std::uint8_t>(data, 12));
        (void)toUtc(dt, 0, DeviationMode::Standard);
        if (encodeDateTime(dt) != Bytes(data, data + 12)) std::abort();
    }
    return 0;
}
