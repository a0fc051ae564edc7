/// Routes of contracts, accounts and meter data (docs/API.md, "Contracts, accounts and meter data").
#include "api/MeterSpecs.h"
#include "api/Routes.h"
#include "export/ArchiveService.h"
#include "export/PointReport.h"
#include "meters/MeterData.h"
#include "util/Files.h"
#include "meters/MeterService.h"
#include "polling/PollStore.h"
#include "util/Crypto.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/URI.h>

#include <cctype>
#include <cmath>
#include <ctime>
#include <sstream>

namespace kabinet {

namespace {
Response json(int status, const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    Response r = Response::json(status, out.str());
    r.headers.push_back({"Cache-Control", "no-store"});
    return r;
}

Query query(const Request& q) {
    Query out;
    if (q.query.size() > 2000) throw BadRequest("query_too_long", "Слишком длинная строка запроса");
    try {
        for (const auto& [k, v] : Poco::URI("/?" + q.query).getQueryParameters()) out[k] = v;
    } catch (const Poco::Exception&) {
        throw BadRequest("malformed_query", "Некорректные параметры запроса");
    }
    return out;
}

using FieldErrors = std::map<std::string, std::string>;

/// Content-Disposition of a download (RFC 6266): the UTF-8 name as filename* and an ASCII fallback as filename.
std::string attachment(const std::string& name, const std::string& fallback) {
    std::string ascii;
    for (unsigned char c : fallback) ascii += (std::isalnum(c) || c == '.' || c == '-' || c == '_') ? static_cast<char>(c) : '_';
    std::string encoded;
    Poco::URI::encode(name, "!#$&+^`|*'()%,;=/?:@[]\"<>{} ", encoded);
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

/// A field of an ingest row that is missing or of the wrong JSON type: InvalidMeterData names it.
struct BadField {
    const char* field;
    const char* reason;
};

/// A JSON batch {"readings":[…],"profile":[…],"params":[…],"events":[…]} as rows; every field of every row is
/// checked for its JSON type (a number is not a boolean, a meter id is a non-empty string, times are integer
/// Unix seconds), and the first bad one is named as "list[index].field" (422).
MeterDataBatch parseBatch(const Poco::JSON::Object::Ptr& b) {
    MeterDataBatch out;
    std::size_t count = 0;
    auto list = [&](const char* key) -> Poco::JSON::Array::Ptr {
        if (!b->has(key) || b->get(key).isEmpty()) return nullptr;
        if (b->get(key).type() != typeid(Poco::JSON::Array::Ptr)) throw Unprocessable(FieldErrors{{key, "Ожидается список"}});
        auto a = b->getArray(key);
        count += a->size();
        if (count > 100000) throw Unprocessable(FieldErrors{{key, "Не более 100000 записей в одном пакете"}});
        return a;
    };
    auto isBool = [](const Poco::Dynamic::Var& v) { return v.type() == typeid(bool); };
    auto num = [&](const Poco::JSON::Object::Ptr& o, const char* k) -> std::optional<double> {
        if (!o->has(k) || o->get(k).isEmpty()) return std::nullopt;
        const auto& v = o->get(k);
        if (isBool(v) || !v.isNumeric()) throw BadField{k, "Ожидается число"};
        return v.convert<double>();
    };
    auto str = [](const Poco::JSON::Object::Ptr& o, const char* k, const std::string& def = "") {
        if (!o->has(k) || o->get(k).isEmpty()) return def;
        if (!o->get(k).isString()) throw BadField{k, "Ожидается строка"};
        return o->getValue<std::string>(k);
    };
    auto meter = [](const Poco::JSON::Object::Ptr& o) {
        if (!o->has("meter_id") || o->get("meter_id").isEmpty()) throw BadField{"meter_id", "Укажите прибор учёта"};
        if (!o->get("meter_id").isString()) throw BadField{"meter_id", "Ожидается строка"};
        return o->getValue<std::string>("meter_id");
    };
    auto ts = [&](const Poco::JSON::Object::Ptr& o, const char* k) -> long long {
        if (!o->has(k) || o->get(k).isEmpty()) throw BadField{k, "Укажите время (секунды Unix, UTC)"};
        const auto& v = o->get(k);
        if (isBool(v) || !v.isInteger()) throw BadField{k, "Ожидается целое число секунд Unix"};
        return v.convert<long long>();
    };
    auto each = [&](const char* key, auto fn) {
        auto a = list(key);
        if (!a) return;
        for (std::size_t i = 0; i < a->size(); ++i) {
            const std::string row = std::string(key) + "[" + std::to_string(i) + "]";
            if (a->get(static_cast<unsigned>(i)).type() != typeid(Poco::JSON::Object::Ptr))
                throw Unprocessable(FieldErrors{{row, "Ожидается объект"}});
            try {
                fn(a->getObject(static_cast<unsigned>(i)));
            } catch (const BadField& e) {
                throw Unprocessable(FieldErrors{{row + "." + e.field, e.reason}});
            } catch (const Poco::Exception&) {
                throw Unprocessable(FieldErrors{{row, "Некорректная запись"}});
            }
        }
    };
    each("readings", [&](const Poco::JSON::Object::Ptr& o) {
        out.readings.push_back({meter(o), ts(o, "ts"), str(o, "kind", "latest"), str(o, "energy", "A+"), num(o, "total"),
                                num(o, "t1"), num(o, "t2"), num(o, "t3"), num(o, "t4"), str(o, "source", "driver")});
    });
    each("profile", [&](const Poco::JSON::Object::Ptr& o) {
        const auto interval = num(o, "interval_min").value_or(30);
        if (interval != std::floor(interval) || interval < 1 || interval > 1440) throw BadField{"interval_min", "Ожидается целое число минут"};
        out.profile.push_back({meter(o), ts(o, "ts"), static_cast<int>(interval), num(o, "p_plus"), num(o, "p_minus"), num(o, "q_plus"),
                               num(o, "q_minus")});
    });
    each("params", [&](const Poco::JSON::Object::Ptr& o) {
        out.params.push_back({meter(o), ts(o, "ts"), str(o, "phase", "S"), num(o, "voltage"), num(o, "current"), num(o, "p"),
                              num(o, "q"), num(o, "s"), num(o, "pf"), num(o, "frequency"), num(o, "angle")});
    });
    each("events", [&](const Poco::JSON::Object::Ptr& o) {
        std::optional<long long> end;
        if (o->has("ts_end") && !o->get("ts_end").isEmpty()) end = ts(o, "ts_end");
        if (o->has("tamper") && !o->get("tamper").isEmpty() && !isBool(o->get("tamper"))) throw BadField{"tamper", "Ожидается true или false"};
        out.events.push_back({meter(o), ts(o, "ts_start"), str(o, "code"), str(o, "category"), str(o, "severity", "info"),
                              str(o, "text"), end, o->optValue<bool>("tamper", false)});
    });
    return out;
}

std::string field(Request& q, const char* key) {
    auto b = q.jsonObject().extract<Poco::JSON::Object::Ptr>();
    return b->has(key) && b->get(key).isString() ? b->getValue<std::string>(key) : std::string();
}
} // namespace

void registerMeterRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/access", true, Access::User, spec::access(), [&s](Request& q) { return json(200, s.meters->access(*q.tenant, *q.session)); });
    r.add("POST", "/api/v1/access/accounts", true, Access::User, spec::addAccount(),
          [&s](Request& q) { return json(201, s.meters->addAccount(*q.tenant, *q.session, field(q, "number"), q.clientAddress)); });
    r.add("DELETE", "/api/v1/access/accounts/{id}", true, Access::User, spec::removeAccount(), [&s](Request& q) {
        s.meters->removeAccount(*q.tenant, *q.session, q.params["id"]);
        Response resp;
        resp.status = 204;
        return resp;
    });
    r.add("POST", "/api/v1/access/ogrn", true, Access::User, spec::checkOgrn(), [&s](Request& q) { return json(200, s.meters->checkOgrn(*q.tenant, *q.session)); });
    r.add("POST", "/api/v1/access/ogrn/confirm", true, Access::User, spec::confirmOgrn(),
          [&s](Request& q) { return json(200, s.meters->confirmOgrn(*q.tenant, *q.session, field(q, "contract_number"), q.clientAddress)); });
    r.add("POST", "/api/v1/access/supplier", true, Access::User, spec::linkSupplier(), [&s](Request& q) {
        return json(201, s.meters->linkSupplier(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), s.connectors));
    });
    r.add("PATCH", "/api/v1/access/contracts/{id}", true, Access::User, spec::renameContract(), [&s](Request& q) {
        s.meters->renameContract(*q.tenant, *q.session, q.params["id"], field(q, "title"));
        return Response::json(200, R"({"ok":true})");
    });

    r.add("GET", "/api/v1/points", true, Access::User, spec::points(), [&s](Request& q) { return json(200, s.meters->points(*q.tenant, *q.session)); });
    r.add("GET", "/api/v1/points/{id}", true, Access::User, spec::point(),
          [&s](Request& q) { return json(200, s.meters->point(*q.tenant, *q.session, q.params["id"])); });
    r.add("GET", "/api/v1/points/{id}/readings", true, Access::User, spec::readings(),
          [&s](Request& q) { return json(200, s.meters->readings(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/consumption", true, Access::User, spec::consumption(),
          [&s](Request& q) { return json(200, s.meters->consumption(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/profile", true, Access::User, spec::profile(),
          [&s](Request& q) {
              Response r = Response::json(200, s.meters->profileText(*q.tenant, *q.session, q.params["id"], query(q)));
              r.headers.push_back({"Cache-Control", "no-store"});
              return r;
          });
    r.add("GET", "/api/v1/points/{id}/events", true, Access::User, spec::events(),
          [&s](Request& q) { return json(200, s.meters->events(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/network", true, Access::User, spec::network(),
          [&s](Request& q) { return json(200, s.meters->network(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/history", true, Access::User, spec::history(), [&s](Request& q) {
        return json(200, s.meters->history(*q.tenant, *q.session, q.params["id"], static_cast<long long>(std::time(nullptr))));
    });

    r.add("GET", "/api/v1/points/{id}/manual-readings", true, Access::User, spec::manualReadings(),
          [&s](Request& q) { return json(200, s.meters->manualReadings(*q.tenant, *q.session, q.params["id"])); });
    r.add("POST", "/api/v1/points/{id}/manual-readings", true, Access::User, spec::submitReading(), [&s](Request& q) {
        return json(201, s.meters->submitReading(*q.tenant, *q.session, q.params["id"], q.jsonObject().extract<Poco::JSON::Object::Ptr>(),
                                                 static_cast<long long>(std::time(nullptr))));
    });
    r.add("POST", "/api/v1/meters/virtual", true, Access::User, spec::createVirtualMeter(), [&s](Request& q) {
        return json(201, s.meters->createVirtualMeter(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(),
                                                      q.clientAddress));
    });
    // Meter polling as the operators see it: gateways, polled meters with their jobs and errors, notifications.
    r.add("GET", "/api/v1/operator/polling", true, Access::Operator, spec::pollingStatus(),
          [&s](Request& q) { return json(200, PollStore(*s.db, "api").status(q.tenant->id())); });
    r.add("GET", "/api/v1/operator/manual-readings", true, Access::Operator, spec::pendingReadings(),
          [&s](Request& q) { return json(200, s.meters->pendingReadings(*q.tenant, query(q)["state"])); });
    r.add("POST", "/api/v1/operator/manual-readings/{id}/approve", true, Access::Operator, spec::approveReading(), [&s](Request& q) {
        s.meters->decideReading(*q.tenant, *q.session, q.params["id"], true, "");
        return Response::json(200, R"({"ok":true,"state":"accepted"})");
    });
    r.add("POST", "/api/v1/operator/manual-readings/{id}/reject", true, Access::Operator, spec::rejectReading(), [&s](Request& q) {
        s.meters->decideReading(*q.tenant, *q.session, q.params["id"], false, field(q, "reason"));
        return Response::json(200, R"({"ok":true,"state":"rejected"})");
    });

    // Bulk meter data from drivers, connectors and other trusted producers: a bearer token (--ingest-token).
    r.add("POST", "/api/v1/ingest/meter-data", true, spec::ingestMeterData(), [&s](Request& q) {
        const std::string auth = q.raw && q.raw->has("Authorization") ? q.raw->get("Authorization") : "";
        if (s.config.ingestToken.empty() || auth.rfind("Bearer ", 0) != 0 ||
            !crypto::constantTimeEquals(auth.substr(7), s.config.ingestToken))
            throw Error(401, "not_authenticated", "Нужен токен загрузки данных");
        const MeterDataBatch batch = parseBatch(q.jsonObject().extract<Poco::JSON::Object::Ptr>());
        IngestResult res;
        try {
            res = MeterDataSink(*s.db).write(q.tenant->id(), batch);
        } catch (const InvalidMeterData& e) {
            throw Unprocessable(FieldErrors{{e.field, e.reason}});
        } catch (const std::invalid_argument& e) {
            throw Unprocessable(FieldErrors{{"batch", e.what()}});
        }
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("readings", res.readings);
        o->set("profile", res.profile);
        o->set("params", res.params);
        o->set("events", res.events);
        o->set("tamper_events", res.tamperEvents);
        return json(200, o);
    });

    // Archive of meter data for a period (ВОЭК) and reports.
    r.add("GET", "/api/v1/archive", true, Access::User, spec::archives(),
          [&s](Request& q) { return json(200, s.archive->list(*q.tenant, *q.session, static_cast<long long>(std::time(nullptr)))); });
    r.add("POST", "/api/v1/archive", true, Access::User, spec::requestArchive(), [&s](Request& q) {
        auto out = s.archive->request(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(),
                                      static_cast<long long>(std::time(nullptr)));
        s.jobs->poke();
        return json(201, out);
    });
    r.add("PATCH", "/api/v1/archive/{id}", true, Access::User, spec::changeArchive(), [&s](Request& q) {
        return json(200, s.archive->change(*q.tenant, *q.session, q.params["id"], q.jsonObject().extract<Poco::JSON::Object::Ptr>(),
                                           static_cast<long long>(std::time(nullptr))));
    });
    r.add("GET", "/api/v1/archive/{id}/file", true, Access::User, spec::archiveFile(), [&s](Request& q) {
        auto [path, type, name] = s.archive->file(*q.tenant, *q.session, q.params["id"], query(q)["format"]);
        Response resp;
        if (!readFile(path, resp.body)) throw NotFound("archive_not_ready", "Архив ещё не сформирован");
        resp.contentType = type;
        resp.headers.push_back({"Content-Disposition", attachment(name, name)});
        return resp;
    });
    r.add("GET", "/api/v1/points/{id}/report", true, Access::User, spec::pointReport(), [&s](Request& q) {
        Query qs = query(q);
        ReportFile file = pointReport(*s.meters, *q.tenant, *q.session, q.params["id"], qs, qs.count("format") ? qs["format"] : "csv");
        Response resp;
        resp.body = std::move(file.body);
        resp.contentType = file.contentType;
        resp.headers.push_back({"Content-Disposition", attachment(file.fileName, file.asciiFileName)});
        return resp;
    });

    r.add("GET", "/api/v1/operator/consumers", true, Access::Operator, spec::consumers(),
          [&s](Request& q) { return json(200, s.meters->consumers(*q.tenant, query(q)["q"])); });
    r.add("POST", "/api/v1/operator/grants", true, Access::Operator, spec::grant(), [&s](Request& q) {
        s.meters->grant(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), false);
        return Response::json(201, R"({"ok":true})");
    });
    r.add("DELETE", "/api/v1/operator/grants", true, Access::Operator, spec::revokeGrant(), [&s](Request& q) {
        s.meters->grant(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), true);
        Response resp;
        resp.status = 204;
        return resp;
    });
}

} // namespace kabinet
