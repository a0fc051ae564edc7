//
// MercuryDriver.h
//
// The driver instance: its config, and sessions to meters opened from their settings.
//


#ifndef KABINET_MERCURY_MERCURYDRIVER_H
#define KABINET_MERCURY_MERCURYDRIVER_H


#include "Settings.h"

#include "kabinet/driver.hpp"

#include <memory>
#include <string_view>


namespace kabinet::mercury {


class MercuryDriver: public sdk::Driver
{
public:
	explicit MercuryDriver(std::string_view configJson);
		/// Throws sdk::ConfigError on a bad config.

	std::unique_ptr<sdk::Session> open(std::string_view meterJson, sdk::Transport transport) override;

private:
	DriverConfig _config;
};


} // namespace kabinet::mercury


#endif // KABINET_MERCURY_MERCURYDRIVER_H
