#pragma once
/// Files a connector imports (XML 80020 of ПК «Энергосфера»), one result per file received: dropped into the
/// connector's folder (its plugin's scheduled task) or uploaded by staff. The plugin reads a file and reports
/// its rows as meter data, then one "file" record; this service keeps that record, judged, in connector_files:
///   * duplicate — the same bytes were imported before (an upload of them runs nothing), or every value of the
///     file's known points equals what an earlier file of the same day carried for them;
///   * malformed — nothing readable (not XML, truncated, no day, or every point set aside);
///   * partial — some points set aside (malformed, with the reason) or unknown (no meter linked to the code);
///   * accepted — otherwise.
/// Values are channel values of half-hours: accepted (new or changed for a known point), duplicate (equal to
/// an earlier file's for that point and day); the values of unknown and malformed points are never stored.
#include "connectors/ConnectorTypes.h"

#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {

class ConnectorHub;
class Database;
class Tenant;

/// One file's result (a row of connector_files).
struct FileResult {
    std::string fileId, name, sha256, source; ///< source: "drop_folder" or "upload"
    long long size = 0, receivedAt = 0;
    std::string day;                          ///< YYYY-MM-DD the file's values belong to ("" when unreadable)
    std::string state;                        ///< accepted, duplicate, malformed, partial
    std::string reason;                       ///< why a file is malformed (Russian)
    long long valuesTotal = 0, valuesAccepted = 0, valuesDuplicate = 0;
    std::vector<std::string> unknownCodes;    ///< measuring-point codes linked to no meter
    std::vector<std::pair<std::string, std::string>> malformed; ///< (code, reason) of points set aside
};

/// An uploaded file: its name as sent and its bytes.
struct UploadedFile {
    std::string name;
    std::string_view bytes;
};

class FileImports {
public:
    /// Registers the handler of "file" records with the hub (every connector's syncs and runs).
    FileImports(Database& db, ConnectorHub& hub);

    /// Imports uploaded files one after the other through the connector's "import_file" task (account
    /// "tenant"), each as its own run: a file whose bytes were imported before is recorded as a duplicate
    /// without running. Returns the files' results in the order given. Throws NotFound for a connector the
    /// tenant does not declare, Error 503 when it is not ready.
    std::vector<FileResult> upload(const Tenant& t, const std::string& connectorId, const std::vector<UploadedFile>& files,
                                   const std::string& userId, long long now);
    /// The connector's file results, newest first, at most `limit` (1…500).
    std::vector<FileResult> list(const Tenant& t, const std::string& connectorId, int limit) const;
    /// A result as the API answers it.
    static Poco::JSON::Object::Ptr toJson(const FileResult& r);

private:
    /// Keeps a plugin's "file" record, judged (see the header), in the sync's transaction.
    void record(soci::session& s, const SyncContext& context, const Poco::JSON::Object::Ptr& file);
    FileResult load(soci::session& s, const std::string& tenantId, const std::string& connectorId, const std::string& fileId) const;

    Database& db_;
    ConnectorHub& hub_;
};

} // namespace kabinet
