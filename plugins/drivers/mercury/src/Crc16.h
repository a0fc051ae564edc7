//
// Crc16.h
//
// The frame check of the Mercury protocol: CRC-16/MODBUS (reflected polynomial 0xA001, initial value
// 0xFFFF, no final XOR), sent low byte first.
//


#ifndef KABINET_MERCURY_CRC16_H
#define KABINET_MERCURY_CRC16_H


#include <cstdint>
#include <span>


namespace kabinet::mercury {


std::uint16_t crc16(std::span<const std::uint8_t> bytes) noexcept;
	/// Returns the CRC-16/MODBUS of bytes ("123456789" gives 0x4B37).


bool crcMatches(std::span<const std::uint8_t> frame) noexcept;
	/// Returns true if frame is at least three bytes long and its last two bytes are the CRC of the
	/// bytes before them (low byte first).


} // namespace kabinet::mercury


#endif // KABINET_MERCURY_CRC16_H
