#include "http/Multipart.h"

#include "http/Router.h"
#include "util/Error.h"
#include "util/Text.h"

#include <Poco/Exception.h>
#include <Poco/MemoryStream.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/String.h>
#include <Poco/URI.h>

namespace kabinet {

namespace {

constexpr std::size_t kMaxParts = 64;

[[noreturn]] void malformed(const std::string& why) {
    throw BadRequest("malformed_multipart", "Некорректное тело multipart/form-data: " + why);
}

/// The file name of a part: `filename*` (RFC 5987, UTF-8) when given, else `filename`; without any folder.
std::string fileNameOf(const Poco::Net::NameValueCollection& params, bool& isFile) {
    std::string name;
    isFile = false;
    if (params.has("filename*")) {
        const std::string v = params.get("filename*");
        const auto quote = v.find("''");
        if (quote != std::string::npos && Poco::icompare(v.substr(0, quote), "utf-8") == 0) {
            try {
                Poco::URI::decode(v.substr(quote + 2), name);
                isFile = true;
            } catch (const Poco::Exception&) {
                malformed("неверно закодировано имя файла");
            }
        }
    }
    if (!isFile && params.has("filename")) {
        name = params.get("filename");
        isFile = true;
    }
    if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
    return text::validUtf8(name, 255);
}

} // namespace

std::unique_ptr<std::istream> MultipartFile::open() const {
    return std::make_unique<Poco::MemoryInputStream>(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

bool MultipartForm::isMultipart(const Request& r) {
    try {
        return Poco::Net::MediaType(r.contentType).matches("multipart", "form-data");
    } catch (const Poco::Exception&) {
        return false;
    }
}

MultipartForm MultipartForm::parse(const Request& r) { return parse(r.contentType, r.body); }

MultipartForm MultipartForm::parse(std::string_view contentType, std::string_view body) {
    std::string boundary;
    try {
        Poco::Net::MediaType type{std::string(contentType)};
        if (!type.matches("multipart", "form-data"))
            throw Error(415, "unsupported_media_type", "Ожидается тело multipart/form-data");
        if (type.hasParameter("boundary")) boundary = type.getParameter("boundary");
    } catch (const Poco::Exception&) {
        throw Error(415, "unsupported_media_type", "Ожидается тело multipart/form-data");
    }
    if (boundary.empty() || boundary.size() > 200) malformed("нет границы частей (boundary)");
    const std::string delimiter = "--" + boundary;
    const std::string next = "\r\n" + delimiter;

    // The first delimiter: at the start or after a preamble line.
    std::size_t at;
    if (body.substr(0, delimiter.size()) == delimiter) at = 0;
    else if ((at = body.find(next)) != std::string_view::npos) at += 2;
    else malformed("нет ни одной части");

    MultipartForm form;
    std::size_t parts = 0;
    for (;;) {
        at += delimiter.size();
        if (body.substr(at, 2) == "--") return form; // the closing delimiter (an epilogue is ignored)
        while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
        if (body.substr(at, 2) != "\r\n") malformed("после границы нет конца строки");
        at += 2;
        if (++parts > kMaxParts) malformed("больше " + std::to_string(kMaxParts) + " частей");
        // The part's head, up to the empty line.
        const std::size_t headEnd = body.find("\r\n\r\n", at);
        const std::size_t dataEnd = body.find(next, at);
        if (dataEnd == std::string_view::npos) malformed("нет закрывающей границы");
        if (headEnd == std::string_view::npos || headEnd > dataEnd) malformed("у части нет заголовков");
        Poco::Net::MessageHeader head;
        try {
            Poco::MemoryInputStream in(body.data() + at, static_cast<std::streamsize>(headEnd + 4 - at));
            head.read(in);
        } catch (const Poco::Exception&) {
            malformed("неверные заголовки части");
        }
        const std::string_view data = body.substr(headEnd + 4, dataEnd - (headEnd + 4));
        std::string disposition;
        Poco::Net::NameValueCollection params;
        Poco::Net::MessageHeader::splitParameters(head.get("Content-Disposition", ""), disposition, params);
        if (Poco::icompare(disposition, "form-data") != 0 || !params.has("name") || params.get("name").empty())
            malformed("у части нет имени (Content-Disposition: form-data; name=…)");
        const std::string name = params.get("name");
        if (text::check(name) != text::Problem::None) malformed("недопустимое имя части");
        bool isFile = false;
        const std::string fileName = fileNameOf(params, isFile);
        if (isFile) {
            // A file input left empty comes as a part with an empty name and no bytes: no file.
            if (!(fileName.empty() && data.empty()))
                form.files_.push_back({name, fileName, head.get("Content-Type", "application/octet-stream"), data});
        } else {
            if (text::check(data) != text::Problem::None)
                throw Unprocessable({{name, "Текст содержит недопустимые символы"}});
            form.fields_.emplace(name, std::string(data));
        }
        at = dataEnd + 2;
    }
}

std::string MultipartForm::field(const std::string& name, const std::string& fallback) const {
    auto it = fields_.find(name);
    return it == fields_.end() ? fallback : it->second;
}

std::vector<const MultipartFile*> MultipartForm::filesOf(const std::string& name) const {
    std::vector<const MultipartFile*> out;
    for (const auto& f : files_)
        if (f.field == name) out.push_back(&f);
    return out;
}

} // namespace kabinet
