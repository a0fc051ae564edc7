//
// IecCodec.h
//
// Pure frame codecs of IEC 62056-21 mode C in the Energomera CE dialect: building requests and decoding
// answers. No I/O, no clocks, no POCO: bytes in, structs out (and back). Every decoder is total: for any
// input it returns a value or an error text, and never reads outside the given bytes.
//
// Frames (<SOH> 0x01, <STX> 0x02, <ETX> 0x03, <ACK> 0x06, <NAK> 0x15):
//   sign-on          /?<address>!\r\n
//   identification   /XXXZ<ident>\r\n          XXX manufacturer, Z baud character; "\2" after Z = mode E
//   option select    <ACK>0Z1\r\n              1 = programming mode
//   operand prompt   <SOH>P0<STX>(operand)<ETX><BCC>
//   password         <SOH>P1<STX>(password)<ETX><BCC>  -> <ACK>, or <NAK> / <SOH>B0<ETX><BCC> = refused
//   read             <SOH>R1<STX>NAME(params)<ETX><BCC>
//   answer           <STX>NAME(v1)\r\n(v2)\r\n...<ETX><BCC>  (the name may repeat on every line)
//                    <STX>(ERRnn)<ETX><BCC> or NAME(ERRnn) = the object is not available
//   break            <SOH>B0<ETX><BCC>
// BCC: over every byte after the first SOH/STX up to and including ETX; either the IEC XOR or the
// Energomera 7-bit arithmetic sum (sum & 0x7F).
//


#ifndef KABINET_IEC_CODEC_H
#define KABINET_IEC_CODEC_H


#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>


namespace kabinet::iec {


inline constexpr std::uint8_t SOH = 0x01;
inline constexpr std::uint8_t STX = 0x02;
inline constexpr std::uint8_t ETX = 0x03;
inline constexpr std::uint8_t ACK = 0x06;
inline constexpr std::uint8_t NAK = 0x15;

inline constexpr std::size_t kMaxFrame = 65536;
	/// Upper bound of one answer frame the session accepts (a day of a 1-minute profile fits).


enum class Checksum
	/// How the block check character is computed.
{
	Iec,       /// XOR of the bytes (IEC 62056-21)
	Energomera /// arithmetic sum of the bytes, low 7 bits (Energomera CE meters)
};


std::uint8_t bcc(Checksum kind, std::span<const std::uint8_t> bytes) noexcept;
	/// The block check character of bytes (the range after the first SOH/STX up to and including ETX).


//
// Requests
//


std::vector<std::uint8_t> buildSignOn(std::string_view address);
	/// "/?<address>!\r\n". Throws std::invalid_argument for an address with characters outside
	/// printable ASCII or with '/', '!', '?', or longer than 32 characters.

std::vector<std::uint8_t> buildOptionSelect(char baudChar, char mode = '1');
	/// <ACK> '0' baudChar mode CR LF.

std::vector<std::uint8_t> buildCommand(Checksum kind, std::string_view command, std::string_view data);
	/// <SOH> command <STX> data <ETX> <BCC>, e.g. ("R1", "ET0PE()"). Throws std::invalid_argument when
	/// command or data contain control characters.

std::vector<std::uint8_t> buildPassword(Checksum kind, std::string_view password);
	/// <SOH>P1<STX>(password)<ETX><BCC>.

std::vector<std::uint8_t> buildRead(Checksum kind, std::string_view name, std::string_view params = {});
	/// <SOH>R1<STX>NAME(params)<ETX><BCC>.

std::vector<std::uint8_t> buildBreak(Checksum kind);
	/// <SOH>B0<ETX><BCC>.


//
// Answers
//


struct Identification
	/// The meter's identification line.
{
	std::string manufacturer; /// three letters, e.g. "EKT"
	char baudChar = '0';      /// '0'..'9' (or a letter for other modes)
	bool modeE = false;       /// "\2" after the baud character: the meter offers mode E (HDLC)
	std::string ident;        /// the rest, e.g. "CE301v11"
	std::string model;        /// ident before the version marker ("CE301"), or the whole ident
	std::string firmware;     /// the version after 'v' ("11"), or ""
};


struct IdentResult
{
	std::optional<Identification> value;
	std::string error; /// set when value is empty
};


IdentResult decodeIdentification(std::span<const std::uint8_t> line);
	/// Decodes "/XXXZ<ident>\r\n" (the bytes of one line including CR LF).


struct CommandFrame
	/// A frame that starts with <SOH>: command ("P0", "B0", ...) and the data between STX and ETX
	/// (empty when the frame has no STX part).
{
	std::string command;
	std::string data;
	bool hasData = false;
};


struct CommandResult
{
	std::optional<CommandFrame> value;
	std::string error;
};


CommandResult decodeCommandFrame(Checksum kind, std::span<const std::uint8_t> frame);
	/// Decodes <SOH>cmd[<STX>data]<ETX><BCC>; checks the BCC of kind.


struct DataItem
	/// One "(value)" of an answer with the name it came with (the last name seen before it).
{
	std::string name;
	std::string value;
};


struct DataBlock
	/// The items of an answer frame, in order. errorCode >= 0 when the answer is an error message
	/// ("(ERRnn)" as the first value): the object is not available.
{
	std::vector<DataItem> items;
	int errorCode = -1;
};


struct DataResult
{
	std::optional<DataBlock> value;
	std::string error;
};


DataResult decodeDataFrame(Checksum kind, std::span<const std::uint8_t> frame);
	/// Decodes <STX>NAME(v)\r\n(v)...<ETX><BCC>; checks the BCC of kind.

DataResult decodeDataBody(std::string_view body);
	/// Decodes the text between STX and ETX (used by decodeDataFrame).


//
// Frame boundaries (for the session's reader)
//


enum class FrameState
{
	Incomplete, /// a valid beginning; more bytes needed
	Complete,   /// a whole frame of `length` bytes
	Invalid     /// cannot become a valid frame
};


struct FrameScan
{
	FrameState state = FrameState::Incomplete;
	std::size_t length = 0;
};


FrameScan scanLine(std::span<const std::uint8_t> bytes, std::size_t maxLength = 128);
	/// For an identification line: starts with '/', ends with CR LF, printable in between.

FrameScan scanBlock(std::span<const std::uint8_t> bytes, std::size_t maxLength = kMaxFrame);
	/// For a block frame: starts with SOH or STX, ends with ETX and one BCC byte. Control bytes
	/// other than SOH/STX/CR/LF inside make it Invalid.


//
// Values
//


struct Fixed
	/// A decimal number as an exact integer of 10^-9 units.
{
	std::int64_t nano = 0;
	double toDouble() const noexcept
	{
		return static_cast<double>(nano) / 1e9;
	}
};


std::optional<Fixed> parseDecimal(std::string_view text);
	/// "-12.3456" -> exact value; at most 9 integer and 9 fraction digits; optional sign, leading and
	/// trailing spaces; a unit suffix after '*' ("5.1*kWh") is ignored. Empty on anything else.


struct LocalDate
{
	int year = 2000;
	unsigned month = 1, day = 1;
	int weekday = -1; /// 0 = Sunday .. 6, -1 when not given
};


struct LocalTime
{
	unsigned hour = 0, minute = 0, second = 0;
};


std::optional<LocalDate> parseMeterDate(std::string_view text);
	/// DATE_ answer "ww.dd.mm.yy" (weekday first, one or two digits) -> date; years 20yy.

std::optional<LocalDate> parseDate(std::string_view text);
	/// "dd.mm.yy" -> date (20yy); checks the day exists.

std::optional<LocalTime> parseTime(std::string_view text);
	/// "hh:mm:ss" (one or two digits each) -> time; checks the ranges.

std::vector<std::string_view> splitFields(std::string_view value);
	/// Splits "a,b,c" at commas, trimming spaces.


struct JournalEntry
	/// One record of an LOEzz journal answer: "rec,dd.mm.yy,hh:mm:ss,hex8[,extra]".
{
	std::uint32_t record = 0;
	LocalDate date;
	LocalTime time;
	std::uint8_t info = 0;
};


std::optional<JournalEntry> parseJournalEntry(std::string_view value);
	/// Parses one journal value; record 0 means "journal empty" (the other fields are then not checked).


struct ProfileEntry
	/// One interval of a VPIzz answer: the value and the interval's status byte.
{
	Fixed value;
	std::uint8_t status = 0;
};


struct ProfileDay
{
	std::optional<LocalDate> date; /// the day the meter says it answered (first value only)
	std::vector<ProfileEntry> entries;
};


struct ProfileResult
{
	std::optional<ProfileDay> value;
	std::string error;
};


ProfileResult parseProfileDay(const DataBlock& block);
	/// VPIzz(dd.mm.yy,X.X,hex)(X.X,hex)...: the first value carries the day, the rest only value and status.


} // namespace kabinet::iec


#endif // KABINET_IEC_CODEC_H
