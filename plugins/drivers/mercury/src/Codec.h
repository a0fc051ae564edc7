//
// Codec.h
//
// Pure frame codecs of the Mercury 230/234/236 protocol (Incotex): requests as bytes, answers decoded into
// plain structs. No I/O and no clock; every decoder accepts any input and either returns a value or throws
// sdk::ProtocolError, never reading out of bounds.
//
// A request is [address][code][parameters...][CRC16 lo hi]; an answer is [address][data...][CRC16]; an
// answer of exactly four bytes carries a status in the low nibble of its second byte.
//


#ifndef KABINET_MERCURY_CODEC_H
#define KABINET_MERCURY_CODEC_H


#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>


namespace kabinet::mercury {


using Bytes = std::vector<std::uint8_t>;


//
// Requests
//


enum Status: std::uint8_t
	/// The status nibble of a four-byte answer.
{
	StatusOk = 0,
	StatusBadCommand = 1,   /// invalid command or parameter (also the answer to a refused password)
	StatusInternal = 2,     /// internal error of the meter
	StatusAccessLevel = 3,  /// access level too low for the request
	StatusClockCorrected = 4, /// clock already corrected today
	StatusNotOpen = 5       /// no open channel (session): open it again
};


Bytes makeFrame(std::uint8_t address, std::span<const std::uint8_t> body);
	/// [address] body [CRC lo] [CRC hi].

Bytes testLinkRequest(std::uint8_t address);
	/// 00: test of the link.

Bytes openRequest(std::uint8_t address, std::uint8_t level, const std::array<std::uint8_t, 6>& password);
	/// 01 <level> <6 password bytes>: opens the channel at an access level.

Bytes closeRequest(std::uint8_t address);
	/// 02: closes the channel.

Bytes clockRequest(std::uint8_t address);
	/// 04 00: the meter's clock.

Bytes journalRequest(std::uint8_t address, std::uint8_t journal, std::uint8_t record);
	/// 04 <journal> <record 0..9>: one record of an event journal.

Bytes energyRequest(std::uint8_t address, std::uint8_t array, std::uint8_t month, std::uint8_t tariff);
	/// 05 <array << 4 | month> <tariff>: one array of energy registers (A+, A-, R+, R-).

Bytes paramRequest(std::uint8_t address, std::uint8_t param);
	/// 08 <param>: a parameter without argument (serial 00, firmware 03, variant 12, last profile record 13).

Bytes paramRequest(std::uint8_t address, std::uint8_t param, std::uint8_t argument);
	/// 08 <param> <argument>: a parameter with an argument (16 <BWRI>: instantaneous values).

Bytes profileRecordRequest(std::uint8_t address, std::uint32_t byteAddress);
	/// 06 <03, or 83 when bit 16 of the address is set> <address bits 15..8> <bits 7..0> 0F: one power
	/// profile record (15 bytes) of memory 3 at a byte address (a multiple of 16, below 0x20000).


//
// Answers
//


struct Reply
	/// A checked answer frame.
{
	std::uint8_t address = 0;
	bool isStatus = false;   /// a four-byte status answer
	std::uint8_t status = 0; /// its status nibble (Status) when isStatus
	Bytes data;              /// the bytes between address and CRC (empty for a status answer)
};


Reply decodeReply(std::span<const std::uint8_t> frame, std::uint8_t expectedAddress);
	/// Checks length (4..260 bytes), CRC and address (any address is accepted when expectedAddress is 0,
	/// the address every single meter answers to). Throws ProtocolError.


struct LocalTime
	/// A date and time on the meter's clock (local time).
{
	int year = 2000;
	unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;

	bool operator==(const LocalTime&) const = default;
};


std::int64_t toUtc(const LocalTime& time, int utcOffsetMin) noexcept;
	/// Unix seconds of a meter-local time whose clock runs utcOffsetMin ahead of UTC.


std::optional<std::uint8_t> fromBcd(std::uint8_t value) noexcept;
	/// 0x42 -> 42; nullopt when a nibble is above 9.


std::uint32_t energyWord(const std::uint8_t* p) noexcept;
	/// An energy register as the meter sends it: bytes b0 b1 b2 b3 mean (b1 << 24) | (b0 << 16) | (b3 << 8) | b2.


struct EnergyRegisters
	/// A+, A-, R+, R- in Wh / varh; nullopt where the meter sends FFFFFFFF (not kept by this meter).
{
	std::array<std::optional<std::uint32_t>, 4> wh;
};


EnergyRegisters decodeEnergy(std::span<const std::uint8_t> data);
	/// The 16 data bytes of an answer to 05.


struct SerialInfo
{
	std::string serial;         /// eight digits
	std::string manufacturedOn; /// "YYYY-MM-DD", or "" when the meter's date is not a valid date
};


SerialInfo decodeSerial(std::span<const std::uint8_t> data);
	/// The 7 data bytes of 08 00: four bytes 0..99 of the serial number, then day, month, year (binary).


std::string decodeFirmware(std::span<const std::uint8_t> data);
	/// The 3 data bytes of 08 03 as "a.b.c".


struct FirmwareVersion
	/// The meter's firmware version a.b.c (08 03), compared part by part.
{
	unsigned major = 0, minor = 0, patch = 0;

	auto operator<=>(const FirmwareVersion&) const = default;
};


std::optional<FirmwareVersion> parseFirmware(std::string_view text) noexcept;
	/// "a.b.c" (as decodeFirmware gives it) -> the version; nullopt for any other text.


constexpr FirmwareVersion kLastRecordInUnitsFrom{7, 1, 0};
	/// From this firmware on, the address word of 08 13 counts 16-byte units; before it, it is the byte
	/// address itself (the manufacturer's description of the command system).


struct Variant
	/// What 08 12 (the meter's variant) tells the driver.
{
	std::optional<unsigned> pulsesPerKwh; /// the meter constant A, imp/kWh (nullopt: unknown code)
	bool hasProfile = false;              /// keeps the power profile
	unsigned phases = 3;                  /// 3 or 1
	unsigned directions = 2;              /// 2 (import and export) or 1
	unsigned profileRecords = 4096;       /// records of the profile ring: 4096 (memory 3 of 65.5 KB) or 8192
};


Variant decodeVariant(std::span<const std::uint8_t> data);
	/// 3 to 12 data bytes of 08 12.


unsigned pulseConstant(unsigned code) noexcept;
	/// Meter constant A of a variant code (low nibble of the variant's second byte): 0 5000, 1 25000,
	/// 2 1250, 3 500, 4 1000, 5 250 imp/kWh; 0 for other codes.


LocalTime decodeClock(std::span<const std::uint8_t> data);
	/// The 8 data bytes of 04 00: BCD ss mm hh weekday DD MM YY season. Throws on an invalid date.


struct JournalRecord
	/// One journal record: two moments (the meaning depends on the journal); nullopt when not recorded.
{
	std::optional<LocalTime> first, second;
};


JournalRecord decodeJournal(std::span<const std::uint8_t> data);
	/// 12 data bytes (13 when the record number follows): BCD ss mm hh DD MM YY twice. A moment that is
	/// all zeros, all FF or not a valid date is "not recorded".


struct LastRecord
	/// 08 13: the last record of the power profile.
{
	std::uint16_t word = 0;           /// its address as sent (see lastRecordByteAddress)
	std::uint8_t status = 0;          /// bit 0: the ring has wrapped; bit 1: incomplete interval
	std::optional<LocalTime> time;    /// nullopt when the profile holds no record
	std::uint8_t periodMin = 0;       /// integration period T, minutes

	bool wrapped() const noexcept { return (status & 0x01) != 0; }
};


LastRecord decodeLastRecord(std::span<const std::uint8_t> data);
	/// The 9 data bytes of 08 13: address hi lo, status, BCD hh mm DD MM YY, T.


std::uint32_t lastRecordByteAddress(const LastRecord& last, const FirmwareVersion& firmware) noexcept;
	/// The byte address in memory 3 of the last record: word × 0x10 (17 bits) from firmware 7.1.0 on, the
	/// word itself on older firmware. A byte address that is not a multiple of 16 is no record's.


struct ProfileRecord
	/// One record of the power profile.
{
	std::uint8_t status = 0;                          /// bit 1: incomplete interval
	std::optional<LocalTime> time;                    /// nullopt for an empty record
	std::uint8_t periodMin = 0;                       /// T, minutes
	std::array<std::optional<std::uint16_t>, 4> pulses; /// A+, A-, R+, R- pulse counts (FFFF: none)

	bool incomplete() const noexcept { return (status & 0x02) != 0; }
};


ProfileRecord decodeProfileRecord(std::span<const std::uint8_t> data);
	/// The 15 data bytes of a memory-3 read: status, BCD hh mm DD MM YY, T, four 16-bit values low byte first.


double pulsesToKwh(std::uint16_t pulses, unsigned pulsesPerKwh) noexcept;
	/// Energy of a profile record's channel: the meter counts 2·A pulses per kWh, so E = N / (2·A) kWh
	/// (and the interval's average power N·(60/T)/(2·A) kW).


struct Measurement
	/// One 3-byte instantaneous value.
{
	std::uint32_t magnitude = 0; /// the 22-bit value with the direction bits masked off
	bool activeReverse = false;  /// bit 7 of the first byte: active power flows back (export)
	bool reactiveReverse = false; /// bit 6: reactive power flows back
};


std::vector<Measurement> decodeMeasurements(std::span<const std::uint8_t> data);
	/// 1 to 4 values of 3 bytes each (answer to 08 16 <BWRI>): b0 b1 b2 mean ((b0 & 3F) << 16) | (b2 << 8) | b1.


} // namespace kabinet::mercury


#endif // KABINET_MERCURY_CODEC_H
