//
// Session.h
//
// The connector's session at the WAVIoT platform: a JWT obtained by user-login, kept by the instance and
// reused across syncs (the platform allows 30 open sessions per account, then answers 429), refreshed by
// user-refresh — or, when that fails, one fresh login — once when the platform refuses it, closed by
// user-logout when the instance is destroyed. With an api_key no login is made ("key" parameter).
//


#ifndef KABINET_WAVIOT_SESSION_H
#define KABINET_WAVIOT_SESSION_H


#include "Answers.h"
#include "Settings.h"

#include "kabinet/connector.hpp"

#include <mutex>
#include <string>
#include <utility>
#include <vector>


namespace kabinet::waviot {


class UpstreamFailure: public sdk::ProtocolError
	/// The platform answered {"status":"error"} with a code other than the authorisation error.
{
public:
	UpstreamFailure(int code, const std::string& text): sdk::ProtocolError(text), _code(code) {}
	int code() const noexcept { return _code; }
		/// The platform's error code.
private:
	int _code;
};


class Session
	/// Thread-safe: the token is guarded; requests run concurrently.
{
public:
	using Params = std::vector<std::pair<std::string, std::string>>;

	explicit Session(const Settings& settings);
	~Session();
		/// Closes the session at the platform (best effort, bounded by the timeout).

	Poco::JSON::Object::Ptr get(const std::string& method, const Params& params, long long now);
		/// Calls api.<method> with the parameters and returns the answer object. An answer refusing the token
		/// (HTTP 401/403 or error code 5) renews the session once and repeats the call. Throws AuthError when
		/// the platform refuses the login or the key; TransportError on 429, 5xx or a token refused again
		/// right after renewal; TimeoutError when no answer came in time; ProtocolError on malformed answers
		/// or other statuses; UpstreamFailure on an error answer.

	void logout() noexcept;
		/// Closes the open session (user-logout), if any.

	unsigned logins() const;
		/// How many logins this instance made (for the log).

private:
	std::string token(long long now);
	void renew(const std::string& refused, long long now);
	void login();
	bool refresh();
	sdk::HttpResponse post(const std::string& action, const std::string& body, const std::string& jwt, unsigned retries) const;

	const Settings& _settings;
	mutable std::mutex _mutex;
	Login _login;
	unsigned _logins = 0;
};


} // namespace kabinet::waviot


#endif // KABINET_WAVIOT_SESSION_H
