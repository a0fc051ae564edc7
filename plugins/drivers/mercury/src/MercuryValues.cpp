//
// MercuryValues.cpp
//
// The current values: energy registers by tariff and instantaneous values.
//


#include "MercuryAsk.h"


namespace kabinet::mercury {


void MercurySession::readEnergy(sdk::ReadingSink& sink)
{
	for (unsigned tariff = 0; tariff <= 4; ++tariff)
	{
		const std::string object = hex({0x05, 0x00, tariff});
		try
		{
			const EnergyRegisters regs = ask(energyRequest(_settings.address, 0, 0, static_cast<std::uint8_t>(tariff)), 16, 16, object, decodeEnergy);
			const std::int64_t ts = sdk::nowUnix();
			for (std::size_t ch = 0; ch < 4; ++ch)
			{
				if (regs.wh[ch])
					sink.value(kEnergyQuantity[ch], tariff, 0, static_cast<double>(*regs.wh[ch]) / 1000.0, ts);
				else
					sink.unavailable(KB_READ_ENERGY, object + " " + kChannelName[ch], "not kept by this meter");
			}
		}
		catch (const Unavailable& u)
		{
			sink.unavailable(KB_READ_ENERGY, object, u.what());
		}
		catch (const MalformedAnswer& m)
		{
			sink.failed(KB_READ_ENERGY, m.object(), m.reason());
		}
	}
}


void MercurySession::readInstant(sdk::ReadingSink& sink)
{
	enum Sign { Unsigned, ActiveSign, ReactiveSign };
	struct Group
	{
		std::uint8_t bwri;
		kb_quantity quantity;
		std::size_t count;  // values in the answer
		bool withTotal;     // the first value is the sum of phases
		double scale;       // to V, A, kW, kvar, kVA, Hz, degrees
		Sign sign;
	};
	static constexpr Group kGroups[] = {
		{0x00, KB_Q_POWER_P, 4, true, 1e-5, ActiveSign},     // P, 0.01 W
		{0x04, KB_Q_POWER_Q, 4, true, 1e-5, ReactiveSign},   // Q, 0.01 var
		{0x08, KB_Q_POWER_S, 4, true, 1e-5, Unsigned},       // S, 0.01 VA
		{0x11, KB_Q_VOLTAGE, 3, false, 0.01, Unsigned},      // U, 0.01 V
		{0x21, KB_Q_CURRENT, 3, false, 0.001, Unsigned},     // I, 0.001 A
		{0x30, KB_Q_POWER_FACTOR, 4, true, 0.001, ActiveSign}, // cos phi, 0.001
		{0x40, KB_Q_FREQUENCY, 1, true, 0.01, Unsigned},     // f, 0.01 Hz
		{0x51, KB_Q_ANGLE, 3, false, 0.01, Unsigned},        // angles U1-U2, U1-U3, U2-U3, 0.01 degree
	};
	for (const Group& g: kGroups)
	{
		const std::string object = hex({0x08, 0x16, g.bwri});
		try
		{
			const auto values = ask(paramRequest(_settings.address, 0x16, g.bwri), 3, 3 * g.count, object, decodeMeasurements);
			const std::int64_t ts = sdk::nowUnix();
			for (std::size_t i = 0; i < values.size(); ++i)
			{
				const Measurement& m = values[i];
				double v = static_cast<double>(m.magnitude) * g.scale;
				if ((g.sign == ActiveSign && m.activeReverse) || (g.sign == ReactiveSign && m.reactiveReverse)) v = -v;
				std::uint32_t phase = g.withTotal ? static_cast<std::uint32_t>(i) : static_cast<std::uint32_t>(i + 1);
				// The meter's angle order is U1-U2, U1-U3, U2-U3; phase n of KB_Q_ANGLE is L1-L2, L2-L3, L3-L1.
				if (g.quantity == KB_Q_ANGLE) phase = i == 0 ? 1 : (i == 1 ? 3 : 2);
				sink.value(g.quantity, 0, phase, v, ts);
			}
		}
		catch (const Unavailable& u)
		{
			sink.unavailable(KB_READ_INSTANT, object, u.what());
		}
		catch (const MalformedAnswer& m)
		{
			sink.failed(KB_READ_INSTANT, m.object(), m.reason());
		}
	}
}


} // namespace kabinet::mercury
