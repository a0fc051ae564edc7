#include "TestContext.h"

#include <Poco/File.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <unistd.h>

namespace kabinet::test {

namespace {
std::string env(const char* name, const std::string& fallback = "") {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}
std::string pgBase() {
    // postgresql://kabinet:kabinet@127.0.0.1:PORT
    return env("KABINET_TEST_PG", "postgresql://kabinet:kabinet@127.0.0.1:55439");
}
std::string randomSuffix() {
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    return std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd() % 100000);
}
} // namespace

std::string backend() { return env("KABINET_TEST_BACKEND", "sqlite"); }
std::string sourceDir() { return env("KABINET_SOURCE_DIR", KABINET_SOURCE_DIR); }
std::string binaryDir() { return env("KABINET_BINARY_DIR", KABINET_BINARY_DIR); }

std::string tempDir(const std::string& tag) {
    Poco::Path p(Poco::Path::temp());
    p.pushDirectory("kabinet-test-" + tag + "-" + randomSuffix());
    Poco::File(p).createDirectories();
    Poco::TemporaryFile::registerForDeletion(p.toString());
    return p.toString();
}

unsigned short freePort() {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return s.address().port();
}

void pgAdmin(const std::string& sql) {
    const std::string base = pgBase();
    // Reuse DatabaseUrl-like parsing: user kabinet / password kabinet / host / port from the URL.
    auto at = base.find('@');
    auto hostport = base.substr(at + 1);
    auto colon = hostport.find(':');
    std::string cs = "dbname=kabinet_test user=kabinet password=kabinet host=" + hostport.substr(0, colon) +
                     " port=" + hostport.substr(colon + 1);
    soci::session s(*soci::factory_postgresql(), cs);
    s << sql;
}

FreshDatabase::FreshDatabase() {
    if (backend() == "postgresql") {
        name_ = "kt_" + randomSuffix();
        pgAdmin("CREATE DATABASE " + name_ + " OWNER kabinet");
        url_ = pgBase() + "/" + name_;
    } else if (backend() == "sqlite") {
        name_ = tempDir("db") + "/kabinet.db";
        url_ = "sqlite://" + name_;
    } else {
        throw std::runtime_error("KABINET_TEST_BACKEND must be sqlite or postgresql");
    }
}

FreshDatabase::~FreshDatabase() {
    if (backend() == "postgresql") {
        try {
            pgAdmin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (...) {
        }
    }
}

} // namespace kabinet::test
