#pragma once
/// The SQL of second-factor recovery codes (`recovery_codes`): only their hashes, each usable once. A store
/// works on the session it is given — the caller's transaction — and never commits by itself. Every
/// statement is limited to the store's tenant.
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {

class RecoveryCodeStore {
public:
    /// Works on `tenant`'s rows through `s`.
    RecoveryCodeStore(soci::session& s, std::string tenant);

    /// The user's codes become exactly `hashes` (every earlier code, used or not, is gone).
    void replace(const std::string& userId, const std::vector<std::string>& hashes);
    /// Spends the unused code with this hash; true when there was one. Of concurrent uses of one code exactly
    /// one gets true (a single conditional UPDATE).
    bool use(const std::string& userId, const std::string& hash, long long now);
    /// The user has no codes any more.
    void clear(const std::string& userId);

private:
    soci::session& s_;
    std::string tenant_;
};

} // namespace kabinet
