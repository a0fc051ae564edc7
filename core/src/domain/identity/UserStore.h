#pragma once
/// The SQL of a tenant's people: `users` rows (account, login, contacts and their confirmation, password
/// hash, profile values, notification switches, second-factor settings) and the `consents` given at
/// registration. A store works on the session it is given — the caller's transaction for writes — and never
/// commits by itself, so each change lands or is rolled back together with the workflow that made it.
/// Every statement is limited to the store's tenant.
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {

/// A user row.
struct User {
    std::string id, kind, role, state, loginField, login, email, phone, passwordHash, fieldsJson, notificationsJson;
    std::string secondFactor, totpSecret, pendingFactor, pendingSecret;
    bool emailVerified = false, phoneVerified = false;
    long long totpLastStep = 0;
};

/// The column a user is found by; each is unique within a tenant.
enum class UserKey { Id, Login, Email };

/// A staff account as the tenant admin's list shows it.
struct StaffRow {
    std::string id, role, email, fieldsJson;
    std::string state;        ///< active or disabled
    std::string secondFactor; ///< sms, totp or empty when none is set
    long long createdAt = 0;  ///< Unix seconds
};

class UserStore {
public:
    /// Works on `tenant`'s rows through `s`.
    UserStore(soci::session& s, std::string tenant);

    /// The user whose `key` column equals `value`, or nothing.
    std::optional<User> find(UserKey key, const std::string& value) const;
    /// Whether a user of the tenant has this login.
    bool loginTaken(const std::string& login) const;
    /// Whether a user of the tenant other than `exceptUserId` (none when empty) has this e-mail.
    bool emailTaken(const std::string& email, const std::string& exceptUserId = {}) const;
    /// Whether a user of the tenant has `value` as login or as e-mail (a staff e-mail is both).
    bool loginOrEmailTaken(const std::string& value) const;

    /// Inserts the user as given, with no notification switches set; an empty e-mail or phone is stored as
    /// NULL. A login or e-mail already taken fails the statement (unique keys; 409 from the transaction).
    void insert(const User& u, long long now);
    /// Records a consent (152-ФЗ): which text, which version, when, from which client address.
    void recordConsent(const std::string& userId, const std::string& consentId, const std::string& version, long long givenAt,
                       const std::string& client);

    /// The user's e-mail is proven.
    void markEmailVerified(const std::string& userId, long long now);
    /// A changed e-mail is proven: it replaces the old one, confirmed, together with the profile values and
    /// the login that carry it.
    void replaceEmail(const std::string& userId, const std::string& email, const std::string& fieldsJson, const std::string& login,
                      long long now);
    /// The user's phone is proven.
    void markPhoneVerified(const std::string& userId, long long now);
    /// A proven new phone replaces the old one, confirmed, together with the profile values that carry it.
    void replacePhone(const std::string& userId, const std::string& phone, const std::string& fieldsJson, long long now);
    /// A pending user becomes active.
    void activate(const std::string& userId, long long now);
    /// Stores profile values, notification switches and the phone (NULL when empty) with its confirmation flag.
    void updateProfile(const std::string& userId, const std::string& fieldsJson, const std::string& notificationsJson,
                       const std::string& phone, bool phoneVerified, long long now);

    /// A new password hash chosen by the user.
    void setPassword(const std::string& userId, const std::string& hash, long long now);
    /// A new password hash set through a reset link, which also proves the mailbox: the e-mail counts as confirmed.
    void resetPassword(const std::string& userId, const std::string& hash, long long now);
    /// The same password rehashed with the current parameters; the account counts as unchanged (updated_at stays).
    void upgradePasswordHash(const std::string& userId, const std::string& hash);

    /// A TOTP set-up begins: the secret waits for a first right code; the factor in use (if any) stays.
    void beginTotp(const std::string& userId, const std::string& secret);
    /// An SMS set-up begins: it waits for a first right code; the factor in use (if any) stays.
    void beginSms(const std::string& userId);
    /// The TOTP set-up waiting becomes the second factor; `step` is the used time step (never accepted again).
    void enableTotp(const std::string& userId, long long step);
    /// SMS codes become the second factor (any TOTP secret is dropped).
    void enableSms(const std::string& userId);
    /// Remembers the newest TOTP time step used at a login, so that a code is never accepted twice.
    void useTotpStep(const std::string& userId, long long step);
    /// No second factor any more, nor one being set up.
    void clearSecondFactor(const std::string& userId);

    /// The tenant's operators and admins, by e-mail.
    std::vector<StaffRow> staff() const;
    /// One operator or admin of the tenant by id, or nothing (unknown, or not staff).
    std::optional<StaffRow> staffMember(const std::string& userId) const;
    /// The account becomes `active` or `disabled` (a disabled one cannot log in and its sessions stop resolving).
    void setState(const std::string& userId, const std::string& state, long long now);

private:
    soci::session& s_;
    std::string tenant_;
};

} // namespace kabinet
