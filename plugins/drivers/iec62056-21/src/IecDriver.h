//
// IecDriver.h
//
// The iec62056-21 driver: IEC 62056-21 mode C, Energomera CE dialect.
//


#ifndef KABINET_IEC_DRIVER_H
#define KABINET_IEC_DRIVER_H


#include "Settings.h"

#include "kabinet/driver.hpp"

#include <memory>
#include <string_view>


namespace kabinet::iec {


class IecDriver: public sdk::Driver
{
public:
	explicit IecDriver(std::string_view configJson);
		/// Throws sdk::ConfigError for a bad config.

	std::unique_ptr<sdk::Session> open(std::string_view meterJson, sdk::Transport transport) override;

private:
	DriverConfig _config;
};


} // namespace kabinet::iec


#endif // KABINET_IEC_DRIVER_H
