//
// Session.cpp
//


#include "Session.h"

#include "kabinet/sdk.hpp"


namespace kabinet::waviot {


namespace {


bool refusesToken(int status, const Poco::JSON::Object::Ptr& answer)
{
	if (status == 401 || status == 403) return true;
	if (!answer) return false;
	const auto e = answerError(answer);
	return e && e->code == 5;
}


} // namespace


Session::Session(const Settings& settings): _settings(settings)
{
}


Session::~Session()
{
	logout();
}


sdk::HttpResponse Session::post(const std::string& action, const std::string& body, const std::string& jwt, unsigned retries) const
{
	sdk::HttpRequest r;
	r.method = "POST";
	r.url = _settings.authUrl + "?action=" + action;
	r.headers = {{"Content-Type", "application/json"}, {"X-Requested-With", "XMLHttpRequest"}};
	if (!jwt.empty()) r.headers.emplace_back("Authorization", "bearer " + jwt);
	r.body = body;
	r.timeoutMs = _settings.timeoutMs;
	r.retries = retries;
	return sdk::http(r);
}


void Session::login()
{
	const std::string body = "{\"login\":" + sdk::jsonQuote(_settings.login) + ",\"password\":" + sdk::jsonQuote(_settings.password) + "}";
	const auto r = post("user-login", body, "", 0);
	if (r.status == 400 || r.status == 401 || r.status == 403)
		throw sdk::AuthError("WAVIoT отклонил логин или пароль учётной записи (HTTP " + std::to_string(r.status) + ")");
	if (r.status == 429)
		throw sdk::TransportError("WAVIoT: исчерпан лимит открытых сессий учётной записи (HTTP 429); повтор позже");
	if (r.status >= 500 || r.status == 0)
		throw sdk::TransportError("Вход в WAVIoT: ответ HTTP " + std::to_string(r.status));
	if (r.status != 200) throw sdk::ProtocolError("Вход в WAVIoT: неожиданный ответ HTTP " + std::to_string(r.status));
	_login = parseLogin(r.body);
	++_logins;
}


bool Session::refresh()
{
	if (_login.refreshToken.empty()) return false;
	try
	{
		const auto r = post("user-refresh", "{" + sdk::jsonQuote(_settings.refreshField) + ":" + sdk::jsonQuote(_login.refreshToken) + "}", _login.jwt, 0);
		if (r.status != 200) return false;
		Login renewed = parseLogin(r.body);
		if (renewed.refreshToken.empty()) renewed.refreshToken = _login.refreshToken;
		_login = renewed;
		return true;
	}
	catch (const sdk::ProtocolError&)
	{
		return false;
	}
}


std::string Session::token(long long now)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_login.jwt.empty()) login();
	else if (_login.expires && _login.expires - 60 <= now && !refresh()) login();
	return _login.jwt;
}


void Session::renew(const std::string& refused, long long)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_login.jwt != refused) return; // another thread renewed it already
	if (!refresh()) login();
}


Poco::JSON::Object::Ptr Session::get(const std::string& method, const Params& params, long long now)
{
	for (int attempt = 0;; ++attempt)
	{
		const std::string jwt = _settings.apiKey.empty() ? token(now) : std::string();
		sdk::HttpRequest r;
		r.url = _settings.apiUrlOf(method);
		bool first = true;
		for (const auto& [name, value]: params)
		{
			r.url += (first ? "" : "&") + name + "=" + sdk::urlEncode(value);
			first = false;
		}
		if (!_settings.apiKey.empty()) r.url += (first ? "" : "&") + std::string("key=") + sdk::urlEncode(_settings.apiKey);
		r.headers = {{"X-Requested-With", "XMLHttpRequest"}};
		if (!jwt.empty()) r.headers.emplace_back("Authorization", "bearer " + jwt);
		r.timeoutMs = _settings.timeoutMs;
		r.retries = _settings.retries;
		const auto response = sdk::http(r);

		Poco::JSON::Object::Ptr answer;
		if (response.status == 200 || response.status == 401 || response.status == 403)
		{
			try
			{
				answer = parseObject(response.body);
			}
			catch (const sdk::ProtocolError&)
			{
				if (response.status == 200) throw;
			}
		}
		if (refusesToken(response.status, answer))
		{
			if (!_settings.apiKey.empty()) throw sdk::AuthError("WAVIoT отклонил ключ API");
			if (attempt > 0) throw sdk::TransportError("WAVIoT отклонил только что обновлённый токен (" + method + "); повтор позже");
			renew(jwt, now);
			continue;
		}
		if (response.status == 429) throw sdk::TransportError("WAVIoT: слишком много запросов (HTTP 429), " + method);
		if (response.status >= 500) throw sdk::TransportError("WAVIoT недоступен: ответ HTTP " + std::to_string(response.status) + ", " + method);
		if (response.status != 200) throw sdk::ProtocolError("WAVIoT: неожиданный ответ HTTP " + std::to_string(response.status) + ", " + method);
		if (const auto e = answerError(answer))
			throw UpstreamFailure(e->code, "WAVIoT: ошибка " + std::to_string(e->code) + ", " + method + ": " + e->message);
		return answer;
	}
}


void Session::logout() noexcept
{
	std::string jwt;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		jwt.swap(_login.jwt);
		_login = Login();
	}
	if (jwt.empty()) return;
	try
	{
		post("user-logout", "{}", jwt, 0);
	}
	catch (...)
	{
	}
}


unsigned Session::logins() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _logins;
}


} // namespace kabinet::waviot
