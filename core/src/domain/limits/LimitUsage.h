#pragma once
/// The usage of the limits the database keeps count of (documents, text messages): read where the check
/// happens, so every kabinetd instance sees the same figures.
#include <map>
#include <string>

namespace soci {
class session;
}

namespace kabinet::limits {

/// Bytes of all the tenant's stored documents.
long long documentBytes(soci::session& s, const std::string& tenant);
/// Text messages the outbox handed over for the tenant since its local midnight (`offset` seconds east of UTC).
long long smsSentToday(soci::session& s, const std::string& tenant, int offset, long long now);
/// Unix seconds of the local midnight that began the day of `now`.
long long dayStart(long long now, int offset);
/// Bytes of stored documents of every tenant that has any.
std::map<std::string, long long> documentBytesByTenant(soci::session& s);

} // namespace kabinet::limits
