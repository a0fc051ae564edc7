#pragma once
/// Switching a second factor on and off for the signed-in person: TOTP (an authenticator app; the set-up
/// answers its secret, URI and QR code) or SMS codes, each proven by a first right code, which also issues
/// 10 single-use recovery codes. Each write is one transaction. Methods throw the Error hierarchy
/// (util/Error.h) with Russian messages.
#include "identity/IdentityContext.h"
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Tenant;

class SecondFactorService {
public:
    /// Works with the database, password hasher, configuration and outbox wake-up of `ctx`.
    explicit SecondFactorService(IdentityContext ctx) : ctx_(std::move(ctx)) {}

    /// Begins the set-up of `method` ("totp" or "sms", and only one the tenant offers; 422 otherwise). TOTP
    /// answers {method, secret, otpauth_uri, otpauth_qr}; SMS sends a code to the profile's phone (422
    /// without one, 429 within a minute of the last) and answers {method, sent}. The factor in use stays
    /// until the set-up is confirmed.
    Poco::JSON::Object::Ptr startSecondFactor(Tenant& t, const SessionInfo& s, const std::string& method);
    /// Confirms the set-up with its first code: the factor is on, and the answer {recovery_codes} holds 10
    /// new recovery codes, shown this once (earlier ones end). 422 wrong code (counted for SMS), 410 spent.
    Poco::JSON::Object::Ptr confirmSecondFactor(Tenant& t, const SessionInfo& s, const std::string& code);
    /// Switches the second factor off, given the password (422 wrong); 403 where the tenant forces one for
    /// the user's role. Recovery codes end with it.
    void disableSecondFactor(Tenant& t, const SessionInfo& s, const std::string& password);

private:
    IdentityContext ctx_;
};

} // namespace kabinet
