//
// sms_http_test.cpp
//
// Loads libkabinet-sms-http.so the way kabinetd does (Boost.DLL, the C entry, a host API) and drives it
// against the SMS gateway simulator (tests/simulators/sms_gateway.py), which the test starts itself.
//
// Environment: KABINET_PLUGIN_OUT (staged plugins), KABINET_SOURCE_DIR (the source tree, for the
// simulator and the manifest); KABINET_PYTHON overrides /usr/bin/python3.
//


#include "kabinet/plugin.h"

#include <catch2/catch.hpp>

#include <boost/dll/shared_library.hpp>

#include "Poco/Environment.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Pipe.h"
#include "Poco/PipeStream.h"
#include "Poco/Process.h"
#include "Poco/StreamCopier.h"

#include <chrono>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>


namespace {


using Poco::JSON::Array;
using Poco::JSON::Object;

const std::string kToken = "tok-5ecret-ABC";
const std::string kPhone = "+79161234567";
const std::string kPhoneDigits = "79161234567";
const std::string kText = "Ваш код подтверждения: 4711. Никому его не сообщайте";
const std::string kReference = "ref-42";


std::string environment(const std::string& name, const std::string& fallback = "")
{
	return Poco::Environment::has(name) ? Poco::Environment::get(name) : fallback;
}


std::string sourceDir()
{
#ifdef KABINET_SOURCE_DIR
	return environment("KABINET_SOURCE_DIR", KABINET_SOURCE_DIR);
#else
	return environment("KABINET_SOURCE_DIR");
#endif
}


Poco::Dynamic::Var parseJson(const std::string& text)
{
	Poco::JSON::Parser parser;
	return parser.parse(text);
}


std::string stringify(const Poco::Dynamic::Var& value)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::condense(value, out);
	return out.str();
}


//
// The simulator, as a child process (RAII: terminated when the object goes, also on failures).
//


class Simulator
{
public:
	explicit Simulator(const std::string& token)
	{
		const std::string script = sourceDir() + "/tests/simulators/sms_gateway.py";
		const Poco::Process::Args args{script, "--port", "0", "--token", token, "--exit-on-stdin-eof"};
		_handle = std::make_unique<Poco::ProcessHandle>(
			Poco::Process::launch(environment("KABINET_PYTHON", "/usr/bin/python3"), args, &_stdin, &_stdout, nullptr));
		Poco::PipeInputStream out(_stdout);
		std::string line;
		std::getline(out, line);
		if (line.rfind("PORT ", 0) != 0)
		{
			stop();
			throw std::runtime_error("the simulator did not print its port (got \"" + line + "\"); is " + script + " there?");
		}
		_port = std::stoi(line.substr(5));
	}

	~Simulator()
	{
		stop();
	}

	Simulator(const Simulator&) = delete;
	Simulator& operator=(const Simulator&) = delete;

	int port() const
	{
		return _port;
	}

	std::string url(const std::string& path = "/api/send") const
	{
		return "http://127.0.0.1:" + std::to_string(_port) + path;
	}

	std::string call(const std::string& method, const std::string& path, const std::string& body = "") const
	{
		Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(_port));
		session.setTimeout(Poco::Timespan(5, 0));
		Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
		request.setContentType("application/json");
		request.setContentLength(static_cast<std::streamsize>(body.size()));
		session.sendRequest(request) << body;
		Poco::Net::HTTPResponse response;
		std::istream& in = session.receiveResponse(response);
		std::string answer;
		Poco::StreamCopier::copyToString(in, answer);
		if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
			throw std::runtime_error("simulator control call " + path + " failed: " + answer);
		return answer;
	}

	void fail(const std::string& mode, int count, const std::string& extra = "") const
	{
		call("POST", "/_fail", "{\"mode\":\"" + mode + "\",\"count\":" + std::to_string(count) + extra + "}");
	}

	void reset() const
	{
		call("POST", "/_reset", "{}");
	}

	Array::Ptr messages() const
	{
		return parseJson(call("GET", "/_messages")).extract<Array::Ptr>();
	}

private:
	void stop()
	{
		if (!_handle) return;
		_stdin.close();
		try
		{
			Poco::Process::requestTermination(_handle->id());
			int status = _handle->tryWait();
			for (int i = 0; i < 300 && status == -1; ++i)
			{
				std::this_thread::sleep_for(std::chrono::milliseconds(10));
				status = _handle->tryWait();
			}
			if (status == -1)
			{
				Poco::Process::kill(*_handle);
				_handle->wait();
			}
		}
		catch (...)
		{
		}
		_handle.reset();
	}

	Poco::Pipe _stdin;
	Poco::Pipe _stdout;
	std::unique_ptr<Poco::ProcessHandle> _handle;
	int _port = 0;
};


Simulator& simulator()
	/// One simulator for the whole run; reset() by each test that uses it.
{
	static Simulator instance(kToken);
	return instance;
}


//
// The host side: log sink, host API, the loaded library.
//


struct LogSink
{
	std::mutex mutex;
	std::vector<std::string> lines;

	std::vector<std::string> snapshot()
	{
		std::lock_guard<std::mutex> lock(mutex);
		return lines;
	}
};


LogSink& logSink()
{
	static LogSink sink;
	return sink;
}


void hostLog(void* context, kb_log_level level, const char* message)
{
	auto* sink = static_cast<LogSink*>(context);
	std::lock_guard<std::mutex> lock(sink->mutex);
	sink->lines.push_back(std::to_string(static_cast<int>(level)) + " " + (message ? message : "(null)"));
}


kb_host_api hostApi(std::uint32_t abiVersion)
{
	return kb_host_api{sizeof(kb_host_api), abiVersion, &logSink(), &hostLog};
}


std::string pluginDir()
{
	const std::string out = environment("KABINET_PLUGIN_OUT");
	if (out.empty()) throw std::runtime_error("KABINET_PLUGIN_OUT is not set");
	return out + "/sms-http";
}


struct LoadedPlugin
{
	boost::dll::shared_library library;
	kb_plugin_entry_fn entry = nullptr;
	const kb_plugin_descriptor* descriptor = nullptr;
};


LoadedPlugin& plugin()
{
	static const kb_host_api host = hostApi(KABINET_ABI_VERSION); // must outlive the library
	static LoadedPlugin loaded = []
	{
		LoadedPlugin p;
		p.library.load(pluginDir() + "/libkabinet-sms-http.so",
			boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
		p.entry = p.library.get<const kb_plugin_descriptor*(const kb_host_api*)>(KABINET_PLUGIN_ENTRY_SYMBOL);
		p.descriptor = p.entry(&host);
		return p;
	}();
	return loaded;
}


const kb_plugin_descriptor& descriptor()
{
	const kb_plugin_descriptor* d = plugin().descriptor;
	if (!d) throw std::runtime_error("the plugin refused a compatible host");
	return *d;
}


//
// Checks for personal data and secrets
//


void requireClean(const std::string& text)
{
	INFO("text: " << text);
	CHECK(text.find(kPhone) == std::string::npos);
	CHECK(text.find(kPhoneDigits) == std::string::npos);
	CHECK(text.find("9161234567") == std::string::npos);
	CHECK(text.find(kText) == std::string::npos);
	CHECK(text.find("4711") == std::string::npos);
	CHECK(text.find("Никому") == std::string::npos);
	CHECK(text.find(kToken) == std::string::npos);
}


void requireCleanLogs()
{
	for (const std::string& line: logSink().snapshot()) requireClean(line);
}


//
// Instances
//


struct Created
{
	kb_status status = KB_ERR_INTERNAL;
	std::string error;
	void* instance = nullptr;
};


Created tryCreate(const std::string& configJson)
{
	Created created;
	char buffer[512] = "untouched";
	kb_error_buf error{sizeof(kb_error_buf), buffer, sizeof(buffer)};
	created.status = descriptor().create(configJson.c_str(), &created.instance, &error);
	created.error = buffer;
	return created;
}


struct Sent
{
	kb_status status = KB_ERR_INTERNAL;
	std::string error;
	std::string providerId;
	std::uint32_t attempts = 0;
	double seconds = 0;
};


class Instance
{
public:
	explicit Instance(const Object::Ptr& config)
	{
		Created created = tryCreate(stringify(config));
		INFO("create error: " << created.error);
		REQUIRE(created.status == KB_OK);
		REQUIRE(created.instance != nullptr);
		_instance = created.instance;
	}

	~Instance()
	{
		descriptor().destroy(_instance);
	}

	void* handle() const
	{
		return _instance;
	}

	Instance(const Instance&) = delete;
	Instance& operator=(const Instance&) = delete;

	Sent send(const char* recipient = kPhone.c_str(), const char* text = kText.c_str(), const char* reference = kReference.c_str())
	{
		const Sent sent = sendUnchecked(recipient, text, reference);
		requireClean(sent.error);
		requireCleanLogs();
		return sent;
	}

	Sent sendUnchecked(
		const char* recipient = kPhone.c_str(), const char* text = kText.c_str(), const char* reference = kReference.c_str())
		/// Like send(), without Catch assertions (which are not thread-safe).
	{
		const kb_message message{sizeof(kb_message), recipient, text, reference};
		kb_send_result result{};
		result.struct_size = sizeof(kb_send_result);
		char buffer[1024] = "untouched";
		kb_error_buf error{sizeof(kb_error_buf), buffer, sizeof(buffer)};
		const auto vtable = static_cast<const kb_channel_vtable*>(descriptor().vtable);
		const auto start = std::chrono::steady_clock::now();
		Sent sent;
		sent.status = vtable->send(_instance, &message, &result, &error);
		sent.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
		sent.error = buffer;
		sent.providerId = result.provider_id;
		sent.attempts = result.attempts;
		return sent;
	}

private:
	void* _instance = nullptr;
};


Object::Ptr baseConfig()
	/// A config for the simulator with small timeouts, so the whole test stays within a few seconds.
{
	Object::Ptr config = new Object;
	config->set("url", simulator().url());
	config->set("token", kToken);
	config->set("timeout_ms", 1000);
	config->set("retries", 3);
	config->set("backoff_ms", 20);
	config->set("backoff_max_ms", 200);
	return config;
}


Object::Ptr fieldsOf(const Array::Ptr& messages, unsigned index)
{
	return messages->getObject(index)->getObject("fields");
}


unsigned freePort()
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	const unsigned port = socket.address().port();
	socket.close();
	return port;
}


} // namespace


TEST_CASE("sms-http: the descriptor matches the manifest", "[sms-http]")
{
	const kb_plugin_descriptor& d = descriptor();
	CHECK(d.struct_size >= sizeof(kb_plugin_descriptor));
	CHECK(d.abi_version == KABINET_ABI_VERSION);
	CHECK(std::string(d.name) == "sms-http");
	CHECK(std::string(d.version) == "1.0.0");
	CHECK(d.kind == KB_PLUGIN_CHANNEL);
	REQUIRE(d.create != nullptr);
	REQUIRE(d.destroy != nullptr);
	REQUIRE(d.vtable != nullptr);
	const auto vtable = static_cast<const kb_channel_vtable*>(d.vtable);
	CHECK(vtable->struct_size >= sizeof(kb_channel_vtable));
	CHECK(vtable->send != nullptr);

	std::ifstream file(pluginDir() + "/manifest.json");
	REQUIRE(file.good());
	std::stringstream text;
	text << file.rdbuf();
	const Object::Ptr manifest = parseJson(text.str()).extract<Object::Ptr>();
	CHECK(manifest->getValue<std::string>("name") == d.name);
	CHECK(manifest->getValue<std::string>("kind") == "channel");
	CHECK(manifest->getValue<std::string>("version") == d.version);
	CHECK(manifest->getValue<std::string>("abi") == "1.2");
	CHECK(manifest->getValue<std::string>("library") == "libkabinet-sms-http.so");
	REQUIRE(d.config_schema_json != nullptr);
	CHECK(stringify(parseJson(d.config_schema_json)) == stringify(manifest->get("config_schema")));
}


TEST_CASE("sms-http: the entry checks the host's ABI version", "[sms-http][abi]")
{
	LoadedPlugin& p = plugin();
	REQUIRE(p.descriptor != nullptr);

	SECTION("a different major version is refused with a log line")
	{
		static const kb_host_api host = hostApi((2u << 16) | 0u);
		const std::size_t before = logSink().snapshot().size();
		CHECK(p.entry(&host) == nullptr);
		const auto lines = logSink().snapshot();
		REQUIRE(lines.size() > before);
		CHECK(lines.back().find("ABI") != std::string::npos);
		CHECK(lines.back().find("2.0") != std::string::npos);
	}
	SECTION("an older major version is refused")
	{
		static const kb_host_api host = hostApi((0u << 16) | 9u);
		CHECK(p.entry(&host) == nullptr);
	}
	SECTION("a newer minor version is accepted")
	{
		static const kb_host_api host = hostApi((KABINET_ABI_MAJOR << 16) | (KABINET_ABI_MINOR + 3));
		CHECK(p.entry(&host) == p.descriptor);
	}
	SECTION("a null host or a truncated host struct is refused")
	{
		CHECK(p.entry(nullptr) == nullptr);
		static kb_host_api host = hostApi(KABINET_ABI_VERSION);
		host.struct_size = 4;
		CHECK(p.entry(&host) == nullptr);
	}
}


TEST_CASE("sms-http: a JSON send reaches the gateway with the right fields and token", "[sms-http]")
{
	simulator().reset();
	Object::Ptr config = baseConfig();
	config->set("sender", "Kabinet");
	config->set("reference_field", "client_ref");
	Instance channel(config);

	const Sent sent = channel.send();
	INFO(sent.error);
	REQUIRE(sent.status == KB_OK);
	CHECK(sent.providerId == "sim-1");
	CHECK(sent.attempts == 1);

	const Array::Ptr messages = simulator().messages();
	REQUIRE(messages->size() == 1);
	const Object::Ptr received = messages->getObject(0);
	CHECK(received->getValue<std::string>("path") == "/api/send");
	CHECK(received->getValue<std::string>("format") == "json");
	CHECK(received->getValue<std::string>("auth") == "bearer");
	CHECK(received->getObject("headers")->getValue<std::string>("authorization") == "Bearer " + kToken);
	CHECK(received->getObject("headers")->getValue<std::string>("content-type").rfind("application/json", 0) == 0);
	const Object::Ptr fields = fieldsOf(messages, 0);
	CHECK(fields->getValue<std::string>("to") == kPhone);
	CHECK(fields->getValue<std::string>("text") == kText);
	CHECK(fields->getValue<std::string>("sender") == "Kabinet");
	CHECK(fields->getValue<std::string>("client_ref") == kReference);
	CHECK(fields->size() == 4);
}


TEST_CASE("sms-http: a form send maps field names and puts the token where configured", "[sms-http]")
{
	simulator().reset();
	Object::Ptr config = baseConfig();
	config->set("format", "form");
	config->set("to_field", "phone");
	config->set("text_field", "message");

	SECTION("token in a header")
	{
		config->set("auth", "header:X-Api-Key");
		Instance channel(config);
		const Sent sent = channel.send(kPhone.c_str(), kText.c_str(), nullptr);
		INFO(sent.error);
		REQUIRE(sent.status == KB_OK);
		const Array::Ptr messages = simulator().messages();
		REQUIRE(messages->size() == 1);
		CHECK(messages->getObject(0)->getValue<std::string>("format") == "form");
		CHECK(messages->getObject(0)->getValue<std::string>("auth") == "header");
		CHECK(messages->getObject(0)->getObject("headers")->getValue<std::string>("x-api-key") == kToken);
		CHECK_FALSE(messages->getObject(0)->getObject("headers")->has("authorization"));
		const Object::Ptr fields = fieldsOf(messages, 0);
		CHECK(fields->getValue<std::string>("phone") == kPhone);
		CHECK(fields->getValue<std::string>("message") == kText);
		CHECK(fields->size() == 2);
	}
	SECTION("token in the query, next to an existing query")
	{
		config->set("url", simulator().url("/api/send?route=fast"));
		config->set("auth", "query:api_key");
		Instance channel(config);
		const Sent sent = channel.send();
		INFO(sent.error);
		REQUIRE(sent.status == KB_OK);
		const Array::Ptr messages = simulator().messages();
		REQUIRE(messages->size() == 1);
		CHECK(messages->getObject(0)->getValue<std::string>("auth") == "query");
		CHECK(messages->getObject(0)->getObject("query")->getValue<std::string>("route") == "fast");
		CHECK(messages->getObject(0)->getObject("query")->getValue<std::string>("api_key") == kToken);
		CHECK(fieldsOf(messages, 0)->getValue<std::string>("phone") == kPhone);
	}
}


TEST_CASE("sms-http: a wrong token is a rejection and is not retried", "[sms-http]")
{
	simulator().reset();
	Object::Ptr config = baseConfig();
	config->set("token", "not-the-token");
	Instance channel(config);
	const Sent sent = channel.send();
	CHECK(sent.status == KB_ERR_REJECTED);
	CHECK(sent.attempts == 1);
	CHECK(sent.error.find("401") != std::string::npos);
	CHECK(sent.error.find("not-the-token") == std::string::npos);
	CHECK(simulator().messages()->size() == 1);
}


TEST_CASE("sms-http: 5xx answers are retried with backoff", "[sms-http][retry]")
{
	simulator().reset();
	Instance channel(baseConfig());

	SECTION("500 twice, then accepted: three attempts")
	{
		simulator().fail("500", 2);
		const Sent sent = channel.send();
		INFO(sent.error);
		REQUIRE(sent.status == KB_OK);
		CHECK(sent.attempts == 3);
		CHECK(sent.providerId == "sim-1");
		CHECK(simulator().messages()->size() == 3);
	}
	SECTION("500 until the retries are used up: transport error, echoed data redacted")
	{
		simulator().fail("500", 10);
		const Sent sent = channel.send();
		CHECK(sent.status == KB_ERR_TRANSPORT);
		CHECK(sent.attempts == 4);
		CHECK(sent.error.find("HTTP 500") != std::string::npos);
		CHECK(sent.error.find("redacted") != std::string::npos);
		CHECK(simulator().messages()->size() == 4);
	}
	SECTION("a dropped connection (TCP reset) is retried")
	{
		simulator().fail("reset", 1);
		const Sent sent = channel.send();
		INFO(sent.error);
		REQUIRE(sent.status == KB_OK);
		CHECK(sent.attempts == 2);
	}
}


TEST_CASE("sms-http: other 4xx answers are rejections with a sanitised excerpt", "[sms-http]")
{
	simulator().reset();
	Instance channel(baseConfig());
	simulator().fail("400", 1);
	const Sent sent = channel.send();
	CHECK(sent.status == KB_ERR_REJECTED);
	CHECK(sent.attempts == 1);
	CHECK(sent.error.find("HTTP 400") != std::string::npos);
	CHECK(sent.error.find("injected failure") != std::string::npos); // the excerpt is there...
	CHECK(sent.error.find("[redacted]") != std::string::npos);       // ...with the echoed data removed
	CHECK(sent.error.size() < 300);
	CHECK(simulator().messages()->size() == 1);
}


TEST_CASE("sms-http: 429 honours Retry-After, capped by backoff_max_ms", "[sms-http][retry]")
{
	simulator().reset();
	SECTION("Retry-After: 1 second is waited for")
	{
		Object::Ptr config = baseConfig();
		config->set("backoff_max_ms", 3000);
		Instance channel(config);
		simulator().fail("429", 1, ",\"retry_after\":1");
		const Sent sent = channel.send();
		INFO(sent.error);
		REQUIRE(sent.status == KB_OK);
		CHECK(sent.attempts == 2);
		CHECK(sent.seconds >= 0.95);
		CHECK(sent.seconds < 2.5);
	}
	SECTION("Retry-After: 30 seconds is capped at backoff_max_ms")
	{
		Object::Ptr config = baseConfig();
		config->set("backoff_max_ms", 100);
		Instance channel(config);
		simulator().fail("429", 1, ",\"retry_after\":30");
		const Sent sent = channel.send();
		INFO(sent.error);
		REQUIRE(sent.status == KB_OK);
		CHECK(sent.attempts == 2);
		CHECK(sent.seconds < 1.5);
	}
}


TEST_CASE("sms-http: a gateway that does not answer times out within the bound", "[sms-http][timeout]")
{
	simulator().reset();
	Object::Ptr config = baseConfig();
	config->set("timeout_ms", 300);
	config->set("retries", 1);
	Instance channel(config);
	simulator().fail("timeout", 2, ",\"delay_ms\":3000");
	const Sent sent = channel.send();
	CHECK(sent.status == KB_ERR_TIMEOUT);
	CHECK(sent.attempts == 2);
	CHECK(sent.error.find("300 ms") != std::string::npos);
	// two attempts of 300 ms plus one pause of 20 ms, with slack for a loaded machine
	CHECK(sent.seconds >= 0.6);
	CHECK(sent.seconds < 1.5);
}


TEST_CASE("sms-http: a gateway dribbling its answer byte by byte is cut off at the deadline", "[sms-http][timeout]")
{
	simulator().reset();
	Object::Ptr config = baseConfig();
	config->set("timeout_ms", 300);
	config->set("retries", 0);
	Instance channel(config);
	simulator().fail("trickle", 1, ",\"delay_ms\":3000");
	const Sent sent = channel.send();
	CHECK(sent.status == KB_ERR_TIMEOUT);
	CHECK(sent.attempts == 1);
	CHECK(sent.seconds < 1.0);
}


TEST_CASE("sms-http: a hostile error answer yields a short, printable, redacted excerpt", "[sms-http]")
{
	simulator().reset();
	Instance channel(baseConfig());
	simulator().fail("garbage", 1);
	const Sent sent = channel.send();
	INFO(sent.error);
	CHECK(sent.status == KB_ERR_REJECTED);
	CHECK(sent.error.find("HTTP 400") != std::string::npos);
	CHECK(sent.error.size() < 300);
	for (const char c: sent.error) CHECK((static_cast<unsigned char>(c) >= 0x20 && c != 0x7F));
	CHECK(sent.error.find("\xe2\x80\xae") == std::string::npos); // U+202E RIGHT-TO-LEFT OVERRIDE
	CHECK(sent.error.find("\xff") == std::string::npos);
}


TEST_CASE("sms-http: one instance sends from several threads at once", "[sms-http]")
{
	simulator().reset();
	Instance channel(baseConfig());
	constexpr int kThreads = 8;
	std::vector<Sent> results(kThreads);
	std::vector<std::thread> threads;
	for (int i = 0; i < kThreads; ++i)
		threads.emplace_back([&channel, &results, i] { results[i] = channel.sendUnchecked(); });
	for (auto& t: threads) t.join();
	std::set<std::string> ids;
	for (const Sent& sent: results)
	{
		CHECK(sent.status == KB_OK);
		requireClean(sent.error);
		ids.insert(sent.providerId);
	}
	CHECK(ids.size() == kThreads);
	CHECK(simulator().messages()->size() == kThreads);
}


TEST_CASE("sms-http: connection refused is a transport error after the retries", "[sms-http][retry]")
{
	Object::Ptr config = baseConfig();
	config->set("url", "http://127.0.0.1:" + std::to_string(freePort()) + "/api/send");
	config->set("retries", 2);
	Instance channel(config);
	const Sent sent = channel.send();
	CHECK(sent.status == KB_ERR_TRANSPORT);
	CHECK(sent.attempts == 3);
	CHECK(sent.error.find("refused") != std::string::npos);
	CHECK(sent.seconds < 2.0);
}


TEST_CASE("sms-http: bad configs are refused naming the key", "[sms-http][config]")
{
	auto expectConfigError = [](const std::string& json, const std::string& key)
	{
		const Created created = tryCreate(json);
		INFO("config: " << json << "\nerror: " << created.error);
		CHECK(created.status == KB_ERR_CONFIG);
		CHECK(created.instance == nullptr);
		CHECK(created.error.rfind(key + ":", 0) == 0);
		CHECK(created.error.find(kToken) == std::string::npos);
		if (created.instance) descriptor().destroy(created.instance);
	};
	auto with = [](const std::string& key, const Poco::Dynamic::Var& value)
	{
		Object::Ptr config = baseConfig();
		config->set(key, value);
		return stringify(config);
	};
	auto without = [](const std::string& key)
	{
		Object::Ptr config = baseConfig();
		config->remove(key);
		return stringify(config);
	};

	expectConfigError(without("url"), "url");
	expectConfigError(with("format", "xml"), "format");
	expectConfigError(with("timeout_ms", -5), "timeout_ms");
	expectConfigError(with("timeout_ms", 0), "timeout_ms");
	expectConfigError(with("timeout_ms", "5000"), "timeout_ms");
	expectConfigError(with("retries", 1.5), "retries");
	expectConfigError(with("url", "ftp://127.0.0.1/x"), "url");
	expectConfigError(with("url", "http://user:" + kToken + "@127.0.0.1/x"), "url");
	expectConfigError(with("url", 42), "url");
	expectConfigError(with("method", "GET"), "method");
	expectConfigError(with("auth", "basic"), "auth");
	expectConfigError(with("auth", "header:Bad Name"), "auth");
	expectConfigError(with("to_field", ""), "to_field");
	expectConfigError(with("text_field", "to"), "text_field");
	expectConfigError(with("sender_field", "from"), "sender_field");
	expectConfigError(with("backoff_max_ms", 5), "backoff_max_ms");
	expectConfigError(with("id_path", "data..id"), "id_path");
	expectConfigError(with("success_statuses", "2xx"), "success_statuses");
	expectConfigError(with("retires", 3), "retires");
	expectConfigError(with("ca_file", "/nonexistent/ca.pem"), "ca_file");
	{
		Object::Ptr config = baseConfig();
		config->remove("token");
		config->set("auth", "bearer");
		expectConfigError(stringify(config), "auth");
	}
	{
		Object::Ptr config = baseConfig();
		config->set("url", "https://127.0.0.1:1/api/send");
		config->set("ca_file", "/nonexistent/ca.pem");
		expectConfigError(stringify(config), "ca_file");
	}
	expectConfigError("{\"url\": ", "config");
	expectConfigError("[1, 2]", "config");
	expectConfigError("", "config");

	SECTION("valid variants are accepted")
	{
		Object::Ptr config = baseConfig();
		config->set("url", "https://sms.example.ru/v1/send");
		config->set("success_statuses", parseJson("[200, 202, \"2xx\"]"));
		config->set("id_path", "data.0.id");
		const Created created = tryCreate(stringify(config));
		INFO(created.error);
		CHECK(created.status == KB_OK);
		REQUIRE(created.instance != nullptr);
		descriptor().destroy(created.instance);
	}
}


TEST_CASE("sms-http: invalid messages are rejected before any request", "[sms-http]")
{
	simulator().reset();
	Instance channel(baseConfig());
	for (const char* recipient: {"79161234567", "+7916123456", "+7916123456789012", "+7916-123-4567", "+7916123456a", "", "+"})
	{
		const Sent sent = channel.send(recipient);
		INFO("recipient: " << recipient << " error: " << sent.error);
		CHECK(sent.status == KB_ERR_REJECTED);
		CHECK(sent.attempts == 0);
		CHECK(sent.error.find("E.164") != std::string::npos);
		if (std::strlen(recipient) > 3) CHECK(sent.error.find(recipient) == std::string::npos);
	}
	CHECK(channel.send(nullptr).status == KB_ERR_REJECTED);
	const Sent empty = channel.send(kPhone.c_str(), "");
	CHECK(empty.status == KB_ERR_REJECTED);
	CHECK(empty.error.find("text") != std::string::npos);
	CHECK(channel.send(kPhone.c_str(), nullptr).status == KB_ERR_REJECTED);
	CHECK(channel.send(kPhone.c_str(), "\xff\xfe broken").status == KB_ERR_REJECTED);
	CHECK(channel.send("+123456789012345").status == KB_OK); // 15 digits is the E.164 maximum
	CHECK(simulator().messages()->size() == 1);
}


TEST_CASE("sms-http: the provider id is read from id_path", "[sms-http]")
{
	simulator().reset();
	SECTION("another key")
	{
		Object::Ptr config = baseConfig();
		config->set("id_path", "status");
		Instance channel(config);
		const Sent sent = channel.send();
		REQUIRE(sent.status == KB_OK);
		CHECK(sent.providerId == "queued");
	}
	SECTION("a missing id is still a success, with an empty provider id")
	{
		Object::Ptr config = baseConfig();
		config->set("id_path", "data.message_id");
		Instance channel(config);
		const Sent sent = channel.send();
		REQUIRE(sent.status == KB_OK);
		CHECK(sent.providerId.empty());
	}
}


TEST_CASE("sms-http: the boundary copes with small buffers and null pointers", "[sms-http]")
{
	simulator().reset();
	Instance channel(baseConfig());
	const auto vtable = static_cast<const kb_channel_vtable*>(descriptor().vtable);

	SECTION("error text is truncated and NUL-terminated")
	{
		char buffer[8];
		std::memset(buffer, 'x', sizeof(buffer));
		kb_error_buf error{sizeof(kb_error_buf), buffer, sizeof(buffer)};
		void* instance = nullptr;
		CHECK(descriptor().create("{}", &instance, &error) == KB_ERR_CONFIG);
		CHECK(instance == nullptr);
		CHECK(std::strlen(buffer) == 7);
	}
	SECTION("null error buffer and null result")
	{
		const kb_message message{sizeof(kb_message), kPhone.c_str(), kText.c_str(), nullptr};
		CHECK(vtable->send(nullptr, &message, nullptr, nullptr) == KB_ERR_INTERNAL);
		void* instance = nullptr;
		CHECK(descriptor().create(nullptr, &instance, nullptr) == KB_ERR_CONFIG);
		CHECK(descriptor().create("{}", nullptr, nullptr) == KB_ERR_INTERNAL);
	}
	SECTION("a message struct from an older host (no reference field) is read safely")
	{
		Object::Ptr config = baseConfig();
		config->set("reference_field", "ref");
		Instance withReference(config);
		const kb_message message{offsetof(kb_message, reference), kPhone.c_str(), kText.c_str(), "must-not-be-read"};
		kb_send_result result{};
		result.struct_size = sizeof(kb_send_result);
		REQUIRE(vtable->send(withReference.handle(), &message, &result, nullptr) == KB_OK);
		CHECK(result.attempts == 1);
		const Array::Ptr messages = simulator().messages();
		REQUIRE(messages->size() == 1);
		CHECK_FALSE(fieldsOf(messages, 0)->has("ref"));
	}
	SECTION("a result struct from an older host (no attempts field) is written safely")
	{
		const kb_message message{sizeof(kb_message), kPhone.c_str(), kText.c_str(), nullptr};
		kb_send_result result{};
		result.struct_size = offsetof(kb_send_result, attempts);
		result.attempts = 777;
		REQUIRE(vtable->send(channel.handle(), &message, &result, nullptr) == KB_OK);
		CHECK(std::string(result.provider_id) == "sim-1");
		CHECK(result.attempts == 777);
	}
}


TEST_CASE("sms-http: no log line carries personal data or the token", "[sms-http]")
{
	const auto lines = logSink().snapshot();
	CHECK_FALSE(lines.empty());
	requireCleanLogs();
}
