#pragma once
/// The signed-in person's own profile: what it shows, changes of profile values and notification switches,
/// and changes of contacts — a new e-mail counts once its link is opened, and where the tenant proves phones
/// by a code a new phone counts once the code sent to it is entered. Each write is one transaction; its
/// messages are queued in it. Methods throw the Error hierarchy (util/Error.h) with Russian messages.
#include "identity/IdentityContext.h"
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Tenant;

class ProfileService {
public:
    /// Works with the database, password hasher, configuration and outbox wake-up of `ctx`.
    explicit ProfileService(IdentityContext ctx) : ctx_(std::move(ctx)) {}

    /// The user as the profile shows it: notification switches with the tenant's defaults for those never
    /// set, e-mail and phone with whether they are confirmed, a phone change waiting for its code.
    Poco::JSON::Object::Ptr me(Tenant& t, const SessionInfo& s);
    /// Changes profile fields and notification switches (PATCH semantics). A new e-mail waits for its link;
    /// where the tenant proves phones by a code, a new phone waits for the code sent to it
    /// (`phone_change_pending`) and the old one stays until then.
    Poco::JSON::Object::Ptr patchMe(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body);
    /// Enters the code sent to the new phone: the new phone replaces the old one, confirmed. 422 wrong
    /// code (attempts counted), 410 no change waiting or the code used up.
    Poco::JSON::Object::Ptr confirmPhoneChange(Tenant& t, const SessionInfo& s, const std::string& code);
    /// Sends a new code to the phone waiting for confirmation — the new one, or else the phone in use when
    /// the tenant proves phones and it is not proven yet (429 within a minute of the last code; 410 none).
    void resendPhoneChange(Tenant& t, const SessionInfo& s);

private:
    IdentityContext ctx_;
};

} // namespace kabinet
