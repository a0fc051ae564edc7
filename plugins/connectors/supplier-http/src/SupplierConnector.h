//
// SupplierConnector.h
//
// The supplier-http connector: a consumer's supplier account (token) and what it gives.
//


#pragma once


#include "SupplierApi.h"

#include "kabinet/connector.hpp"


namespace kabinet::supplier {


class SupplierConnector: public sdk::Connector
	/// Calls: "link" {login,password} → {token, contracts}; "submit_reading"; "file_case"; "logout".
	/// Sync tasks: "balances", "notifications", "cases" (manifest.json). The password is used for the one
	/// login request and never kept or logged. Stateless between calls (safe on several threads).
{
public:
	explicit SupplierConnector(const std::string& configJson);

	std::string linkContracts(const std::string& login, const std::string& password) override;
		/// ABI 1.0: the contracts as a JSON array (the token is logged out again at once).

	void sync(const sdk::SyncRequest& request, const sdk::SyncSink& sink) override;
		/// Tasks "balances", "notifications", "cases" for the account's token (sdk::AuthError without one);
		/// sdk::ConfigError for another task.

	std::string call(const std::string& operation, const std::string& inputJson) override;
		/// "link", "submit_reading", "file_case", "logout" (manifest "operations"); sdk::ConfigError for another.

private:
	Poco::JSON::Object::Ptr link(const Poco::JSON::Object::Ptr& input) const;
	Poco::JSON::Object::Ptr submitReading(const Poco::JSON::Object::Ptr& input) const;
	Poco::JSON::Object::Ptr fileCase(const Poco::JSON::Object::Ptr& input) const;
	void balances(const std::string& token, const sdk::SyncRequest& request, const sdk::SyncSink& sink) const;
	void notifications(const std::string& token, const sdk::SyncRequest& request, const sdk::SyncSink& sink) const;
	void cases(const std::string& token, const sdk::SyncSink& sink) const;

	SupplierApi _api;
};


} // namespace kabinet::supplier
