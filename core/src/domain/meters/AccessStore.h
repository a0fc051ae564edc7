#pragma once
/// The SQL of access to meter data (table access_grants), and of finding what a person names to get it: a
/// personal account by its number, contracts by ОГРН (ОГРНИП) and number, a consumer by login or e-mail. A
/// store works inside the caller's session — for writes, the caller's transaction — on one tenant's rows.
#include <Poco/JSON/Array.h>

#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {

/// What a user is granted: an account, a contract or a point (`scope`, `ref` its id), and how (`way`:
/// account_number, ogrn_contract, supplier_login, operator_grant, virtual).
struct Grant {
    std::string userId, scope, ref, way;
    std::optional<std::string> title;     ///< the user's own name of a contract (supplier login)
    std::optional<std::string> grantedBy; ///< the operator who granted it
    long long grantedAt = 0;
};

/// A personal account as the access page shows it.
struct AccountRef {
    std::string id, number, address, holderName;
};

class AccessStore {
public:
    /// Works on the rows of `tenantId` through `s`, which must outlive the store.
    AccessStore(soci::session& s, std::string tenantId) : s_(s), tenant_(std::move(tenantId)) {}

    // -- grants --
    /// The accounts granted to a user, by number: id, number, address, holder_name.
    Poco::JSON::Array::Ptr grantedAccounts(const std::string& userId);
    /// The contracts granted to a user, by number: id, number, title (the user's own, else the number),
    /// consumer_name, kind, valid_from, valid_to, legal_address, actual_address, supplier (its dictionary id).
    Poco::JSON::Array::Ptr grantedContracts(const std::string& userId);
    /// Every grant of a user with the number people know it by: scope, ref, way, number (of the account,
    /// contract or point), point_name.
    Poco::JSON::Array::Ptr grantsOf(const std::string& userId);
    /// How many metering points the user sees (kVisiblePoints).
    int visiblePointCount(const std::string& userId);
    /// True when the user has this grant.
    bool hasGrant(const std::string& userId, const std::string& scope, const std::string& ref);
    /// What to do when the grant is there already.
    enum class OnConflict {
        Fail,   ///< the insert fails (409 through Database)
        Keep,   ///< the grant stays as it was
        Retitle ///< the grant takes the new title
    };
    /// Stores a grant; `onConflict` says what happens when the user has it already.
    void addGrant(const Grant& g, OnConflict onConflict);
    /// False when there was no such grant.
    bool removeGrant(const std::string& userId, const std::string& scope, const std::string& ref);
    /// Sets the user's own title of a contract granted to them; false when it is not granted to them.
    bool retitleContract(const std::string& userId, const std::string& contractId, const std::string& title);

    // -- what people name --
    /// The tenant's personal account with this number, or nullopt.
    std::optional<AccountRef> accountByNumber(const std::string& number);
    /// The ОГРН (or ОГРНИП) of the user's profile; empty when it has none.
    std::string userOgrn(const std::string& userId);
    /// How many of the tenant's contracts carry this ОГРН (and, when given, this number).
    int contractCount(const std::string& ogrn, const std::optional<std::string>& number = std::nullopt);
    /// The ids of the tenant's contracts of this ОГРН.
    std::vector<std::string> contractIds(const std::string& ogrn);
    /// The id of the account or contract with this number, or of the point with this id or number
    /// (`scope` account, contract or point); nullopt when there is none.
    std::optional<std::string> refByNumber(const std::string& scope, const std::string& number);
    /// True when the user is one of the tenant's consumers.
    bool isConsumer(const std::string& userId);
    /// The tenant's consumers whose login or e-mail is LIKE `like`, or whose login is LIKE `likeLogin`, by
    /// login (at most 50): id, kind, login, login_field, email, phone, fields (the profile as JSON).
    Poco::JSON::Array::Ptr consumers(const std::string& like, const std::string& likeLogin);

private:
    soci::session& s_;
    std::string tenant_;
};

} // namespace kabinet
