//
// Settings.h
//
// The energosfera connector's settings (the tenant's Lua settings with the server's entry merged over them).
//


#ifndef KABINET_ENERGOSFERA_SETTINGS_H
#define KABINET_ENERGOSFERA_SETTINGS_H


#include <string>


namespace kabinet::energosfera {


struct Settings
	/// Validated settings; defaults as the manifest's schema says.
{
	std::string dropDir;          /// folder the drop_folder task imports from ("" = the task is not configured)
	int utcOffsetMin = 180;       /// the area's standard UTC offset in minutes (the timezone attribute is not decoded)
	double energyUnitKwh = 1.0;   /// kWh per unit of a <value>
	int minAgeSeconds = 10;       /// a dropped file younger than this is left for the next run (still being written)
	std::string senderInn, senderName, areaInn, areaName;
	std::string areaTimezone = "1"; /// written into exported files' <area timezone="…">

	static Settings parse(const std::string& json);
		/// Parses the config object; throws kabinet::sdk::ConfigError naming the key. Unknown keys are refused.
};


} // namespace kabinet::energosfera


#endif // KABINET_ENERGOSFERA_SETTINGS_H
