//
// MercuryAsk.h
//
// What the item readers of MercurySession share: MercurySession::ask (a query whose answer is decoded,
// a failure named after its object), the naming of objects in reports and the energy channels.
//


#ifndef KABINET_MERCURY_MERCURYASK_H
#define KABINET_MERCURY_MERCURYASK_H


#include "MercurySession.h"

#include <cstdio>
#include <initializer_list>
#include <string>


namespace kabinet::mercury {


inline std::string hex(std::initializer_list<unsigned> bytes)
	/// "05 00 01": how objects are named in unavailable reports.
{
	std::string out;
	char buf[4];
	for (unsigned b: bytes)
	{
		std::snprintf(buf, sizeof buf, "%02X", b & 0xFFu);
		if (!out.empty()) out += ' ';
		out += buf;
	}
	return out;
}


inline std::string bare(const char* what)
	/// An error text without the driver's "mercury: " prefix, to be prefixed once with the command.
{
	std::string text(what);
	if (text.rfind("mercury: ", 0) == 0) text.erase(0, 9);
	return text;
}


inline constexpr kb_quantity kEnergyQuantity[4] = {KB_Q_ENERGY_AP, KB_Q_ENERGY_AM, KB_Q_ENERGY_RP, KB_Q_ENERGY_RM};
	/// The quantity of each energy channel in the order of the meter's registers: A+, A-, R+, R-.
inline constexpr const char* kChannelName[4] = {"A+", "A-", "R+", "R-"};
	/// The name of each energy channel in reports, in the same order.


template <typename Decode>
auto MercurySession::ask(const Bytes& request, std::size_t minData, std::size_t maxData, const std::string& object, Decode decode)
{
	const Bytes data = query(request, minData, maxData, object);
	try
	{
		auto value = decode(std::span<const std::uint8_t>(data));
		_malformedInARow = 0;
		return value;
	}
	catch (const sdk::ProtocolError& e)
	{
		malformed(object, bare(e.what()));
	}
}


} // namespace kabinet::mercury


#endif // KABINET_MERCURY_MERCURYASK_H
