// libFuzzer target: the IEC 62056-47 wrapper decoder.
#include "WrapperCodec.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kabinet::dlms;
    const std::span<const std::uint8_t> in(data, size);
    const wrapper::DecodeResult r = wrapper::decode(in);
    if (r.status == wrapper::DecodeStatus::Ok) {
        if (r.consumed > size || r.apdu.size() != r.header.length) std::abort();
        const Bytes again = wrapper::encode(r.header.source, r.header.destination, r.apdu);
        if (!std::equal(again.begin(), again.end(), in.begin())) std::abort();
    }
    (void)wrapper::decodeHeader(in);
    return 0;
}
