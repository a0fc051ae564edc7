//
// energosfera_test.cpp
//
// The 80020 reader and writer, the rules of a day, and the connector's tasks on files written by the
// generator (tests/simulators/gen80020.py, independent of the plugin) compared with its truth JSON; the
// export read back; the built library's descriptor loaded the way kabinetd loads it.
//
// Environment: KABINET_PLUGIN_OUT (staged plugins), KABINET_SOURCE_DIR (the generator); KABINET_PYTHON
// overrides /usr/bin/python3.
//


#include "DayRows.h"
#include "EnergosferaConnector.h"
#include "Message80020.h"

#include "kabinet/plugin.h"

#include <catch2/catch.hpp>

#include <boost/dll/shared_library.hpp>

#include "Poco/Base64Decoder.h"
#include "Poco/Environment.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/TemporaryFile.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>


namespace {


namespace fs = std::filesystem;
using namespace kabinet::energosfera;
using Poco::JSON::Object;


std::string environment(const std::string& name, const std::string& fallback = "")
{
	return Poco::Environment::has(name) ? Poco::Environment::get(name) : fallback;
}


struct Record
{
	std::string kind;
	Object::Ptr json;
};


struct Collector
	/// A host sink keeping every record.
{
	std::vector<Record> records;
	kb_connector_sink sink{sizeof(kb_connector_sink), this, &Collector::emit, &Collector::stopping};

	static void emit(void* ctx, const char* kind, const char* json)
	{
		static_cast<Collector*>(ctx)->records.push_back({kind, Poco::JSON::Parser().parse(json).extract<Object::Ptr>()});
	}
	static int stopping(void*) { return 0; }

	std::vector<Object::Ptr> of(const std::string& kind) const
	{
		std::vector<Object::Ptr> out;
		for (const auto& r : records)
			if (r.kind == kind) out.push_back(r.json);
		return out;
	}

	/// (code, ts) → p_plus, p_minus of every meter_data row.
	std::map<std::pair<std::string, long long>, std::pair<double, double>> profile() const
	{
		std::map<std::pair<std::string, long long>, std::pair<double, double>> out;
		for (const auto& d : of("meter_data"))
		{
			auto rows = d->getArray("profile");
			for (std::size_t i = 0; i < rows->size(); ++i)
			{
				auto r = rows->getObject(static_cast<unsigned>(i));
				REQUIRE(r->getValue<int>("interval_min") == 30);
				out[{r->getValue<std::string>("device"), r->getValue<long long>("ts")}] = {r->optValue<double>("p_plus", -1),
					r->optValue<double>("p_minus", -1)};
			}
		}
		return out;
	}
};


struct Generated
	/// A folder of generated files and the generator's truth.
{
	fs::path dir;
	Object::Ptr truth;

	explicit Generated(const std::string& options)
	{
		dir = fs::temp_directory_path() / ("kabinet-80020-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
		fs::create_directories(dir);
		const std::string cmd = environment("KABINET_PYTHON", "/usr/bin/python3") + " " + environment("KABINET_SOURCE_DIR", ".") +
			"/tests/simulators/gen80020.py --out " + dir.string() + " --truth " + (dir / "truth.json").string() + " " + options + " > /dev/null";
		REQUIRE(std::system(cmd.c_str()) == 0);
		std::ifstream in(dir / "truth.json");
		truth = Poco::JSON::Parser().parse(in).extract<Object::Ptr>();
		fs::remove(dir / "truth.json");
	}
	~Generated()
	{
		std::error_code ec;
		fs::remove_all(dir, ec);
	}

	std::map<std::pair<std::string, long long>, std::pair<double, double>> profile() const
	{
		std::map<std::pair<std::string, long long>, std::pair<double, double>> out;
		auto points = truth->getObject("profile");
		for (const auto& [code, value] : *points)
		{
			auto rows = points->getArray(code);
			for (std::size_t i = 0; i < rows->size(); ++i)
			{
				auto r = rows->getArray(static_cast<unsigned>(i));
				out[{code, r->getElement<long long>(0)}] = {r->isNull(1) ? -1 : r->getElement<double>(1), r->isNull(2) ? -1 : r->getElement<double>(2)};
			}
		}
		return out;
	}

	std::string expect(const std::string& name) const
	{
		auto files = truth->getArray("files");
		for (std::size_t i = 0; i < files->size(); ++i)
			if (files->getObject(static_cast<unsigned>(i))->getValue<std::string>("name") == name)
				return files->getObject(static_cast<unsigned>(i))->getValue<std::string>("expect");
		return "";
	}
};


std::string settingsJson(const fs::path& drop, int offset = 180)
{
	return "{\"drop_dir\":\"" + drop.string() + "\",\"min_age_s\":0,\"utc_offset_min\":" + std::to_string(offset) +
		",\"sender_inn\":\"9102012345\",\"area_inn\":\"9102012345\",\"sender_name\":\"ООО «СИГМА»\",\"area_name\":\"Симферополь\"}";
}


Message80020 sampleMessage()
{
	Message80020 m;
	m.number = "7";
	m.timestamp = "20261102020000";
	m.day = "20261101";
	m.senderInn = "9102012345";
	m.senderName = "ООО «СИГМА» & Co";
	m.areaInn = "7707083893";
	m.areaName = "Крым, г. Симферополь";
	m.areaTimezone = "1";
	Point80020 p{"910000000001001", "ТП-14 «ввод» <10 кВ>", {}};
	for (const char* code : {"01", "02"})
	{
		Channel80020 c{code, "Активная энергия", {}};
		for (int i = 0; i < 48; ++i) c.periods.push_back({i * 30, i * 30 + 30, std::to_string(i * 3 + (code[1] - '0')), "0"});
		p.channels.push_back(c);
	}
	m.points.push_back(p);
	return m;
}


} // namespace


TEST_CASE("80020: a written file is windows-1251 and reads back the same", "[energosfera]")
{
	const auto m = sampleMessage();
	const std::string bytes = write80020(m);
	CHECK(bytes.find("encoding=\"windows-1251\"") != std::string::npos);
	CHECK(bytes.find("\xD1\xC8\xC3\xCC\xC0") != std::string::npos); // «СИГМА» in windows-1251
	CHECK(bytes.find("\xD0\xA1") == std::string::npos);              // no UTF-8 «С»
	const auto back = read80020(bytes);
	CHECK(back.senderName == m.senderName);
	CHECK(back.areaName == m.areaName);
	CHECK(back.areaInn == m.areaInn);
	CHECK(back.day == m.day);
	CHECK(back.number == m.number);
	REQUIRE(back.points.size() == 1);
	CHECK(back.points[0].name == m.points[0].name);
	REQUIRE(back.points[0].channels.size() == 2);
	CHECK(back.points[0].channels[1].periods[47].value == "143");
	CHECK(back.points[0].channels[1].periods[47].endMin == 0);
	CHECK(fileName80020(m) == "80020_9102012345_20261101_7_7707083893.xml");
}


TEST_CASE("80020: not XML, truncated, another class or no day is a format error", "[energosfera]")
{
	const std::string bytes = write80020(sampleMessage());
	CHECK_THROWS_AS(read80020(bytes.substr(0, bytes.size() / 2)), FormatError);
	CHECK_THROWS_AS(read80020("not xml"), FormatError);
	std::string other = bytes;
	other.replace(other.find("class=\"80020\""), 13, "class=\"80040\"");
	CHECK_THROWS_AS(read80020(other), FormatError);
	auto m = sampleMessage();
	m.day = "2026ab01";
	CHECK_THROWS_AS(dayRows(read80020(write80020(m)), 180, 1), FormatError);
}


TEST_CASE("80020: a point-day breaking a rule is set aside whole, the others are kept", "[energosfera]")
{
	auto m = sampleMessage();
	auto good = m.points[0];
	good.code = "910000000001002";
	auto shortDay = m.points[0];
	shortDay.code = "910000000001003";
	shortDay.channels[0].periods.pop_back();
	auto badValue = m.points[0];
	badValue.code = "910000000001004";
	badValue.channels[1].periods[5].value = "12.5";
	auto negative = m.points[0];
	negative.code = "910000000001005";
	negative.channels[0].periods[0].value = "-1";
	auto badCode = m.points[0];
	badCode.code = "9100";
	auto badChannel = m.points[0];
	badChannel.code = "910000000001006";
	badChannel.channels[1].code = "07";
	auto disorder = m.points[0];
	disorder.code = "910000000001007";
	std::swap(disorder.channels[0].periods[3], disorder.channels[0].periods[4]);
	m.points = {good, shortDay, badValue, negative, badCode, badChannel, disorder, good};
	const auto rows = dayRows(read80020(write80020(m)), 180, 1);
	REQUIRE(rows.points.size() == 1);
	CHECK(rows.points[0].code == "910000000001002");
	CHECK(rows.points[0].values == 96);
	REQUIRE(rows.malformed.size() == 7);
	CHECK(rows.malformed[0].reason == "канал 01: 47 получасов вместо 48");
	CHECK(rows.malformed.back().reason == "точка измерения повторяется в файле");
	// 2026-11-01 00:00 at UTC+3 is 2026-10-31 21:00 UTC; the first half-hour's A+ is 1 kWh
	CHECK(rows.midnightUtc == 1793480400);
	CHECK(rows.points[0].halfHours[0].ts == rows.midnightUtc);
	CHECK(*rows.points[0].halfHours[0].kwh[0] == 1);
	CHECK(!rows.points[0].halfHours[0].kwh[2]);
}


TEST_CASE("80020: the daylight-saving flag moves local times one hour", "[energosfera]")
{
	auto m = sampleMessage();
	const auto winter = dayRows(m, 180, 1);
	m.daylightSaving = true;
	const auto summer = dayRows(m, 180, 1);
	CHECK(winter.midnightUtc - summer.midnightUtc == 3600);
}


TEST_CASE("energosfera: a generated month through the drop folder equals the generator's truth", "[energosfera]")
{
	Generated g("--from 2026-11-01 --days 30 --points 4 --channels 01,02 --unknown-points 1 --malformed-day 2026-11-10 "
				"--truncate-day 2026-11-20 --duplicate-file --dst 0");
	EnergosferaConnector connector(settingsJson(g.dir));
	Collector c;
	connector.sync(kabinet::sdk::SyncRequest{"drop_folder", "", "{}", "{}", 0, 0, 0}, kabinet::sdk::SyncSink(&c.sink));
	auto stored = c.profile();
	// unknown codes come through as devices the host does not know; without them the rows equal the truth
	for (auto it = stored.begin(); it != stored.end();)
		it = it->first.first.rfind("999", 0) == 0 ? stored.erase(it) : std::next(it);
	// the duplicate file repeats day 1 with the same values
	CHECK(stored == g.profile());
	CHECK(stored.size() == 4 * 48 * 28 + 3 * 48);
	auto files = c.of("file");
	REQUIRE(files.size() == 31);
	int malformed = 0, partial = 0;
	for (const auto& f : files)
	{
		const auto expect = g.expect(f->getValue<std::string>("name"));
		if (expect == "malformed")
		{
			++malformed;
			CHECK(f->getValue<std::string>("state") == "malformed");
		}
		if (f->getArray("malformed")->size() > 0) ++partial;
		CHECK(f->getValue<std::string>("sha256").size() == 64);
	}
	CHECK(malformed == 1);
	CHECK(partial == 1);
	// the duplicate file carries the same points with the same digests as the first day's file
	std::map<std::string, std::string> digests;
	for (const auto& f : files)
		if (f->getValue<std::string>("day") == "2026-11-01")
		{
			std::ostringstream codes;
			f->getObject("codes")->stringify(codes);
			digests[f->getValue<std::string>("name")] = codes.str();
			CHECK(f->getObject("codes")->size() == 5);
			CHECK(f->getValue<std::string>("source") == "drop_folder");
		}
	REQUIRE(digests.size() == 2);
	CHECK(digests.begin()->second == digests.rbegin()->second);
	// a file's record comes after its rows
	CHECK(c.records.front().kind == "meter_data");
	CHECK(c.records.back().kind == "cursor");
	CHECK(c.records[c.records.size() - 2].kind == "file");
	CHECK(c.of("problem").size() == 1);
	CHECK(fs::exists(g.dir / "rejected" / "80020_9102012345_20261120_20_9102012345.xml"));
	std::size_t processed = 0;
	for (auto& e : fs::directory_iterator(g.dir / "processed")) processed += e.is_regular_file();
	CHECK(processed == 30);
	// a second run finds nothing new
	Collector again;
	connector.sync(kabinet::sdk::SyncRequest{"drop_folder", "", "{}", "{}", 0, 0, 0}, kabinet::sdk::SyncSink(&again.sink));
	CHECK(again.records.empty());
}


TEST_CASE("energosfera: summer-time files and another offset", "[energosfera]")
{
	Generated g("--from 2026-06-01 --days 2 --points 2 --dst 1 --utc-offset-min 120");
	EnergosferaConnector connector(settingsJson(g.dir, 120));
	Collector c;
	for (auto& e : fs::directory_iterator(g.dir))
	{
		const std::string input = "{\"file\":\"" + e.path().string() + "\",\"name\":\"upload.xml\",\"ref\":\"u1\"}";
		connector.sync(kabinet::sdk::SyncRequest{"import_file", "", "{}", input, 0, 0, 0}, kabinet::sdk::SyncSink(&c.sink));
		CHECK(fs::exists(e.path()));
	}
	CHECK(c.profile() == g.profile());
	CHECK(c.of("file")[0]->getValue<std::string>("name") == "upload.xml");
	CHECK(c.of("file")[0]->getValue<bool>("dst"));
	CHECK(c.of("file")[0]->getValue<std::string>("ref") == "u1");
	CHECK(c.of("file")[0]->getValue<std::string>("source") == "upload");
}


TEST_CASE("energosfera: export writes one file a day that imports back to the same values", "[energosfera]")
{
	Generated g("--from 2026-11-01 --days 3 --points 3 --channels 01,02,03,04");
	EnergosferaConnector connector(settingsJson(g.dir));
	Collector c;
	connector.sync(kabinet::sdk::SyncRequest{"drop_folder", "", "{}", "{}", 0, 0, 0}, kabinet::sdk::SyncSink(&c.sink));
	const auto original = c.profile();
	// the imported rows become the export's input, one day short of complete for the last point
	Poco::JSON::Array points;
	std::map<std::string, Poco::JSON::Array::Ptr> byCode;
	for (const auto& d : c.of("meter_data"))
	{
		auto rows = d->getArray("profile");
		for (std::size_t i = 0; i < rows->size(); ++i)
		{
			auto r = rows->getObject(static_cast<unsigned>(i));
			auto& list = byCode[r->getValue<std::string>("device")];
			if (!list) list = new Poco::JSON::Array;
			list->add(r);
		}
	}
	for (auto& [code, list] : byCode)
	{
		Object p;
		p.set("code", code);
		p.set("name", "Точка " + code.substr(11));
		p.set("profile", list);
		points.add(p);
	}
	Object input;
	input.set("from", "2026-10-31");
	input.set("to", "2026-11-04");
	input.set("first_number", 41);
	input.set("points", points);
	std::ostringstream text;
	input.stringify(text);
	auto answer = Poco::JSON::Parser().parse(connector.call("export", text.str())).extract<Object::Ptr>();
	auto files = answer->getArray("files");
	REQUIRE(files->size() == 3);
	CHECK(files->getObject(0)->getValue<std::string>("name") == "80020_9102012345_20261101_41_9102012345.xml");
	CHECK(answer->getArray("skipped")->size() == 6); // 31 Oct and 4 Nov: no data for the three points
	fs::path out = g.dir / "export";
	fs::create_directories(out);
	for (std::size_t i = 0; i < files->size(); ++i)
	{
		auto f = files->getObject(static_cast<unsigned>(i));
		std::istringstream in(f->getValue<std::string>("content_base64"));
		Poco::Base64Decoder dec(in);
		std::ofstream(out / f->getValue<std::string>("name"), std::ios::binary) << dec.rdbuf();
	}
	EnergosferaConnector reimport(settingsJson(out));
	Collector back;
	reimport.sync(kabinet::sdk::SyncRequest{"drop_folder", "", "{}", "{}", 0, 0, 0}, kabinet::sdk::SyncSink(&back.sink));
	CHECK(back.profile() == original);
	CHECK(back.of("problem").empty());
	CHECK_THROWS_AS(connector.call("export", "{\"from\":\"2026-11-02\",\"to\":\"2026-11-01\"}"), kabinet::sdk::RejectedError);
	CHECK_THROWS_AS(connector.call("import", "{}"), kabinet::sdk::ConfigError);
}


TEST_CASE("energosfera: settings and tasks are checked", "[energosfera]")
{
	CHECK_THROWS_AS(EnergosferaConnector("{\"drop\":\"/tmp\"}"), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(EnergosferaConnector("{\"utc_offset_min\":5000}"), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(EnergosferaConnector("{\"sender_inn\":\"12ab\"}"), kabinet::sdk::ConfigError);
	EnergosferaConnector noDrop("{}");
	Collector c;
	CHECK_THROWS_AS(noDrop.sync(kabinet::sdk::SyncRequest{"drop_folder", "", "{}", "{}", 0, 0, 0}, kabinet::sdk::SyncSink(&c.sink)),
		kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(noDrop.sync(kabinet::sdk::SyncRequest{"channels", "", "{}", "{}", 0, 0, 0}, kabinet::sdk::SyncSink(&c.sink)),
		kabinet::sdk::ConfigError);
}


TEST_CASE("energosfera: the built library is a connector named as its manifest", "[energosfera]")
{
	const fs::path lib = fs::path(environment("KABINET_PLUGIN_OUT", "build/plugins")) / "energosfera" / "libkabinet-energosfera.so";
	REQUIRE(fs::exists(lib));
	boost::dll::shared_library so(lib.string(), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
	auto entry = so.get<const kb_plugin_descriptor*(const kb_host_api*)>("kabinet_plugin_entry");
	kb_host_api host{};
	host.struct_size = sizeof host;
	host.abi_version = KABINET_ABI_VERSION;
	host.log = [](void*, kb_log_level, const char*) {};
	const kb_plugin_descriptor* d = entry(&host);
	REQUIRE(d != nullptr);
	CHECK(std::string(d->name) == "energosfera");
	CHECK(d->kind == KB_PLUGIN_CONNECTOR);
	auto vt = static_cast<const kb_connector_vtable*>(d->vtable);
	CHECK(vt->call != nullptr);
	CHECK(vt->sync != nullptr);
}
