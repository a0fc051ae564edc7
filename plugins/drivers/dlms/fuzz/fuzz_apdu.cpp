// libFuzzer target: the APDU decoders (AARE, GET-Response in all its forms, RLRE).
#include "ApduCodec.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kabinet::dlms;
    const std::span<const std::uint8_t> in(data, size);
    try {
        (void)apdu::decodeAare(in);
    } catch (const kabinet::sdk::ProtocolError&) {
    }
    try {
        const apdu::GetResponse g = apdu::decodeGetResponse(in);
        if (g.kind == apdu::GetResponse::Kind::Block && g.success) {
            try {
                (void)decodeData(g.raw);
            } catch (const kabinet::sdk::ProtocolError&) {
            }
        }
    } catch (const kabinet::sdk::ProtocolError&) {
    }
    try {
        apdu::decodeRlre(in);
    } catch (const kabinet::sdk::ProtocolError&) {
    }
    return 0;
}
