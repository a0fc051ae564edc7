//
// fuzz_frame.cpp
//
// libFuzzer target: an answer frame from the line, checked (length, CRC, address) and, when it checks
// out, its data handed to the payload decoder its length selects, as the session does. An input whose
// first byte has bit 7 set is taken as address and data and gets a correct CRC appended, so that the
// payload decoders behind the check are reached too.
//


#include "Codec.h"
#include "Crc16.h"

#include "kabinet/sdk.hpp"

#include <cstddef>
#include <cstdint>
#include <span>


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	using namespace kabinet::mercury;
	Bytes sealed;
	std::span<const std::uint8_t> frame(data, size);
	if (size > 0 && (data[0] & 0x80) && size < 300)
	{
		sealed = makeFrame(data[0], std::span<const std::uint8_t>(data + 1, size - 1));
		frame = sealed;
	}
	(void) crcMatches(frame);
	try
	{
		const Reply reply = decodeReply(frame, size > 0 && (data[0] & 1) ? data[0] : 0);
		if (reply.isStatus) return 0;
		const std::span<const std::uint8_t> d(reply.data);
		switch (d.size())
		{
		case 3: (void) decodeFirmware(d); (void) decodeVariant(d); (void) decodeMeasurements(d); break;
		case 6: (void) decodeVariant(d); (void) decodeMeasurements(d); break;
		case 7: (void) decodeSerial(d); break;
		case 8: (void) decodeClock(d); break;
		case 9: (void) decodeLastRecord(d); (void) decodeMeasurements(d); break;
		case 12: (void) decodeJournal(d); (void) decodeMeasurements(d); (void) decodeVariant(d); break;
		case 15: (void) decodeProfileRecord(d); break;
		case 16: (void) decodeEnergy(d); break;
		default: break;
		}
	}
	catch (const kabinet::sdk::ProtocolError&)
	{
	}
	return 0;
}
