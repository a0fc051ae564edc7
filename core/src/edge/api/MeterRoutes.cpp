/// Routes of contracts, accounts and meter data (docs/API.md, "Contracts, accounts and meter data").
#include "api/MeterSpecs.h"
#include "connectors/SupplierForwarder.h"
#include "connectors/SupplierLink.h"
#include "api/Routes.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/URI.h>

#include <cctype>
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

/// Content-Disposition of a download (RFC 6266): the UTF-8 name as filename* and an ASCII fallback as filename.
std::string attachment(const std::string& name, const std::string& fallback) {
    std::string ascii;
    for (unsigned char c : fallback) ascii += (std::isalnum(c) || c == '.' || c == '-' || c == '_') ? static_cast<char>(c) : '_';
    std::string encoded;
    Poco::URI::encode(name, "!#$&+^`|*'()%,;=/?:@[]\"<>{} ", encoded);
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

/// A file to download: its body, type and name (Content-Disposition).
Response download(ReportFile file) {
    Response resp;
    resp.body = std::move(file.body);
    resp.contentType = file.contentType;
    resp.headers.push_back({"Content-Disposition", attachment(file.fileName, file.asciiFileName)});
    return resp;
}

/// The token of an `Authorization: Bearer …` header; empty without one.
std::string bearer(const Request& q) {
    const std::string auth = q.raw && q.raw->has("Authorization") ? q.raw->get("Authorization") : "";
    return auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : std::string();
}

std::string field(Request& q, const char* key) {
    auto b = q.jsonObject().extract<Poco::JSON::Object::Ptr>();
    return b->has(key) && b->get(key).isString() ? b->getValue<std::string>(key) : std::string();
}
} // namespace

void registerMeterRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/access", true, Access::User, spec::access(), [&s](Request& q) { return json(200, s.access->access(*q.tenant, *q.session)); });
    r.add("POST", "/api/v1/access/accounts", true, Access::User, spec::addAccount(),
          [&s](Request& q) { return json(201, s.access->addAccount(*q.tenant, *q.session, field(q, "number"), q.clientAddress)); });
    r.add("DELETE", "/api/v1/access/accounts/{id}", true, Access::User, spec::removeAccount(), [&s](Request& q) {
        s.access->removeAccount(*q.tenant, *q.session, q.params["id"]);
        Response resp;
        resp.status = 204;
        return resp;
    });
    r.add("POST", "/api/v1/access/ogrn", true, Access::User, spec::checkOgrn(), [&s](Request& q) { return json(200, s.access->checkOgrn(*q.tenant, *q.session)); });
    r.add("POST", "/api/v1/access/ogrn/confirm", true, Access::User, spec::confirmOgrn(),
          [&s](Request& q) { return json(200, s.access->confirmOgrn(*q.tenant, *q.session, field(q, "contract_number"), q.clientAddress)); });
    r.add("POST", "/api/v1/access/supplier", true, Access::User, spec::linkSupplier(), [&s](Request& q) {
        const auto body = q.jsonObject().extract<Poco::JSON::Object::Ptr>();
        // A supplier whose plugin only checks logins (ABI 1.0) keeps the contract link without a token.
        if (s.supplierLink->legacy(*q.tenant, body)) return json(201, s.access->linkSupplier(*q.tenant, *q.session, body));
        return json(201, s.supplierLink->link(*q.tenant, *q.session, body, static_cast<long long>(std::time(nullptr))));
    });
    r.add("PATCH", "/api/v1/access/contracts/{id}", true, Access::User, spec::renameContract(), [&s](Request& q) {
        s.access->renameContract(*q.tenant, *q.session, q.params["id"], field(q, "title"));
        return Response::json(200, R"({"ok":true})");
    });

    r.add("GET", "/api/v1/points", true, Access::User, spec::points(), [&s](Request& q) { return json(200, s.meters->points(*q.tenant, *q.session)); });
    r.add("GET", "/api/v1/points/{id}", true, Access::User, spec::point(),
          [&s](Request& q) { return json(200, s.meters->point(*q.tenant, *q.session, q.params["id"])); });
    r.add("GET", "/api/v1/points/{id}/readings", true, Access::User, spec::readings(),
          [&s](Request& q) {
              Response r = Response::json(200, s.meters->readingsText(*q.tenant, *q.session, q.params["id"], query(q)));
              r.headers.push_back({"Cache-Control", "no-store"});
              return r;
          });
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
          [&s](Request& q) {
              auto out = s.manualReadings->ofPoint(*q.tenant, *q.session, q.params["id"]);
              // Readings forwarded to a supplier say how that went.
              if (auto rows = out->getArray("rows"))
                  for (std::size_t i = 0; i < rows->size(); ++i)
                      if (auto row = rows->getObject(static_cast<unsigned>(i)))
                          if (auto st = s.supplierForwarder->readingState(*q.tenant, row->optValue<std::string>("id", ""))) row->set("supplier", *st);
              return json(200, out);
          });
    r.add("POST", "/api/v1/points/{id}/manual-readings", true, Access::User, spec::submitReading(), [&s](Request& q) {
        const auto now = static_cast<long long>(std::time(nullptr));
        const auto body = q.jsonObject().extract<Poco::JSON::Object::Ptr>();
        s.meters->point(*q.tenant, *q.session, q.params["id"]); // 404 for a point the caller does not see
        s.supplierForwarder->checkWindow(*q.tenant, q.params["id"], now);
        auto out = s.manualReadings->submit(*q.tenant, *q.session, q.params["id"], body, now);
        if (out->optValue<std::string>("state", "") == "accepted")
            if (auto st = s.supplierForwarder->forwardReading(*q.tenant, q.params["id"], out->getValue<std::string>("id"), body, now))
                out->set("supplier", *st);
        return json(201, out);
    });
    r.add("POST", "/api/v1/meters/virtual", true, Access::User, spec::createVirtualMeter(), [&s](Request& q) {
        return json(201, s.virtualMeters->create(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), q.clientAddress));
    });
    // Meter polling as the operators see it: gateways, polled meters with their jobs and errors, notifications.
    r.add("GET", "/api/v1/operator/polling", true, Access::Operator, spec::pollingStatus(),
          [&s](Request& q) { return json(200, s.polling->status(*q.tenant)); });
    r.add("GET", "/api/v1/operator/manual-readings", true, Access::Operator, spec::pendingReadings(),
          [&s](Request& q) { return json(200, s.manualReadings->inState(*q.tenant, query(q)["state"])); });
    r.add("POST", "/api/v1/operator/manual-readings/{id}/approve", true, Access::Operator, spec::approveReading(), [&s](Request& q) {
        s.manualReadings->decide(*q.tenant, *q.session, q.params["id"], true, "", q.clientAddress);
        return Response::json(200, R"({"ok":true,"state":"accepted"})");
    });
    r.add("POST", "/api/v1/operator/manual-readings/{id}/reject", true, Access::Operator, spec::rejectReading(), [&s](Request& q) {
        s.manualReadings->decide(*q.tenant, *q.session, q.params["id"], false, field(q, "reason"), q.clientAddress);
        return Response::json(200, R"({"ok":true,"state":"rejected"})");
    });

    // Bulk meter data from drivers, connectors and other trusted producers: a bearer token (--ingest-token).
    r.add("POST", "/api/v1/ingest/meter-data", true, spec::ingestMeterData(), [&s](Request& q) {
        s.ingest->authorize(bearer(q));
        return json(200, s.ingest->ingest(q.tenant->id(), q.jsonObject().extract<Poco::JSON::Object::Ptr>()));
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
        return download(s.reports->archiveFile(*q.tenant, *q.session, q.params["id"], query(q)["format"]));
    });
    r.add("GET", "/api/v1/points/{id}/report", true, Access::User, spec::pointReport(), [&s](Request& q) {
        return download(s.reports->pointReport(*q.tenant, *q.session, q.params["id"], query(q)));
    });

    r.add("GET", "/api/v1/operator/consumers", true, Access::Operator, spec::consumers(),
          [&s](Request& q) { return json(200, s.grants->consumers(*q.tenant, query(q)["q"])); });
    r.add("POST", "/api/v1/operator/grants", true, Access::Operator, spec::grant(), [&s](Request& q) {
        s.grants->grant(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), false, q.clientAddress);
        return Response::json(201, R"({"ok":true})");
    });
    r.add("DELETE", "/api/v1/operator/grants", true, Access::Operator, spec::revokeGrant(), [&s](Request& q) {
        s.grants->grant(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), true, q.clientAddress);
        Response resp;
        resp.status = 204;
        return resp;
    });
}

} // namespace kabinet
