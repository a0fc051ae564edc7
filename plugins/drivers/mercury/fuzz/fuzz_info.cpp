//
// fuzz_info.cpp
//
// libFuzzer target: the identity decoders (serial and release date, firmware, variant) on any data.
//


#include "Codec.h"

#include "kabinet/sdk.hpp"

#include <cstddef>
#include <cstdint>
#include <span>


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	using namespace kabinet::mercury;
	const std::span<const std::uint8_t> d(data, size);
	try
	{
		(void) decodeSerial(d);
	}
	catch (const kabinet::sdk::ProtocolError&)
	{
	}
	try
	{
		// Every firmware text the decoder gives parses back to the same three numbers.
		const auto v = parseFirmware(decodeFirmware(d));
		if (!v || v->major != d[0] || v->minor != d[1] || v->patch != d[2]) __builtin_trap();
		(void) parseFirmware(std::string_view(reinterpret_cast<const char*>(data), size));
	}
	catch (const kabinet::sdk::ProtocolError&)
	{
	}
	try
	{
		const Variant v = decodeVariant(d);
		if (v.pulsesPerKwh && *v.pulsesPerKwh == 0) __builtin_trap();
	}
	catch (const kabinet::sdk::ProtocolError&)
	{
	}
	return 0;
}
