#pragma once
/// Passwords: a change by the signed-in person (other sessions end) and a reset by a mailed link (every
/// session ends; only the newest link works, once). Hashing happens outside the transactions; each write is
/// one transaction with its mail queued in it. Methods throw the Error hierarchy (util/Error.h) with Russian
/// messages.
#include "identity/IdentityContext.h"
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

namespace kabinet {

class Tenant;

class PasswordService {
public:
    /// Works with the database, password hasher, configuration and outbox wake-up of `ctx`.
    explicit PasswordService(IdentityContext ctx) : ctx_(std::move(ctx)) {}

    /// Changes the caller's password ({old, new, confirm}; 422 naming the field at fault, the new one by the
    /// tenant's password policy). Every other session of the user ends; this one goes on; a mail tells of it.
    void changePassword(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body);
    /// Mails a reset link (1 h) for an account found by `email` or `login`. The answer is the same whether or
    /// not the account exists, and at most one link a minute is sent; a new link ends the older ones.
    void requestPasswordReset(Tenant& t, const Poco::JSON::Object::Ptr& body);
    /// Sets a new password by a reset link ({token, password, confirm}): 410 when the link is unknown, spent
    /// or expired. The link and every other reset link of the user are spent, every session ends, and the
    /// e-mail counts as confirmed (the link proved the mailbox), which may finish a pending registration.
    void confirmPasswordReset(Tenant& t, const Poco::JSON::Object::Ptr& body);

private:
    IdentityContext ctx_;
};

} // namespace kabinet
