//
// Settings.h
//
// The waviot connector's settings: the tenant's Lua settings with the server configuration's entry merged
// over them (addresses and credentials live only in the latter). Unknown details of the WAVIoT API are
// settings with documented defaults (manifest.json "unknowns", docs/CONNECTORS.md).
//


#ifndef KABINET_WAVIOT_SETTINGS_H
#define KABINET_WAVIOT_SETTINGS_H


#include "EventMap.h"

#include <string>
#include <string_view>
#include <vector>


namespace kabinet::waviot {


struct ChannelRegister
	/// A channel read by the "channels" task and the reading register it feeds.
{
	std::string channel; /// e.g. electro_ac_p_lsum_t1
	std::string reg;     /// total, t1, t2, t3 or t4
};


struct Settings
	/// The validated settings of one waviot instance. Immutable after parse().
{
	std::string apiUrl = "https://lk.waviot.ru/";     /// base of api.<TYPE>/<METHOD>/, ends with '/'
	std::string authUrl = "https://auth.waviot.ru/";  /// the auth endpoint taking ?action=user-login
	std::string login;                                /// account login (secret: never logged)
	std::string password;                             /// account password (secret: never logged)
	std::string apiKey;                               /// the "key" parameter; when set, no JWT login is made
	std::string treeId;                               /// the tree element whose modems are read
	std::vector<ChannelRegister> channels;            /// channel → register
	std::string eventsChannel = "electro_event_log";  /// the registrator of the event journal
	std::string valuesMethod = "api.data/get_modem_channel_values"; /// values of a channel, with from/to
	std::string eventsMethod = "api.data/get_modem_channel_values"; /// values of the event journal
	std::string refreshField = "rt";                  /// the body field of user-refresh carrying the refresh token
	bool elementInfo = true;                          /// read get_full_element_info for titles and serials
	bool lastMessage = true;                          /// read api.modem/get_last_message per modem
	EventMap events;                                  /// event_map / unmapped_event
	unsigned timeoutMs = 15000;                       /// one HTTP attempt
	unsigned retries = 2;                             /// the host's extra attempts on transport errors, 429, 5xx
	int chunkDays = 7;                                /// a sync window is fetched in chunks of this many days

	static Settings parse(std::string_view json);
		/// Parses and checks the config JSON object, applying defaults. Throws kabinet::sdk::ConfigError whose
		/// text starts with the offending key; texts never contain the password or the key.

	std::string apiUrlOf(const std::string& method) const;
		/// apiUrl + method + "/?" (the caller appends parameters).
};


} // namespace kabinet::waviot


#endif // KABINET_WAVIOT_SETTINGS_H
