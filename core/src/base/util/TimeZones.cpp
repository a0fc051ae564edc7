#include "util/TimeZones.h"

#include <cstdio>
#include <ctime>
#include <map>
#include <stdexcept>

namespace kabinet::tz {

int offsetSeconds(const std::string& zone) {
    static const std::map<std::string, int> hours = {
        {"Europe/Kaliningrad", 2}, {"Europe/Moscow", 3},      {"Europe/Simferopol", 3},  {"Europe/Kirov", 3},
        {"Europe/Volgograd", 3},   {"Europe/Samara", 4},      {"Europe/Saratov", 4},     {"Europe/Ulyanovsk", 4},
        {"Europe/Astrakhan", 4},   {"Asia/Yekaterinburg", 5}, {"Asia/Omsk", 6},          {"Asia/Novosibirsk", 7},
        {"Asia/Barnaul", 7},       {"Asia/Tomsk", 7},         {"Asia/Novokuznetsk", 7},  {"Asia/Krasnoyarsk", 7},
        {"Asia/Irkutsk", 8},       {"Asia/Chita", 9},         {"Asia/Yakutsk", 9},       {"Asia/Khandyga", 9},
        {"Asia/Vladivostok", 10},  {"Asia/Ust-Nera", 10},     {"Asia/Magadan", 11},      {"Asia/Sakhalin", 11},
        {"Asia/Srednekolymsk", 11}, {"Asia/Kamchatka", 12},   {"Asia/Anadyr", 12}};
    auto it = hours.find(zone);
    return (it == hours.end() ? 3 : it->second) * 3600;
}

long long localMidnight(const std::string& date, int offset) {
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 || y > 2200 || m < 1 ||
        m > 12 || d < 1 || d > 31)
        throw std::invalid_argument("date must be YYYY-MM-DD");
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    const long long utc = static_cast<long long>(timegm(&tm));
    std::tm back{};
    std::time_t t = static_cast<std::time_t>(utc);
    gmtime_r(&t, &back);
    if (back.tm_mday != d) throw std::invalid_argument("no such date");
    return utc - offset;
}

std::string localDate(long long ts, int offset) {
    std::time_t t = static_cast<std::time_t>(ts + offset);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return buf;
}

} // namespace kabinet::tz
