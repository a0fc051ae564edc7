//
// EnergosferaConnector.cpp
//


#include "EnergosferaConnector.h"

#include "DayRows.h"
#include "Message80020.h"

#include "Poco/Base64Encoder.h"
#include "Poco/DigestEngine.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/SHA2Engine.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>


namespace kabinet::energosfera {


namespace fs = std::filesystem;


namespace {


std::string stringify(const Poco::JSON::Object& o)
{
	std::ostringstream out;
	o.stringify(out);
	return out.str();
}


std::string sha256(const std::string& bytes)
{
	Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
	engine.update(bytes);
	return Poco::DigestEngine::digestToHex(engine.digest());
}


std::string readFile(const fs::path& path)
{
	std::ifstream in(path, std::ios::binary);
	if (!in) throw sdk::ConfigError("не удалось открыть файл " + path.filename().string());
	std::ostringstream out;
	out << in.rdbuf();
	return out.str();
}


void moveInto(const fs::path& file, const fs::path& folder)
{
	fs::create_directories(folder);
	fs::path target = folder / file.filename();
	for (int n = 1; fs::exists(target); ++n) target = folder / (file.stem().string() + "." + std::to_string(n) + file.extension().string());
	fs::rename(file, target);
}


bool isXml(const fs::path& p)
{
	std::string ext = p.extension().string();
	std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
	return ext == ".xml";
}


std::string isoDay(const std::string& yyyymmdd)
{
	return yyyymmdd.substr(0, 4) + "-" + yyyymmdd.substr(4, 2) + "-" + yyyymmdd.substr(6, 2);
}


std::string compactDay(const std::string& iso)
{
	if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return "";
	return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2);
}


Poco::JSON::Object::Ptr parseObject(const std::string& json, const char* what)
{
	try
	{
		return Poco::JSON::Parser().parse(json.empty() ? "{}" : json).extract<Poco::JSON::Object::Ptr>();
	}
	catch (const Poco::Exception&)
	{
		throw sdk::RejectedError(std::string("Параметры (") + what + ") — не объект JSON");
	}
}


std::string base64(const std::string& bytes)
{
	std::ostringstream out;
	Poco::Base64Encoder enc(out);
	enc.rdbuf()->setLineLength(0);
	enc << bytes;
	enc.close();
	return out.str();
}


} // namespace


EnergosferaConnector::EnergosferaConnector(const std::string& configJson): _settings(Settings::parse(configJson))
{
}


bool EnergosferaConnector::importFile(const std::string& name, const std::string& bytes, const FileOrigin& origin, const Settings& settings,
	const sdk::SyncSink& sink)
{
	Poco::JSON::Object file;
	file.set("name", name);
	file.set("sha256", sha256(bytes));
	file.set("size", static_cast<Poco::UInt64>(bytes.size()));
	file.set("source", origin.source);
	file.set("ref", origin.ref);
	Message80020 message;
	DayRows rows;
	try
	{
		message = read80020(bytes);
		rows = dayRows(message, settings.utcOffsetMin, settings.energyUnitKwh);
	}
	catch (const FormatError& e)
	{
		file.set("state", "malformed");
		file.set("reason", e.what());
		file.set("day", "");
		file.set("number", "");
		file.set("sender_inn", "");
		file.set("area_inn", "");
		file.set("dst", false);
		file.set("points", 0);
		file.set("values", 0);
		file.set("codes", Poco::JSON::Object());
		file.set("malformed", Poco::JSON::Array());
		sink.emit("file", stringify(file));
		return false;
	}
	std::size_t values = 0;
	Poco::JSON::Object codes;
	for (const auto& p : rows.points)
	{
		Poco::JSON::Array profile;
		std::string canonical;
		for (const auto& h : p.halfHours)
		{
			Poco::JSON::Object row;
			row.set("device", p.code);
			row.set("ts", static_cast<Poco::Int64>(h.ts));
			row.set("interval_min", 30);
			canonical += std::to_string(h.ts);
			for (int c = 0; c < 4; ++c)
			{
				canonical += ',';
				if (!h.kwh[c]) continue;
				row.set(channelField(c), *h.kwh[c] * 2);
				canonical += std::to_string(*h.kwh[c]);
			}
			canonical += ';';
			profile.add(row);
		}
		Poco::JSON::Object data;
		data.set("profile", profile);
		sink.meterData(stringify(data));
		Poco::JSON::Object code;
		code.set("values", static_cast<Poco::UInt64>(p.values));
		code.set("digest", sha256(canonical));
		codes.set(p.code, code);
		values += p.values;
	}
	for (const auto& m : rows.malformed) sink.problem(name + ":" + m.code, m.reason);
	file.set("state", "read");
	file.set("reason", "");
	file.set("day", isoDay(message.day));
	file.set("number", message.number);
	file.set("sender_inn", message.senderInn);
	file.set("area_inn", message.areaInn);
	file.set("dst", message.daylightSaving);
	file.set("points", static_cast<Poco::UInt64>(rows.points.size()));
	file.set("values", static_cast<Poco::UInt64>(values));
	file.set("codes", codes);
	Poco::JSON::Array malformed;
	for (const auto& m : rows.malformed)
	{
		Poco::JSON::Object o;
		o.set("code", m.code);
		o.set("reason", m.reason);
		malformed.add(o);
	}
	file.set("malformed", malformed);
	sink.emit("file", stringify(file));
	return true;
}


void EnergosferaConnector::sync(const sdk::SyncRequest& request, const sdk::SyncSink& sink)
{
	if (request.task == "import_file")
	{
		const auto input = parseObject(request.inputJson, "input");
		const std::string path = input->optValue<std::string>("file", "");
		if (path.empty()) throw sdk::ConfigError("не указан файл для чтения (input.file)");
		const std::string name = input->optValue<std::string>("name", fs::path(path).filename().string());
		const FileOrigin origin{input->optValue<std::string>("source", "upload"), input->optValue<std::string>("ref", "")};
		importFile(name, readFile(path), origin, _settings, sink);
		return;
	}
	if (request.task != "drop_folder") throw sdk::ConfigError("неизвестная задача " + request.task);
	if (_settings.dropDir.empty()) throw sdk::ConfigError("не задана папка обмена файлами (настройка drop_dir)");
	const fs::path dir(_settings.dropDir);
	std::error_code ec;
	if (!fs::is_directory(dir, ec)) throw sdk::ConfigError("папка обмена файлами (настройка drop_dir) не найдена");
	std::vector<fs::path> files;
	const auto now = fs::file_time_type::clock::now();
	for (const auto& entry : fs::directory_iterator(dir, ec))
	{
		if (!entry.is_regular_file() || !isXml(entry.path())) continue;
		if (now - entry.last_write_time() < std::chrono::seconds(_settings.minAgeSeconds)) continue;
		files.push_back(entry.path());
	}
	std::sort(files.begin(), files.end());
	for (const auto& path : files)
	{
		if (sink.stopping()) return;
		const bool read = importFile(path.filename().string(), readFile(path), FileOrigin{"drop_folder", ""}, _settings, sink);
		moveInto(path, dir / (read ? "processed" : "rejected"));
		sink.cursor(path.filename().string());
	}
}


std::string EnergosferaConnector::call(const std::string& operation, const std::string& inputJson)
{
	if (operation != "export") throw sdk::ConfigError("unknown operation " + operation);
	const auto input = parseObject(inputJson, "input");
	const auto from = civilDay(compactDay(input->optValue<std::string>("from", "")));
	const auto to = civilDay(compactDay(input->optValue<std::string>("to", "")));
	if (!from || !to || *to < *from) throw sdk::RejectedError("Укажите период датами ГГГГ-ММ-ДД, начало не позже конца");
	if ((*to - *from) / 86400 > 366) throw sdk::RejectedError("Период выгрузки — не больше 366 дней");
	auto part = [&](const char* key, const char* field, const std::string& def) {
		auto o = input->getObject(key);
		return o ? o->optValue<std::string>(field, def) : def;
	};
	Message80020 head;
	head.senderInn = part("sender", "inn", _settings.senderInn);
	head.senderName = part("sender", "name", _settings.senderName);
	head.areaInn = part("area", "inn", _settings.areaInn);
	head.areaName = part("area", "name", _settings.areaName);
	head.areaTimezone = _settings.areaTimezone;
	if (head.senderInn.empty() || head.areaInn.empty()) throw sdk::RejectedError("В настройках обмена не указаны ИНН отправителя и ИНН зоны");
	const long long firstNumber = input->optValue<long long>("first_number", 1);
	// code → (ts → four channels' power)
	struct Point
	{
		std::string name;
		std::map<std::int64_t, std::array<std::optional<double>, 4>> rows;
	};
	std::map<std::string, Point> points;
	if (auto list = input->getArray("points"))
	{
		for (std::size_t i = 0; i < list->size(); ++i)
		{
			auto p = list->getObject(static_cast<unsigned>(i));
			if (!p) throw sdk::RejectedError("Точки выгрузки переданы не списком объектов");
			auto& point = points[p->optValue<std::string>("code", "")];
			point.name = p->optValue<std::string>("name", "");
			if (auto profile = p->getArray("profile"))
			{
				for (std::size_t j = 0; j < profile->size(); ++j)
				{
					auto r = profile->getObject(static_cast<unsigned>(j));
					if (!r || !r->has("ts")) throw sdk::RejectedError("Строки профиля переданы без времени");
					auto& slot = point.rows[r->getValue<Poco::Int64>("ts")];
					for (int c = 0; c < 4; ++c)
						if (r->has(channelField(c)) && !r->get(channelField(c)).isEmpty()) slot[c] = r->getValue<double>(channelField(c));
				}
			}
		}
	}
	static const char* desc[] = {"Активная энергия, приём", "Активная энергия, отдача", "Реактивная энергия, приём", "Реактивная энергия, отдача"};
	Poco::JSON::Array files, skipped;
	long long number = firstNumber;
	for (std::int64_t day = *from; day <= *to; day += 86400)
	{
		Message80020 m = head;
		const std::int64_t midnight = day - static_cast<std::int64_t>(_settings.utcOffsetMin) * 60;
		const std::time_t t = day;
		char stamp[16];
		std::strftime(stamp, sizeof stamp, "%Y%m%d", std::gmtime(&t));
		m.day = stamp;
		for (const auto& [code, point] : points)
		{
			Point80020 out;
			out.code = code;
			out.name = point.name;
			for (int c = 0; c < 4; ++c)
			{
				Channel80020 channel;
				channel.code = std::string("0") + static_cast<char>('1' + c);
				channel.desc = desc[c];
				for (int i = 0; i < 48; ++i)
				{
					auto it = point.rows.find(midnight + i * 1800);
					if (it == point.rows.end() || !it->second[c] || !std::isfinite(*it->second[c]) || *it->second[c] < 0) break;
					channel.periods.push_back({i * 30, i * 30 + 30, std::to_string(std::llround(*it->second[c] / 2 / _settings.energyUnitKwh)), ""});
				}
				if (channel.periods.size() == 48) out.channels.push_back(std::move(channel));
			}
			if (out.channels.empty())
			{
				Poco::JSON::Object s;
				s.set("code", code);
				s.set("day", isoDay(m.day));
				s.set("reason", "нет полных суток получасовых значений");
				skipped.add(s);
				continue;
			}
			m.points.push_back(std::move(out));
		}
		if (m.points.empty()) continue;
		m.number = std::to_string(number++);
		m.timestamp = m.day + "000000";
		Poco::JSON::Object f;
		f.set("name", fileName80020(m));
		f.set("day", isoDay(m.day));
		f.set("points", static_cast<Poco::UInt64>(m.points.size()));
		f.set("content_base64", base64(write80020(m)));
		files.add(f);
	}
	Poco::JSON::Object result;
	result.set("files", files);
	result.set("skipped", skipped);
	return stringify(result);
}


} // namespace kabinet::energosfera
