#pragma once
/// Registration by the tenant's Lua rules and the confirmations that follow it (an e-mail link, a phone
/// code). Each write is one transaction; its mails and text messages are queued in the same transaction.
/// Methods throw the Error hierarchy (util/Error.h) with Russian messages.
#include "identity/IdentityContext.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Tenant;

class RegistrationService {
public:
    /// Works with the database, password hasher, configuration and outbox wake-up of `ctx`.
    explicit RegistrationService(IdentityContext ctx) : ctx_(std::move(ctx)) {}

    /// Registers an applicant from the tenant's registration form: 422 naming each bad field (worded as the
    /// tenant says), 409 when the login or e-mail is taken. The account, its consents, the confirmation link
    /// or code and a pending token are stored together; an account with nothing to confirm is active at once.
    /// Answers {user: {id, kind, state}, confirmations, pending_token?, message}.
    Poco::JSON::Object::Ptr registerUser(Tenant& t, const Poco::JSON::Object::Ptr& body, const std::string& client);
    /// Opens an e-mail link (confirmation or change), once: 410 when unknown, spent or expired; 409 when a
    /// changed address was taken meanwhile. Answers {ok, state, remaining}.
    Poco::JSON::Object::Ptr confirmEmail(Tenant& t, const std::string& token);
    /// Sends the confirmation mail again, by pending token (429 within a minute of the last) or by e-mail
    /// (silently nothing when there is no such account waiting, or too soon: no enumeration).
    void resendEmail(Tenant& t, const Poco::JSON::Object::Ptr& body);
    /// Enters the phone code of a pending registration: 422 wrong (the attempt is counted and committed),
    /// 410 spent or no code. Answers {ok, state, remaining}.
    Poco::JSON::Object::Ptr confirmPhone(Tenant& t, const std::string& pendingToken, const std::string& code);
    /// Sends a new phone code to a pending registration (429 within a minute of the last; 410 nothing to confirm).
    void resendPhone(Tenant& t, const std::string& pendingToken);

private:
    IdentityContext ctx_;
};

} // namespace kabinet
