// b. Three years of profile for one meter through the API; c. a month of readings for 1,000 of 10,000 meters
// through the service (see meter_bench.cpp).
#include "meter_bench/Common.h"

namespace kabinet::bench {

Consumer profile(Context& c) {
    Services* services = &c.services;
    Tenant* tenant = &c.tenant;
    const std::string& tenantId = c.tenantId;
    Database& db = c.db;
    MeterDataSink& sink = c.sink;
    Pg& raw = c.raw;
    HttpServer& http = c.http;
    auto part = [&](char p) { return c.part(p); };
    auto t = Clock::now();
    const auto one = createMeters(db, tenantId, 100000, 1).front();
    const long long y0 = 1609459200; // 2021-01-01 00:00 UTC; 1,095 days = 52,560 half-hours
    const int rows3y = 3 * 365 * 48;
    for (int at = 0; at < rows3y; at += 10000) {
        MeterDataBatch b;
        for (int i = at; i < std::min(rows3y, at + 10000); ++i)
            b.profile.push_back({one.second, y0 + i * 1800LL, 30, value(i, 3), 0.0, value(i, 4), 0.0});
        sink.write(tenantId, b);
    }
    raw.exec("ANALYZE profile");
    const std::string opId = services->identity->createStaff(*tenant, "operator", "bench-operator@vges.example", "Бенч Оператор",
                                                             "Bench-Password-1");
    const std::string consumerId = services->identity->createStaff(*tenant, "operator", "bench-consumer@vges.example",
                                                                   "Бенч Потребитель", "Bench-Password-1");
    // A consumer logs in by the identifier the tenant asks of consumers (ВГЭС: a user name), not by e-mail.
    const std::string consumerLogin = tenant->normalizeLogin("individual", "bench.consumer");
    if (consumerLogin.empty()) throw std::runtime_error("the tenant does not take the bench consumer's login");
    db.transaction([&](soci::session& s) {
        s << "UPDATE users SET role = 'consumer', kind = 'individual', login = :l WHERE tenant_id = :t AND user_id = :u",
            soci::use(consumerLogin), soci::use(tenantId), soci::use(consumerId);
    });
    SessionInfo op;
    op.userId = opId;
    op.role = "operator";
    Poco::JSON::Object::Ptr grant = new Poco::JSON::Object;
    grant->set("user_id", consumerId);
    grant->set("scope", "point");
    grant->set("ref", one.first);
    services->grants->grant(*tenant, op, grant, false);
    Poco::Net::HTTPClientSession client("127.0.0.1", http.port());
    client.setKeepAlive(true);
    const std::string base = "/t/" + tenantId + "/api/v1/";
    auto login = call(client, "POST", base + "session", R"({"login":"bench.consumer","password":"Bench-Password-1"})", "");
    if (login.status != 200 || login.cookie.empty()) throw std::runtime_error("consumer login failed: " + login.body);
    const std::string from = "2021-01-01", to = "2023-12-31";
    const std::string profilePath = base + "points/" + one.first + "/profile?from=" + from + "&to=" + to;
    const int off = tz::offsetSeconds(tenant->profile().extract<Poco::JSON::Object::Ptr>()->optValue<std::string>("timezone", ""));
    const std::vector<std::string> rawParams = {tenantId, one.second, std::to_string(tz::localMidnight(from, off)),
                                                std::to_string(tz::localMidnight(to, off) + 86400)};
    const char* profileSql = "SELECT ts, interval_min, p_plus, p_minus, q_plus, q_minus FROM profile WHERE tenant_id = $1 AND "
                             "meter_id = $2 AND ts >= $3 AND ts < $4 ORDER BY ts";
    auto first = call(client, "GET", profilePath, "", login.cookie);
    if (first.status != 200) throw std::runtime_error("profile request failed: " + first.body);
    const auto firstJson = Poco::JSON::Parser().parse(first.body).extract<Poco::JSON::Object::Ptr>();
    const std::size_t apiRows = firstJson->getArray("rows")->size();
    {
        // The answer holds the raw rows' values, rounded to three decimals, null where NULL.
        std::vector<const char*> values;
        for (const auto& p : rawParams) values.push_back(p.c_str());
        PGresult* res = PQexecParams(raw.get(), profileSql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
        const auto rowsJson = firstJson->getArray("rows");
        bool same = PQresultStatus(res) == PGRES_TUPLES_OK && static_cast<std::size_t>(PQntuples(res)) == rowsJson->size();
        static const char* names[] = {"p_plus", "p_minus", "q_plus", "q_minus"};
        for (int i = 0; same && i < PQntuples(res); ++i) {
            const auto o = rowsJson->getObject(static_cast<unsigned>(i));
            same = o->getValue<long long>("ts") == std::atoll(PQgetvalue(res, i, 0));
            for (int k = 0; same && k < 4; ++k) {
                if (PQgetisnull(res, i, k + 2)) same = o->isNull(names[k]);
                else same = !o->isNull(names[k]) && o->getValue<double>(names[k]) == std::round(std::atof(PQgetvalue(res, i, k + 2)) * 1000.0) / 1000.0;
            }
        }
        PQclear(res);
        if (!same) throw std::runtime_error("profile: the answer's values are not the rows' values");
    }
    const std::size_t rawRows = raw.fetchAll(profileSql, rawParams);
    if (apiRows != rawRows) throw std::runtime_error("the API and the raw SELECT disagree on the rows");
    raw.fetchAll(profileSql, rawParams);
    call(client, "GET", profilePath, "", login.cookie);
    Consumer who;
    who.one = one;
    who.opId = opId;
    who.consumerId = consumerId;
    who.op = op;
    who.base = base;
    who.cookie = login.cookie;
    who.offset = off;
    if (!part('b')) return who;
    std::vector<double> apiTimes, rawTimes;
    std::size_t bodyBytes = first.body.size();
    for (int i = 0; i < 7; ++i) {
        t = Clock::now();
        raw.fetchAll(profileSql, rawParams);
        rawTimes.push_back(secondsSince(t));
        t = Clock::now();
        auto a = call(client, "GET", profilePath, "", login.cookie);
        apiTimes.push_back(secondsSince(t));
        if (a.status != 200 || a.body.size() != bodyBytes) throw std::runtime_error("profile request changed");
    }
    // Where the API's time goes: the service call in process (SQL, rows to JSON objects), then the JSON text.
    SessionInfo consumer;
    consumer.userId = consumerId;
    consumer.role = "consumer";
    consumer.kind = "individual";
    const Query profileQuery = {{"from", from}, {"to", to}};
    // Where the API's time goes: the service's call in process (the SQL and the JSON text the route sends).
    std::vector<double> serviceTimes;
    for (int i = 0; i < 5; ++i) {
        t = Clock::now();
        const std::string text = services->meters->profileText(*tenant, consumer, one.first, profileQuery);
        serviceTimes.push_back(secondsSince(t));
    }
    const double apiT = median(apiTimes), rawT = median(rawTimes);
    std::printf("b. 3 years of 30-min profile for one meter (%zu rows, %.1f MB JSON), median of %zu runs\n", apiRows,
                static_cast<double>(bodyBytes) / 1e6, apiTimes.size());
    std::printf("  raw SELECT (libpq, text, all rows):          %10.1f ms\n", rawT * 1e3);
    std::printf("  GET …/points/{id}/profile (consumer, HTTP):  %10.1f ms\n", apiT * 1e3);
    std::printf("    of which MeterService::profileText:        %10.1f ms (in process: SQL and JSON text)\n", median(serviceTimes) * 1e3);
    printRatio("ratio API/SELECT:", apiT / rawT, "(target <= 1.50)");
    return who;
}

long long readings(Context& c, const std::vector<PointMeter>& fleet, const Consumer& who) {
    Services* services = &c.services;
    Tenant* tenant = &c.tenant;
    const std::string& tenantId = c.tenantId;
    Database& db = c.db;
    MeterDataSink& sink = c.sink;
    Pg& raw = c.raw;
    auto part = [&](char p) { return c.part(p); };
    auto t = Clock::now();
    const int meters = static_cast<int>(fleet.size());
    const SessionInfo& op = who.op;
    const int off = who.offset;
    auto all = fleet;
    const auto more = createMeters(db, tenantId, meters, 10000 - meters);
    all.insert(all.end(), more.begin(), more.end());
    const long long now = static_cast<long long>(std::time(nullptr));
    const long long day0 = (now / 86400 - 40) * 86400;
    t = Clock::now();
    for (std::size_t at = 0; at < all.size(); at += 250) { // 250 meters × 41 days ≈ 10,000 rows a batch
        MeterDataBatch b;
        for (std::size_t m = at; m < std::min(all.size(), at + 250); ++m)
            for (int d = 0; d <= 40; ++d) {
                const double t1 = 1000.0 + static_cast<double>(m % 97) * 10 + d * 8.5, t2 = 500.0 + d * 3.25;
                b.readings.push_back({all[m].second, day0 + d * 86400LL, "latest", "A+", t1 + t2, t1, t2, std::nullopt, std::nullopt,
                                      "driver"});
            }
        sink.write(tenantId, b);
    }
    const double readingsRate = static_cast<double>(all.size() * 41) / secondsSince(t);
    raw.exec("ANALYZE readings, meters, metering_points");
    std::vector<std::pair<std::string, std::string>> chosen;
    for (std::size_t i = 0; i < all.size() && chosen.size() < 1000; i += 10) chosen.push_back(all[i]);
    const std::string mFrom = tz::localDate(now - 31 * 86400LL, off), mTo = tz::localDate(now - 86400, off);
    const Query q = {{"from", mFrom}, {"to", mTo}, {"energy", "A+"}, {"kind", "latest"}};
    const std::string rFrom = std::to_string(tz::localMidnight(mFrom, off)), rTo = std::to_string(tz::localMidnight(mTo, off) + 86400);
    const char* readingsSql = "SELECT ts, total, t1, t2, t3, t4, source, kind FROM readings WHERE tenant_id = $1 AND meter_id = $2 AND "
                              "energy = $3 AND kind = $4 AND ts >= $5 AND ts < $6 ORDER BY ts";
    std::string ids = "{";
    for (const auto& c : chosen) ids += (ids.size() > 1 ? "," : "") + c.second;
    ids += "}";
    const char* oneSql = "SELECT meter_id, ts, total, t1, t2, t3, t4, source, kind FROM readings WHERE tenant_id = $1 AND "
                         "meter_id = ANY($2::text[]) AND energy = $3 AND kind = $4 AND ts >= $5 AND ts < $6 ORDER BY meter_id, ts";
    // The service's per-meter path: what GET …/points/{id}/readings runs for each meter (its JSON text).
    auto viaService = [&] {
        std::size_t n = 0;
        for (const auto& c : chosen) {
#if KABINET_BENCH_BATCH
            n += rowsIn(services->meters->readingsText(*tenant, op, c.first, q));
#else
            auto o = services->meters->readings(*tenant, op, c.first, q);
            std::ostringstream out;
            o->stringify(out);
            n += o->getArray("rows")->size();
#endif
        }
        return n;
    };
#if KABINET_BENCH_BATCH
    // The service's batch path: all the points in one call (visibility in one query, rows in one per 500
    // meters), each point's answer the same text as the per-meter path's.
    std::vector<std::string> chosenPoints;
    for (const auto& c : chosen) chosenPoints.push_back(c.first);
    auto viaBatch = [&] {
        std::size_t n = 0;
        for (const auto& text : services->meters->readingsText(*tenant, op, chosenPoints, q)) n += rowsIn(text);
        return n;
    };
    {
        const auto texts = services->meters->readingsText(*tenant, op, chosenPoints, q);
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            const std::string one = services->meters->readingsText(*tenant, op, chosen[i].first, q);
            std::ostringstream poco; // the text Poco::JSON writes for the same values
            Poco::JSON::Parser().parse(one).extract<Poco::JSON::Object::Ptr>()->stringify(poco);
            if (texts[i] != one || one != poco.str()) throw std::runtime_error("readings: the batch, per-meter and Poco texts differ");
        }
    }
#endif
    auto viaRaw = [&] {
        std::size_t n = 0;
        for (const auto& c : chosen) n += raw.fetchAll(readingsSql, {tenantId, c.second, "A+", "latest", rFrom, rTo});
        return n;
    };
    auto viaOne = [&] { return raw.fetchAll(oneSql, {tenantId, ids, "A+", "latest", rFrom, rTo}); };
    if (!part('c')) return day0;
    const std::size_t monthRows = viaService();
    if (viaRaw() != monthRows || viaOne() != monthRows) throw std::runtime_error("readings: the service and the raw SELECT disagree");
#if KABINET_BENCH_BATCH
    if (viaBatch() != monthRows) throw std::runtime_error("readings: the batch and the raw SELECT disagree");
#endif
    std::vector<double> svcRates, rawRates, oneRates, batchRates;
    for (int i = 0; i < 5; ++i) {
        t = Clock::now();
        viaRaw();
        rawRates.push_back(static_cast<double>(monthRows) / secondsSince(t));
        t = Clock::now();
        viaOne();
        oneRates.push_back(static_cast<double>(monthRows) / secondsSince(t));
        t = Clock::now();
        viaService();
        svcRates.push_back(static_cast<double>(monthRows) / secondsSince(t));
#if KABINET_BENCH_BATCH
        t = Clock::now();
        viaBatch();
        batchRates.push_back(static_cast<double>(monthRows) / secondsSince(t));
#endif
    }
    const double svc = median(svcRates), rawR = median(rawRates), oneR = median(oneRates);
    std::printf("c. a month of daily readings (%s … %s) for %zu of %zu meters: %zu rows, median of %zu runs\n", mFrom.c_str(), mTo.c_str(),
                chosen.size(), all.size() + 1, monthRows, svcRates.size());
    std::printf("  (written through the sink first: %zu daily readings at %.0f rows/s)\n", all.size() * 41, readingsRate);
    std::printf("  raw SELECT per meter (libpq, text):          %10.0f rows/s\n", rawR);
    std::printf("  raw single SELECT of all those rows:         %10.0f rows/s\n", oneR);
    const double msPerMeter = 1e3 * static_cast<double>(monthRows) / svc / static_cast<double>(chosen.size());
    std::printf("  service per meter, JSON text (operator):     %10.0f rows/s (%.2f ms a meter)\n", svc, msPerMeter);
    printRatio("ratio per-meter service/per-meter SELECT:", svc / rawR, "");
    printRatio("ratio per-meter service/single SELECT:", svc / oneR, "");
#if KABINET_BENCH_BATCH
    const double batch = median(batchRates);
    std::printf("  service batch of all points, JSON text:      %10.0f rows/s\n", batch);
    printRatio("ratio batch service/per-meter SELECT:", batch / rawR, "(target >= 0.80)");
    printRatio("ratio batch service/single SELECT:", batch / oneR, "(target >= 0.50)");
#endif
    return day0;
}

} // namespace kabinet::bench
