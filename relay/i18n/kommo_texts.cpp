#include "relay/i18n/kommo_texts.hpp"

#include <map>
#include <vector>
#include "shared/wire/json_read.hpp"

namespace kb::i18n {

extern const std::vector<std::pair<const char*, const char*>> translation_files;   // generated from i18n/*.json

namespace {

// Every language's strings by dotted key, read from the built-in files once.
const std::map<std::string, std::map<std::string, std::string>>& tables() {
    static const auto built = [] {
        std::map<std::string, std::map<std::string, std::string>> out;
        for (const auto& [language, text] : translation_files) {
            auto json = wire::parse_json(text);
            if (!json) continue;
            auto& table = out[language];
            auto walk = [&table](auto& self, const wire::Json& node, const std::string& prefix) -> void {
                for (auto it = node.begin(); it != node.end(); ++it) {
                    std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
                    if (it->is_object()) self(self, *it, key);
                    else if (it->is_string()) table[key] = it->template get<std::string>();
                }
            };
            walk(walk, *json, "");
        }
        return out;
    }();
    return built;
}

}  // namespace

std::string render(const domain::Message& message, const std::string& language) {
    const auto& all = tables();
    auto table = all.find(language);
    if (table == all.end()) table = all.find("en");
    std::string text = message.key;
    if (table != all.end())
        if (auto found = table->second.find(message.key); found != table->second.end()) text = found->second;
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
        if (close != std::string::npos) {
            auto param = message.params.find(text.substr(i + 1, close - i - 1));
            if (param != message.params.end()) {
                out += param->second;
                i = close;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

}  // namespace kb::i18n
