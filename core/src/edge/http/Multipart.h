#pragma once
/// multipart/form-data request bodies (RFC 7578), as the upload routes read them: the form's fields as
/// strings and its files as streams over the request body itself, so a file is held in memory once (the
/// body, bounded by the route's limit), never copied. Part heads are parsed by POCO's MessageHeader.
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kabinet {

struct Request;

/// One file part of a form.
struct MultipartFile {
    std::string field;       ///< the part's name ("file", "doc.scan")
    std::string fileName;    ///< the file name the client sent (filename*=UTF-8'' preferred), path stripped
    std::string contentType; ///< as the client declared it; never trusted for the real type
    std::string_view bytes;  ///< the content, a view into the request body (valid while the Request lives)
    /// A stream over the content (no copy).
    std::unique_ptr<std::istream> open() const;
    long long size() const noexcept { return static_cast<long long>(bytes.size()); }
};

/// A parsed multipart/form-data body.
class MultipartForm {
public:
    /// True when the request's content type is multipart/form-data.
    static bool isMultipart(const Request& r);
    /// Parses the request's body. Throws 415 `unsupported_media_type` when it is not multipart/form-data and
    /// 400 `malformed_multipart` (Russian message) when the boundary is missing, a part has no name or no
    /// head, the closing boundary is missing or there are more than 64 parts; 422 naming the field when a
    /// text field is not well-formed UTF-8 or holds a control character other than tab and line breaks.
    /// A file input left empty (no name, no bytes) gives no file.
    static MultipartForm parse(const Request& r);
    /// Parses a body given with its Content-Type (as parse(Request)). The body must outlive the form.
    static MultipartForm parse(std::string_view contentType, std::string_view body);

    /// The text fields (parts without a file name), by name; a repeated name keeps the first.
    const std::map<std::string, std::string>& fields() const noexcept { return fields_; }
    /// A text field, or `fallback` when absent.
    std::string field(const std::string& name, const std::string& fallback = "") const;
    bool has(const std::string& name) const { return fields_.count(name) > 0; }
    /// The file parts, in the order sent.
    const std::vector<MultipartFile>& files() const noexcept { return files_; }
    /// The file parts of one name, in the order sent.
    std::vector<const MultipartFile*> filesOf(const std::string& name) const;

private:
    std::map<std::string, std::string> fields_;
    std::vector<MultipartFile> files_;
};

} // namespace kabinet
