//
// Message80020.h
//
// One XML 80020 file of the market's data exchange (ПК «Энергосфера» and others): the header, the sender, the
// area and, per measuring point and channel, the 48 half-hour energies of one day. Reading (windows-1251 XML
// → UTF-8 model) and writing (model → windows-1251 XML), and the file name of the layout.
//


#ifndef KABINET_ENERGOSFERA_MESSAGE80020_H
#define KABINET_ENERGOSFERA_MESSAGE80020_H


#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>


namespace kabinet::energosfera {


class FormatError: public std::runtime_error
	/// The bytes are not a readable 80020 file (not XML, truncated, another class, no day): nothing of it
	/// may be used. The text says why, in Russian, without the file's content.
{
public:
	using std::runtime_error::runtime_error;
};


struct Period80020
	/// One <period>: the half-hour from start to end (minutes after local midnight) and its energy.
{
	int startMin = 0;    /// "hhmm" of the start attribute, in minutes
	int endMin = 0;      /// "hhmm" of the end attribute, in minutes (0 or 1440 for the last half-hour)
	std::string value;   /// the <value> text as written (checked when the day is turned into rows)
	std::string status;  /// the value's status attribute ("" when absent)
};


struct Channel80020
	/// One <measuringchannel>: code "01" A+, "02" A−, "03" R+, "04" R−.
{
	std::string code;
	std::string desc;
	std::vector<Period80020> periods;
};


struct Point80020
	/// One <measuringpoint>: its 15-digit code and name.
{
	std::string code;
	std::string name;
	std::vector<Channel80020> channels;
};


struct Message80020
	/// A whole file. Texts are UTF-8.
{
	std::string number;        /// the message number (attribute of <message>)
	std::string timestamp;     /// YYYYMMDDhhmmss, when the file was made
	bool daylightSaving = false; /// <daylightsavingtime>1</daylightsavingtime>: local times are summer time
	std::string day;           /// YYYYMMDD, the day the values belong to
	std::string senderInn;
	std::string senderName;
	std::string areaInn;
	std::string areaName;
	std::string areaTimezone;  /// the area's timezone attribute as written (its meaning is not published)
	std::vector<Point80020> points;
};


Message80020 read80020(const std::string& bytes);
	/// Parses a file (windows-1251 or UTF-8, as its XML declaration says). Throws FormatError when it is not
	/// well-formed XML, not class 80020, or has no <day>. Points, channels and periods are taken as written;
	/// their checks belong to the day's rows (DayRows).

std::string write80020(const Message80020& message);
	/// The file's bytes: windows-1251 XML with the declaration. Characters windows-1251 lacks become "?".

std::string fileName80020(const Message80020& message);
	/// 80020_<sender INN>_<YYYYMMDD>_<number>_<area INN>.xml


} // namespace kabinet::energosfera


#endif // KABINET_ENERGOSFERA_MESSAGE80020_H
