#include "connectors/Export80020.h"

#include "connectors/ConnectorHub.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/Base64Decoder.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Zip/Compress.h>

#include <map>
#include <sstream>

namespace kabinet {

namespace {

/// Unix seconds of 00:00 UTC of a YYYY-MM-DD day, or -1.
long long dayStart(const std::string& day) {
    if (day.size() != 10) return -1;
    Poco::DateTime dt;
    int tz = 0;
    if (!Poco::DateTimeParser::tryParse("%Y-%m-%d", day, dt, tz)) return -1;
    if (dt.day() != std::stoi(day.substr(8, 2))) return -1;
    return dt.timestamp().epochTime();
}

} // namespace

Export80020::Export80020(Database& db, ConnectorHub& hub) : db_(db), hub_(hub) {}

Export80020Result Export80020::build(const Tenant& t, const std::string& connectorId, const std::string& from, const std::string& to) {
    const long long a = dayStart(from), b = dayStart(to);
    if (a < 0) throw Unprocessable({{"from", "Укажите дату в виде ГГГГ-ММ-ДД"}});
    if (b < 0) throw Unprocessable({{"to", "Укажите дату в виде ГГГГ-ММ-ДД"}});
    if (b < a) throw Unprocessable({{"to", "Конец периода раньше его начала"}});
    if ((b - a) / 86400 + 1 > 62) throw Unprocessable({{"to", "Не более 62 дней за одну выгрузку"}});
    if (!hub_.connector(t, connectorId)) throw NotFound("connector_not_found", "Такого обмена данными нет");
    // the half-hours of every linked meter, with a margin of a day on each side for any UTC offset
    const long long lo = a - 86400, hi = b + 2 * 86400;
    std::map<std::string, Poco::JSON::Object::Ptr> points; // code → {code, name, profile}
    db_.read([&](soci::session& s) {
        soci::rowset<soci::row> rs =
            (s.prepare << "SELECT d.device_key, COALESCE(mp.name, ''), p.ts, p.p_plus, p.p_minus, p.q_plus, p.q_minus "
                          "FROM connector_devices d JOIN meters m ON m.tenant_id = d.tenant_id AND m.meter_id = d.meter_id "
                          "LEFT JOIN metering_points mp ON mp.tenant_id = m.tenant_id AND mp.point_id = m.point_id "
                          "JOIN profile p ON p.tenant_id = m.tenant_id AND p.meter_id = m.meter_id "
                          "WHERE d.tenant_id = :t AND d.connector_id = :c AND p.interval_min = 30 AND p.ts >= :lo AND p.ts < :hi "
                          "ORDER BY d.device_key, p.ts",
             soci::use(t.id()), soci::use(connectorId), soci::use(lo), soci::use(hi));
        for (const auto& r : rs) {
            const std::string code = columnText(r, 0);
            auto& p = points[code];
            if (!p) {
                p = new Poco::JSON::Object;
                p->set("code", code);
                p->set("name", columnText(r, 1));
                p->set("profile", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
            }
            Poco::JSON::Object::Ptr row = new Poco::JSON::Object;
            row->set("ts", columnInteger(r, 2));
            static const char* fields[] = {"p_plus", "p_minus", "q_plus", "q_minus"};
            for (int i = 0; i < 4; ++i)
                if (auto v = columnReal(r, 3 + i)) row->set(fields[i], *v);
            p->getArray("profile")->add(row);
        }
    });
    Poco::JSON::Object input;
    input.set("from", from);
    input.set("to", to);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (auto& [code, p] : points) list->add(p);
    input.set("points", list);
    std::ostringstream text;
    input.stringify(text);
    const std::string answer = hub_.call(t, connectorId, "", "export", text.str());
    Poco::JSON::Array::Ptr files;
    try {
        files = Poco::JSON::Parser().parse(answer).extract<Poco::JSON::Object::Ptr>()->getArray("files");
    } catch (const Poco::Exception&) {
    }
    if (!files) throw Error(502, "connector_garbage", "Модуль обмена вернул непонятный ответ");
    Export80020Result out;
    out.name = "80020_" + from + "_" + to + ".zip";
    std::ostringstream zip;
    Poco::Zip::Compress compress(zip, true);
    for (const auto& fv : *files) {
        auto f = fv.extract<Poco::JSON::Object::Ptr>();
        const std::string name = f->optValue<std::string>("name", "");
        if (name.empty() || name.find('/') != std::string::npos || name.find("..") != std::string::npos)
            throw Error(502, "connector_garbage", "Модуль обмена вернул файл без имени");
        std::istringstream encoded(f->optValue<std::string>("content_base64", ""));
        Poco::Base64Decoder decoder(encoded);
        std::ostringstream bytes;
        bytes << decoder.rdbuf();
        std::istringstream in(bytes.str());
        compress.addFile(in, Poco::DateTime(), Poco::Path(name), Poco::Zip::ZipCommon::CM_DEFLATE, Poco::Zip::ZipCommon::CL_NORMAL);
        ++out.files;
    }
    compress.close();
    out.zip = zip.str();
    return out;
}

} // namespace kabinet
