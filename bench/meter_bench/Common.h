#pragma once
// What the parts of bench_meters share (see meter_bench.cpp): a libpq connection, the bench's own database,
// the meters and rows it writes, an HTTP call, and the context every part runs in.
#include "config/Config.h"
#include "api/Routes.h"
#include "http/HttpServer.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "server/Services.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/TimeZones.h"
#if __has_include("meters/PointReadStore.h")
#define KABINET_BENCH_BATCH 1 // the service has the batch path (MeterService::readingsText of several points)
#else
#define KABINET_BENCH_BATCH 0
#endif

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <ctime>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <thread>
#include <vector>


namespace kabinet::bench {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// A libpq connection that is closed when destroyed.
class Pg {
public:
    explicit Pg(const std::string& url) : c_(PQconnectdb(url.c_str())) {
        if (PQstatus(c_) != CONNECTION_OK) {
            const std::string msg = PQerrorMessage(c_);
            PQfinish(c_);
            throw std::runtime_error("cannot connect to PostgreSQL: " + msg);
        }
        PQsetNoticeProcessor(c_, [](void*, const char*) {}, nullptr); // no "does not exist, skipping" on the output
    }
    ~Pg() { PQfinish(c_); }
    Pg(const Pg&) = delete;
    Pg& operator=(const Pg&) = delete;
    PGconn* get() const noexcept { return c_; }

    /// Runs a statement that returns no rows (or whose rows are ignored); throws on failure.
    void exec(const std::string& sql) const {
        PGresult* r = PQexec(c_, sql.c_str());
        const auto st = PQresultStatus(r);
        const std::string msg = PQresultErrorMessage(r);
        PQclear(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) throw std::runtime_error(sql.substr(0, 60) + ": " + msg);
    }

    /// A single integer answer.
    long long scalar(const std::string& sql) const {
        PGresult* r = PQexec(c_, sql.c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
            const std::string msg = PQresultErrorMessage(r);
            PQclear(r);
            throw std::runtime_error(sql.substr(0, 60) + ": " + msg);
        }
        const long long v = std::atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        return v;
    }

    /// Runs a query with text parameters in the text protocol, fetches every value; returns the row count.
    std::size_t fetchAll(const char* sql, const std::vector<std::string>& params, std::size_t* bytes = nullptr) const {
        std::vector<const char*> values;
        for (const auto& p : params) values.push_back(p.c_str());
        PGresult* r = PQexecParams(c_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            const std::string msg = PQresultErrorMessage(r);
            PQclear(r);
            throw std::runtime_error(std::string("raw select: ") + msg);
        }
        const int rows = PQntuples(r), cols = PQnfields(r);
        std::size_t seen = 0;
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j) {
                const char* v = PQgetvalue(r, i, j);
                seen += PQgetisnull(r, i, j) ? 0 : static_cast<std::size_t>(PQgetlength(r, i, j)) + (v[0] == '-');
            }
        PQclear(r);
        if (bytes) *bytes += seen;
        return static_cast<std::size_t>(rows);
    }

    /// COPY of ready text-format data into a table, one statement (and transaction).
    void copy(const std::string& head, const std::string& data) const {
        PGresult* r = PQexec(c_, head.c_str());
        if (PQresultStatus(r) != PGRES_COPY_IN) {
            const std::string msg = PQresultErrorMessage(r);
            PQclear(r);
            throw std::runtime_error("COPY: " + msg);
        }
        PQclear(r);
        constexpr std::size_t kChunk = 1 << 20;
        for (std::size_t at = 0; at < data.size(); at += kChunk)
            if (PQputCopyData(c_, data.data() + at, static_cast<int>(std::min(kChunk, data.size() - at))) != 1)
                throw std::runtime_error(std::string("COPY data: ") + PQerrorMessage(c_));
        if (PQputCopyEnd(c_, nullptr) != 1) throw std::runtime_error(std::string("COPY end: ") + PQerrorMessage(c_));
        std::string err;
        while (PGresult* res = PQgetResult(c_)) {
            if (PQresultStatus(res) != PGRES_COMMAND_OK) err = PQresultErrorMessage(res);
            PQclear(res);
        }
        if (!err.empty()) throw std::runtime_error("COPY: " + err);
    }

private:
    PGconn* c_;
};

/// The bench's own database on the given server: created now, dropped (with any sessions left) at the end.
class BenchDatabase {
public:
    explicit BenchDatabase(const std::string& serverUrl) : admin_(serverUrl) {
        Poco::URI u(serverUrl);
        name_ = "kb_bench_" + std::to_string(::getpid());
        u.setPath("/" + name_);
        url_ = u.toString();
        admin_.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        admin_.exec("CREATE DATABASE " + name_);
    }
    ~BenchDatabase() {
        if (std::getenv("KABINET_BENCH_KEEP")) { // kept for a look at the plans; dropped by the next run of the same pid only
            std::fprintf(stderr, "bench meters: kept %s\n", name_.c_str());
            return;
        }
        try {
            admin_.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench meters: could not drop %s: %s\n", name_.c_str(), e.what());
        }
    }
    const std::string& url() const noexcept { return url_; }

private:
    Pg admin_;
    std::string name_, url_;
};

// ---- data ------------------------------------------------------------------------------------------------------

/// A value with three decimals, as meters report them, varying with i.
inline double value(long long i, int salt) {
    const double spread = std::fmod(static_cast<double>(i * 7919 + salt * 104729), 4999.0) / 997.0;
    return std::round((0.2 + spread) * 1000.0) / 1000.0;
}

/// Creates `count` metering points with a meter each (numbers BENCH-<first>…), returns (point id, meter id).
inline std::vector<std::pair<std::string, std::string>> createMeters(Database& db, const std::string& tenant, int first, int count) {
    std::vector<std::pair<std::string, std::string>> out;
    const int chunk = 500;
    for (int at = first; at < first + count; at += chunk)
        db.transaction([&](soci::session& s) {
            for (int i = at; i < std::min(first + count, at + chunk); ++i) {
                MeteringPoint p;
                p.name = "Точка " + std::to_string(i);
                p.number = "BENCH-" + std::to_string(i);
                p.address = "г. Владимир, ул. Бенчмарка, д. " + std::to_string(i % 300 + 1);
                const std::string pid = MeterRegistry::upsertPoint(s, tenant, p);
                Meter m;
                m.pointId = pid;
                m.model = "Меркурий 234 ARTM";
                m.serial = "9" + std::to_string(10000000 + i);
                m.phases = 3;
                m.tariffZones = 2;
                m.smart = true;
                m.installedOn = "2020-01-01";
                out.emplace_back(pid, MeterRegistry::upsertMeter(s, tenant, m));
            }
        });
    return out;
}

/// Appends one COPY text field (the bench's own values need no escaping), then a tab or newline.
inline void field(std::string& out, const std::string& v, char end) {
    out += v;
    out += end;
}
inline void field(std::string& out, long long v, char end) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
    out += end;
}
inline void field(std::string& out, const std::optional<double>& v, char end) {
    if (!v) {
        out += "\\N";
    } else {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, *v);
        out.append(buf, r.ptr);
    }
    out += end;
}

inline std::string copyText(const std::string& tenant, const std::vector<ProfileRow>& rows) {
    std::string out;
    out.reserve(rows.size() * 96);
    for (const auto& x : rows) {
        field(out, tenant, '\t');
        field(out, x.meterId, '\t');
        field(out, x.ts, '\t');
        field(out, static_cast<long long>(x.intervalMin), '\t');
        field(out, x.pPlus, '\t');
        field(out, x.pMinus, '\t');
        field(out, x.qPlus, '\t');
        field(out, x.qMinus, '\n');
    }
    return out;
}

// ---- HTTP --------------------------------------------------------------------------------------------------------

struct HttpAnswer {
    int status = 0;
    std::string body, cookie;
};

inline HttpAnswer call(Poco::Net::HTTPClientSession& s, const std::string& method, const std::string& path, const std::string& body,
                const std::string& cookie) {
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    if (!cookie.empty()) req.set("Cookie", "kabinet_session=" + cookie);
    if (!body.empty()) {
        req.setContentType("application/json");
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    HttpAnswer a;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), a.body);
    a.status = resp.getStatus();
    std::vector<Poco::Net::HTTPCookie> cookies;
    resp.getCookies(cookies);
    for (const auto& c : cookies)
        if (c.getName() == "kabinet_session") a.cookie = c.getValue();
    return a;
}

/// A lean HTTP/1.1 client over one kept-alive connection, for throughput loops: the request's bytes are built
/// once and written with one send(); the answer is read until its Content-Length is in. Costs the client a few
/// microseconds a request, as pgbench's own client does, so the figure is the server's; several of them are
/// driven by one thread waiting on all their sockets at once, as pgbench's -j threads drive its clients.
class LeanClient {
public:
    LeanClient(unsigned short port, const std::string& path, const std::string& cookie) {
        request_ = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: kabinet_session=" + cookie + "\r\n\r\n";
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("cannot connect");
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        buf_.resize(1 << 16);
    }
    ~LeanClient() {
        if (fd_ >= 0) ::close(fd_);
    }
    LeanClient(const LeanClient&) = delete;
    LeanClient& operator=(const LeanClient&) = delete;
    /// Sends the request once and reads its whole answer; returns the status (0 when the connection broke).
    int get() { return send() ? receive() : 0; }
    /// Writes the request; false when the connection broke.
    bool send() { return ::send(fd_, request_.data(), request_.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request_.size()); }
    /// Reads one whole answer (waiting for it); returns its status (0 when the connection broke).
    int receive() {
        std::size_t have = 0, headEnd = std::string::npos;
        while (headEnd == std::string::npos) {
            const ssize_t n = ::recv(fd_, buf_.data() + have, buf_.size() - have, 0);
            if (n <= 0) return 0;
            have += static_cast<std::size_t>(n);
            headEnd = std::string_view(buf_.data(), have).find("\r\n\r\n");
        }
        const std::string_view head(buf_.data(), headEnd);
        const std::size_t at = head.find("Content-Length: ");
        if (at == std::string_view::npos || head.size() < 12) return 0;
        const std::size_t length = std::strtoull(head.data() + at + 16, nullptr, 10);
        const int status = std::atoi(head.data() + 9);
        std::size_t body = have - headEnd - 4;
        while (body < length) {
            const ssize_t n = ::recv(fd_, buf_.data(), buf_.size(), 0);
            if (n <= 0) return 0;
            body += static_cast<std::size_t>(n);
        }
        return status;
    }
    /// The connection's socket, to wait on several at once.
    int fd() const noexcept { return fd_; }

private:
    int fd_ = -1;
    std::string request_;
    std::vector<char> buf_;
};

/// The number of rows of a readings answer (each row's object starts with its date).
inline std::size_t rowsIn(const std::string& text) {
    std::size_t n = 0;
    for (std::size_t at = text.find("{\"date\":"); at != std::string::npos; at = text.find("{\"date\":", at + 8)) ++n;
    return n;
}

inline void printRatio(const char* label, double value, const char* target) { std::printf("  %-44s %10.2f %s\n", label, value, target); }

/// A metering point and its meter: (point id, meter id).
using PointMeter = std::pair<std::string, std::string>;

/// The running server and its database, shared by every part.
struct Context {
    std::string server;   ///< the URL the bench was given (for pgbench's own database)
    Services& services;   ///< the in-process kabinetd's services
    Tenant& tenant;       ///< the tenant measured (vges)
    std::string tenantId; ///< its id
    Database& db;         ///< the bench database through the service layer
    MeterDataSink& sink;  ///< the ingest path
    Pg& raw;              ///< a raw libpq connection to the same database
    HttpServer& http;     ///< the in-process HTTP server
    std::string parts;    ///< KABINET_BENCH_PARTS: the figures to measure
    /// True when figure `p` is asked for.
    bool part(char p) const { return parts.find(p) != std::string::npos; }
};

/// The logged-in consumer of parts b and d (and the operator who granted them a point).
struct Consumer {
    PointMeter one;                  ///< the consumer's point and meter
    std::string opId, consumerId;    ///< the operator's and the consumer's user ids
    SessionInfo op;                  ///< the operator, as the services see them
    std::string base;                ///< /t/<tenant>/api/v1/
    std::string cookie;              ///< the consumer's session cookie
    int offset = 0;                  ///< the tenant's offset from UTC, seconds
};

/// a. Writes the 1,000 meters of the ingest figure; measures it when asked. Returns the meters.
std::vector<PointMeter> ingest(Context& c);
/// b. Writes three years of profile for one meter, creates and logs in the consumer; measures b when asked.
Consumer profile(Context& c);
/// c. Writes a month and a bit of daily readings for 10,000 meters; measures c when asked. Returns its first day.
long long readings(Context& c, const std::vector<PointMeter>& fleet, const Consumer& who);
/// d. The consumer's latest readings over HTTP beside pgbench -S (when asked).
void overHttp(Context& c, const Consumer& who, long long day0);

} // namespace kabinet::bench
