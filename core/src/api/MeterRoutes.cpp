/// Routes of contracts, accounts and meter data (docs/API.md, "Contracts, accounts and meter data").
#include "api/Routes.h"
#include "export/ArchiveService.h"
#include "export/TableWriter.h"
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
#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>

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

/// A JSON batch {"readings":[…],"profile":[…],"params":[…],"events":[…]} as rows; names the first bad item.
MeterDataBatch parseBatch(const Poco::JSON::Object::Ptr& b) {
    MeterDataBatch out;
    std::size_t count = 0;
    auto list = [&](const char* key) -> Poco::JSON::Array::Ptr {
        if (!b->has(key)) return nullptr;
        if (b->get(key).type() != typeid(Poco::JSON::Array::Ptr)) throw Unprocessable(FieldErrors{{key, "Ожидается список"}});
        auto a = b->getArray(key);
        count += a->size();
        if (count > 100000) throw Unprocessable(FieldErrors{{key, "Не более 100000 записей в одном пакете"}});
        return a;
    };
    auto num = [](const Poco::JSON::Object::Ptr& o, const char* k) -> std::optional<double> {
        if (!o->has(k) || o->get(k).isEmpty()) return std::nullopt;
        if (!o->get(k).isNumeric()) throw std::invalid_argument(std::string(k) + " must be a number");
        return o->get(k).convert<double>();
    };
    auto str = [](const Poco::JSON::Object::Ptr& o, const char* k, const std::string& def = "") {
        if (!o->has(k) || o->get(k).isEmpty()) return def;
        if (!o->get(k).isString()) throw std::invalid_argument(std::string(k) + " must be a string");
        return o->getValue<std::string>(k);
    };
    auto ts = [](const Poco::JSON::Object::Ptr& o, const char* k) -> long long {
        if (!o->has(k) || !o->get(k).isInteger()) throw std::invalid_argument(std::string(k) + " must be Unix seconds");
        return o->get(k).convert<long long>();
    };
    auto each = [&](const char* key, auto fn) {
        auto a = list(key);
        if (!a) return;
        for (std::size_t i = 0; i < a->size(); ++i) {
            try {
                auto o = a->getObject(static_cast<unsigned>(i));
                if (!o) throw std::invalid_argument("an object is expected");
                fn(o);
            } catch (const Poco::Exception& e) {
                throw Unprocessable(FieldErrors{{std::string(key) + "[" + std::to_string(i) + "]", e.displayText()}});
            } catch (const std::exception& e) {
                throw Unprocessable(FieldErrors{{std::string(key) + "[" + std::to_string(i) + "]", e.what()}});
            }
        }
    };
    each("readings", [&](const Poco::JSON::Object::Ptr& o) {
        out.readings.push_back({str(o, "meter_id"), ts(o, "ts"), str(o, "kind", "latest"), str(o, "energy", "A+"), num(o, "total"),
                                num(o, "t1"), num(o, "t2"), num(o, "t3"), num(o, "t4"), str(o, "source", "driver")});
    });
    each("profile", [&](const Poco::JSON::Object::Ptr& o) {
        out.profile.push_back({str(o, "meter_id"), ts(o, "ts"), static_cast<int>(num(o, "interval_min").value_or(30)), num(o, "p_plus"),
                               num(o, "p_minus"), num(o, "q_plus"), num(o, "q_minus")});
    });
    each("params", [&](const Poco::JSON::Object::Ptr& o) {
        out.params.push_back({str(o, "meter_id"), ts(o, "ts"), str(o, "phase", "S"), num(o, "voltage"), num(o, "current"), num(o, "p"),
                              num(o, "q"), num(o, "s"), num(o, "pf"), num(o, "frequency"), num(o, "angle")});
    });
    each("events", [&](const Poco::JSON::Object::Ptr& o) {
        std::optional<long long> end;
        if (o->has("ts_end") && !o->get("ts_end").isEmpty()) end = ts(o, "ts_end");
        out.events.push_back({str(o, "meter_id"), ts(o, "ts_start"), str(o, "code"), str(o, "category"), str(o, "severity", "info"),
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
    r.add("GET", "/api/v1/access", true, Access::User, [&s](Request& q) { return json(200, s.meters->access(*q.tenant, *q.session)); });
    r.add("POST", "/api/v1/access/accounts", true, Access::User,
          [&s](Request& q) { return json(201, s.meters->addAccount(*q.tenant, *q.session, field(q, "number"), q.clientAddress)); });
    r.add("DELETE", "/api/v1/access/accounts/{id}", true, Access::User, [&s](Request& q) {
        s.meters->removeAccount(*q.tenant, *q.session, q.params["id"]);
        Response resp;
        resp.status = 204;
        return resp;
    });
    r.add("POST", "/api/v1/access/ogrn", true, Access::User, [&s](Request& q) { return json(200, s.meters->checkOgrn(*q.tenant, *q.session)); });
    r.add("POST", "/api/v1/access/ogrn/confirm", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->confirmOgrn(*q.tenant, *q.session, field(q, "contract_number"), q.clientAddress)); });
    r.add("POST", "/api/v1/access/supplier", true, Access::User, [&s](Request& q) {
        return json(201, s.meters->linkSupplier(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), s.connectors));
    });
    r.add("PATCH", "/api/v1/access/contracts/{id}", true, Access::User, [&s](Request& q) {
        s.meters->renameContract(*q.tenant, *q.session, q.params["id"], field(q, "title"));
        return Response::json(200, R"({"ok":true})");
    });

    r.add("GET", "/api/v1/points", true, Access::User, [&s](Request& q) { return json(200, s.meters->points(*q.tenant, *q.session)); });
    r.add("GET", "/api/v1/points/{id}", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->point(*q.tenant, *q.session, q.params["id"])); });
    r.add("GET", "/api/v1/points/{id}/readings", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->readings(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/consumption", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->consumption(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/profile", true, Access::User,
          [&s](Request& q) {
              Response r = Response::json(200, s.meters->profileText(*q.tenant, *q.session, q.params["id"], query(q)));
              r.headers.push_back({"Cache-Control", "no-store"});
              return r;
          });
    r.add("GET", "/api/v1/points/{id}/events", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->events(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/network", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->network(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/history", true, Access::User, [&s](Request& q) {
        return json(200, s.meters->history(*q.tenant, *q.session, q.params["id"], static_cast<long long>(std::time(nullptr))));
    });

    r.add("GET", "/api/v1/points/{id}/manual-readings", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->manualReadings(*q.tenant, *q.session, q.params["id"])); });
    r.add("POST", "/api/v1/points/{id}/manual-readings", true, Access::User, [&s](Request& q) {
        return json(201, s.meters->submitReading(*q.tenant, *q.session, q.params["id"], q.jsonObject().extract<Poco::JSON::Object::Ptr>(),
                                                 static_cast<long long>(std::time(nullptr))));
    });
    r.add("POST", "/api/v1/meters/virtual", true, Access::User, [&s](Request& q) {
        return json(201, s.meters->createVirtualMeter(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>()));
    });
    // Meter polling as the operators see it: gateways, polled meters with their jobs and errors, notifications.
    r.add("GET", "/api/v1/operator/polling", true, Access::Operator,
          [&s](Request& q) { return json(200, PollStore(*s.db, "api").status(q.tenant->id())); });
    r.add("GET", "/api/v1/operator/manual-readings", true, Access::Operator,
          [&s](Request& q) { return json(200, s.meters->pendingReadings(*q.tenant, query(q)["state"])); });
    r.add("POST", "/api/v1/operator/manual-readings/{id}/approve", true, Access::Operator, [&s](Request& q) {
        s.meters->decideReading(*q.tenant, *q.session, q.params["id"], true, "");
        return Response::json(200, R"({"ok":true,"state":"accepted"})");
    });
    r.add("POST", "/api/v1/operator/manual-readings/{id}/reject", true, Access::Operator, [&s](Request& q) {
        s.meters->decideReading(*q.tenant, *q.session, q.params["id"], false, field(q, "reason"));
        return Response::json(200, R"({"ok":true,"state":"rejected"})");
    });

    // Bulk meter data from drivers, connectors and other trusted producers: a bearer token (--ingest-token).
    r.add("POST", "/api/v1/ingest/meter-data", true, [&s](Request& q) {
        const std::string auth = q.raw && q.raw->has("Authorization") ? q.raw->get("Authorization") : "";
        if (s.config.ingestToken.empty() || auth.rfind("Bearer ", 0) != 0 ||
            !crypto::constantTimeEquals(auth.substr(7), s.config.ingestToken))
            throw Error(401, "not_authenticated", "Нужен токен загрузки данных");
        const MeterDataBatch batch = parseBatch(q.jsonObject().extract<Poco::JSON::Object::Ptr>());
        IngestResult res;
        try {
            res = MeterDataSink(*s.db).write(q.tenant->id(), batch);
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
    r.add("GET", "/api/v1/archive", true, Access::User,
          [&s](Request& q) { return json(200, s.archive->list(*q.tenant, *q.session, static_cast<long long>(std::time(nullptr)))); });
    r.add("POST", "/api/v1/archive", true, Access::User, [&s](Request& q) {
        auto out = s.archive->request(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(),
                                      static_cast<long long>(std::time(nullptr)));
        s.jobs->poke();
        return json(201, out);
    });
    r.add("PATCH", "/api/v1/archive/{id}", true, Access::User, [&s](Request& q) {
        return json(200, s.archive->change(*q.tenant, *q.session, q.params["id"], q.jsonObject().extract<Poco::JSON::Object::Ptr>(),
                                           static_cast<long long>(std::time(nullptr))));
    });
    r.add("GET", "/api/v1/archive/{id}/file", true, Access::User, [&s](Request& q) {
        auto [path, type, name] = s.archive->file(*q.tenant, *q.session, q.params["id"], query(q)["format"]);
        Response resp;
        if (!readFile(path, resp.body)) throw NotFound("archive_not_ready", "Архив ещё не сформирован");
        resp.contentType = type;
        resp.headers.push_back({"Content-Disposition", "attachment; filename=\"" + name + "\""});
        return resp;
    });
    r.add("GET", "/api/v1/points/{id}/report", true, Access::User, [&s](Request& q) {
        Query qs = query(q);
        const std::string format = qs.count("format") ? qs["format"] : "csv";
        if (format != "csv" && format != "xlsx") throw Unprocessable(FieldErrors{{"format", "Допустимо csv или xlsx"}});
        auto info = s.meters->point(*q.tenant, *q.session, q.params["id"]);
        auto cons = s.meters->consumption(*q.tenant, *q.session, q.params["id"], qs);
        auto reads = s.meters->readings(*q.tenant, *q.session, q.params["id"], qs);
        Table t1{"Потребление", {"Период", "Всего, кВт·ч", "T1", "T2", "T3", "T4"}, {}};
        const auto num = numberCell;
        for (const auto& r : *cons->getArray("rows")) {
            auto o = r.extract<Poco::JSON::Object::Ptr>();
            t1.rows.push_back({o->getValue<std::string>("period"), num(o, "total"), num(o, "t1"), num(o, "t2"), num(o, "t3"), num(o, "t4")});
        }
        Table t2{"Показания", {"Дата", "Всего, кВт·ч", "T1", "T2", "T3", "T4", "Источник"}, {}};
        for (const auto& r : *reads->getArray("rows")) {
            auto o = r.extract<Poco::JSON::Object::Ptr>();
            t2.rows.push_back({o->getValue<std::string>("date"), num(o, "total"), num(o, "t1"), num(o, "t2"), num(o, "t3"), num(o, "t4"),
                               o->getValue<std::string>("source")});
        }
        Response resp;
        const std::string name = "report-" + info->getObject("point")->getValue<std::string>("number") + "." + format;
        if (format == "csv") {
            resp.body = toCsv({t1, t2});
            resp.contentType = "text/csv; charset=utf-8";
        } else {
            Poco::TemporaryFile tmp;
            writeXlsx(tmp.path(), {t1, t2});
            readFile(tmp.path(), resp.body);
            resp.contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        }
        std::string safe;
        for (char c : name) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
        resp.headers.push_back({"Content-Disposition", "attachment; filename=\"" + safe + "\""});
        return resp;
    });

    r.add("GET", "/api/v1/operator/consumers", true, Access::Operator,
          [&s](Request& q) { return json(200, s.meters->consumers(*q.tenant, query(q)["q"])); });
    r.add("POST", "/api/v1/operator/grants", true, Access::Operator, [&s](Request& q) {
        s.meters->grant(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), false);
        return Response::json(201, R"({"ok":true})");
    });
    r.add("DELETE", "/api/v1/operator/grants", true, Access::Operator, [&s](Request& q) {
        s.meters->grant(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), true);
        Response resp;
        resp.status = 204;
        return resp;
    });
}

} // namespace kabinet
