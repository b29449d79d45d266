#include "shared/wire/telephony_api.hpp"

#include "shared/wire/object_reader.hpp"
#include "shared/wire/settings_api.hpp"

namespace kb::wire::api {
namespace {

std::vector<std::string> texts_in(FieldReader& r, std::string_view key) {
    std::vector<std::string> out;
    const Json& list = r.list(key);
    for (size_t i = 0; i < list.size(); ++i) {
        if (list[i].is_string()) out.push_back(list[i].get<std::string>());
        else if (!r.error) r.error = Error{Errc::bad_input, "ui.error.bad_request", index_path(join_path(r.path, key), i) + ": expected text"};
    }
    return out;
}

Json encode_chain(const TelephonyChain& c) {
    return Json{{"key", c.key},
                {"name", c.name},
                {"token_hint", c.token_hint},
                {"numbers", c.numbers},
                {"new_lead_for_unknown", c.new_lead_for_unknown},
                {"enabled", c.enabled},
                {"error_key", c.error_key},
                {"error_detail", c.error_detail},
                {"calls_url", c.calls_url},
                {"last_call_at_ms", c.last_call_at_ms}};
}

TelephonyPage page_of(FieldReader& r) {
    TelephonyPage page;
    const Json& chains = r.list("chains");
    for (size_t i = 0; i < chains.size(); ++i) {
        FieldReader c{chains[i], index_path(join_path(r.path, "chains"), i), {}};
        TelephonyChain chain;
        chain.key = c.text("key");
        chain.name = c.text("name");
        chain.token_hint = c.text("token_hint");
        chain.numbers = texts_in(c, "numbers");
        chain.new_lead_for_unknown = read_flag(chains[i], "new_lead_for_unknown");
        chain.enabled = read_flag(chains[i], "enabled");
        chain.error_key = c.text("error_key");
        chain.error_detail = c.text("error_detail");
        chain.calls_url = c.text("calls_url");
        chain.last_call_at_ms = c.integer_or("last_call_at_ms", 0);
        if (c.error && !r.error) r.error = c.error;
        page.chains.push_back(std::move(chain));
    }
    return page;
}

}  // namespace

Json encode(const TelephonyPage& v) { return Json{{"chains", encode_each(v.chains, encode_chain)}}; }

Json encode(const ChainSave& v) {
    return Json{{"key", v.key}, {"name", v.name}, {"crm_token", v.crm_token}, {"numbers", v.numbers},
                {"new_lead_for_unknown", v.new_lead_for_unknown}};
}

Json encode(const ChainReply& v) {
    return Json{{"problems", encode_problems(v.problems)}, {"page", encode(v.page)}, {"key", v.key}};
}

Result<TelephonyPage> decode_telephony_page(const Json& j) {
    FieldReader r{j, "telephony", {}};
    TelephonyPage page = page_of(r);
    return finish(r, std::move(page));
}

Result<ChainSave> decode_chain_save(const Json& j) {
    if (!j.is_object()) return fail(Errc::bad_input, "ui.error.bad_request", "chain: expected an object");
    FieldReader r{j, "chain", {}};
    ChainSave save{r.text("key"), r.text("name"), r.text("crm_token"), texts_in(r, "numbers"), read_flag(j, "new_lead_for_unknown")};
    return finish(r, std::move(save));
}

Result<ChainReply> decode_chain_reply(const Json& j) {
    FieldReader r{j, "chain_reply", {}};
    ChainReply reply;
    const Json& problems = r.list("problems");
    for (size_t i = 0; i < problems.size(); ++i) {
        FieldReader p{problems[i], index_path("problems", i), {}};
        reply.problems.push_back(domain::SettingsProblem{p.text("path"), p.text("message_key"), p.text("detail")});
    }
    static const Json no_page = Json::object();
    const Json* page = member(j, "page");
    FieldReader pr{page ? *page : no_page, "chain_reply.page", {}};
    reply.page = page_of(pr);
    if (pr.error && !r.error) r.error = pr.error;
    reply.key = r.text("key");
    return finish(r, std::move(reply));
}

}  // namespace kb::wire::api
