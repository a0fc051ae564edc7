#pragma once
/// File answers: a Response that streams its body from a callback (a stored document read chunk by chunk)
/// with the headers a download needs.
#include "http/Router.h"

#include <functional>
#include <ostream>
#include <string>

namespace kabinet {

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<RFC 5987 percent-encoded name>`. The fallback
/// keeps ASCII letters, digits and ". - _ ( ) space", replaces every other character by '_' and is "file"
/// when nothing is left; control characters, quotes and backslashes never reach the header.
std::string attachmentDisposition(const std::string& fileName);

/// A 200 answer streaming `size` bytes through `writer`, with Content-Type `contentType`, Content-Length,
/// Content-Disposition attachment (above), X-Content-Type-Options: nosniff (set on every answer) and
/// Cache-Control: private, no-store.
Response fileAnswer(const std::string& contentType, const std::string& fileName, long long size,
                    std::function<void(std::ostream&)> writer);

} // namespace kabinet
