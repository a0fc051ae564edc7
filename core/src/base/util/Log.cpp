#include "util/Log.h"

#include "util/Error.h"
#include "util/Text.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace kabinet::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::Info)};

const char* levelName(Level l) {
    switch (l) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
    }
    return "info";
}

std::string timestamp() {
    using namespace std::chrono;
    auto now = system_clock::now();
    auto secs = system_clock::to_time_t(now);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}
} // namespace

void setLevel(const std::string& name) {
    if (name == "debug") g_level = 0;
    else if (name == "info") g_level = 1;
    else if (name == "warn" || name == "warning") g_level = 2;
    else if (name == "error") g_level = 3;
    else throw ConfigError("unknown log level '" + name + "' (expected debug, info, warn or error)");
}

bool enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

std::string jsonEscape(const std::string& s) {
    std::string out;
    out.reserve(s.size() + 8);
    for (unsigned char c : text::validUtf8(s)) { // a log line stays UTF-8 whatever a client's bytes were
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out;
}

void write(Level level, const std::string& msg, std::initializer_list<std::pair<const char*, std::string>> fields) {
    if (!enabled(level)) return;
    std::string line = "{\"ts\":\"" + timestamp() + "\",\"level\":\"" + levelName(level) + "\",\"msg\":\"" + jsonEscape(msg) + "\"";
    for (const auto& [k, v] : fields) line += ",\"" + jsonEscape(k) + "\":\"" + jsonEscape(v) + "\"";
    line += "}\n";
    // One write(2) keeps concurrent lines whole.
    ssize_t rc = ::write(STDERR_FILENO, line.data(), line.size());
    (void)rc;
}

} // namespace kabinet::log
