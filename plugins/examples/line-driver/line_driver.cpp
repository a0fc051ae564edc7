// line-driver — the smallest useful driver: a meter that answers text lines.
//   → "ID <address>\r\n"   ← "<serial>;<model>;<firmware>\r\n"
//   → "E <address>\r\n"    ← "<A+ total kWh>\r\n"
// It shows the SDK's shape (Driver, Session, Transport, ReadingSink, KABINET_DRIVER_PLUGIN); real drivers
// keep their frame codecs in separate pure functions.
#include <kabinet/driver.hpp>

#include <charconv>
#include <string>

namespace {

using namespace kabinet::sdk;

std::string readLine(const Transport& t, std::uint32_t timeoutMs) {
	std::string line;
	std::uint8_t b = 0;
	while (line.size() < 256)
	{
		t.readSome(&b, 1, timeoutMs);
		if (b == '\n') break;
		if (b != '\r') line += static_cast<char>(b);
	}
	if (line.size() >= 256) throw ProtocolError("answer line longer than 256 bytes");
	return line;
}

std::string field(std::string_view json, std::string_view key) {
	// The example reads one string setting without a JSON library: {"address": "..."}.
	const auto k = json.find("\"" + std::string(key) + "\"");
	if (k == std::string_view::npos) return {};
	const auto q1 = json.find('"', json.find(':', k) + 1);
	const auto q2 = q1 == std::string_view::npos ? q1 : json.find('"', q1 + 1);
	if (q2 == std::string_view::npos) throw ConfigError(std::string(key) + ": expected a string");
	return std::string(json.substr(q1 + 1, q2 - q1 - 1));
}

class LineSession: public Session
{
public:
	LineSession(std::string address, Transport t): _address(std::move(address)), _t(t) {}

	void read(const ReadRequest& request, ReadingSink& sink) override
	{
		if (request.wants(KB_READ_IDENTITY))
		{
			const std::string line = ask("ID");
			const auto a = line.find(';'), b = a == std::string::npos ? a : line.find(';', a + 1);
			if (b == std::string::npos) throw ProtocolError("identity answer has no two ';'");
			sink.identity({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1), ""});
		}
		if (request.wants(KB_READ_ENERGY))
		{
			const std::string line = ask("E");
			double v = 0;
			const auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
			if (ec != std::errc() || p != line.data() + line.size()) throw ProtocolError("energy answer is not a number");
			sink.value(KB_Q_ENERGY_AP, 0, 0, v, nowUnix());
		}
		for (kb_read_item other: {KB_READ_CLOCK, KB_READ_INSTANT, KB_READ_PROFILE, KB_READ_EVENTS, KB_READ_BILLING})
			if (request.wants(other)) sink.unavailable(other, "-", "not supported by this meter");
	}

private:
	std::string ask(const char* command)
	{
		const std::string line = std::string(command) + " " + _address + "\r\n";
		_t.discardInput();
		_t.write({reinterpret_cast<const std::uint8_t*>(line.data()), line.size()}, 1000);
		return readLine(_t, 1000);
	}

	std::string _address;
	Transport _t;
};

class LineDriver: public Driver
{
public:
	explicit LineDriver(std::string_view) {}

	std::unique_ptr<Session> open(std::string_view meterJson, Transport transport) override
	{
		return std::make_unique<LineSession>(field(meterJson, "address"), transport);
	}
};

constexpr const char* kSchema = R"({"type":"object","properties":{"timeout_ms":{"type":"integer","minimum":10}}})";

} // namespace

KABINET_DRIVER_PLUGIN(LineDriver, "line-driver", "0.1.0", kSchema);
