//
// Crc16.cpp
//


#include "Crc16.h"

#include <array>


namespace kabinet::mercury {


namespace {


constexpr std::array<std::uint16_t, 256> makeTable() noexcept
{
	std::array<std::uint16_t, 256> table{};
	for (unsigned i = 0; i < 256; ++i)
	{
		std::uint16_t c = static_cast<std::uint16_t>(i);
		for (int bit = 0; bit < 8; ++bit)
			c = (c & 1u) ? static_cast<std::uint16_t>((c >> 1) ^ 0xA001u) : static_cast<std::uint16_t>(c >> 1);
		table[i] = c;
	}
	return table;
}


constexpr std::array<std::uint16_t, 256> kTable = makeTable();


} // namespace


std::uint16_t crc16(std::span<const std::uint8_t> bytes) noexcept
{
	std::uint16_t crc = 0xFFFF;
	for (std::uint8_t b : bytes)
		crc = static_cast<std::uint16_t>((crc >> 8) ^ kTable[(crc ^ b) & 0xFFu]);
	return crc;
}


bool crcMatches(std::span<const std::uint8_t> frame) noexcept
{
	if (frame.size() < 3) return false;
	const std::uint16_t crc = crc16(frame.first(frame.size() - 2));
	return frame[frame.size() - 2] == (crc & 0xFFu) && frame[frame.size() - 1] == (crc >> 8);
}


} // namespace kabinet::mercury
