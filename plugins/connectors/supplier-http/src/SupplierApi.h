//
// SupplierApi.h
//
// The supplier's REST calls through the host's HTTP client, and how their answers map to the SDK's errors.
//


#pragma once


#include "Config.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>


namespace kabinet::supplier {


class SupplierApi
	/// One object per connector instance; stateless between calls (safe on several threads).
	/// Answer rules: 2xx with a JSON object → the object; 401/403 → sdk::AuthError on a token call;
	/// 429 and 5xx (after the host's retries) or no answer → sdk::TransportError; a body that is not
	/// JSON (e.g. truncated) → sdk::ProtocolError; any other 4xx → sdk::RejectedError with the
	/// supplier's "message" when it gives one. Error texts never hold tokens, passwords or bodies.
{
public:
	explicit SupplierApi(Config config): _config(std::move(config)) {}

	std::string login(const std::string& login, const std::string& password) const;
		/// The token for these credentials; sdk::RejectedError("invalid credentials") when refused.

	void logout(const std::string& token) const;
		/// Ends the token at the supplier (an already dead token is fine).

	Poco::JSON::Array::Ptr contracts(const std::string& token) const;
		/// The contracts of the account with their points and meters.

	Poco::JSON::Object::Ptr balance(const std::string& token, const std::string& contract) const;
		/// {"as_of","balance"} of a contract.

	Poco::JSON::Array::Ptr charges(const std::string& token, const std::string& contract, const std::string& from, const std::string& to) const;
		/// Accruals dated in [from, to) (YYYY-MM-DD).

	Poco::JSON::Array::Ptr payments(const std::string& token, const std::string& contract, const std::string& from, const std::string& to) const;
		/// Payments dated in [from, to).

	Poco::JSON::Object::Ptr submitReading(const std::string& token, const std::string& serial, const Poco::JSON::Object::Ptr& body) const;
		/// Sends one reading; {"id","status"}.

	Poco::JSON::Array::Ptr notifications(const std::string& token, long long since) const;
		/// The supplier's notifications at or after `since` (Unix seconds).

	Poco::JSON::Object::Ptr fileAppeal(const std::string& token, const Poco::JSON::Object::Ptr& body) const;
		/// Files an appeal; {"id","status"}.

	Poco::JSON::Array::Ptr appeals(const std::string& token) const;
		/// The account's appeals with their status and answer.

	const Config& config() const noexcept { return _config; }

private:
	Poco::JSON::Object::Ptr exchange(const std::string& method, const std::string& path, const std::string& token,
		const std::string& body, bool retry) const;
	Poco::JSON::Array::Ptr items(const Poco::JSON::Object::Ptr& answer) const;

	Config _config;
};


std::string fillPath(std::string path, const std::string& name, const std::string& value);
	/// Replaces {name} in a path by the percent-encoded value.


} // namespace kabinet::supplier
