#pragma once
/// Descriptions of the identity routes: registration, confirmations, sessions, profile, passwords, second
/// factor, staff (IdentityRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec registration();            ///< POST registration
RouteSpec confirmEmail();            ///< POST confirm/email
RouteSpec resendEmail();             ///< POST confirm/email/resend
RouteSpec confirmPhone();            ///< POST confirm/phone
RouteSpec resendPhone();             ///< POST confirm/phone/resend
RouteSpec login();                   ///< POST session
RouteSpec loginSecondFactor();       ///< POST session/second-factor
RouteSpec logout();                  ///< DELETE session
RouteSpec me();                      ///< GET me
RouteSpec patchMe();                 ///< PATCH me
RouteSpec confirmPhoneChange();      ///< POST me/phone/confirm
RouteSpec resendPhoneChange();       ///< POST me/phone/resend
RouteSpec changePassword();          ///< POST me/password
RouteSpec requestPasswordReset();    ///< POST password/reset
RouteSpec confirmPasswordReset();    ///< POST password/reset/confirm
RouteSpec startSecondFactor();       ///< POST me/second-factor
RouteSpec confirmSecondFactor();     ///< POST me/second-factor/confirm
RouteSpec disableSecondFactor();     ///< DELETE me/second-factor
RouteSpec listOperators();           ///< GET operators
RouteSpec createOperator();          ///< POST operators
RouteSpec setOperatorActive(bool active); ///< POST operators/{id}/enable (true) or …/disable
RouteSpec resetOperatorSecondFactor(); ///< DELETE operators/{id}/second-factor

} // namespace kabinet::spec
