//
// IecSession.h
//
// A session with one Energomera CE meter over IEC 62056-21 mode C: sign-on, programming mode with the
// password, R1 reads of the meter's functions, break. Frame-level retries; one re-sign-on when the meter
// has silently dropped its session (it then ignores R1 until the next sign-on). The link is in
// IecSession.cpp, the meter functions read in IecFunctions.h, the items in IecValues.cpp (identity, clock,
// energy, instantaneous values), IecBilling.cpp, IecProfile.cpp and IecEvents.cpp.
//


#ifndef KABINET_IEC_SESSION_H
#define KABINET_IEC_SESSION_H


#include "IecCodec.h"
#include "Settings.h"

#include "kabinet/driver.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>


namespace kabinet::iec {


class IecSession: public sdk::ItemSession
{
public:
	IecSession(const DriverConfig& config, MeterSettings meter, sdk::Transport transport);
		/// Signs on and enters programming mode with the password. Throws AuthError when the password is
		/// refused, TimeoutError / ProtocolError / TransportError otherwise.

	void close() noexcept override;
		/// Ends programming mode with a break (the meter does not answer it); errors ignored.

private:
	enum class Expect { Line, Block, AckOrBlock };

	// The link.
	void send(const std::vector<std::uint8_t>& bytes);
	std::vector<std::uint8_t> receive(Expect expect);
	void drain() noexcept;
	void sendBreak() noexcept;
	void signOnOnce();
	void signOn();
	DataBlock request(const std::string& name, const std::string& params);
	DataBlock exchange(const std::vector<std::uint8_t>& frame, const std::string& name);
	std::optional<DataBlock> query(const std::string& name, const std::string& params, kb_read_item item,
		sdk::ReadingSink& sink);

	// The items.
	void beginRead() override;
	void readIdentity(sdk::ReadingSink& sink) override;
	void readClock(sdk::ReadingSink& sink) override;
	void readEnergy(sdk::ReadingSink& sink) override;
	void readInstant(sdk::ReadingSink& sink) override;
	void readBilling(const sdk::ReadRequest& request, sdk::ReadingSink& sink) override;
	void readProfile(const sdk::ReadRequest& request, sdk::ReadingSink& sink) override;
	void readEvents(const sdk::ReadRequest& request, sdk::ReadingSink& sink) override;

	std::int64_t toUtc(const LocalDate& date, const LocalTime& time) const;
	sdk::Civil toLocal(std::int64_t utc) const;

	DriverConfig _config;
	MeterSettings _meter;
	sdk::Transport _transport;
	Identification _ident;
	bool _open = false;
	unsigned _reSignOns = 0;   /// re-sign-ons in the current read call
};


} // namespace kabinet::iec


#endif // KABINET_IEC_SESSION_H
