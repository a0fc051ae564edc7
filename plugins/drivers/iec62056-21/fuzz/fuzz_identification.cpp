// libFuzzer target: the identification-line decoder and the line scanner.
#include "IecCodec.h"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	const std::span<const std::uint8_t> bytes(data, size);
	(void) kabinet::iec::scanLine(bytes);
	auto r = kabinet::iec::decodeIdentification(bytes);
	if (r.value && r.value->manufacturer.size() != 3) __builtin_trap();
	return 0;
}
