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
		// Both generations: the byte address is the word, or the word in 16-byte units (17 bits at most).
		if (lastRecordByteAddress(last, FirmwareVersion{7, 0, 0}) != last.word) __builtin_trap();
		if (lastRecordByteAddress(last, FirmwareVersion{7, 1, 0}) != 16u * last.word) __builtin_trap();
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
