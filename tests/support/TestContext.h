#pragma once
/// The backend-neutral test context: integration tests are written once against it and run once per
/// backend (KABINET_TEST_BACKEND=sqlite|postgresql). Each test gets a fresh, empty database.
#include <memory>
#include <string>

namespace kabinet::test {

/// A fresh database for one test; dropped (PostgreSQL) or deleted (SQLite) when destroyed.
class FreshDatabase {
public:
    FreshDatabase();
    ~FreshDatabase();
    FreshDatabase(const FreshDatabase&) = delete;
    FreshDatabase& operator=(const FreshDatabase&) = delete;
    const std::string& url() const noexcept { return url_; } /// database URL for kabinetd / Database
    const std::string& name() const noexcept { return name_; }
private:
    std::string url_, name_;
};

/// "sqlite" or "postgresql", from KABINET_TEST_BACKEND (default sqlite).
std::string backend();
/// The source tree (KABINET_SOURCE_DIR).
std::string sourceDir();
/// The build tree (KABINET_BINARY_DIR).
std::string binaryDir();
/// A new empty temporary directory, removed at process exit.
std::string tempDir(const std::string& tag);
/// A TCP port on 127.0.0.1 that was free a moment ago.
unsigned short freePort();
/// Runs SQL on the PostgreSQL server's maintenance database as the test role (for CREATE/DROP DATABASE).
void pgAdmin(const std::string& sql);

} // namespace kabinet::test
