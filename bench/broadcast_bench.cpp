// An operator's broadcast to 10,000 consumers on SQLite (issue 11): stored and queued in one transaction
// (target < 5 s), then delivered by the outbox worker (mails into a drop directory) while another thread keeps
// asking what an operator's pages ask (the broadcast history, the alerts, a preview): their answer times show
// that delivery does not block requests. Reference: inserting the 10,000 consumers themselves in one
// transaction, measured in the same run.
//   bench_broadcast [--consumers N] [--seconds S]
#include "notify/BroadcastService.h"
#include "notify/DropDirTransport.h"
#include "notify/OperatorAlerts.h"
#include "notify/Outbox.h"
#include "notify/SmsSender.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "tenants/TenantRegistry.h"

#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

using namespace kabinet;
using Clock = std::chrono::steady_clock;

namespace {

/// Text messages are not part of this benchmark (the broadcast uses in-app and e-mail).
struct NoSms final : SmsSender {
    void send(const std::string&, const std::string&, const std::string&) override {}
    std::string describe() const override { return "none"; }
};

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

Poco::JSON::Object::Ptr json(const std::string& text) { return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>(); }

long long scalar(Database& db, const std::string& sql) {
    long long n = 0;
    db.read([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
}

} // namespace

int main(int argc, char** argv) {
    int consumers = 10000;
    double seconds = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--consumers")) consumers = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    }
    Poco::TemporaryFile dir;
    dir.createDirectories();
    Database db("sqlite://" + dir.path() + "/bench.db", 4);
    Migrator(db).migrate();
    TenantRegistry tenants(std::string(KABINET_SOURCE_DIR) + "/tenants", std::string(KABINET_SOURCE_DIR) + "/scripts", LuaLimits{});
    auto t = tenants.find("sigma");
    if (!t) {
        std::fprintf(stderr, "tenant sigma is not loaded\n");
        return 1;
    }
    db.transaction([&](soci::session& s) {
        s << "INSERT INTO tenants (tenant_id, name, short_name, status, first_seen_at, loaded_at) VALUES ('sigma', 'ООО «СИГМА»', 'СИГМА', "
             "'active', '', '') ON CONFLICT DO NOTHING";
    });

    // Reference: the consumers themselves, one transaction.
    auto t0 = Clock::now();
    db.transaction([&](soci::session& s) {
        for (int i = 0; i < consumers; ++i) {
            const std::string id = "u" + std::to_string(i), email = "c" + std::to_string(i) + "@example.ru";
            s << "INSERT INTO users (tenant_id, user_id, kind, role, state, login_field, login, email, email_verified, password_hash, created_at, "
                 "updated_at) VALUES ('sigma', :u, 'individual', 'consumer', 'active', 'email', :l, :e, 1, 'x', 0, 0)",
                soci::use(id), soci::use(email), soci::use(email);
        }
    });
    const double reference = since(t0);

    BroadcastService broadcasts(db);
    OperatorAlerts alerts(db);
    const auto body = json(R"({"title":"Уведомление о плановых работах","body":"15 марта с 10:00 до 14:00 плановые работы.",)"
                           R"("audience":{"all":true},"channels":["in_app","email"]})");
    t0 = Clock::now();
    const auto sent = broadcasts.send(*t, body, static_cast<long long>(std::time(nullptr)));
    const double store = since(t0);
    const long long queued = scalar(db, "SELECT COUNT(*) FROM outbox WHERE state = 'queued'");
    std::printf("broadcast to %lld consumers: stored and queued %lld mails in %.3f s (target < 5 s; reference: inserting the consumers %.3f s, "
                "ratio %.2f)\n",
                sent->getValue<long long>("recipients"), queued, store, reference, store / reference);

    // Delivery in the background while requests keep coming.
    OutboxWorker outbox(db, tenants, std::make_unique<mail::DropDirTransport>(dir.path() + "/mail"), std::make_unique<NoSms>(), "Кабинет <no-reply@kabinet.test>");
    outbox.start();
    outbox.poke();
    std::vector<double> answers;
    const auto preview = json(R"({"title":"Т","body":"Б","audience":{"all":true}})");
    const auto until = Clock::now() + std::chrono::duration<double>(seconds);
    int n = 0;
    while (Clock::now() < until) {
        const auto q = Clock::now();
        switch (n++ % 3) {
        case 0: broadcasts.history(*t); break;
        case 1: alerts.list(*t, "open"); break;
        default: if (n % 30 == 2) broadcasts.preview(*t, preview, 0); else broadcasts.history(*t); break;
        }
        answers.push_back(since(q) * 1000);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const long long delivered = scalar(db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'");
    outbox.stop();
    std::sort(answers.begin(), answers.end());
    const auto at = [&](double p) { return answers.empty() ? 0.0 : answers[std::min(answers.size() - 1, static_cast<std::size_t>(p * answers.size()))]; };
    std::printf("during delivery (%.1f s, %lld of %lld mails delivered): %zu requests answered, median %.1f ms, 95%% %.1f ms, max %.1f ms\n",
                seconds, delivered, queued, answers.size(), at(0.5), at(0.95), answers.empty() ? 0.0 : answers.back());
    Poco::File(dir.path()).remove(true);
    return 0;
}
