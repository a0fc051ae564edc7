// libFuzzer target: the HDLC frame decoder (and the XID parser of the frames it accepts).
#include "HdlcCodec.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kabinet::dlms;
    std::span<const std::uint8_t> rest(data, size);
    // Scan the input as a byte stream, as the link layer does.
    while (!rest.empty()) {
        const hdlc::DecodeResult r = hdlc::decodeFrame(rest);
        if (r.status == hdlc::DecodeStatus::Incomplete) break;
        if (r.consumed == 0 || r.consumed > rest.size()) std::abort();
        if (r.status == hdlc::DecodeStatus::Ok) {
            // A decoded frame encodes back to the same bytes.
            const Bytes again = hdlc::encodeFrame(r.frame);
            if (again.size() != r.consumed + 1 || !std::equal(again.begin(), again.end() - 1, rest.begin())) std::abort();
            try {
                (void)hdlc::decodeXid(r.frame.info);
            } catch (const kabinet::sdk::ProtocolError&) {
            }
        }
        rest = rest.subspan(r.consumed);
    }
    try {
        (void)hdlc::parseFrame(std::span<const std::uint8_t>(data, size));
    } catch (const kabinet::sdk::ProtocolError&) {
    }
    return 0;
}
