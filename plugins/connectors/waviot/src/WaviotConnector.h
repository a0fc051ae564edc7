//
// WaviotConnector.h
//
// The waviot connector: ФОБОС meters on the WAVIoT (NB-Fi) platform. Tasks:
//  - "modems":   the modems of the configured tree element as devices (serial, title, battery, last message);
//  - "channels": cumulative A+ readings per tariff (electro_ac_p_lsum_t1.._t4, _tsum) of every modem;
//  - "events":   the event journal (electro_event_log) classified by the event_map setting.
// The window [from, to) is fetched in chunks of chunk_days; after each chunk every modem's records are
// reported and the cursor (Unix seconds reached, as decimal text) moves on.
//


#ifndef KABINET_WAVIOT_CONNECTOR_H
#define KABINET_WAVIOT_CONNECTOR_H


#include "Session.h"
#include "Settings.h"

#include "kabinet/connector.hpp"

#include <string>


namespace kabinet::waviot {


class WaviotConnector: public sdk::Connector
	/// One instance per (tenant, connector); its session is shared by the instance's syncs.
{
public:
	explicit WaviotConnector(const std::string& configJson);
		/// Parses the settings (throws ConfigError); makes no request.

	void sync(const sdk::SyncRequest& request, const sdk::SyncSink& sink) override;
		/// Runs the task the request names; ConfigError for another task.

private:
	void syncModems(const sdk::SyncRequest& request, const sdk::SyncSink& sink);
	void syncSeries(const sdk::SyncRequest& request, const sdk::SyncSink& sink, bool events);
	std::vector<ModemEntry> modems(long long now);

	Settings _settings;
	Session _session;
};


long long cursorTime(const std::string& cursor);
	/// The Unix seconds a cursor holds, 0 when it is empty or not a number.


} // namespace kabinet::waviot


#endif // KABINET_WAVIOT_CONNECTOR_H
