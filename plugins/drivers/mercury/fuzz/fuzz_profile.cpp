//
// fuzz_profile.cpp
//
// libFuzzer target: the power-profile decoders (last record, one record) and the pulse conversion.
//


#include "Codec.h"

#include "kabinet/sdk.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	using namespace kabinet::mercury;
	const std::span<const std::uint8_t> d(data, size);
	try
	{
		const LastRecord last = decodeLastRecord(d);
		if (last.time) (void) toUtc(*last.time, 180);
		(void) last.wrapped();
	}
	catch (const kabinet::sdk::ProtocolError&)
	{
	}
	try
	{
		const ProfileRecord rec = decodeProfileRecord(d);
		for (const auto& p: rec.pulses)
			if (p && !std::isfinite(pulsesToKwh(*p, pulseConstant(rec.periodMin % 8)))) __builtin_trap();
		(void) rec.incomplete();
	}
	catch (const kabinet::sdk::ProtocolError&)
	{
	}
	return 0;
}
