//
// Config.h
//
// The settings of the supplier-http connector (manifest.json "config_schema"), with their defaults.
//


#pragma once


#include <map>
#include <string>


namespace kabinet::supplier {


struct Config
	/// Where the supplier's API lives and how its calls are named. Every path is a setting because the
	/// supplier's API is not published (manifest "unknowns").
{
	std::string baseUrl;
	std::string loginPath = "/api/v1/auth/login";
	std::string logoutPath = "/api/v1/auth/logout";
	std::string contractsPath = "/api/v1/contracts";
	std::string balancePath = "/api/v1/contracts/{contract}/balance";
	std::string chargesPath = "/api/v1/contracts/{contract}/accruals";
	std::string paymentsPath = "/api/v1/contracts/{contract}/payments";
	std::string readingPath = "/api/v1/meters/{serial}/readings";
	std::string notificationsPath = "/api/v1/notifications";
	std::string appealsPath = "/api/v1/appeals";
	std::string loginField = "login";
	std::string passwordField = "password";
	std::string tokenField = "access_token";
	std::map<std::string, std::string> statusMap = {{"registered", "registered"}, {"in_work", "in_work"}, {"closed", "answered"}};
	bool integerReadings = true;
	unsigned timeoutMs = 15000;
	unsigned retries = 2;

	static Config parse(const std::string& json);
		/// Reads the JSON settings; throws sdk::ConfigError naming the key on a bad or missing value.
};


} // namespace kabinet::supplier
