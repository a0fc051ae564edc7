//
// fuzz_values.cpp
//
// libFuzzer target: the energy-register and instantaneous-value decoders.
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
		(void) decodeEnergy(d);
	}
	catch (const kabinet::sdk::ProtocolError&)
	{
	}
	try
	{
		for (const Measurement& m: decodeMeasurements(d))
			if (m.magnitude > 0x3FFFFF) __builtin_trap();
	}
	catch (const kabinet::sdk::ProtocolError&)
	{
	}
	return 0;
}
