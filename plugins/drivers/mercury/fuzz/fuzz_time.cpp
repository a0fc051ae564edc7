//
// fuzz_time.cpp
//
// libFuzzer target: the clock and journal decoders, and the conversion of what they return to UTC.
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
	const int offset = size > 0 ? (static_cast<int>(data[0]) - 128) * 6 : 180;
	try
	{
		(void) toUtc(decodeClock(d), offset);
	}
	catch (const kabinet::sdk::ProtocolError&)
	{
	}
	try
	{
		const JournalRecord r = decodeJournal(d);
		if (r.first) (void) toUtc(*r.first, offset);
		if (r.second) (void) toUtc(*r.second, offset);
	}
	catch (const kabinet::sdk::ProtocolError&)
	{
	}
	return 0;
}
