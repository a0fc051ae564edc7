//
// waviot_plugin_test.cpp
//
// Loads libkabinet-waviot.so the way kabinetd does (Boost.DLL, the C entry, a host API with an HTTP client)
// and drives its sync against the WAVIoT simulator (tests/simulators/waviot_server.py), which the test
// starts itself: records equal what the simulator holds, the session is reused, renewed once and closed,
// faults end the call with the right status and never a wrong record.
//
// Environment: KABINET_PLUGIN_OUT (staged plugins), KABINET_SOURCE_DIR (the source tree).
//


#include "kabinet/plugin.h"

#include <catch2/catch.hpp>

#include <boost/dll/shared_library.hpp>

#include "Poco/Environment.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/NetException.h"
#include "Poco/Pipe.h"
#include "Poco/PipeStream.h"
#include "Poco/Process.h"
#include "Poco/StreamCopier.h"
#include "Poco/URI.h"

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>


namespace {


constexpr long long kMarch = 1772323200; // 2026-03-01T00:00:00Z
constexpr long long kDay = 86400;


std::string environment(const std::string& name)
{
	return Poco::Environment::has(name) ? Poco::Environment::get(name) : std::string();
}


Poco::JSON::Object::Ptr parse(const std::string& text)
{
	Poco::JSON::Parser parser;
	return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}


//
// The host side: an HTTP client without retries (the real host's retries are the host's business).
//


struct HttpState
{
	std::string headers, body;
};


thread_local HttpState httpState;


kb_status hostHttp(void*, const kb_http_request* request, kb_http_response* response, kb_error_buf* error)
{
	try
	{
		const Poco::URI uri(request->url);
		Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
		const auto timeout = Poco::Timespan(0, static_cast<int>(request->timeout_ms ? request->timeout_ms : 15000) * 1000);
		session.setTimeout(timeout);
		Poco::Net::HTTPRequest r(request->method, uri.getPathAndQuery(), Poco::Net::HTTPMessage::HTTP_1_1);
		if (request->headers)
		{
			std::istringstream lines(request->headers);
			std::string line;
			while (std::getline(lines, line))
			{
				if (!line.empty() && line.back() == '\r') line.pop_back();
				const auto colon = line.find(": ");
				if (colon != std::string::npos) r.set(line.substr(0, colon), line.substr(colon + 2));
			}
		}
		r.setContentLength(static_cast<std::streamsize>(request->body_length));
		std::ostream& out = session.sendRequest(r);
		if (request->body_length) out.write(reinterpret_cast<const char*>(request->body), static_cast<std::streamsize>(request->body_length));
		Poco::Net::HTTPResponse answer;
		std::istream& in = session.receiveResponse(answer);
		httpState.body.clear();
		Poco::StreamCopier::copyToString(in, httpState.body);
		httpState.headers.clear();
		for (const auto& [name, value]: answer)
		{
			std::string lower = name;
			for (char& c: lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
			httpState.headers += lower + ": " + value + "\r\n";
		}
		response->status = static_cast<int>(answer.getStatus());
		response->headers = httpState.headers.c_str();
		response->body = reinterpret_cast<const std::uint8_t*>(httpState.body.data());
		response->body_length = httpState.body.size();
		response->attempts = 1;
		return KB_OK;
	}
	catch (const Poco::TimeoutException&)
	{
		std::snprintf(error->text, error->capacity, "timed out");
		return KB_ERR_TIMEOUT;
	}
	catch (const Poco::Exception& e)
	{
		std::snprintf(error->text, error->capacity, "transport: %s", e.displayText().c_str());
		return KB_ERR_TRANSPORT;
	}
}


void hostLog(void*, kb_log_level, const char*)
{
}


struct LoadedPlugin
{
	boost::dll::shared_library library;
	const kb_plugin_descriptor* descriptor = nullptr;
};


const kb_plugin_descriptor& descriptor()
{
	static const kb_host_api host{sizeof(kb_host_api), KABINET_ABI_VERSION, nullptr, &hostLog, &hostHttp};
	static LoadedPlugin loaded = []
	{
		LoadedPlugin p;
		p.library.load(environment("KABINET_PLUGIN_OUT") + "/waviot/libkabinet-waviot.so",
			boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
		p.descriptor = p.library.get<const kb_plugin_descriptor*(const kb_host_api*)>(KABINET_PLUGIN_ENTRY_SYMBOL)(&host);
		return p;
	}();
	if (!loaded.descriptor) throw std::runtime_error("the plugin refused a compatible host");
	return *loaded.descriptor;
}


//
// The simulator
//


class Simulator
{
public:
	Simulator()
	{
		const Poco::Process::Args args{environment("KABINET_SOURCE_DIR") + "/tests/simulators/waviot_server.py", "--port", "0", "--modems", "3",
			"--exit-on-stdin-eof"};
		_handle = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("/usr/bin/python3", args, &_in, &_out, nullptr));
		Poco::PipeInputStream out(_out);
		std::string word;
		out >> word >> _port;
		if (word != "PORT") throw std::runtime_error("the simulator did not start");
	}

	~Simulator()
	{
		try
		{
			Poco::Process::kill(*_handle);
			_handle->wait();
		}
		catch (...)
		{
		}
	}

	std::string config(const std::string& password = "waviot-demo", const std::string& extra = "") const
	{
		const std::string base = "http://127.0.0.1:" + std::to_string(_port) + "/";
		return "{\"api_url\":\"" + base + "\",\"auth_url\":\"" + base + "auth/\",\"login\":\"kes-orenburg\",\"password\":\"" + password +
			"\",\"tree_id\":\"1\",\"timeout_ms\":400,\"event_map\":{\"17\":{\"code\":\"cover_open\",\"category\":\"tamper\",\"severity\":\"alarm\","
			"\"tamper\":true}}" + extra + "}";
	}

	std::string request(const std::string& method, const std::string& path, const std::string& body = "") const
	{
		Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(_port));
		Poco::Net::HTTPRequest r(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
		r.setContentType("application/json");
		r.setContentLength(static_cast<std::streamsize>(body.size()));
		session.sendRequest(r) << body;
		Poco::Net::HTTPResponse answer;
		std::string text;
		Poco::StreamCopier::copyToString(session.receiveResponse(answer), text);
		if (answer.getStatus() != 200) throw std::runtime_error(path + " answered " + std::to_string(answer.getStatus()) + ": " + text);
		return text;
	}

	void control(const std::string& json) const
	{
		request("POST", "/_control", json);
	}

	Poco::JSON::Object::Ptr truth(long long from, long long to) const
	{
		return parse(request("GET", "/_truth?from=" + std::to_string(from) + "&to=" + std::to_string(to)));
	}

private:
	Poco::Pipe _in, _out;
	std::unique_ptr<Poco::ProcessHandle> _handle;
	int _port = 0;
};


//
// One instance and the records of its syncs
//


struct Record
{
	std::string kind;
	Poco::JSON::Object::Ptr json;
};


class Instance
{
public:
	explicit Instance(const std::string& config)
	{
		char text[512] = {0};
		kb_error_buf error{sizeof(kb_error_buf), text, sizeof text};
		status = descriptor().create(config.c_str(), &_instance, &error);
		createError = text;
	}

	~Instance()
	{
		if (_instance) descriptor().destroy(_instance);
	}

	/// Runs a task over [from, to) and returns its status; the records land in `records`.
	kb_status sync(const std::string& task, long long from, long long to, const std::string& cursor = "")
	{
		const auto* vtable = static_cast<const kb_connector_vtable*>(descriptor().vtable);
		kb_sync_request r{};
		r.struct_size = sizeof r;
		r.task = task.c_str();
		r.account_json = "{\"id\":\"tenant\",\"kind\":\"tenant\"}";
		r.cursor = cursor.c_str();
		r.input_json = "{}";
		r.from = from;
		r.to = to;
		r.now = to;
		kb_connector_sink sink{sizeof sink, this, &Instance::emit, &Instance::stopping};
		char text[512] = {0};
		kb_error_buf error{sizeof(kb_error_buf), text, sizeof text};
		records.clear();
		const kb_status s = vtable->sync(_instance, &r, &sink, &error);
		lastError = text;
		return s;
	}

	kb_status status = KB_OK;
	std::string createError, lastError;
	std::vector<Record> records;

private:
	static void emit(void* ctx, const char* kind, const char* json)
	{
		static_cast<Instance*>(ctx)->records.push_back({kind, parse(json)});
	}

	static int stopping(void*)
	{
		return 0;
	}

	void* _instance = nullptr;
};


/// Readings of the records by device and time: register → value.
std::map<std::string, std::map<long long, std::map<std::string, double>>> readings(const std::vector<Record>& records)
{
	std::map<std::string, std::map<long long, std::map<std::string, double>>> out;
	for (const auto& r: records)
	{
		if (r.kind != "meter_data" || !r.json->has("readings")) continue;
		const auto rows = r.json->getArray("readings");
		for (unsigned i = 0; i < rows->size(); ++i)
		{
			const auto row = rows->getObject(i);
			auto& regs = out[row->getValue<std::string>("device")][row->getValue<long long>("ts")];
			for (const char* k: {"total", "t1", "t2", "t3", "t4"})
				if (row->has(k)) regs[k] = row->getValue<double>(k);
		}
	}
	return out;
}


/// Every reading reported equals the simulator's value; with `complete`, all its values of [from, to) came.
void requireTruth(const Simulator& sim, const std::vector<Record>& records, long long from, long long to, bool complete)
{
	const auto got = readings(records);
	const auto truth = sim.truth(from, to - 1)->getObject("values");
	static const std::map<std::string, std::string> registers = {{"electro_ac_p_lsum_t1", "t1"}, {"electro_ac_p_lsum_t2", "t2"},
		{"electro_ac_p_lsum_t3", "t3"}, {"electro_ac_p_lsum_t4", "t4"}, {"electro_ac_p_lsum_tsum", "total"}};
	for (const auto& [modem, channels]: *truth)
	{
		std::map<long long, std::map<std::string, double>> expected;
		for (const auto& [channel, reg]: registers)
			for (const auto& [ts, value]: *channels.extract<Poco::JSON::Object::Ptr>()->getObject(channel))
				expected[std::stoll(ts)][reg] = std::stod(value.convert<std::string>());
		const auto it = got.find(modem);
		const auto stored = it == got.end() ? std::map<long long, std::map<std::string, double>>() : it->second;
		for (const auto& [ts, regs]: stored)
		{
			INFO(modem << " at " << ts);
			REQUIRE(expected.count(ts));
			REQUIRE(regs.size() == expected.at(ts).size());
			for (const auto& [reg, value]: regs) CHECK(std::fabs(value - expected.at(ts).at(reg)) < 1e-9);
		}
		if (complete) CHECK(stored.size() == expected.size());
	}
}


std::string lastCursor(const std::vector<Record>& records)
{
	std::string cursor;
	for (const auto& r: records)
		if (r.kind == "cursor") cursor = r.json->getValue<std::string>("cursor");
	return cursor;
}


int counter(const Simulator& sim, const std::string& name)
{
	return sim.truth(0, 0)->getValue<int>(name);
}


} // namespace


TEST_CASE("waviot plugin: the descriptor matches the manifest; bad settings are refused at create", "[waviot-plugin]")
{
	const auto& d = descriptor();
	CHECK(std::string(d.name) == "waviot");
	CHECK(d.kind == KB_PLUGIN_CONNECTOR);
	CHECK(std::string(d.config_schema_json).find("tree_id") != std::string::npos);
	Instance bad(R"({"login":"a","password":"secret-pw"})");
	CHECK(bad.status == KB_ERR_CONFIG);
	CHECK(bad.createError.rfind("tree_id", 0) == 0);
	CHECK(bad.createError.find("secret-pw") == std::string::npos);
}


TEST_CASE("waviot plugin: a month of readings, modems and events equal the simulator; one session, reused, renewed, closed", "[waviot-plugin]")
{
	Simulator sim;
	sim.control("{\"now\": " + std::to_string(kMarch) + "}");
	{
		Instance i(sim.config());
		REQUIRE(i.status == KB_OK);
		CHECK(counter(sim, "logins") == 0); // no request before the first sync

		REQUIRE(i.sync("modems", kMarch - kDay, kMarch) == KB_OK);
		int devices = 0;
		for (const auto& r: i.records)
			if (r.kind == "device")
			{
				++devices;
				CHECK(r.json->getValue<std::string>("serial").size() == 8);
				CHECK(r.json->getValue<long long>("last_message") == kMarch);
			}
		CHECK(devices == 3);

		REQUIRE(i.sync("channels", kMarch - 31 * kDay, kMarch) == KB_OK);
		requireTruth(sim, i.records, kMarch - 31 * kDay, kMarch, true);
		CHECK(lastCursor(i.records) == std::to_string(kMarch));

		// The cursor makes the next sync start where this one stopped; 401 mid-sync: refreshed once.
		sim.control("{\"now\": " + std::to_string(kMarch + kDay) + "}");
		sim.control(R"({"fault": "401_once", "after": 4, "path": "get_modem_channel_values"})");
		REQUIRE(i.sync("channels", kMarch - 31 * kDay, kMarch + kDay, std::to_string(kMarch)) == KB_OK);
		CHECK(readings(i.records).at("3B2A10").begin()->first == kMarch);
		requireTruth(sim, i.records, kMarch, kMarch + kDay, true);
		CHECK(counter(sim, "refreshes") == 2); // the token's exp passed a day later, then the refusal

		REQUIRE(i.sync("events", kMarch - 31 * kDay, kMarch + kDay) == KB_OK);
		int tamper = 0, events = 0;
		for (const auto& r: i.records)
			if (r.kind == "meter_data" && r.json->has("events"))
				for (unsigned k = 0; k < r.json->getArray("events")->size(); ++k)
				{
					const auto e = r.json->getArray("events")->getObject(k);
					++events;
					if (e->getValue<bool>("tamper"))
					{
						++tamper;
						CHECK(e->getValue<std::string>("code") == "cover_open");
					}
					else
					{
						CHECK(e->getValue<std::string>("code").rfind("waviot_", 0) == 0); // unmapped in this config
					}
				}
		CHECK(tamper == 1); // day 52 of 2026 (22 February), modem 3B2A10
		CHECK(events > 10);
		CHECK(counter(sim, "logins") == 1);
		CHECK(counter(sim, "sessions") == 1);
	}
	CHECK(counter(sim, "logouts") == 1);
	CHECK(counter(sim, "sessions") == 0);
}


TEST_CASE("waviot plugin: faults end the sync with their status; what came before is right", "[waviot-plugin]")
{
	Simulator sim;
	sim.control("{\"now\": " + std::to_string(kMarch) + "}");
	Instance i(sim.config());
	REQUIRE(i.status == KB_OK);
	const std::pair<const char*, kb_status> cases[] = {{"500", KB_ERR_TRANSPORT}, {"429", KB_ERR_TRANSPORT}, {"slow", KB_ERR_TIMEOUT},
		{"truncated", KB_ERR_PROTOCOL}, {"401", KB_ERR_TRANSPORT}};
	for (const auto& [fault, status]: cases)
	{
		INFO(fault);
		// The first modem's third channel of the second week fails (15 requests a week: 3 modems, 5 channels).
		sim.control(std::string(R"({"fault": ")") + fault + R"(", "times": 2, "after": 17, "delay_ms": 1000, "path": "get_modem_channel_values"})");
		CHECK(i.sync("channels", kMarch - 14 * kDay, kMarch) == status);
		CHECK_FALSE(i.lastError.empty());
		CHECK(lastCursor(i.records) == std::to_string(kMarch - 7 * kDay)); // the first week is complete
		requireTruth(sim, i.records, kMarch - 14 * kDay, kMarch, false);
		sim.control(R"({"reset": true})");
	}
}


TEST_CASE("waviot plugin: a wrong password is an AUTH failure that never shows the password", "[waviot-plugin]")
{
	Simulator sim;
	Instance i(sim.config("wrong-password-42"));
	REQUIRE(i.status == KB_OK);
	CHECK(i.sync("modems", kMarch - kDay, kMarch) == KB_ERR_AUTH);
	CHECK(i.lastError.find("wrong-password-42") == std::string::npos);
	CHECK(i.records.empty());
}


TEST_CASE("waviot plugin: the 30-session cap answers 429 and the sync says so as a transport error", "[waviot-plugin]")
{
	Simulator sim;
	for (int k = 0; k < 30; ++k) sim.request("POST", "/auth/?action=user-login", R"({"login":"kes-orenburg","password":"waviot-demo"})");
	Instance i(sim.config());
	CHECK(i.sync("modems", kMarch - kDay, kMarch) == KB_ERR_TRANSPORT);
	CHECK(i.lastError.find("429") != std::string::npos);
}
