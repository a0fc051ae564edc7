#pragma once
/// A plain TCP connection to a local server from a chosen loopback address, for tests that speak HTTP byte by
/// byte (slow clients, connection caps, forwarded headers).
#include <string>

namespace kabinet::test {

class RawConnection {
public:
    /// Connects to 127.0.0.1:port from the loopback address `from` (127.0.0.x); a failed connect leaves the
    /// connection closed (send() false, closedWithin() true, read() empty).
    explicit RawConnection(unsigned short port, const std::string& from = "127.0.0.1");
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    /// True when the connection was made.
    bool connected() const { return fd_ >= 0; }
    /// True when every byte was sent.
    bool send(const std::string& bytes) const;
    /// Everything the server sends until it closes or `ms` pass (or, with `oneAnswer`, a whole head is in).
    std::string read(int ms, bool oneAnswer = false) const;
    /// True when the server has closed its side (EOF or reset) within `ms`.
    bool closedWithin(int ms) const;

private:
    int fd_ = -1;
};

} // namespace kabinet::test
