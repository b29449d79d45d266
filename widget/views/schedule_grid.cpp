#include "widget/views/schedule_grid.hpp"

#include <algorithm>
#include <imgui.h>
#include "shared/domain/calendar.hpp"
#include "widget/ui/controls.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"
#include "widget/views/common.hpp"

namespace kb::widget::views {
namespace {

using ui::label;
using ui::remember;
using ui::tr;

// The grid's colours, from the theme in force (light or dark).
ImU32 grid(ui::Rgb ui::Palette::*role) { return ui::u32(ui::palette().*role); }

// Altegio's custom_color ("f44336") as a fill; the default blue when it is empty or not a colour.
ImU32 record_fill(const std::string& hex) {
    return ImGui::ColorConvertFloat4ToU32(ui::color_from_hex(hex, ImGui::ColorConvertU32ToFloat4(grid(&ui::Palette::record_fill))));
}

// Dark text on light fills, white on dark ones.
ImU32 text_on(ImU32 fill) {
    float r = static_cast<float>(fill & 0xFF), g = static_cast<float>((fill >> 8) & 0xFF), b = static_cast<float>((fill >> 16) & 0xFF);
    return 0.299f * r + 0.587f * g + 0.114f * b > 150.0f ? IM_COL32(30, 35, 45, 255) : IM_COL32(255, 255, 255, 255);
}

int32_t record_start_minute(const domain::Record& r) { return r.date.size() >= 16 ? domain::minute_of_day(r.date.substr(11, 5)) : -1; }

void draw_header(const AppState& state, std::vector<Intent>& intents, bool host_closes) {
    const auto& view = state.schedule.view;
    ImGui::TextColored(ui::accent_text_color(), "%s · %s", tr("ui.schedule.title").c_str(), ui::format_day(view.date).c_str());
    remember("schedule_title");
    if (!host_closes) {
        float close_width = ImGui::CalcTextSize(tr("ui.schedule.close").c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
        // Left of the host window's own × in the corner.
        ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - close_width - ImGui::GetFrameHeight() * 1.5f);
        if (ImGui::Button(label("ui.schedule.close", "schedule_close").c_str())) intents.push_back(intent::CloseSchedule{});
        remember("schedule_close");
    }

    struct Step {
        const char* key;
        const char* id;
        int64_t days;
    };
    const Step steps[] = {{"ui.schedule.prev_week", "schedule_prev_week", -7}, {"ui.schedule.prev_day", "schedule_prev_day", -1},
                          {"ui.schedule.today", "schedule_today", 0},          {"ui.schedule.next_day", "schedule_next_day", 1},
                          {"ui.schedule.next_week", "schedule_next_week", 7}};
    for (size_t i = 0; i < std::size(steps); ++i) {
        if (i > 0) ImGui::SameLine();
        if (ImGui::Button(label(steps[i].key, steps[i].id).c_str())) intents.push_back(intent::ShiftScheduleDay{steps[i].days});
        remember(steps[i].id);
    }
    if (state.schedule.day && !state.schedule.day->timezone_name.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s: %s", tr("ui.schedule.branch_time").c_str(), state.schedule.day->timezone_name.c_str());
    }
}

// "All employees" and one toggle per employee offering the chosen services; the chosen ones are blue.
void draw_staff_filter(const AppState& state, std::vector<Intent>& intents) {
    const auto& chosen = state.schedule.view.staff_ids;
    auto toggle = [&](const std::string& text, const std::string& id, bool on, int64_t staff_id) {
        if (id != "schedule_staff_all") ui::same_line_if_room(ui::button_width(text));
        if (on) {
            for (ImGuiCol part : {ImGuiCol_Button, ImGuiCol_ButtonHovered, ImGuiCol_ButtonActive}) ImGui::PushStyleColor(part, ui::accent_color());
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
        }
        if (ImGui::SmallButton((text + "###" + id).c_str())) intents.push_back(intent::FilterScheduleStaff{staff_id});
        remember(id);
        if (on) ImGui::PopStyleColor(4);
    };
    toggle(tr("ui.schedule.all_staff"), "schedule_staff_all", chosen.empty(), 0);
    for (const auto& s : state.staff) {
        bool on = std::find(chosen.begin(), chosen.end(), s.id) != chosen.end();
        toggle(s.name, "schedule_staff_" + std::to_string(s.id), on, s.id);
    }
}

void record_tooltip(const domain::Record& r) {
    ImGui::BeginTooltip();
    int32_t start = record_start_minute(r);
    ImGui::Text("%s–%s", domain::format_minute_of_day(start).c_str(), domain::format_minute_of_day(start + r.seance_length / 60).c_str());
    if (r.client) ImGui::Text("%s  %s", r.client->name.c_str(), r.client->phone.c_str());
    for (const auto& s : r.services) ImGui::BulletText("%s", s.title.c_str());
    StatusLook look = status_look(r);
    ImGui::TextColored(look.color, "%s", tr(look.key).c_str());
    if (!r.comment.empty()) ImGui::TextDisabled("%s", r.comment.c_str());
    ImGui::EndTooltip();
}

struct GridGeometry {
    ImVec2 origin;            // top-left of the first column's body (below the headers)
    float axis_width = 0;
    float column_width = 0;
    float per_minute = 0;
    int32_t first_minute = 0;
    float y_of(int32_t minute) const { return origin.y + (minute - first_minute) * per_minute; }
};

void draw_column(const AppState& state, const wire::api::ScheduleColumn& column, const GridGeometry& g, float x0, int32_t last_minute,
                 std::vector<Intent>& intents) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    float x1 = x0 + g.column_width;
    float top = g.y_of(g.first_minute), bottom = g.y_of(last_minute);
    float inset = ImGui::GetStyle().ItemInnerSpacing.x * 0.75f;
    // Off hours grey, working hours white (unknown hours: all white).
    if (column.hours_known) {
        draw->AddRectFilled(ImVec2(x0, top), ImVec2(x1, bottom), grid(&ui::Palette::off_hours));
        for (const auto& w : column.working)
            draw->AddRectFilled(ImVec2(x0, g.y_of(domain::minute_of_day(w.from))), ImVec2(x1, g.y_of(domain::minute_of_day(w.to))),
                                grid(&ui::Palette::working));
    }
    for (int32_t m = g.first_minute; m <= last_minute; m += 30)
        draw->AddLine(ImVec2(x0, g.y_of(m)), ImVec2(x1, g.y_of(m)), m % 60 == 0 ? grid(&ui::Palette::hour_line) : grid(&ui::Palette::half_hour_line));
    draw->AddLine(ImVec2(x0, top), ImVec2(x0, bottom), grid(&ui::Palette::hour_line));

    for (const auto& r : column.records) {
        int32_t start = record_start_minute(r);
        if (start < 0) continue;
        ImVec2 a(x0 + inset, g.y_of(start) + 1), b(x1 - inset, g.y_of(start + std::max(15, r.seance_length / 60)) - 1);
        ImU32 fill = record_fill(r.color);
        draw->AddRectFilled(a, b, fill, 4.0f);
        std::string text = domain::format_minute_of_day(start) + " " + (r.client ? r.client->name : std::string());
        for (const auto& s : r.services) text += "\n" + s.title;
        draw->PushClipRect(a, b, true);
        draw->AddText(ImVec2(a.x + inset, a.y + 1), text_on(fill), text.c_str());
        draw->PopClipRect();
        ImGui::SetCursorScreenPos(a);
        ImGui::InvisibleButton(("record_" + std::to_string(r.id)).c_str(), ImVec2(std::max(1.0f, b.x - a.x), std::max(1.0f, b.y - a.y)));
        remember("schedule_record_" + std::to_string(r.id));
        if (ImGui::IsItemHovered()) record_tooltip(r);
    }

    // Free starts: a 15-minute button each; hovering shows the whole length the booking would take.
    for (const auto& slot : column.free) {
        int32_t start = domain::minute_of_day(slot.time);
        if (start < 0) continue;
        int32_t length = std::max(15, slot.seance_length / 60);
        ImVec2 a(x0 + inset, g.y_of(start) + 1), b(x1 - inset, g.y_of(start + 15) - 1);
        ImGui::SetCursorScreenPos(a);
        std::string id = "free_" + std::to_string(column.staff.id) + "_" + slot.time.substr(0, 2) + slot.time.substr(3, 2);
        bool clicked = ImGui::InvisibleButton(id.c_str(), ImVec2(std::max(1.0f, b.x - a.x), std::max(1.0f, b.y - a.y)));
        remember(id);
        bool hovered = ImGui::IsItemHovered();
        if (hovered) draw->AddRect(ImVec2(a.x, a.y), ImVec2(b.x, g.y_of(start + length) - 1), grid(&ui::Palette::free_text), 4.0f, 0, 1.5f);
        draw->AddRectFilled(a, b, hovered ? grid(&ui::Palette::free_fill_hovered) : grid(&ui::Palette::free_fill), 3.0f);
        draw->AddText(ImVec2(a.x + inset * 2, a.y + (b.y - a.y - ImGui::GetFontSize()) * 0.5f), grid(&ui::Palette::free_text),
                      (slot.time + "  " + tr("ui.schedule.free")).c_str());
        if (hovered)
            ImGui::SetTooltip("%s %s–%s", tr("ui.schedule.book_at").c_str(), slot.time.c_str(),
                              domain::format_minute_of_day(start + length).c_str());
        if (clicked) intents.push_back(intent::PickFreeSlot{column.staff.id, slot.datetime});
    }
    (void)state;
}

// The employees' names and notes above their columns, outside the part that scrolls down, so they stay in view
// over any hour; they follow the columns sideways. `left`..`right`: the body's visible columns on the screen.
void draw_column_headers(const wire::api::DaySchedule& day, float first_x, float column_width, ImVec2 top, float height, float left,
                         float right) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    float line = ImGui::GetTextLineHeight(), pad = ImGui::GetStyle().FramePadding.x;
    ImVec2 after = ImGui::GetCursorScreenPos();
    for (size_t i = 0; i < day.columns.size(); ++i) {
        const auto& column = day.columns[i];
        float x0 = first_x + column_width * static_cast<float>(i), x1 = x0 + column_width;
        float shown_from = std::max(x0, left), shown_to = std::min(x1 - 4, right);
        if (shown_to <= shown_from) continue;
        draw->PushClipRect(ImVec2(shown_from, top.y), ImVec2(shown_to, top.y + height), true);
        draw->AddText(ImVec2(x0 + pad, top.y), ImGui::GetColorU32(ImGuiCol_Text), column.staff.name.c_str());
        std::string note = column.hours_known && column.working.empty() ? tr("ui.schedule.day_off")
                           : column.hours_known                       ? std::string()
                                                                      : tr("ui.schedule.hours_unknown");
        if (note.empty()) note = column.staff.specialization;
        draw->AddText(ImVec2(x0 + pad, top.y + line * 1.1f), ImGui::GetColorU32(ImGuiCol_TextDisabled), note.c_str());
        draw->PopClipRect();
        ImGui::SetCursorScreenPos(ImVec2(shown_from, top.y));
        ImGui::Dummy(ImVec2(shown_to - shown_from, height));
        remember("schedule_column_" + std::to_string(column.staff.id));
    }
    ImGui::SetCursorScreenPos(after);
}

void draw_grid(const AppState& state, std::vector<Intent>& intents) {
    const auto& day = *state.schedule.day;
    if (day.columns.empty()) {
        ImGui::TextDisabled("%s", tr("ui.schedule.no_employees").c_str());
        remember("schedule_empty");
        return;
    }
    MinuteRange hours = schedule_hours(day);
    float line = ImGui::GetTextLineHeight();
    float header_height = line * 2.4f;
    ImVec2 header_top = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(0, header_height));   // the names' row, drawn once the body's sideways scroll is known

    ImGui::BeginChild("###schedule_grid", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
    GridGeometry g;
    g.axis_width = ImGui::CalcTextSize("00:00").x + ImGui::GetStyle().ItemSpacing.x * 2;
    float available = ImGui::GetContentRegionAvail().x - g.axis_width;
    g.column_width = std::max(line * 9.0f, available / static_cast<float>(day.columns.size()));
    g.per_minute = (line + ImGui::GetStyle().FramePadding.y * 2) / 15.0f;
    g.first_minute = hours.first;
    ImVec2 start = ImGui::GetCursorScreenPos();
    g.origin = ImVec2(start.x + g.axis_width, start.y + line * 0.5f);
    // A day shown for the first time opens half an hour before its first free time (see schedule_opening_minute). The
    // day last opened is kept in the grid window's own ImGui storage, as ImGui keeps its scroll.
    ImGuiStorage* storage = ImGui::GetStateStorage();
    ImGuiID opened_key = ImGui::GetID("###opened_day"), this_day = ImGui::GetID(day.date.c_str());
    if (storage->GetInt(opened_key) != static_cast<int>(this_day)) {
        storage->SetInt(opened_key, static_cast<int>(this_day));
        ImGui::SetScrollY(std::max(0.0f, (schedule_opening_minute(day) - 30 - hours.first) * g.per_minute));
    }
    ImDrawList* draw = ImGui::GetWindowDrawList();

    for (size_t i = 0; i < day.columns.size(); ++i)
        draw_column(state, day.columns[i], g, g.origin.x + g.column_width * static_cast<float>(i), hours.last, intents);
    for (int32_t m = hours.first; m <= hours.last; m += 60)
        draw->AddText(ImVec2(start.x + 2, g.y_of(m) - line * 0.5f), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                      domain::format_minute_of_day(m).c_str());
    // The content's full size, so the child scrolls over every column and hour.
    ImGui::SetCursorScreenPos(start);
    ImGui::Dummy(ImVec2(g.axis_width + g.column_width * static_cast<float>(day.columns.size()),
                        line * 0.5f + (hours.last - hours.first) * g.per_minute + line));
    float left = ImGui::GetWindowPos().x + g.axis_width, right = ImGui::GetWindowPos().x + ImGui::GetWindowSize().x;
    ImGui::EndChild();
    draw_column_headers(day, g.origin.x, g.column_width, header_top, header_height, left, right);
}

}  // namespace

void draw_schedule_grid(const AppState& state, std::vector<Intent>& intents, bool host_closes) {
    draw_header(state, intents, host_closes);
    draw_staff_filter(state, intents);
    if (state.form.service_ids.empty()) ImGui::TextDisabled("%s", tr("ui.schedule.choose_services_first").c_str());
    else ImGui::TextDisabled("%s", tr("ui.schedule.free_hint").c_str());
    draw_error(state, intents);
    if (!state.schedule.day) {
        loading_line(state, RequestKind::schedule);
        return;
    }
    draw_grid(state, intents);
}

}  // namespace kb::widget::views
