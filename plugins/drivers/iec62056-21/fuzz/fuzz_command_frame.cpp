// libFuzzer target: the SOH frame decoder (operand prompt, break) with both checksums, and the block scanner.
#include "IecCodec.h"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	const std::span<const std::uint8_t> bytes(data, size);
	(void) kabinet::iec::scanBlock(bytes);
	for (auto kind : {kabinet::iec::Checksum::Energomera, kabinet::iec::Checksum::Iec})
	{
		auto r = kabinet::iec::decodeCommandFrame(kind, bytes);
		if (r.value && r.value->command.empty()) __builtin_trap();
	}
	return 0;
}
