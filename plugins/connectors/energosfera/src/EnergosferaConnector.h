//
// EnergosferaConnector.h
//
// The connector to ПК «Энергосфера» through XML 80020 files: tasks "drop_folder" (every new *.xml of the
// drop folder, moved to processed/ or rejected/ afterwards) and "import_file" (input {"file", "name"}), and
// the call "export" (a tenant's half-hourly data → one 80020 file per day).
//


#ifndef KABINET_ENERGOSFERA_CONNECTOR_H
#define KABINET_ENERGOSFERA_CONNECTOR_H


#include "Settings.h"

#include "kabinet/connector.hpp"

#include <string>


namespace kabinet::energosfera {


struct FileOrigin
	/// Where a file came from, as its "file" record says.
{
	std::string source; /// "drop_folder" or "upload"
	std::string ref;    /// the caller's reference of the file ("" for dropped files)
};


class EnergosferaConnector: public sdk::Connector
	/// Stateless between calls: every method may run on several threads at once.
{
public:
	explicit EnergosferaConnector(const std::string& configJson);
		/// Throws sdk::ConfigError on bad settings.

	void sync(const sdk::SyncRequest& request, const sdk::SyncSink& sink) override;
		/// "drop_folder": imports the drop folder's *.xml files in name order, each as importFile does,
		/// then moves it to processed/ (read) or rejected/ (not a readable 80020 file) and reports a cursor
		/// (the file's name); files younger than min_age_s wait. "import_file": one file, input {"file": path,
		/// "name": shown name, "source": "upload" (default) or "drop_folder", "ref": the caller's reference};
		/// the file stays where it is.
		/// Throws ConfigError for another task, a missing drop_dir or a file that cannot be opened.

	std::string call(const std::string& operation, const std::string& inputJson) override;
		/// "export": input {"from","to" (YYYY-MM-DD, inclusive), "first_number", "sender":{"inn","name"},
		/// "area":{"inn","name"}, "points":[{"code","name","profile":[{"ts","p_plus","p_minus","q_plus",
		/// "q_minus"}]}]} → {"files":[{"name","day","points","content_base64"}],"skipped":[{"code","day",
		/// "reason"}]}: per day, the channels whose 48 half-hours are all present, energy = power ÷ 2 rounded
		/// to whole units. Throws ConfigError for another operation, RejectedError for bad input.

	static bool importFile(const std::string& name, const std::string& bytes, const FileOrigin& origin, const Settings& settings,
		const sdk::SyncSink& sink);
		/// Reports one file: one "meter_data" record of profile rows per readable point (device = the point's
		/// code, interval 30 min, power = energy × 2), a "problem" per point set aside, then the file's
		/// "file" record {"name","sha256","size","source","ref","day" (YYYY-MM-DD),"number","sender_inn",
		/// "area_inn","dst","state":"read"|"malformed","reason","points","values","codes":{"<code>":
		/// {"values","digest"}},"malformed":[{"code","reason"}]} — after its rows, so that the host has met
		/// every code of the file when it handles the record. A point's digest is the SHA-256 of its
		/// half-hours' values, equal for equal values. Returns false when the file is not a readable 80020
		/// file (nothing but its "file" record reported).

private:
	Settings _settings;
};


} // namespace kabinet::energosfera


#endif // KABINET_ENERGOSFERA_CONNECTOR_H
