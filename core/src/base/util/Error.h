#pragma once
/// The one exception hierarchy of the core. Every error a request can cause is an Error with an HTTP
/// status, a stable machine code, a Russian message for people and optional per-field reasons; the HTTP
/// edge maps it once to the JSON error model {"error","message","fields"}.
#include <map>
#include <stdexcept>
#include <string>

namespace kabinet {

/// Base of all errors the core throws on purpose.
class Error : public std::runtime_error {
public:
    Error(int status, std::string code, std::string message, std::map<std::string, std::string> fields = {});
    int status() const noexcept { return status_; }                              /// HTTP status to answer with
    const std::string& code() const noexcept { return code_; }                   /// stable machine code
    const std::map<std::string, std::string>& fields() const noexcept { return fields_; } /// field → reason
    std::string toJson() const;                                                  /// the error model as JSON text, always well-formed UTF-8
    /// Seconds a client should wait (429); sent as Retry-After and "retry_after". Returns *this.
    Error& retryAfter(long long seconds) { retryAfter_ = seconds; return *this; }
    long long retryAfterSeconds() const noexcept { return retryAfter_; }
    /// Adds a top-level string member to the JSON body (e.g. "limit" of a 429 limit_exceeded); the model's own
    /// members (error, message, fields, retry_after) cannot be replaced. Returns *this.
    Error& with(const std::string& key, std::string value) { extra_[key] = std::move(value); return *this; }
    /// The added members.
    const std::map<std::string, std::string>& extra() const noexcept { return extra_; }

private:
    int status_;
    std::string code_;
    std::map<std::string, std::string> fields_;
    long long retryAfter_ = 0;
    std::map<std::string, std::string> extra_;
};

/// 400: the request is malformed (bad JSON, wrong types).
struct BadRequest : Error {
    explicit BadRequest(std::string code, std::string message, std::map<std::string, std::string> fields = {})
        : Error(400, std::move(code), std::move(message), std::move(fields)) {}
};
/// 404: the thing (tenant, route, record) does not exist.
struct NotFound : Error {
    explicit NotFound(std::string code, std::string message) : Error(404, std::move(code), std::move(message)) {}
};
/// 409: a conflict with stored data (unique violation).
struct Conflict : Error {
    explicit Conflict(std::string code, std::string message, std::map<std::string, std::string> fields = {})
        : Error(409, std::move(code), std::move(message), std::move(fields)) {}
};
/// 422: well-formed but invalid content (field validation).
struct Unprocessable : Error {
    explicit Unprocessable(std::map<std::string, std::string> fields,
                           std::string message = "Проверьте правильность заполнения полей")
        : Error(422, "validation_failed", std::move(message), std::move(fields)) {}
    /// Field → reason pairs, e.g. Unprocessable({{"ogrn", "Неверное контрольное число ОГРН"}}).
    Unprocessable(std::initializer_list<std::pair<const std::string, std::string>> fields)
        : Unprocessable(std::map<std::string, std::string>(fields)) {}
};
/// 503: a dependency (database) is unavailable.
struct Unavailable : Error {
    explicit Unavailable(std::string code, std::string message) : Error(503, std::move(code), std::move(message)) {}
};

/// Configuration or start-up problems (not request errors); the message is for operators.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

} // namespace kabinet
