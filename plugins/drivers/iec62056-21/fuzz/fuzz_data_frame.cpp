// libFuzzer target: the STX answer decoder, and every value parser on what it yields (numbers, dates,
// times, journal records, profile days).
#include "IecCodec.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	using namespace kabinet::iec;
	const std::span<const std::uint8_t> bytes(data, size);
	// The first byte picks the checksum; the rest is checked as a whole frame, and its body (without
	// STX, ETX and BCC) goes to the body parser directly, so that a wrong BCC does not stop the fuzzer there.
	if (size < 1) return 0;
	const Checksum kind = (data[0] & 1) ? Checksum::Iec : Checksum::Energomera;
	const auto rest = bytes.subspan(1);
	(void) decodeDataFrame(kind, rest);
	std::string_view body(reinterpret_cast<const char*>(rest.data()), rest.size());
	if (body.size() >= 3 && body.front() == '\x02') body = body.substr(1, body.size() - 3); // STX ... ETX BCC
	auto r = decodeDataBody(body);
	if (!r.value) return 0;
	for (const auto& item : r.value->items)
	{
		(void) parseDecimal(item.value);
		(void) parseMeterDate(item.value);
		(void) parseDate(item.value);
		(void) parseTime(item.value);
		(void) parseJournalEntry(item.value);
		(void) splitFields(item.value);
	}
	(void) parseProfileDay(*r.value);
	return 0;
}
