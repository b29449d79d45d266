#include "relay/clients/call_log.hpp"

#include <random>
#include <regex>
#include <thread>
#include <spdlog/spdlog.h>

namespace kb::clients {
namespace {

bool worth_retrying(int status) { return status == 0 || status == 429 || status >= 500; }

std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt) {
    thread_local std::mt19937 random(std::random_device{}());
    auto ceiling = std::min<int64_t>(policy.max_delay.count(), policy.first_delay.count() << std::min(attempt, 10));
    std::uniform_int_distribution<int64_t> jitter(ceiling / 2, std::max<int64_t>(ceiling, 1));   // "equal jitter"
    return std::chrono::milliseconds(jitter(random));
}

}  // namespace

CallLog::CallLog(http::Transport& transport, store::Store& store, metrics::Metrics* metrics, Clock clock)
    : m_transport(transport), m_store(store), m_metrics(metrics), m_clock(std::move(clock)) {}

namespace {
thread_local bool for_person = false;
}  // namespace

PersonScope::PersonScope() : m_was(for_person) { for_person = true; }
PersonScope::~PersonScope() { for_person = m_was; }
bool PersonScope::active() { return for_person; }

RateLimiter::RateLimiter(double per_second, store::Store* shared, std::string key)
    : m_limit(static_cast<size_t>(std::max(1.0, per_second))), m_shared(shared), m_key(std::move(key)) {}

RateLimiter::Slot RateLimiter::acquire() {
    Slot slot = take(true);
    if (m_shared) {
        if (auto place = take_shared_place()) {
            std::lock_guard lock(m_mutex);
            m_shared_places[slot] = *place;
        }
    }
    return slot;
}

// Polls: the other relays' calls free their places without telling this process. A store that fails is logged
// and the call goes on under this relay's own limit (the sync must not stop because the counter is unreachable).
std::optional<int64_t> RateLimiter::take_shared_place() {
    for (;;) {
        auto place = m_shared->take_rate_place(m_key, static_cast<int32_t>(m_limit), Clock::system_ms());
        if (!place) {
            spdlog::error("shared rate limit {}: {}", m_key, place.error().detail);
            return std::nullopt;
        }
        if (*place) return *place;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void RateLimiter::wait_until_ready() { take(false); }

void RateLimiter::release(Slot slot) {
    std::optional<int64_t> place;
    {
        std::lock_guard lock(m_mutex);
        if (auto it = m_slots.find(slot); it != m_slots.end()) it->second = std::chrono::steady_clock::now();
        if (auto it = m_shared_places.find(slot); it != m_shared_places.end()) {
            place = it->second;
            m_shared_places.erase(it);
        }
        m_released.notify_all();
    }
    if (place)
        if (auto released = m_shared->release_rate_place(*place, Clock::system_ms()); !released)
            spdlog::error("shared rate limit {}: {}", m_key, released.error().detail);
}

RateLimiter::Slot RateLimiter::take(bool consume) {
    std::unique_lock lock(m_mutex);
    const bool person = PersonScope::active();
    if (person) ++m_people_waiting;
    struct Waiting {   // counted while this person waits, whichever way the wait ends
        size_t* count;
        bool person;
        ~Waiting() { if (person) --*count; }
    } waiting{&m_people_waiting, person};
    for (;;) {
        auto now = std::chrono::steady_clock::now();
        std::optional<std::chrono::steady_clock::time_point> first_free;   // when the earliest answered place frees
        for (auto it = m_slots.begin(); it != m_slots.end();) {
            if (it->second && *it->second + std::chrono::seconds(1) <= now) {
                it = m_slots.erase(it);
                continue;
            }
            if (it->second && (!first_free || *it->second + std::chrono::seconds(1) < *first_free))
                first_free = *it->second + std::chrono::seconds(1);
            ++it;
        }
        if (m_slots.size() < m_limit && (person || m_people_waiting == 0)) {
            if (person) m_released.notify_all();   // once this person is served, background calls may go again
            if (!consume) return 0;
            m_slots.emplace(m_next, std::nullopt);
            return m_next++;
        }
        // Full: wait for an answered place to age out, or for a call in flight to be answered.
        m_released.wait_until(lock, first_free.value_or(now + std::chrono::seconds(1)));
    }
}

namespace {

constexpr std::string_view secret_members[] = {"password",     "access_token", "refresh_token", "user_token", "client_secret",
                                               "code",         "partner_token", "api_key",      "crm_token",  "intake_key"};
constexpr std::string_view secret_parameters[] = {"password", "code", "token", "key", "intake_key"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// At `at` (a quote): `"name"  :  "value"` with a secret name. Writes it masked to `out` and returns where the
// member ends, or 0 when it is not one.
size_t masked_member(std::string_view text, size_t at, std::string& out) {
    for (std::string_view name : secret_members) {
        size_t i = at + 1;
        if (text.compare(i, name.size(), name) != 0 || i + name.size() >= text.size() || text[i + name.size()] != '"') continue;
        i += name.size() + 1;
        while (i < text.size() && is_space(text[i])) ++i;
        if (i >= text.size() || text[i] != ':') return 0;
        ++i;
        while (i < text.size() && is_space(text[i])) ++i;
        if (i >= text.size() || text[i] != '"') return 0;   // a number or null is not a secret's text
        size_t close = i + 1;   // the closing quote, past escaped ones (\" inside a secret is part of it)
        while (close < text.size() && text[close] != '"') close += text[close] == '\\' ? 2 : 1;
        if (close >= text.size()) return 0;
        out.append("\"").append(name).append("\":\"***\"");
        return close + 1;
    }
    return 0;
}

// At `at` (a '?' or '&'): `name=value` with a secret name. Writes it masked and returns where the value ends
// (the next '&' or the end), or 0.
// A form's nested name counts by its last part: `action[settings][widget][settings][intake_key]=...` (or with
// the brackets percent-encoded) is an intake_key.
size_t masked_parameter(std::string_view text, size_t at, std::string& out) {
    size_t equals = text.find_first_of("=&", at + 1);
    if (equals == std::string_view::npos || text[equals] != '=') return 0;
    std::string_view full = text.substr(at + 1, equals - at - 1);
    for (std::string_view name : secret_parameters) {
        bool plain = full == name;
        bool nested = full.size() > name.size() + 1 &&
                      ((full.ends_with("]") && full.substr(full.size() - name.size() - 2, name.size() + 2) == "[" + std::string(name) + "]") ||
                       (full.ends_with("%5D") && full.size() > name.size() + 6 &&
                        full.substr(full.size() - name.size() - 6, name.size() + 6) == "%5B" + std::string(name) + "%5D"));
        if (!plain && !nested) continue;
        out.append(text.substr(at, equals - at + 1)).append("***");
        size_t end = text.find('&', equals + 1);
        return end == std::string_view::npos ? text.size() : end;
    }
    return 0;
}

bool is_base64url(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }

// At `at` ("eyJ", a base64url JSON header, not inside a longer word): a JWT, three base64url parts joined by
// dots. Writes "***" and returns where it ends, or 0.
size_t masked_jwt(std::string_view text, size_t at, std::string& out) {
    if (text.compare(at, 3, "eyJ") != 0 || (at > 0 && is_base64url(text[at - 1]))) return 0;
    size_t i = at;
    for (int part = 0; part < 3; ++part) {
        size_t start = i;
        while (i < text.size() && is_base64url(text[i])) ++i;
        if (i == start && part < 2) return 0;
        if (part < 2) {
            if (i >= text.size() || text[i] != '.') return 0;
            ++i;
        }
    }
    out.append("***");
    return i;
}

// Where webhook keys are part of an address: "/hooks/altegio/KEY", "/hooks/altegio-location/SALON/KEY",
// "/tracking/KEY/leads", "/telephony/KEY/calls". At `at` (a '/'): writes the address up to the key, then "***",
// and returns where the key ends, or 0.
size_t masked_key_in_path(std::string_view text, size_t at, std::string& out) {
    constexpr std::string_view prefixes[] = {"/hooks/altegio-location/", "/hooks/altegio/", "/hooks/kommo-dp/", "/hooks/kommo/",
                                             "/tracking/", "/telephony/"};
    for (std::string_view prefix : prefixes) {
        if (text.compare(at, prefix.size(), prefix) != 0) continue;
        size_t i = at + prefix.size();
        if (prefix == "/hooks/altegio-location/") {   // the salon id comes before the key
            while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
            if (i >= text.size() || text[i] != '/') return 0;
            ++i;
        }
        size_t key = i;
        while (i < text.size() && (is_base64url(text[i]) || text[i] == '.')) ++i;   // "<subject>.<tag>" (hooks/intake_keys.hpp)
        if (i == key || text.substr(key, i - key) == "***") return 0;
        out.append(text.substr(at, key - at)).append("***");
        return i;
    }
    return 0;
}

}  // namespace

// One pass, no regular expressions: it runs on every webhook received and every request and answer sent
// (answers up to 16 KiB), where std::regex took about 50 µs per KiB.
std::string mask_secrets(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        size_t next = 0;
        if (text[i] == '"') next = masked_member(text, i, out);
        else if (text[i] == '?' || text[i] == '&') next = masked_parameter(text, i, out);
        else if (text[i] == 'e') next = masked_jwt(text, i, out);
        else if (text[i] == '/') next = masked_key_in_path(text, i, out);
        if (next != 0) {
            i = next;
            continue;
        }
        out += text[i++];
    }
    return out;
}

std::string mask_for_log(std::string text) {
    static const std::regex phone(R"(\+?\d(?:[ ()-]*\d){6,})");
    text = mask_secrets(std::move(text));
    std::string out;
    auto last = text.cbegin();
    for (std::sregex_iterator it(text.begin(), text.end(), phone), end; it != end; ++it) {
        out.append(last, (*it)[0].first);
        std::string match = it->str();
        out += "***" + match.substr(match.size() - 2);
        last = (*it)[0].second;
    }
    out.append(last, text.cend());
    return out;
}

http::Response CallLog::send(const CallInfo& info, const http::OutgoingRequest& request, RateLimiter* limiter) {
    http::Response response;
    int failures = 0, rate_limited = 0;
    for (int attempt = 0;; ++attempt) {
        if (attempt > 0) std::this_thread::sleep_for(backoff(info.retry, attempt - 1));
        auto asked = std::chrono::steady_clock::now();
        RateLimiter::Slot slot = limiter ? limiter->acquire() : 0;
        auto started = std::chrono::steady_clock::now();
        if (m_metrics && started - asked > std::chrono::milliseconds(1))
            m_metrics->count_rate_limit_wait(info.kind, started - asked);
        response = m_transport.send(request);
        if (limiter) limiter->release(slot);
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);

        store::HistoryEntry entry;
        entry.at_ms = m_clock.ms();
        entry.account_id = info.account_id;
        entry.direction = "out";
        entry.kind = info.kind;
        entry.method = request.method;
        entry.target = mask_secrets(request.url);
        entry.status = response.status;
        if (response.status == 0 || response.status >= 400) entry.error = response.body.substr(0, 500);
        entry.request_body = mask_secrets(request.body);
        entry.response_body = mask_secrets(response.body.substr(0, 16384));
        entry.duration_ms = elapsed.count();
        if (m_metrics) m_metrics->count_call(info.kind, response.status);
        if (auto saved = m_store.add_history(entry); !saved)
            spdlog::error("request history not written: {}", saved.error().detail);
        if (response.status != 0 && response.status < 400) break;
        spdlog::warn("{} {} -> {} (attempt {})", info.kind, mask_for_log(entry.target), response.status, attempt + 1);
        if (response.status == 429) {
            if (++rate_limited > info.retry.rate_limited_retries) break;
        } else if (!worth_retrying(response.status) || ++failures >= info.retry.attempts) {
            break;
        }
    }
    return response;
}

}  // namespace kb::clients
