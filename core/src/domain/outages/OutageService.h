#pragma once
/// Outages as people use them (issue 11, SPEC §2.7): operators publish planned and emergency outages at streets
/// of the tenant's dictionary (with houses) or free-text addresses, edit them and close them with the actual end;
/// consumers look them up by address and dates, see those at their own points and the ВГЭС statistics (count and
/// total duration by address and period); anyone may read the public list when the tenant publishes it. Every
/// answer says whether and by how much an outage exceeded the permitted duration (OutageRules). Notices go out
/// in the transaction of the change (OutageNotices); planned ones ahead of time by notifyDue (OutageWorker).
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <map>
#include <string>
#include <vector>

namespace kabinet {

class Database;
class Tenant;
class TenantRegistry;

class OutageService {
public:
    using Query = std::map<std::string, std::string>;

    /// `channels` limits the channels of the notices this service raises (empty: each kind's own; {"in_app"}: the
    /// portal only, as the demo seed tells its made-up people).
    explicit OutageService(Database& db, std::vector<std::string> channels = {}) : db_(db), channels_(std::move(channels)) {}

    /// Each of the three operator calls below records an audit entry (kind `operator`: `outage_publish`,
    /// `outage_change`, `outage_close`, `outage_cancel`; the outage's kind, its addresses as one line, their count
    /// and its start; `client` is the caller's address) in the transaction of the change.
    /// POST operator/outages: validates the body (422 naming each field in Russian), stores the outage published,
    /// and tells the consumers it reaches — at once when emergency, or when planned and starting within the
    /// tenant's notify_days_ahead. Returns the outage. 404 when the tenant has no outages module.
    Poco::JSON::Object::Ptr create(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body, long long now,
                                   const std::string& client = "");
    /// PATCH operator/outages/{id}: changes the fields given; `actual_end` closes the outage (and tells those told
    /// before that it ended). New addresses reach their consumers at the stages already passed. 404 unknown id,
    /// 409 when closed already.
    Poco::JSON::Object::Ptr change(Tenant& t, const SessionInfo& s, const std::string& id, const Poco::JSON::Object::Ptr& body, long long now,
                                   const std::string& client = "");
    /// POST operator/outages/{id}/cancel: calls off an outage that has not started — its state becomes `cancelled`
    /// (listed, marked, counted in no statistics, never announced again) and the consumers already told of it get
    /// `outage_cancelled`. 404 unknown id; 409 `outage_started` once its start has come, `outage_closed` /
    /// `outage_cancelled` when closed or cancelled already.
    Poco::JSON::Object::Ptr cancel(Tenant& t, const SessionInfo& s, const std::string& id, long long now, const std::string& client = "");
    /// GET outages (?address&from&to): outages overlapping the period (default: going on or to come) at the
    /// address — for a consumer without one, at the addresses of their own points (each row names those points);
    /// for staff without one, all. Staff rows carry who created and changed them.
    Poco::JSON::Object::Ptr list(Tenant& t, const SessionInfo& s, const Query& q, long long now);
    /// GET outages/stats (?address&from&to; default period: this year so far): per address, the number of outages
    /// (cancelled ones left out),
    /// planned and emergency, their total duration and how many exceeded the permitted duration, and the total.
    Poco::JSON::Object::Ptr stats(Tenant& t, const SessionInfo& s, const Query& q, long long now);
    /// GET public/outages (?address&from&to): the list without a login, nothing about people; 404 unless the tenant
    /// publishes it (settings.outages.public).
    Poco::JSON::Object::Ptr publicList(Tenant& t, const Query& q, long long now);
    /// Sends the notices ahead of time of every tenant's planned outages that are due; returns how many outages
    /// were announced. Each outage is claimed by one conditional UPDATE, so instances never announce one twice.
    int notifyDue(TenantRegistry& tenants, long long now);
    /// The same for one tenant.
    int notifyDue(Tenant& t, long long now);

private:
    Database& db_;
    std::vector<std::string> channels_;
};

} // namespace kabinet
