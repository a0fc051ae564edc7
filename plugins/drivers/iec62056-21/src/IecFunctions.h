//
// IecFunctions.h
//
// The meter functions the item readers of IecSession ask for, and what they share about their parameters
// and answers: the ERR codes, the date parameter, the numbers of an answer.
//
// Which meter functions are read, and what was checked about them:
//  - SNUMB, DATE_ ("ww.dd.mm.yy", weekday first), TIME_, ET0PE (A+ from reset: total, T1..T5), ECMPE,
//    EAMPE(mm.yy), ENMPE(mm.yy), EADPE(dd.mm.yy), VOLTA, CURRE, POWEP, POWPP, COS_f, FREQU: names and
//    answer layouts seen in published traffic and configurations of CE301/CE303/CE102 meters.
//  - EAMPE / EADPE answer the energy consumed IN the month / day; ENMPE answers the register at the END
//    of the month (two independent sources agree; one of them with numbers: ENMPE(prev) = ET0PE - ECMPE).
//    KB_READ_BILLING therefore reports the register at a month start as ENMPE(previous month), and at a
//    day start as ENMPE(previous month) + the EADPE of the days of the month before it (archive values
//    only, so no race with the running register).
//  - Reverse and reactive energy (names such as ET0PI, ET0QE) and Q/S/angle functions could not be
//    confirmed by a second source for this dialect: they are reported unavailable, never asked for.
//  - UNVERIFIED for CE301/CE303: the 30-minute profile and the journals. The forms used are the ones the
//    manufacturer documents for its CE208/CE308 meters in the same IEC dialect: VPI01(dd.mm.yy) answers
//    VPI01(dd.mm.yy,value,status)(value,status)... for every interval of that day (status bit 0 = record
//    not empty, 2 = power down, 3 = clock set, 6 = clock failure, 7 = corrupt record); the value is taken
//    as the A+ energy of the interval in kWh. LOEzz() answers the event journal zz from the newest
//    record: LOEzz(rec,dd.mm.yy,hh:mm:ss,info[,extra]); journals 01 self-test, 04 power supply (info
//    1 = off, 0 = on), 08 voltage state per phase (two bits a phase, 3 = off), 28 terminal cover seal,
//    29 casing seal (2/3 = broken, 1 = sealed), 30 magnet. A meter that does not know these functions
//    answers ERR12, which becomes one sink.unavailable per function.
//


#ifndef KABINET_IEC_FUNCTIONS_H
#define KABINET_IEC_FUNCTIONS_H


#include "IecSession.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>


namespace kabinet::iec {


inline constexpr std::int64_t kDay = 86400;
	/// Seconds of a day.


inline std::string errorText(int code)
	/// "ERR12 (unknown function)": the text of the meter's error code.
{
	const char* what = "error";
	switch (code)
	{
	case 11: what = "command not supported"; break;
	case 12: what = "unknown function"; break;
	case 13: what = "wrong parameter structure"; break;
	case 14: what = "access button not pressed"; break;
	case 15: what = "access denied"; break;
	case 16: what = "programming not allowed"; break;
	case 17: what = "invalid parameter value"; break;
	case 18: what = "no such date / nothing fixed"; break;
	case 19: what = "access busy"; break;
	case 22: what = "answer too long"; break;
	default: break;
	}
	return "ERR" + std::to_string(code) + " (" + what + ")";
}


inline std::string dateParam(int year, unsigned month, unsigned day)
	/// "dd.mm.yy": the parameter naming one day.
{
	char buf[48];
	std::snprintf(buf, sizeof buf, "%02u.%02u.%02d", day, month, year % 100);
	return buf;
}


inline std::vector<Fixed> numbers(const DataBlock& block, const std::string& what)
	/// The values of an answer as numbers; a value that is not one is a ProtocolError naming `what`.
{
	std::vector<Fixed> out;
	for (const auto& item : block.items)
	{
		auto v = parseDecimal(item.value);
		if (!v) throw sdk::ProtocolError(what + ": value is not a number");
		out.push_back(*v);
	}
	return out;
}


} // namespace kabinet::iec


#endif // KABINET_IEC_FUNCTIONS_H
