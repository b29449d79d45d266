#include "widget/views/booking_window.hpp"

#include <algorithm>
#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>
#include "shared/domain/money.hpp"
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"
#include "widget/views/common.hpp"

namespace kb::widget::views {
namespace {

using ui::label;
using ui::remember;
using ui::tr;

void section_title(const std::string& key) {
    ImGui::Spacing();
    ImGui::TextDisabled("%s", tr(key).c_str());
}

std::string price_text(const domain::Service& s, const AppState& state) {
    const auto* branch = state.branch();
    std::string currency = branch ? branch->currency : "";
    std::string text = domain::format_money(s.price_min, state.language, s.price_max == s.price_min ? currency : "");
    if (s.price_max != s.price_min) text += " – " + domain::format_money(s.price_max, state.language, currency);
    return text;
}

// The current error again beside the part of the form it is about (it shows in full under the button pressed).
void draw_error_beside(const AppState& state, FormPart part) {
    if (!state.error || form_part_of(state.error->message_key) != part) return;
    ui::text_error_wrapped(tr(state.error->message_key));
    remember("error_beside");
}

void draw_branch(const AppState& state, std::vector<Intent>& intents) {
    ImGui::Spacing();
    const auto* current = state.branch();
    ui::field_label(tr("ui.branch"));
    if (ImGui::BeginCombo("###branch", current ? current->title.c_str() : tr("ui.choose_branch").c_str())) {
        for (const auto& b : state.card->branches) {
            ImGui::PushID(static_cast<int>(b.id));
            if (ImGui::Selectable(b.title.c_str(), current && current->id == b.id)) intents.push_back(intent::ChooseBranch{b.id});
            remember("branch_option_" + std::to_string(b.id));
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    remember("branch");
    draw_error_beside(state, FormPart::branch);
}

// "60 min · 2,500 – 3,500 ₽", the service's length and price as a list row shows them.
std::string service_facts(const domain::Service& s, const AppState& state) {
    return std::to_string(s.duration_seconds / 60) + " " + tr("ui.minutes") + " · " + price_text(s, state);
}

// The chosen services as chips; a chip's × takes its service off the record.
void draw_service_chips(const AppState& state, std::vector<Intent>& intents) {
    bool first = true;
    for (int64_t id : state.form.service_ids) {
        auto it = std::find_if(state.catalog->services.begin(), state.catalog->services.end(), [&](const auto& s) { return s.id == id; });
        if (it == state.catalog->services.end()) continue;
        std::string text = it->title + "  \xC3\x97";   // ×
        float width = std::min(ui::button_width(text), ImGui::GetContentRegionAvail().x);
        if (!first) ui::same_line_if_room(width);
        first = false;
        ImGui::PushStyleColor(ImGuiCol_Button, ui::vec(ui::palette().accent, 0.14f));
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ui::vec(ui::palette().accent, 0.28f));
        if (ui::fitted_button(text, "chip_" + std::to_string(id), ImVec2(width, 0))) intents.push_back(intent::ToggleService{id});
        ImGui::PopStyleColor(2);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", service_facts(*it, state).c_str());
    }
}

// The services that match the search, by category, in a list of bounded height that scrolls: a ticked box adds
// a service, its length and price at the row's end (in the tooltip when the column is too narrow for them).
void draw_service_list(const AppState& state, const std::vector<const domain::Service*>& services, std::vector<Intent>& intents) {
    constexpr float most_rows = 8.5f;
    std::vector<const domain::ServiceCategory*> shown;   // the categories with a service in the list
    for (const auto& category : state.catalog->categories)
        if (std::any_of(services.begin(), services.end(), [&](const auto* s) { return s->category_id == category.id; }))
            shown.push_back(&category);
    float rows = static_cast<float>(shown.size() + services.size());
    float height = std::min(rows, most_rows) * ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().WindowPadding.y;
    ImGui::BeginChild("###service_list", ImVec2(0, height), false);
    for (const domain::ServiceCategory* category : shown) {
        ImGui::PushID(static_cast<int>(category->id));
        ImGui::AlignTextToFramePadding();
        ImGui::TextColored(ui::accent_text_color(), "%s", category->title.c_str());
        for (const auto* s : services) {
            if (s->category_id != category->id) continue;
            bool chosen = std::find(state.form.service_ids.begin(), state.form.service_ids.end(), s->id) != state.form.service_ids.end();
            std::string facts = service_facts(*s, state);
            float facts_width = ImGui::CalcTextSize(facts.c_str()).x;
            float box = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x;
            float room = ImGui::GetContentRegionAvail().x - box;
            bool facts_fit = ImGui::CalcTextSize(s->title.c_str()).x + facts_width + ImGui::GetFontSize() + ImGui::GetStyle().ItemSpacing.x <= room;
            std::string title = facts_fit ? s->title : ui::fit_text(s->title, room);
            ImGui::PushID(static_cast<int>(s->id));
            if (ImGui::Checkbox((title + "###box").c_str(), &chosen)) intents.push_back(intent::ToggleService{s->id});
            remember("service_" + std::to_string(s->id));
            if (!facts_fit && ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s", s->title.c_str(), facts.c_str());
            if (facts_fit) {
                ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - facts_width - ImGui::GetStyle().ItemSpacing.x);
                ImGui::TextDisabled("%s", facts.c_str());
            }
            ImGui::PopID();
        }
        ImGui::PopID();
    }
    ImGui::EndChild();
}

// Services: the chosen ones as chips above a search field; the list of services shows while none is chosen,
// while the search has text, or when asked for ("Add a service"), so that a chosen record's form stays short.
void draw_services(AppState& state, std::vector<Intent>& intents) {
    if (!state.catalog) {
        loading_line(state, RequestKind::catalog);
        return;
    }
    section_title("ui.services");
    draw_service_chips(state, intents);
    bool listing = state.form.service_ids.empty() || !state.service_search.empty() || state.services_listed;
    if (!listing) {
        ui::same_line_if_room(ui::button_width(tr("ui.service_add")));
        if (ImGui::SmallButton(label("ui.service_add", "service_add").c_str())) state.services_listed = true;
        remember("service_add");
        draw_error_beside(state, FormPart::services);
        return;
    }
    float done = state.form.service_ids.empty() ? 0.0f : ui::button_width(tr("ui.service_list_done")) + ImGui::GetStyle().ItemSpacing.x;
    ImGui::SetNextItemWidth(-done - 1.0f);
    ImGui::InputTextWithHint("###service_search", tr("ui.service_search").c_str(), &state.service_search);
    remember("service_search");
    if (done > 0) {
        ImGui::SameLine();
        if (ImGui::Button(label("ui.service_list_done", "service_list_done").c_str())) {
            state.services_listed = false;
            state.service_search.clear();
        }
        remember("service_list_done");
    }
    auto services = visible_services(state);
    if (services.empty()) ImGui::TextDisabled("%s", tr("ui.no_services_found").c_str());
    else draw_service_list(state, services, intents);
    draw_error_beside(state, FormPart::services);
}

void draw_staff(const AppState& state, std::vector<Intent>& intents) {
    if (state.form.service_ids.empty()) return;
    ImGui::Spacing();
    if (state.staff.empty()) {
        section_title("ui.employee");
        loading_line(state, RequestKind::staff);
        return;
    }
    std::string current = tr("ui.choose_employee");
    if (state.form.staff_id == 0) current = tr("ui.any_employee");
    for (const auto& s : state.staff)
        if (s.id == state.form.staff_id) current = s.name;
    ui::field_label(tr("ui.employee"));
    if (ImGui::BeginCombo("###staff", current.c_str())) {
        if (ImGui::Selectable(label("ui.any_employee", "any").c_str(), state.form.staff_id == 0)) intents.push_back(intent::ChooseStaff{0});
        remember("staff_option_0");
        for (const auto& s : state.staff) {
            ImGui::PushID(static_cast<int>(s.id));
            std::string text = s.specialization.empty() ? s.name : s.name + " — " + s.specialization;
            if (ImGui::Selectable(text.c_str(), state.form.staff_id == s.id)) intents.push_back(intent::ChooseStaff{s.id});
            remember("staff_option_" + std::to_string(s.id));
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    remember("staff");
    draw_error_beside(state, FormPart::employee);
    // The grid: this employee's day, or everyone's (filterable there).
    if (ImGui::SmallButton(label("ui.schedule.open_all", "open_schedule_all").c_str())) intents.push_back(intent::OpenSchedule{0});
    remember("open_schedule_all");
    if (state.form.staff_id > 0) {
        ui::same_line_if_room(ui::button_width(tr("ui.schedule.open_one")));
        if (ImGui::SmallButton(label("ui.schedule.open_one", "open_schedule_one").c_str()))
            intents.push_back(intent::OpenSchedule{state.form.staff_id});
        remember("open_schedule_one");
    }
}

void draw_day_and_time(const AppState& state, std::vector<Intent>& intents) {
    if (state.form.staff_id < 0) return;
    if (state.dates.empty()) {
        section_title("ui.date");
        if (state.loading(RequestKind::dates)) loading_line(state, RequestKind::dates);
        else ImGui::TextDisabled("%s", tr("ui.no_dates").c_str());
        return;
    }
    ui::field_label(tr("ui.date"));
    if (ImGui::BeginCombo("###date", ui::format_day(state.form.date).c_str())) {
        for (size_t i = 0; i < state.dates.size(); ++i) {
            ImGui::PushID(static_cast<int>(i));
            if (ImGui::Selectable(ui::format_day(state.dates[i]).c_str(), state.dates[i] == state.form.date))
                intents.push_back(intent::ChooseDate{state.dates[i]});
            remember("date_option_" + state.dates[i]);
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    remember("date");
    draw_error_beside(state, FormPart::date);

    section_title("ui.time");
    draw_error_beside(state, FormPart::time);
    if (state.times.empty()) {
        if (state.loading(RequestKind::times)) loading_line(state, RequestKind::times);
        else ImGui::TextDisabled("%s", tr("ui.no_times").c_str());
        return;
    }
    // Six to a row in a card column, so that a day of quarter hours stays a short grid.
    float spacing = ImGui::GetStyle().ItemSpacing.x * 0.75f;
    float button_width = ImGui::CalcTextSize("00:00").x + ImGui::GetStyle().FramePadding.x * 2.5f;
    int per_row = std::max(1, static_cast<int>((ImGui::GetContentRegionAvail().x + spacing) / (button_width + spacing)));
    for (size_t i = 0; i < state.times.size(); ++i) {
        const auto& slot = state.times[i];
        bool chosen = slot.datetime == state.form.slot_datetime;
        if (i % per_row != 0) ImGui::SameLine(0.0f, spacing);
        if (chosen) {
            ImGui::PushStyleColor(ImGuiCol_Button, ui::accent_color());
            ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ui::accent_color());
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
        }
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::Button(slot.time.c_str(), ImVec2(button_width, 0))) intents.push_back(intent::ChooseSlot{slot.datetime});
        remember("time_" + slot.time);
        ImGui::PopID();
        if (chosen) ImGui::PopStyleColor(3);
    }
}

// A one-line field of the form, edited in place; Enter in it confirms the form, as in a web page's form
// (the reducer refuses while something is missing). Tab moves to the next field.
void text_field(std::vector<Intent>& intents, const char* key, const char* id, std::string& value) {
    ui::field_label(tr(key));
    if (ImGui::InputText((std::string("###") + id).c_str(), &value, ImGuiInputTextFlags_EnterReturnsTrue))
        intents.push_back(intent::Book{});
    remember(id);
}

void draw_comment(AppState& state, std::vector<Intent>& intents) {
    ui::field_label(tr("ui.comment"));
    if (ImGui::InputTextMultiline("###comment", &state.form.comment, ImVec2(-1, ImGui::GetTextLineHeight() * 2.6f)))
        intents.push_back(intent::EditClient{});
    remember("comment");
}

void draw_client(AppState& state, std::vector<Intent>& intents) {
    section_title("ui.client");
    text_field(intents, "ui.name", "client_name", state.form.name);
    text_field(intents, "ui.phone", "client_phone", state.form.phone);
    text_field(intents, "ui.email", "client_email", state.form.email);
    draw_error_beside(state, FormPart::client);
    draw_comment(state, intents);
}

// Editing a record from the log: which record, whose, in which branch, and the way back without saving.
void draw_editing_header(const AppState& state, std::vector<Intent>& intents) {
    ImGui::Spacing();
    ImGui::TextColored(ui::accent_text_color(), "%s %lld", tr("ui.edit.title").c_str(), static_cast<long long>(state.editing.record_id));
    remember("editing_title");
    const auto* branch = state.branch();
    if (branch) ImGui::TextDisabled("%s", branch->title.c_str());
    if (!state.form.name.empty()) ImGui::Text("%s  %s", state.form.name.c_str(), state.form.phone.c_str());
    if (ImGui::SmallButton(label("ui.edit.cancel", "stop_editing").c_str())) intents.push_back(intent::StopEditing{});
    remember("stop_editing");
}

ImVec4 color_of_hex(const std::string& hex) { return ui::color_from_hex(hex, ImVec4(0.6f, 0.6f, 0.6f, 1.0f)); }

// The record's colour in Altegio's calendar: the employee's default or one of the palette.
void draw_color(const AppState& state, std::vector<Intent>& intents) {
    section_title("ui.color");
    float size = ImGui::GetFrameHeight();
    bool none = state.form.color.empty();
    ImGui::PushStyleColor(ImGuiCol_Button, none ? ui::accent_color() : ImGui::GetStyleColorVec4(ImGuiCol_Button));
    ImGui::PushStyleColor(ImGuiCol_Text, none ? ImVec4(1, 1, 1, 1) : ImGui::GetStyleColorVec4(ImGuiCol_Text));
    if (ImGui::Button(label("ui.color_default", "color_none").c_str(), ImVec2(0, size))) intents.push_back(intent::ChooseColor{""});
    ImGui::PopStyleColor(2);
    remember("color_none");
    for (const char* hex : record_palette) {
        ui::same_line_if_room(size);
        std::string id = std::string("color_") + hex;
        if (ImGui::ColorButton(("###" + id).c_str(), color_of_hex(hex), ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoBorder,
                               ImVec2(size, size)))
            intents.push_back(intent::ChooseColor{hex});
        remember(id);
        if (state.form.color == hex) {   // the chosen colour: a dark ring inside the swatch
            float ring = ImGui::GetStyle().FrameRounding;
            ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ui::u32(ui::palette().ring), ring, 0,
                                                size * 0.12f);
        }
    }
}

// Record categories (Altegio's appointment labels), several allowed, each in its own colour.
void draw_labels(const AppState& state, std::vector<Intent>& intents) {
    if (!state.catalog || state.catalog->labels.empty()) return;
    section_title("ui.record_category");
    bool first = true;
    for (const auto& l : state.catalog->labels) {
        std::string id = "label_" + std::to_string(l.id);
        if (!first) ui::same_line_if_room(ui::button_width(l.title));
        first = false;
        bool on = std::find(state.form.label_ids.begin(), state.form.label_ids.end(), l.id) != state.form.label_ids.end();
        ImVec4 color = color_of_hex(l.color);
        ImVec4 faded(color.x, color.y, color.z, 0.18f);
        ImGui::PushStyleColor(ImGuiCol_Button, on ? color : faded);
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, on ? color : ImVec4(color.x, color.y, color.z, 0.35f));
        ImGui::PushStyleColor(ImGuiCol_Text, on ? ImVec4(1, 1, 1, 1) : ImGui::GetStyleColorVec4(ImGuiCol_Text));
        if (ImGui::SmallButton((l.title + "###" + id).c_str())) intents.push_back(intent::ToggleLabel{l.id});
        ImGui::PopStyleColor(3);
        remember(id);
    }
}

// The branch's additional record fields that the admin mapped: one line each, numbers and dates checked by
// the relay (the keyboard filter here only helps).
void draw_record_fields(AppState& state, std::vector<Intent>& intents) {
    if (!state.catalog || state.catalog->record_fields.empty()) return;
    section_title("ui.record_fields");
    for (const auto& field : state.catalog->record_fields) {
        std::string id = "field_" + field.code;
        ui::field_label(field.title);
        std::string& value = state.form.custom_fields[field.code];
        ImGuiInputTextFlags flags = ImGuiInputTextFlags_EnterReturnsTrue;
        if (field.type == "number") flags |= ImGuiInputTextFlags_CharsDecimal;
        const char* hint = field.type == "date" ? tr("ui.date_hint").c_str() : "";
        if (ImGui::InputTextWithHint(("###" + id).c_str(), hint, &value, flags)) intents.push_back(intent::Book{});
        remember(id);
    }
    draw_error_beside(state, FormPart::record_fields);
}

// Individual record or a seat in a group event.
void draw_mode(const AppState& state, std::vector<Intent>& intents) {
    if (!state.catalog) return;
    ImGui::Spacing();
    float width = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
    struct Mode {
        const char* key;
        const char* id;
        bool group;
    };
    for (Mode m : {Mode{"ui.group.individual", "mode_individual", false}, Mode{"ui.group.group", "mode_group", true}}) {
        if (m.group) ImGui::SameLine();
        bool on = state.form.group == m.group;
        for (ImGuiCol part : {ImGuiCol_Button, ImGuiCol_ButtonHovered})
            ImGui::PushStyleColor(part, on ? ui::accent_color() : ImGui::GetStyleColorVec4(part));
        ImGui::PushStyleColor(ImGuiCol_Text, on ? ImVec4(1, 1, 1, 1) : ImGui::GetStyleColorVec4(ImGuiCol_Text));
        if (ui::fitted_button(tr(m.key), m.id, ImVec2(width, 0))) intents.push_back(intent::SetGroupMode{m.group});
        ImGui::PopStyleColor(3);
    }
}

// The day's group events with their free seats; a full one cannot be chosen.
void draw_group_events(const AppState& state, std::vector<Intent>& intents) {
    section_title("ui.group.events_of_day");
    if (ImGui::SmallButton(label("ui.schedule.prev_day", "events_prev_day").c_str())) intents.push_back(intent::ShiftEventsDay{-1});
    remember("events_prev_day");
    ImGui::SameLine();
    ImGui::TextUnformatted(ui::format_day(state.form.events_date).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton(label("ui.schedule.next_day", "events_next_day").c_str())) intents.push_back(intent::ShiftEventsDay{1});
    remember("events_next_day");
    if (!state.events) {
        loading_line(state, RequestKind::events);
        return;
    }
    if (state.events->empty()) ImGui::TextDisabled("%s", tr("ui.group.none").c_str());
    for (const auto& e : *state.events) {
        std::string id = "event_" + std::to_string(e.id);
        std::string time = e.date.size() >= 16 ? e.date.substr(11, 5) : e.date;
        std::string seats = e.free_seats() > 0 ? tr("ui.group.free_seats") + ": " + std::to_string(e.free_seats()) + " / " + std::to_string(e.capacity)
                                               : tr("ui.group.full");
        std::string text = time + "  " + e.service_title + "\n" + e.staff_name + " · " + seats;
        ImGui::BeginDisabled(e.free_seats() == 0);
        if (ImGui::Selectable((text + "###" + id).c_str(), state.form.activity_id == e.id, 0,
                              ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 2)))
            intents.push_back(intent::ChooseEvent{e.id});
        ImGui::EndDisabled();
        remember(id);
    }
    draw_error_beside(state, FormPart::events);
}

// Services, employee, day and time of an individual record.
void draw_individual(AppState& state, std::vector<Intent>& intents) {
    draw_services(state, intents);
    draw_staff(state, intents);
    draw_day_and_time(state, intents);
}

void draw_result(const AppState& state, std::vector<Intent>& intents) {
    const auto& result = *state.result;
    const auto& record = result.record;
    ImGui::TextColored(ui::accent_text_color(), "%s", tr("ui.booked_title").c_str());
    remember("booked_title");
    ImGui::Text("%s: %lld", tr("ui.record_id").c_str(), static_cast<long long>(record.id));
    remember("booked_record_id");
    std::string when = record.date.size() >= 16 ? ui::format_day(record.date.substr(0, 10)) + ", " + record.date.substr(11, 5) : record.datetime;
    ImGui::TextUnformatted(when.c_str());
    ImGui::TextUnformatted(result.branch_title.c_str());
    ImGui::TextUnformatted(record.staff_name.c_str());
    for (const auto& s : record.services) ImGui::BulletText("%s", s.title.c_str());
    if (result.lead_updated) {   // Kommo's card shows the new field values once it is reloaded
        ui::text_muted_wrapped(tr("ui.lead_fields_written"));
        remember("lead_fields_written");
    }
    draw_error(state, intents);
    if (!result.lead_updated) {
        if (ImGui::Button(label("ui.retry_lead", "retry_lead").c_str())) intents.push_back(intent::Book{state.request_key});
        remember("retry_lead");
    }
    ImGui::Spacing();
    if (ImGui::Button(label("ui.book_another", "book_another").c_str())) intents.push_back(intent::BookAnother{});
    remember("book_another");
}

}  // namespace

void draw_booking_choices(AppState& state, std::vector<Intent>& intents) {
    bool editing = state.editing.record_id != 0;
    bool group = state.form.group && !editing;
    if (editing) draw_editing_header(state, intents);
    else draw_branch(state, intents);
    if (!editing) draw_mode(state, intents);
    if (group) draw_group_events(state, intents);
    else draw_individual(state, intents);
}

void draw_booking_details(AppState& state, std::vector<Intent>& intents) {
    bool editing = state.editing.record_id != 0;
    bool group = state.form.group && !editing;
    if (editing) draw_comment(state, intents);
    else draw_client(state, intents);
    if (!group) {
        draw_color(state, intents);
        draw_labels(state, intents);
        draw_record_fields(state, intents);
    }

    ImGui::Spacing();
    if (int minutes = chosen_duration_minutes(state); minutes > 0)
        ImGui::TextDisabled("%s: %d %s", tr("ui.summary").c_str(), minutes, tr("ui.minutes").c_str());
    bool booking = state.loading(RequestKind::book);
    ImGui::BeginDisabled(!state.can_book());
    ImGui::PushStyleColor(ImGuiCol_Button, ui::accent_color());
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ui::vec(ui::palette().accent, 0.88f));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    const char* button_key = editing ? (state.loading(RequestKind::edit) ? "ui.edit.saving" : "ui.edit.save")
                             : booking ? "ui.booking"
                             : group   ? "ui.group.book"
                                       : "ui.create_record";
    if (ImGui::Button(label(button_key, "create_record").c_str(), ImVec2(-1, 0))) intents.push_back(intent::Book{});
    ImGui::PopStyleColor(3);
    ImGui::EndDisabled();
    remember("create_record");
    draw_error(state, intents);
}

void draw_booking_window(AppState& state, std::vector<Intent>& intents) {
    if (!state.card) {
        loading_line(state, RequestKind::card);
        draw_error(state, intents);
        return;
    }
    if (state.result) {
        draw_result(state, intents);
        return;
    }
    if (!state.card->may_book()) {   // said before the form is filled, not after: the schedule stays readable
        bool failed = state.card->access == wire::api::BookingAccess::login_failed;
        ui::text_error_wrapped(tr(failed ? "ui.error.altegio_login_failed" : "ui.error.altegio_login_not_linked"));
        remember(failed ? "access_login_failed" : "access_not_linked");
        ImGui::Separator();
    }
    draw_booking_choices(state, intents);
    draw_booking_details(state, intents);
}

}  // namespace kb::widget::views
