#include "identity/UserStore.h"

#include "identity/SessionCache.h"

#include "storage/RowValues.h"

#include <soci/soci.h>

namespace kabinet {

namespace {
const char* columnOf(UserKey key) {
    switch (key) {
    case UserKey::Id: return "user_id";
    case UserKey::Login: return "login";
    case UserKey::Email: return "email";
    }
    return "user_id";
}

soci::indicator nullWhenEmpty(const std::string& v) { return v.empty() ? soci::i_null : soci::i_ok; }
} // namespace

UserStore::UserStore(soci::session& s, std::string tenant) : s_(s), tenant_(std::move(tenant)) {}

std::optional<User> UserStore::find(UserKey key, const std::string& value) const {
    soci::row row;
    s_ << std::string("SELECT user_id, kind, role, state, login_field, login, email, email_verified, phone, phone_verified, "
                      "password_hash, fields_json, notifications_json, second_factor, totp_secret, totp_last_step, pending_factor, "
                      "pending_secret FROM users WHERE tenant_id = :t AND ") +
              columnOf(key) + " = :v",
        soci::use(tenant_), soci::use(value), soci::into(row);
    if (!s_.got_data()) return std::nullopt;
    auto text = [&](std::size_t i) { return columnText(row, i); };
    auto integer = [&](std::size_t i) { return columnInteger(row, i); };
    User u;
    u.id = text(0);
    u.kind = text(1);
    u.role = text(2);
    u.state = text(3);
    u.loginField = text(4);
    u.login = text(5);
    u.email = text(6);
    u.emailVerified = integer(7) != 0;
    u.phone = text(8);
    u.phoneVerified = integer(9) != 0;
    u.passwordHash = text(10);
    u.fieldsJson = text(11);
    u.notificationsJson = text(12);
    u.secondFactor = text(13);
    u.totpSecret = text(14);
    u.totpLastStep = integer(15);
    u.pendingFactor = text(16);
    u.pendingSecret = text(17);
    return u;
}

bool UserStore::loginTaken(const std::string& login) const {
    int taken = 0;
    s_ << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND login = :l", soci::use(tenant_), soci::use(login), soci::into(taken);
    return taken != 0;
}

bool UserStore::emailTaken(const std::string& email, const std::string& exceptUserId) const {
    int taken = 0;
    s_ << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND email = :e AND user_id <> :u", soci::use(tenant_), soci::use(email),
        soci::use(exceptUserId), soci::into(taken);
    return taken != 0;
}

bool UserStore::loginOrEmailTaken(const std::string& value) const {
    int taken = 0;
    s_ << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND (login = :l OR email = :e)", soci::use(tenant_), soci::use(value),
        soci::use(value), soci::into(taken);
    return taken != 0;
}

void UserStore::insert(const User& u, long long now) {
    soci::indicator emailInd = nullWhenEmpty(u.email), phoneInd = nullWhenEmpty(u.phone);
    const int emailVerified = u.emailVerified ? 1 : 0, phoneVerified = u.phoneVerified ? 1 : 0;
    s_ << "INSERT INTO users (tenant_id, user_id, kind, role, state, login_field, login, email, email_verified, phone, phone_verified, "
          "password_hash, fields_json, notifications_json, created_at, updated_at) VALUES (:t, :id, :k, :r, :st, :lf, :l, :e, :ev, :p, "
          ":pv, :h, :f, '{}', :c, :u)",
        soci::use(tenant_), soci::use(u.id), soci::use(u.kind), soci::use(u.role), soci::use(u.state), soci::use(u.loginField),
        soci::use(u.login), soci::use(u.email, emailInd), soci::use(emailVerified), soci::use(u.phone, phoneInd),
        soci::use(phoneVerified), soci::use(u.passwordHash), soci::use(u.fieldsJson), soci::use(now), soci::use(now);
}

void UserStore::recordConsent(const std::string& userId, const std::string& consentId, const std::string& version, long long givenAt,
                              const std::string& client) {
    s_ << "INSERT INTO consents (tenant_id, user_id, consent_id, version, given_at, client_address) VALUES (:t, :u, :c, :v, :g, :a)",
        soci::use(tenant_), soci::use(userId), soci::use(consentId), soci::use(version), soci::use(givenAt), soci::use(client);
}

void UserStore::markEmailVerified(const std::string& userId, long long now) {
    s_ << "UPDATE users SET email_verified = 1, updated_at = :n WHERE tenant_id = :t AND user_id = :u", soci::use(now),
        soci::use(tenant_), soci::use(userId);
}

void UserStore::replaceEmail(const std::string& userId, const std::string& email, const std::string& fieldsJson,
                             const std::string& login, long long now) {
    s_ << "UPDATE users SET email = :e, email_verified = 1, fields_json = :f, login = :l, updated_at = :n WHERE tenant_id = :t AND "
          "user_id = :u",
        soci::use(email), soci::use(fieldsJson), soci::use(login), soci::use(now), soci::use(tenant_), soci::use(userId);
}

void UserStore::markPhoneVerified(const std::string& userId, long long now) {
    s_ << "UPDATE users SET phone_verified = 1, updated_at = :n WHERE tenant_id = :t AND user_id = :u", soci::use(now),
        soci::use(tenant_), soci::use(userId);
}

void UserStore::replacePhone(const std::string& userId, const std::string& phone, const std::string& fieldsJson, long long now) {
    s_ << "UPDATE users SET phone = :p, phone_verified = 1, fields_json = :f, updated_at = :n WHERE tenant_id = :t AND user_id = :u",
        soci::use(phone), soci::use(fieldsJson), soci::use(now), soci::use(tenant_), soci::use(userId);
}

void UserStore::activate(const std::string& userId, long long now) {
    SessionCache::changed(); // decides whether and how its sessions live
    s_ << "UPDATE users SET state = 'active', updated_at = :n WHERE tenant_id = :t AND user_id = :u", soci::use(now), soci::use(tenant_),
        soci::use(userId);
}

void UserStore::updateProfile(const std::string& userId, const std::string& fieldsJson, const std::string& notificationsJson,
                              const std::string& phone, bool phoneVerified, long long now) {
    soci::indicator phoneInd = nullWhenEmpty(phone);
    const int verified = phoneVerified ? 1 : 0;
    s_ << "UPDATE users SET fields_json = :f, notifications_json = :nj, phone = :p, phone_verified = :pv, updated_at = :n "
          "WHERE tenant_id = :t AND user_id = :u",
        soci::use(fieldsJson), soci::use(notificationsJson), soci::use(phone, phoneInd), soci::use(verified), soci::use(now),
        soci::use(tenant_), soci::use(userId);
}

void UserStore::setPassword(const std::string& userId, const std::string& hash, long long now) {
    SessionCache::changed(); // decides whether and how its sessions live
    s_ << "UPDATE users SET password_hash = :h, updated_at = :n WHERE tenant_id = :t AND user_id = :u", soci::use(hash), soci::use(now),
        soci::use(tenant_), soci::use(userId);
}

void UserStore::resetPassword(const std::string& userId, const std::string& hash, long long now) {
    SessionCache::changed(); // decides whether and how its sessions live
    s_ << "UPDATE users SET password_hash = :h, email_verified = 1, updated_at = :n WHERE tenant_id = :t AND user_id = :u",
        soci::use(hash), soci::use(now), soci::use(tenant_), soci::use(userId);
}

void UserStore::upgradePasswordHash(const std::string& userId, const std::string& hash) {
    s_ << "UPDATE users SET password_hash = :h WHERE tenant_id = :t AND user_id = :u", soci::use(hash), soci::use(tenant_),
        soci::use(userId);
}

void UserStore::beginTotp(const std::string& userId, const std::string& secret) {
    s_ << "UPDATE users SET pending_factor = 'totp', pending_secret = :s WHERE tenant_id = :t AND user_id = :u", soci::use(secret),
        soci::use(tenant_), soci::use(userId);
}

void UserStore::beginSms(const std::string& userId) {
    s_ << "UPDATE users SET pending_factor = 'sms', pending_secret = NULL WHERE tenant_id = :t AND user_id = :u", soci::use(tenant_),
        soci::use(userId);
}

void UserStore::enableTotp(const std::string& userId, long long step) {
    SessionCache::changed(); // decides whether and how its sessions live
    s_ << "UPDATE users SET second_factor = 'totp', totp_secret = pending_secret, totp_last_step = :s, pending_factor = NULL, "
          "pending_secret = NULL WHERE tenant_id = :t AND user_id = :u",
        soci::use(step), soci::use(tenant_), soci::use(userId);
}

void UserStore::enableSms(const std::string& userId) {
    SessionCache::changed(); // decides whether and how its sessions live
    s_ << "UPDATE users SET second_factor = 'sms', totp_secret = NULL, pending_factor = NULL WHERE tenant_id = :t AND user_id = :u",
        soci::use(tenant_), soci::use(userId);
}

void UserStore::useTotpStep(const std::string& userId, long long step) {
    s_ << "UPDATE users SET totp_last_step = :s WHERE tenant_id = :t AND user_id = :u", soci::use(step), soci::use(tenant_),
        soci::use(userId);
}

void UserStore::clearSecondFactor(const std::string& userId) {
    SessionCache::changed(); // decides whether and how its sessions live
    s_ << "UPDATE users SET second_factor = NULL, totp_secret = NULL, pending_factor = NULL, pending_secret = NULL "
          "WHERE tenant_id = :t AND user_id = :u",
        soci::use(tenant_), soci::use(userId);
}

namespace {
constexpr const char* kStaffColumns = "SELECT user_id, role, email, fields_json, state, second_factor, created_at FROM users WHERE tenant_id = :t "
                                      "AND role IN ('operator', 'tenant-admin')";

StaffRow staffRow(const soci::row& r) {
    StaffRow out{r.get<std::string>(0), r.get<std::string>(1), columnText(r, 2), r.get<std::string>(3), r.get<std::string>(4),
                 columnText(r, 5), columnInteger(r, 6)};
    return out;
}
} // namespace

std::vector<StaffRow> UserStore::staff() const {
    std::vector<StaffRow> out;
    soci::rowset<soci::row> rs = (s_.prepare << std::string(kStaffColumns) + " ORDER BY email", soci::use(tenant_));
    for (const auto& row : rs) out.push_back(staffRow(row));
    return out;
}

std::optional<StaffRow> UserStore::staffMember(const std::string& userId) const {
    soci::rowset<soci::row> rs = (s_.prepare << std::string(kStaffColumns) + " AND user_id = :u", soci::use(tenant_), soci::use(userId));
    for (const auto& row : rs) return staffRow(row);
    return std::nullopt;
}

void UserStore::setState(const std::string& userId, const std::string& state, long long now) {
    SessionCache::changed(); // decides whether its sessions live
    s_ << "UPDATE users SET state = :s, updated_at = :n WHERE tenant_id = :t AND user_id = :u", soci::use(state), soci::use(now),
        soci::use(tenant_), soci::use(userId);
}

} // namespace kabinet
