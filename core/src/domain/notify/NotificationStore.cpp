#include "notify/NotificationStore.h"

#include "notify/NotificationCentre.h"
#include "notify/Outbox.h"
#include "storage/RowValues.h"

#include <stdexcept>

namespace kabinet {

namespace {
/// The literals of a list, comma-separated ('a', 'b'); "NULL" for an empty list (IN (NULL) matches nothing).
std::string literals(const std::vector<std::string>& values) {
    if (values.empty()) return "NULL";
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + NotificationStore::literal(v);
    return out;
}

bool safeName(const std::string& id) {
    if (id.empty() || id.size() > 64 || !(id[0] >= 'a' && id[0] <= 'z')) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}
} // namespace

NotificationStore::NotificationStore(soci::session& s) : s_(s) {}

bool NotificationStore::postgres() const { return s_.get_backend_name() == "postgresql"; }

std::string NotificationStore::literal(const std::string& text) {
    if (text.find('\0') != std::string::npos) throw std::invalid_argument("text contains a NUL byte");
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

bool NotificationStore::insertNotification(const std::string& tenant, const std::string& id, const std::string& kind,
                                           const std::string& category, const std::string& severity,
                                           const std::string& title, const std::string& body,
                                           const std::string& refsJson, long long now, const std::string& dedupeKey,
                                           const std::string& broadcastId) {
    soci::indicator dedupeInd = dedupeKey.empty() ? soci::i_null : soci::i_ok;
    soci::indicator broadcastInd = broadcastId.empty() ? soci::i_null : soci::i_ok;
    soci::statement st = (s_.prepare << "INSERT INTO notifications (tenant_id, notification_id, kind, category, severity, title, body, refs, "
                                        "created_at, dedupe_key, broadcast_id) VALUES (:t, :id, :k, :c, :sv, :ti, :b, :r, :n, :d, :bc) "
                                        "ON CONFLICT (tenant_id, kind, dedupe_key) DO NOTHING",
                          soci::use(tenant), soci::use(id), soci::use(kind), soci::use(category), soci::use(severity),
                          soci::use(title), soci::use(body), soci::use(refsJson), soci::use(now), soci::use(dedupeKey, dedupeInd),
                          soci::use(broadcastId, broadcastInd));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

long long NotificationStore::addRecipients(const std::string& tenant, const std::string& id, const Audience& a, long long now) {
    const std::string t = literal(tenant);
    std::vector<std::string> any;
    if (!a.users.empty()) any.push_back("u.user_id IN (" + literals(a.users) + ")");
    if (a.operators) any.push_back("u.role IN ('operator', 'tenant-admin')");
    if (a.allConsumers) any.push_back("u.role = 'consumer'");
    // Consumers through their grants: a point directly, through its account or its contract (directly or through
    // the account); an account directly, through its contract or one of its points; a contract likewise.
    std::vector<std::string> grants;
    if (!a.points.empty()) {
        const std::string p = literals(a.points);
        grants.push_back("(g.scope = 'point' AND g.ref_id IN (" + p + "))");
        grants.push_back("(g.scope = 'account' AND g.ref_id IN (SELECT account_id FROM metering_points WHERE tenant_id = " + t +
                         " AND point_id IN (" + p + ")))");
        grants.push_back("(g.scope = 'contract' AND (g.ref_id IN (SELECT contract_id FROM metering_points WHERE tenant_id = " + t +
                         " AND point_id IN (" + p + ")) OR g.ref_id IN (SELECT ac.contract_id FROM accounts ac JOIN metering_points mp "
                         "ON mp.tenant_id = ac.tenant_id AND mp.account_id = ac.account_id WHERE ac.tenant_id = " + t +
                         " AND mp.point_id IN (" + p + "))))");
    }
    if (!a.accounts.empty()) {
        const std::string ac = literals(a.accounts);
        grants.push_back("(g.scope = 'account' AND g.ref_id IN (" + ac + "))");
        grants.push_back("(g.scope = 'contract' AND g.ref_id IN (SELECT contract_id FROM accounts WHERE tenant_id = " + t +
                         " AND account_id IN (" + ac + ")))");
        grants.push_back("(g.scope = 'point' AND g.ref_id IN (SELECT point_id FROM metering_points WHERE tenant_id = " + t +
                         " AND account_id IN (" + ac + ")))");
    }
    if (!a.contracts.empty()) {
        const std::string c = literals(a.contracts);
        grants.push_back("(g.scope = 'contract' AND g.ref_id IN (" + c + "))");
        grants.push_back("(g.scope = 'account' AND g.ref_id IN (SELECT account_id FROM accounts WHERE tenant_id = " + t +
                         " AND contract_id IN (" + c + ")))");
        grants.push_back("(g.scope = 'point' AND g.ref_id IN (SELECT point_id FROM metering_points WHERE tenant_id = " + t +
                         " AND (contract_id IN (" + c + ") OR account_id IN (SELECT account_id FROM accounts WHERE tenant_id = " + t +
                         " AND contract_id IN (" + c + ")))))");
    }
    if (!grants.empty()) {
        std::string g;
        for (const auto& x : grants) g += (g.empty() ? "" : " OR ") + x;
        any.push_back("(u.role = 'consumer' AND EXISTS (SELECT 1 FROM access_grants g WHERE g.tenant_id = u.tenant_id AND "
                      "g.user_id = u.user_id AND (" + g + ")))");
    }
    if (any.empty()) return 0;
    std::string where;
    for (const auto& x : any) where += (where.empty() ? "" : " OR ") + x;
    const std::string sql = "INSERT INTO notification_recipients (tenant_id, notification_id, user_id, created_at) "
                            "SELECT u.tenant_id, " + literal(id) + ", u.user_id, " + std::to_string(now) +
                            " FROM users u WHERE u.tenant_id = " + t + " AND u.state = 'active' AND (" + where + ")";
    soci::statement st = (s_.prepare << sql);
    st.execute(true);
    return st.get_affected_rows();
}

void NotificationStore::removeNotification(const std::string& tenant, const std::string& id) {
    s_ << "DELETE FROM notifications WHERE tenant_id = :t AND notification_id = :id", soci::use(tenant), soci::use(id);
}

void NotificationStore::addInAppDeliveries(const std::string& tenant, const std::string& id, long long now) {
    s_ << "INSERT INTO notification_deliveries (tenant_id, notification_id, user_id, channel, state, updated_at) "
          "SELECT tenant_id, notification_id, user_id, 'in_app', 'sent', :n FROM notification_recipients "
          "WHERE tenant_id = :t AND notification_id = :id",
        soci::use(now), soci::use(tenant), soci::use(id);
}

void NotificationStore::addChannelDeliveries(const std::string& tenant, const std::string& id, const std::string& channel,
                                             const std::string& category, bool categoryDefault, bool digestDefault,
                                             const std::string& subject, const std::string& body, long long now) {
    if (channel != "email" && channel != "sms") throw std::invalid_argument("unknown channel " + channel);
    // The person's category switch lives in the profile's map (users.notifications_json); the channel and
    // digest choices in notification_settings; NULL means the tenant's default.
    std::string categorySwitch = categoryDefault ? "1" : "0";
    if (safeName(category))
        categorySwitch = postgres()
            ? "COALESCE(CASE (NULLIF(u.notifications_json, '')::jsonb ->> '" + category + "') WHEN 'true' THEN 1 WHEN 'false' THEN 0 END, " + categorySwitch + ")"
            : "COALESCE(CASE json_type(CASE WHEN json_valid(u.notifications_json) THEN u.notifications_json ELSE '{}' END, '$." + category + "') WHEN 'true' THEN 1 WHEN 'false' THEN 0 END, " + categorySwitch + ")";
    const std::string channelSwitch = "COALESCE(ns." + channel + ", 1)";
    const std::string address = channel == "email" ? "u.email" : "u.phone";
    const std::string digest = channel == "email" ? "COALESCE(ns.digest, " + std::string(digestDefault ? "1" : "0") + ") = 1" : "1 = 0";
    const std::string suffix = channel == "email" ? "-e" : "-s";
    const std::string t = literal(tenant), n = literal(id);
    const std::string state = "CASE WHEN " + categorySwitch + " = 0 OR " + channelSwitch + " = 0 THEN 'not_wanted' "
                              "WHEN " + address + " IS NULL OR " + address + " = '' THEN 'not_wanted' "
                              "WHEN " + digest + " THEN 'digest' ELSE 'queued' END";
    const std::string error = "CASE WHEN " + categorySwitch + " = 0 THEN 'category off' WHEN " + channelSwitch +
                              " = 0 THEN 'channel off' WHEN " + address + " IS NULL OR " + address + " = '' THEN 'no address' ELSE '' END";
    s_ << "INSERT INTO notification_deliveries (tenant_id, notification_id, user_id, channel, state, message_id, error, updated_at) "
          "SELECT r.tenant_id, r.notification_id, r.user_id, '" + channel + "', " + state + ", CASE WHEN " + state +
              " = 'queued' THEN r.notification_id || '-' || r.user_id || '" + suffix + "' END, " + error + ", " + std::to_string(now) +
              " FROM notification_recipients r JOIN users u ON u.tenant_id = r.tenant_id AND u.user_id = r.user_id "
              "LEFT JOIN notification_settings ns ON ns.tenant_id = r.tenant_id AND ns.user_id = r.user_id "
              "WHERE r.tenant_id = " + t + " AND r.notification_id = " + n;
    enqueueSelected(s_, channel, subject, body,
                    "SELECT d.tenant_id, d.message_id, " + address + " FROM notification_deliveries d JOIN users u ON u.tenant_id = "
                    "d.tenant_id AND u.user_id = d.user_id WHERE d.tenant_id = " + t + " AND d.notification_id = " + n +
                    " AND d.channel = '" + channel + "' AND d.state = 'queued'",
                    now);
}

std::string NotificationStore::refLabel(const std::string& tenant, const std::string& type, const std::string& id) {
    std::string v;
    soci::indicator ind = soci::i_null;
    if (type == "contract") {
        s_ << "SELECT number FROM contracts WHERE tenant_id = :t AND contract_id = :id", soci::use(tenant), soci::use(id), soci::into(v, ind);
        return s_.got_data() && ind == soci::i_ok ? "Договор № " + v : "";
    }
    if (type == "account") {
        s_ << "SELECT number FROM accounts WHERE tenant_id = :t AND account_id = :id", soci::use(tenant), soci::use(id), soci::into(v, ind);
        return s_.got_data() && ind == soci::i_ok ? "Лицевой счёт № " + v : "";
    }
    if (type == "point") {
        s_ << "SELECT name FROM metering_points WHERE tenant_id = :t AND point_id = :id", soci::use(tenant), soci::use(id), soci::into(v, ind);
        return s_.got_data() && ind == soci::i_ok ? v : "";
    }
    if (type == "meter") {
        s_ << "SELECT serial FROM meters WHERE tenant_id = :t AND meter_id = :id", soci::use(tenant), soci::use(id), soci::into(v, ind);
        return s_.got_data() && ind == soci::i_ok ? "Прибор учёта № " + v : "";
    }
    return "";
}

namespace {
ReceivedNotification received(const soci::row& r) {
    ReceivedNotification n;
    n.id = columnText(r, 0);
    n.kind = columnText(r, 1);
    n.category = columnText(r, 2);
    n.severity = columnText(r, 3);
    n.title = columnText(r, 4);
    n.body = columnText(r, 5);
    n.refsJson = columnText(r, 6);
    n.createdAt = columnInteger(r, 7);
    if (r.get_indicator(8) != soci::i_null) n.readAt = columnInteger(r, 8);
    return n;
}
} // namespace

std::vector<ReceivedNotification> NotificationStore::page(const std::string& tenant, const std::string& user, bool unreadOnly,
                                                          int limit, std::optional<std::pair<long long, std::string>> before) {
    std::string sql = "SELECT n.notification_id, n.kind, n.category, n.severity, n.title, n.body, n.refs, r.created_at, r.read_at "
                      "FROM notification_recipients r JOIN notifications n ON n.tenant_id = r.tenant_id AND "
                      "n.notification_id = r.notification_id WHERE r.tenant_id = :t AND r.user_id = :u";
    if (unreadOnly) sql += " AND r.read_at IS NULL";
    long long c = before ? before->first : 0;
    std::string id = before ? before->second : std::string();
    if (before) sql += " AND (r.created_at < :c OR (r.created_at = :c2 AND r.notification_id < :id))";
    sql += " ORDER BY r.created_at DESC, r.notification_id DESC LIMIT :l";
    std::vector<ReceivedNotification> out;
    if (before) {
        soci::rowset<soci::row> rs = (s_.prepare << sql, soci::use(tenant), soci::use(user), soci::use(c), soci::use(c),
                                      soci::use(id), soci::use(limit));
        for (const auto& r : rs) out.push_back(received(r));
    } else {
        soci::rowset<soci::row> rs = (s_.prepare << sql, soci::use(tenant), soci::use(user), soci::use(limit));
        for (const auto& r : rs) out.push_back(received(r));
    }
    return out;
}

std::optional<std::pair<long long, std::string>> NotificationStore::position(const std::string& tenant, const std::string& user,
                                                                             const std::string& id) {
    long long c = 0;
    s_ << "SELECT created_at FROM notification_recipients WHERE tenant_id = :t AND user_id = :u AND notification_id = :id",
        soci::use(tenant), soci::use(user), soci::use(id), soci::into(c);
    if (!s_.got_data()) return std::nullopt;
    return std::make_pair(c, id);
}

long long NotificationStore::unread(const std::string& tenant, const std::string& user) {
    long long n = 0;
    s_ << "SELECT COUNT(*) FROM notification_recipients WHERE tenant_id = :t AND user_id = :u AND read_at IS NULL",
        soci::use(tenant), soci::use(user), soci::into(n);
    return n;
}

std::optional<long long> NotificationStore::markRead(const std::string& tenant, const std::string& user, const std::string& id,
                                                     long long now) {
    s_ << "UPDATE notification_recipients SET read_at = :n WHERE tenant_id = :t AND user_id = :u AND notification_id = :id "
          "AND read_at IS NULL",
        soci::use(now), soci::use(tenant), soci::use(user), soci::use(id);
    long long at = 0;
    soci::indicator ind = soci::i_null;
    s_ << "SELECT read_at FROM notification_recipients WHERE tenant_id = :t AND user_id = :u AND notification_id = :id",
        soci::use(tenant), soci::use(user), soci::use(id), soci::into(at, ind);
    if (!s_.got_data() || ind == soci::i_null) return std::nullopt;
    return at;
}

long long NotificationStore::markAllRead(const std::string& tenant, const std::string& user, long long now) {
    soci::statement st = (s_.prepare << "UPDATE notification_recipients SET read_at = :n WHERE tenant_id = :t AND user_id = :u "
                                        "AND read_at IS NULL",
                          soci::use(now), soci::use(tenant), soci::use(user));
    st.execute(true);
    return st.get_affected_rows();
}

std::optional<ReceivedNotification> NotificationStore::find(const std::string& tenant, const std::string& id) {
    soci::rowset<soci::row> rs = (s_.prepare << "SELECT notification_id, kind, category, severity, title, body, refs, created_at, NULL "
                                                "FROM notifications WHERE tenant_id = :t AND notification_id = :id",
                                  soci::use(tenant), soci::use(id));
    for (const auto& r : rs) return received(r);
    return std::nullopt;
}

namespace {
/// The delivery's state with the outbox read through: a queued message's own state once it has one.
const char* kStateThrough = "CASE WHEN o.state IS NOT NULL THEN o.state ELSE d.state END";
} // namespace

std::vector<DeliveryState> NotificationStore::deliveries(const std::string& tenant, const std::string& id, int limit, int offset) {
    std::vector<DeliveryState> out;
    soci::rowset<soci::row> rs = (s_.prepare << std::string("SELECT d.user_id, u.login, u.email, d.channel, ") + kStateThrough +
                                                    ", CASE WHEN o.last_error IS NOT NULL AND o.last_error <> '' THEN o.last_error ELSE d.error END, "
                                                    "d.updated_at FROM notification_deliveries d JOIN users u ON u.tenant_id = d.tenant_id AND "
                                                    "u.user_id = d.user_id LEFT JOIN outbox o ON o.tenant_id = d.tenant_id AND o.message_id = "
                                                    "d.message_id WHERE d.tenant_id = :t AND d.notification_id = :id "
                                                    "ORDER BY u.login, d.user_id, d.channel LIMIT :l OFFSET :o",
                                  soci::use(tenant), soci::use(id), soci::use(limit), soci::use(offset));
    for (const auto& r : rs)
        out.push_back({columnText(r, 0), columnText(r, 1), columnText(r, 2), columnText(r, 3), columnText(r, 4), columnText(r, 5),
                       columnInteger(r, 6)});
    return out;
}

std::vector<std::tuple<std::string, std::string, long long>> NotificationStore::deliveryCounts(const std::string& tenant,
                                                                                               const std::string& id) {
    std::vector<std::tuple<std::string, std::string, long long>> out;
    soci::rowset<soci::row> rs = (s_.prepare << std::string("SELECT d.channel, ") + kStateThrough +
                                                    ", COUNT(*) FROM notification_deliveries d LEFT JOIN outbox o ON o.tenant_id = "
                                                    "d.tenant_id AND o.message_id = d.message_id WHERE d.tenant_id = :t AND "
                                                    "d.notification_id = :id GROUP BY d.channel, " + kStateThrough + " ORDER BY 1, 2",
                                  soci::use(tenant), soci::use(id));
    for (const auto& r : rs) out.emplace_back(columnText(r, 0), columnText(r, 1), columnInteger(r, 2));
    return out;
}

std::vector<std::string> NotificationStore::digestPeople(const std::string& tenant) {
    std::vector<std::string> out;
    soci::rowset<std::string> rs = (s_.prepare << "SELECT DISTINCT user_id FROM notification_deliveries WHERE tenant_id = :t AND "
                                                  "state = 'digest' AND message_id IS NULL ORDER BY user_id",
                                    soci::use(tenant));
    for (const auto& u : rs) out.push_back(u);
    return out;
}

std::vector<DigestEntry> NotificationStore::digestEntries(const std::string& tenant, const std::string& user) {
    std::vector<DigestEntry> out;
    soci::rowset<soci::row> rs = (s_.prepare << "SELECT n.notification_id, n.title, n.body, n.created_at FROM notification_deliveries d "
                                                "JOIN notifications n ON n.tenant_id = d.tenant_id AND n.notification_id = d.notification_id "
                                                "WHERE d.tenant_id = :t AND d.user_id = :u AND d.channel = 'email' AND d.state = 'digest' "
                                                "AND d.message_id IS NULL ORDER BY n.created_at, n.notification_id",
                                  soci::use(tenant), soci::use(user));
    for (const auto& r : rs) out.push_back({columnText(r, 0), columnText(r, 1), columnText(r, 2), columnInteger(r, 3)});
    return out;
}

bool NotificationStore::claimDigest(const std::string& tenant, const std::string& user, long long dueAt, long long now) {
    s_ << "INSERT INTO notification_settings (tenant_id, user_id, last_digest_at, updated_at) VALUES (:t, :u, 0, :n) "
          "ON CONFLICT (tenant_id, user_id) DO NOTHING",
        soci::use(tenant), soci::use(user), soci::use(now);
    soci::statement st = (s_.prepare << "UPDATE notification_settings SET last_digest_at = :n WHERE tenant_id = :t AND user_id = :u "
                                        "AND last_digest_at < :due",
                          soci::use(now), soci::use(tenant), soci::use(user), soci::use(dueAt));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

std::string NotificationStore::emailOf(const std::string& tenant, const std::string& user) {
    std::string e;
    soci::indicator ind = soci::i_null;
    s_ << "SELECT email FROM users WHERE tenant_id = :t AND user_id = :u", soci::use(tenant), soci::use(user), soci::into(e, ind);
    return s_.got_data() && ind == soci::i_ok ? e : "";
}

void NotificationStore::markDigestSent(const std::string& tenant, const std::string& user, const std::vector<std::string>& ids,
                                       const std::string& messageId, long long now) {
    if (ids.empty()) return;
    s_ << "UPDATE notification_deliveries SET state = 'sent', message_id = " + literal(messageId) + ", updated_at = " +
              std::to_string(now) + " WHERE tenant_id = " + literal(tenant) + " AND user_id = " + literal(user) +
              " AND channel = 'email' AND state = 'digest' AND message_id IS NULL AND notification_id IN (" + literals(ids) + ")";
}

} // namespace kabinet
