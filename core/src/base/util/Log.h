#pragma once
/// Structured logging: one JSON object per line on stderr, {"ts","level","msg",...fields}.
/// Callers pass only non-personal data (ids, codes, counts); never passwords, tokens, phones or e-mails.
#include <initializer_list>
#include <string>
#include <utility>

namespace kabinet::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3 };

/// Sets the lowest level written; accepts "debug", "info", "warn", "error". Throws ConfigError otherwise.
void setLevel(const std::string& name);
/// True when lines of this level are written.
bool enabled(Level level);
/// Writes one line with extra string fields (key, value). Thread-safe; one write(2) per line.
void write(Level level, const std::string& msg, std::initializer_list<std::pair<const char*, std::string>> fields = {});

inline void debug(const std::string& m, std::initializer_list<std::pair<const char*, std::string>> f = {}) { write(Level::Debug, m, f); }
inline void info(const std::string& m, std::initializer_list<std::pair<const char*, std::string>> f = {}) { write(Level::Info, m, f); }
inline void warn(const std::string& m, std::initializer_list<std::pair<const char*, std::string>> f = {}) { write(Level::Warn, m, f); }
inline void error(const std::string& m, std::initializer_list<std::pair<const char*, std::string>> f = {}) { write(Level::Error, m, f); }

/// Escapes a string for inclusion in a JSON string literal (UTF-8 passes through).
std::string jsonEscape(const std::string& s);

} // namespace kabinet::log
