#pragma once
/// Identifiers with valid check digits, for demo and test data. The rules are those of the shared Lua
/// library (kabinet.validators, through kabinet.demo): the digits are the ones the validators accept, so
/// the rule is written once. Each function throws (LuaError) on a number of the wrong length or one that
/// has no control number.
#include <string>

namespace kabinet {
class LuaState;
}

namespace kabinet::demo {
/// `digits` completed by kabinet.demo.<kind> ("snils", "inn10", "inn12", "ogrn", "ogrnip") in a state whose
/// require roots hold the shared library (a tenant's state).
std::string withCheckDigits(LuaState& st, const std::string& kind, const std::string& digits);

/// СНИЛС: 11 digits from the 9-digit number (above 001-001-998) and its control number.
std::string snils(const std::string& nine);
/// ИНН of an organisation: 10 digits from the first 9.
std::string inn10(const std::string& nine);
/// ИНН of a person or sole proprietor: 12 digits from the first 10.
std::string inn12(const std::string& ten);
/// ОГРН: 13 digits from the first 12 (first digit 1 or 5).
std::string ogrn(const std::string& twelve);
/// ОГРНИП: 15 digits from the first 14 (first digit 3).
std::string ogrnip(const std::string& fourteen);
} // namespace kabinet::demo
