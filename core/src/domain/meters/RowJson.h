#pragma once
/// Rows of a query as JSON, the way the meters services answer: numbers rounded to the registers' three
/// decimals, empty texts and NULLs as JSON null.
#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>

#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet::rowjson {

/// A value as JSON: rounded to three decimals; null when absent.
Poco::Dynamic::Var number(const std::optional<double>& v);
/// A text as JSON; null when empty.
Poco::Dynamic::Var text(const std::string& v);
/// The rows of `sql` as JSON objects, one key per column in order (`names`); the keys listed in `numeric` are
/// numbers (number()), the others texts (text()). `params` bind the statement's placeholders in order (at most
/// three).
Poco::JSON::Array::Ptr rows(soci::session& s, const std::string& sql, const std::vector<std::string>& names,
                            const std::vector<std::string>& numeric, const std::vector<std::string>& params);

} // namespace kabinet::rowjson
