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


class EnergosferaConnector: public sdk::Connector
	/// Stateless between calls: every method may run on several threads at once.
{
public:
	explicit EnergosferaConnector(const std::string& configJson);
		/// Throws sdk::ConfigError on bad settings.

	void sync(const sdk::SyncRequest& request, const sdk::SyncSink& sink) override;
		/// "drop_folder": imports the drop folder's *.xml files in name order, each as importFile does,
		/// then moves it to processed/ (read) or rejected/ (not a readable 80020 file); files younger than
		/// min_age_s wait. "import_file": one file, input {"file": path, "name": shown name}; the file stays.
		/// Throws ConfigError for another task, a missing drop_dir or a file that cannot be opened.

	std::string call(const std::string& operation, const std::string& inputJson) override;
		/// "export": input {"from","to" (YYYY-MM-DD, inclusive), "first_number", "sender":{"inn","name"},
		/// "area":{"inn","name"}, "points":[{"code","name","profile":[{"ts","p_plus","p_minus","q_plus",
		/// "q_minus"}]}]} → {"files":[{"name","day","points","content_base64"}],"skipped":[{"code","day",
		/// "reason"}]}: per day, the channels whose 48 half-hours are all present, energy = power ÷ 2 rounded
		/// to whole units. Throws ConfigError for another operation, RejectedError for bad input.

	static bool importFile(const std::string& name, const std::string& bytes, const Settings& settings, const sdk::SyncSink& sink);
		/// Reports one file: first a "file" record {"name","sha256","size","day","number","sender_inn",
		/// "area_inn","dst","state":"read"|"malformed","reason","points","values","malformed":[{"code",
		/// "reason"}]}, then one "meter_data" record of profile rows per readable point (device = the
		/// point's code, interval 30 min, power = energy × 2) and a "problem" per point set aside. Returns
		/// false when the file is not a readable 80020 file (nothing but its "file" record reported).

private:
	Settings _settings;
};


} // namespace kabinet::energosfera


#endif // KABINET_ENERGOSFERA_CONNECTOR_H
