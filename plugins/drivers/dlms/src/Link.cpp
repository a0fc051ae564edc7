#include "Link.h"

#include "WrapperCodec.h"

#include <algorithm>
#include <chrono>
#include <optional>

namespace kabinet::dlms {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxApdu = 1u << 20; ///< a reassembled answer longer than this is nonsense

std::uint32_t leftMs(Clock::time_point deadline)
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<std::uint32_t>(left) : 0;
}

/// Why one attempt failed.
struct Failure {
    bool timeout = true; ///< nothing usable came (else: corrupt, truncated or unexpected bytes)
    std::string why = "no answer";
};

std::string controlText(std::uint8_t c)
{
    return "0x" + hex(std::span<const std::uint8_t>(&c, 1));
}

// ---- HDLC ---------------------------------------------------------------------------------------

class HdlcLink final : public Link {
public:
    HdlcLink(sdk::Transport transport, hdlc::Address server, hdlc::Address client, LinkConfig config)
        : transport_(transport), server_(server), client_(client), config_(config)
    {
    }

    void connect() override
    {
        vs_ = vr_ = 0;
        connected_ = false;
        hdlc::LinkParams proposal;
        proposal.maxInfoTx = proposal.maxInfoRx = config_.maxInfo;
        const hdlc::Frame snrm{server_, client_, hdlc::kSnrm, false, hdlc::encodeXid(proposal)};
        Failure last;
        for (unsigned attempt = 0; attempt <= retries_; ++attempt) {
            send(snrm);
            auto [frame, failure] = await();
            if (!frame) {
                last = failure;
                continue;
            }
            if (hdlc::isUnnumbered(frame->control, hdlc::kUa)) {
                hdlc::LinkParams ua;
                try {
                    ua = hdlc::decodeXid(frame->info);
                } catch (const sdk::ProtocolError& e) {
                    last = Failure{false, e.what()};
                    continue;
                }
                // The meter states its own transmit / receive limits: ours are the other way round.
                if (ua.maxInfoRx < 8 || ua.maxInfoTx < 8) throw sdk::ProtocolError("HDLC: the meter offers an information field below 8 bytes");
                maxTx_ = std::min<std::uint32_t>({config_.maxInfo, ua.maxInfoRx, kMaxInfo});
                connected_ = true;
                return;
            }
            if (hdlc::isUnnumbered(frame->control, hdlc::kDm))
                throw sdk::ProtocolError("HDLC: the meter " + hdlc::describe(server_) + " answered DM to SNRM (refuses the connection)");
            last = Failure{false, "unexpected answer " + controlText(frame->control) + " to SNRM"};
        }
        fail(last, "SNRM to " + hdlc::describe(server_));
    }

    Bytes request(std::span<const std::uint8_t> apdu) override
    {
        if (!connected_) throw sdk::ProtocolError("HDLC: not connected");
        Bytes info(std::begin(hdlc::kLlcRequest), std::end(hdlc::kLlcRequest));
        info.insert(info.end(), apdu.begin(), apdu.end());
        hdlc::Frame reply;
        for (std::size_t off = 0; off < info.size(); off += maxTx_) {
            const std::size_t n = std::min<std::size_t>(maxTx_, info.size() - off);
            const bool last = off + n >= info.size();
            hdlc::Frame f{server_, client_, hdlc::iControl(vs_, vr_), !last,
                          Bytes(info.begin() + static_cast<std::ptrdiff_t>(off), info.begin() + static_cast<std::ptrdiff_t>(off + n))};
            reply = sendIFrame(f, last);
            vs_ = (vs_ + 1) & 7u;
        }
        vr_ = (vr_ + 1) & 7u;
        Bytes data = std::move(reply.info);
        while (reply.segmented) {
            reply = pollNext();
            vr_ = (vr_ + 1) & 7u;
            if (data.size() + reply.info.size() > kMaxApdu) throw sdk::ProtocolError("HDLC: segmented answer too long");
            data.insert(data.end(), reply.info.begin(), reply.info.end());
        }
        if (data.size() < 3 || !std::equal(std::begin(hdlc::kLlcReply), std::end(hdlc::kLlcReply), data.begin()))
            throw sdk::ProtocolError("HDLC: answer without the LLC header E6 E7 00");
        data.erase(data.begin(), data.begin() + 3);
        return data;
    }

    void disconnect() noexcept override
    {
        if (!connected_) return;
        connected_ = false;
        try {
            send(hdlc::Frame{server_, client_, hdlc::kDisc, false, {}});
            await(); // UA or DM; either way the meter is disconnected
        } catch (...) {
        }
    }

    void setRetries(unsigned retries) noexcept override { retries_ = std::min(retries_, retries); }

private:
    static constexpr std::uint32_t kMaxInfo = 2030; ///< what fits into the 11-bit frame length

    struct Await {
        std::optional<hdlc::Frame> frame;
        Failure failure;
    };

    void send(const hdlc::Frame& f)
    {
        transport_.discardInput();
        buffer_.clear();
        const Bytes bytes = hdlc::encodeFrame(f);
        transport_.write(bytes, config_.timeoutMs);
    }

    /// Waits up to the timeout for a valid frame from our meter to us; skips corrupt bytes on the way.
    Await await()
    {
        const auto deadline = Clock::now() + std::chrono::milliseconds(config_.timeoutMs);
        Await out;
        std::optional<std::string> corrupt;
        for (;;) {
            while (!buffer_.empty()) {
                hdlc::DecodeResult r = hdlc::decodeFrame(buffer_);
                if (r.status == hdlc::DecodeStatus::Incomplete) break;
                buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(r.consumed));
                if (r.status == hdlc::DecodeStatus::Invalid) {
                    corrupt = r.error;
                    continue;
                }
                if (!(r.frame.src == server_) || !(r.frame.dst == client_)) {
                    corrupt = "a frame from " + hdlc::describe(r.frame.src) + " to " + hdlc::describe(r.frame.dst);
                    continue;
                }
                out.frame = std::move(r.frame);
                return out;
            }
            const std::uint32_t left = leftMs(deadline);
            if (left == 0) break;
            std::uint8_t chunk[512];
            try {
                const std::size_t n = transport_.readSome(chunk, sizeof chunk, left);
                buffer_.insert(buffer_.end(), chunk, chunk + n);
            } catch (const sdk::TimeoutError&) {
                break;
            }
        }
        const bool pending = buffer_.size() > 1 || (buffer_.size() == 1 && buffer_[0] != hdlc::kFlag);
        if (pending) out.failure = Failure{false, "incomplete frame (" + std::to_string(buffer_.size()) + " bytes)"};
        else if (corrupt) out.failure = Failure{false, *corrupt};
        return out;
    }

    [[noreturn]] void fail(const Failure& f, const std::string& what) const
    {
        const std::string attempts = std::to_string(retries_ + 1) + " attempt(s)";
        if (f.timeout) throw sdk::TimeoutError("timeout: no answer from the meter to " + what + " (" + attempts + ")");
        throw sdk::ProtocolError("HDLC: " + f.why + " in the answer to " + what + " (" + attempts + ")");
    }

    /// DM and FRMR end the exchange at once.
    void checkUnnumbered(const hdlc::Frame& f) const
    {
        if (hdlc::isUnnumbered(f.control, hdlc::kDm))
            throw SessionLost("HDLC: the meter answered DM (disconnected mode): its session is gone");
        if (hdlc::isUnnumbered(f.control, hdlc::kFrmr)) throw sdk::ProtocolError("HDLC: the meter rejected a frame (FRMR)");
    }

    hdlc::Frame rrPoll() const { return hdlc::Frame{server_, client_, hdlc::rrControl(vr_), false, {}}; }

    /// Sends our I-frame f (N(S) = vs_). Not the last segment: returns the meter's RR acknowledging it.
    /// The last segment: returns the meter's first answer I-frame. A lost or corrupt answer is recovered
    /// by polling with RR: the meter then repeats its answer, or shows that it missed our frame.
    hdlc::Frame sendIFrame(const hdlc::Frame& f, bool expectAnswer)
    {
        const unsigned next = (vs_ + 1) & 7u;
        hdlc::Frame toSend = f;
        Failure last;
        for (unsigned attempt = 0; attempt <= retries_; ++attempt) {
            send(toSend);
            auto [frame, failure] = await();
            toSend = rrPoll();
            if (!frame) {
                last = failure;
                continue;
            }
            checkUnnumbered(*frame);
            const std::uint8_t c = frame->control;
            if (hdlc::isRr(c) && hdlc::recvSeq(c) == vs_) {
                toSend = f; // the meter did not receive our frame: send it again
                last = Failure{false, "the meter missed the frame"};
                continue;
            }
            if (!expectAnswer && hdlc::isRr(c) && hdlc::recvSeq(c) == next) return *frame;
            if (expectAnswer && hdlc::isIFrame(c) && hdlc::sendSeq(c) == vr_ && hdlc::recvSeq(c) == next) return *frame;
            last = Failure{false, "unexpected frame " + controlText(c)};
        }
        fail(last, "I-frame " + std::to_string(vs_));
    }

    /// Asks for the next segment of a segmented answer.
    hdlc::Frame pollNext()
    {
        Failure last;
        for (unsigned attempt = 0; attempt <= retries_; ++attempt) {
            send(rrPoll());
            auto [frame, failure] = await();
            if (!frame) {
                last = failure;
                continue;
            }
            checkUnnumbered(*frame);
            if (hdlc::isIFrame(frame->control) && hdlc::sendSeq(frame->control) == vr_) return *frame;
            last = Failure{false, "unexpected frame " + controlText(frame->control) + " instead of the next segment"};
        }
        fail(last, "RR " + std::to_string(vr_));
    }

    sdk::Transport transport_;
    hdlc::Address server_, client_;
    LinkConfig config_;
    unsigned retries_ = config_.retries;
    Bytes buffer_;
    unsigned vs_ = 0, vr_ = 0;
    std::uint32_t maxTx_ = 128;
    bool connected_ = false;
};

// ---- wrapper ------------------------------------------------------------------------------------

class WrapperLink final : public Link {
public:
    WrapperLink(sdk::Transport transport, std::uint16_t client, std::uint16_t server, LinkConfig config)
        : transport_(transport), client_(client), server_(server), config_(config)
    {
    }

    void connect() override {}

    Bytes request(std::span<const std::uint8_t> apdu) override
    {
        const Bytes message = wrapper::encode(client_, server_, apdu);
        Failure last;
        for (unsigned attempt = 0; attempt <= retries_; ++attempt) {
            transport_.discardInput();
            buffer_.clear();
            transport_.write(message, config_.timeoutMs);
            const auto deadline = Clock::now() + std::chrono::milliseconds(config_.timeoutMs);
            for (;;) {
                wrapper::DecodeResult r = wrapper::decode(buffer_);
                if (r.status == wrapper::DecodeStatus::Ok) {
                    if (r.header.source == server_ && r.header.destination == client_) return std::move(r.apdu);
                    last = Failure{false, "a message from wPort " + std::to_string(r.header.source) + " to " +
                                              std::to_string(r.header.destination)};
                    drain(deadline);
                    break;
                }
                if (r.status == wrapper::DecodeStatus::Invalid) {
                    last = Failure{false, r.error};
                    drain(deadline);
                    break;
                }
                const std::uint32_t left = leftMs(deadline);
                std::uint8_t chunk[1024];
                std::size_t n = 0;
                try {
                    if (left == 0) throw sdk::TimeoutError("timeout");
                    n = transport_.readSome(chunk, sizeof chunk, left);
                } catch (const sdk::TimeoutError&) {
                    last = buffer_.empty() ? Failure{} : Failure{false, "incomplete message (" + std::to_string(buffer_.size()) + " bytes)"};
                    break;
                }
                buffer_.insert(buffer_.end(), chunk, chunk + n);
            }
        }
        const std::string attempts = std::to_string(retries_ + 1) + " attempt(s)";
        if (last.timeout) throw sdk::TimeoutError("timeout: no answer from the meter (" + attempts + ")");
        throw sdk::ProtocolError("wrapper: " + last.why + " (" + attempts + ")");
    }

    void disconnect() noexcept override {}

    void setRetries(unsigned retries) noexcept override { retries_ = std::min(retries_, retries); }

private:
    /// Drops input until the line has been quiet for a moment (the rest of a garbled answer).
    void drain(Clock::time_point deadline)
    {
        std::uint8_t chunk[1024];
        for (;;) {
            const std::uint32_t left = std::min<std::uint32_t>(leftMs(deadline), 50);
            if (left == 0) return;
            try {
                transport_.readSome(chunk, sizeof chunk, left);
            } catch (const sdk::TimeoutError&) {
                return;
            }
        }
    }

    sdk::Transport transport_;
    std::uint16_t client_, server_;
    LinkConfig config_;
    unsigned retries_ = config_.retries;
    Bytes buffer_;
};

} // namespace

std::unique_ptr<Link> makeHdlcLink(sdk::Transport transport, hdlc::Address server, hdlc::Address client, LinkConfig config)
{
    return std::make_unique<HdlcLink>(transport, server, client, config);
}

std::unique_ptr<Link> makeWrapperLink(sdk::Transport transport, std::uint16_t clientWPort, std::uint16_t serverWPort,
                                      LinkConfig config)
{
    return std::make_unique<WrapperLink>(transport, clientWPort, serverWPort, config);
}

} // namespace kabinet::dlms
