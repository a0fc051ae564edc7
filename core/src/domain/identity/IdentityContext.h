#pragma once
/// What every identity service works with: the database, the password hasher, the configuration (public
/// base URL of links) and the clock. Messages queued in a transaction wake the outbox once it commits
/// (notify/Outbox.h).
#include <ctime>

namespace kabinet {

class Database;
class PasswordHasher;
struct Config;

struct IdentityContext {
    Database& db;           ///< every read and transaction of the services
    PasswordHasher& hasher; ///< Argon2id, on its bounded slots; used outside transactions
    const Config& config;   ///< the public base URL of mailed links

    /// Unix seconds now: the one clock of the identity tables.
    static long long now() { return static_cast<long long>(std::time(nullptr)); }
};

} // namespace kabinet
