#include "relay/http/transport.hpp"

namespace kb::http {

Response RouterTransport::send(const OutgoingRequest& outgoing) {
    Request request;
    request.method = outgoing.method;
    size_t scheme_end = outgoing.url.find("://");
    size_t path_start = scheme_end == std::string::npos ? 0 : outgoing.url.find('/', scheme_end + 3);
    std::string target = path_start == std::string::npos ? "/" : outgoing.url.substr(path_start);
    size_t question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = parse_query(target.substr(question + 1));
    for (const auto& [name, value] : outgoing.headers) {
        request.headers[to_lower(name)] = value;
    }
    request.headers["content-type"] = outgoing.content_type;
    request.body = outgoing.body;
    request.remote_address = "127.0.0.1";
    return m_router.dispatch(std::move(request));
}

}  // namespace kb::http
