//
// DayRows.cpp
//


#include "DayRows.h"

#include <set>


namespace kabinet::energosfera {


namespace {


bool digits(const std::string& s, std::size_t n)
{
	if (s.size() != n) return false;
	for (char c : s)
		if (c < '0' || c > '9') return false;
	return true;
}


std::optional<long long> wholeValue(const std::string& s)
{
	if (s.empty() || s.size() > 15) return std::nullopt;
	long long v = 0;
	for (char c : s)
	{
		if (c < '0' || c > '9') return std::nullopt;
		v = v * 10 + (c - '0');
	}
	return v;
}


std::optional<std::string> checkChannel(const Channel80020& c)
{
	if (c.periods.size() != 48)
		return "канал " + c.code + ": " + std::to_string(c.periods.size()) + " получасов вместо 48";
	for (std::size_t i = 0; i < 48; ++i)
	{
		const auto& p = c.periods[i];
		const int start = static_cast<int>(i) * 30;
		const int end = start + 30;
		if (p.startMin != start || !(p.endMin == end || (end == 1440 && p.endMin == 0)))
			return "канал " + c.code + ": получас " + std::to_string(i + 1) + " не по порядку или с неверными границами";
		if (!wholeValue(p.value))
			return "канал " + c.code + ": значение получаса " + std::to_string(i + 1) + " не целое неотрицательное число";
	}
	return std::nullopt;
}


} // namespace


std::optional<std::int64_t> civilDay(const std::string& s)
{
	if (!digits(s, 8)) return std::nullopt;
	const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(4, 2)), d = std::stoi(s.substr(6, 2));
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
	// days from civil (H. Hinnant's algorithm)
	const int yy = y - (m <= 2 ? 1 : 0);
	const int era = yy / 400;
	const int yoe = yy - era * 400;
	const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return static_cast<std::int64_t>(era * 146097 + doe - 719468) * 86400;
}


std::string channelField(int index)
{
	static const char* names[] = {"p_plus", "p_minus", "q_plus", "q_minus"};
	return names[index];
}


DayRows dayRows(const Message80020& message, int utcOffsetMin, double energyUnitKwh)
{
	const auto day = civilDay(message.day);
	if (!day) throw FormatError("дата файла (datetime/day) не является датой ГГГГММДД");
	DayRows out;
	out.midnightUtc = *day - static_cast<std::int64_t>(utcOffsetMin + (message.daylightSaving ? 60 : 0)) * 60;
	std::set<std::string> seen;
	for (const auto& p : message.points)
	{
		auto reject = [&](const std::string& reason) { out.malformed.push_back({p.code, reason}); };
		if (!digits(p.code, 15))
		{
			reject("код точки измерения не из 15 цифр");
			continue;
		}
		if (!seen.insert(p.code).second)
		{
			reject("точка измерения повторяется в файле");
			continue;
		}
		if (p.channels.empty())
		{
			reject("нет каналов");
			continue;
		}
		std::optional<std::string> problem;
		std::set<std::string> channels;
		for (const auto& c : p.channels)
		{
			if (c.code != "01" && c.code != "02" && c.code != "03" && c.code != "04")
				problem = "неизвестный код канала " + c.code.substr(0, 8);
			else if (!channels.insert(c.code).second)
				problem = "канал " + c.code + " повторяется";
			else
				problem = checkChannel(c);
			if (problem) break;
		}
		if (problem)
		{
			reject(*problem);
			continue;
		}
		PointDay pd;
		pd.code = p.code;
		pd.name = p.name;
		pd.halfHours.resize(48);
		for (std::size_t i = 0; i < 48; ++i) pd.halfHours[i].ts = out.midnightUtc + static_cast<std::int64_t>(i) * 1800;
		for (const auto& c : p.channels)
		{
			const int index = (c.code[1] - '0') - 1;
			for (std::size_t i = 0; i < 48; ++i)
				pd.halfHours[i].kwh[index] = static_cast<double>(*wholeValue(c.periods[i].value)) * energyUnitKwh;
			pd.values += 48;
		}
		out.points.push_back(std::move(pd));
	}
	return out;
}


} // namespace kabinet::energosfera
