#pragma once
/// Virtual meters (ВГЭС, settings.manual_readings.virtual_meters): a consumer registers a meter of their own
/// — place, personal account number, serial — and gets a metering point they alone see, for manual readings.
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Database;
class Tenant;

class VirtualMeterService {
public:
    explicit VirtualMeterService(Database& db) : db_(db) {}

    /// Creates the point and its meter from {address, account_number, serial, model?} and grants the point to
    /// the consumer: {point_id, meter_id}. 403 where the tenant offers no virtual meters, 409 when the model
    /// and serial are taken. The account number must be one of the tenant's personal accounts; a number not
    /// found is a guess, throttled per user and per client address and audited as `virtual_meter_account`
    /// (identity/GuessGuard): 422 on account_number, then 429 with Retry-After while they must wait.
    Poco::JSON::Object::Ptr create(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body, const std::string& client);

private:
    Database& db_;
};

} // namespace kabinet
