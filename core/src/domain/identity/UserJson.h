#pragma once
/// A user as the portal is shown it (the login answer and `GET me`).
#include "identity/UserStore.h"

#include <Poco/JSON/Object.h>

namespace kabinet {

class Tenant;

/// The user's account, login, profile values, contacts with their confirmation, second factor and stored
/// notification switches; `display_name` is the tenant's name of the person from the profile (ФИО,
/// organisation), else the e-mail, else null. Nothing secret (hashes, TOTP secrets) is ever part of it.
Poco::JSON::Object::Ptr userJson(Tenant& t, const User& u);
/// The notification switches of a user, one per switch the tenant's profile form offers: what the user set,
/// else the tenant's default (an unset switch is never "off" by accident).
Poco::JSON::Object::Ptr notificationsOf(const Tenant& t, const User& u);

} // namespace kabinet
