// The widget's shell: a GLFW window on a WebGL2 canvas, Dear ImGui, and the loop that draws only while
// something changes. script.js drives it through the exported kb_* functions.
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <string>
#include "widget/platform/host_bridge.hpp"
#include "widget/state/app_state.hpp"
#include "widget/state/settings_state.hpp"
#include "widget/ui/clipboard.hpp"
#include "widget/ui/controls.hpp"
#include "widget/ui/fallback_fonts.hpp"
#include "widget/ui/i18n.hpp"
#include "widget/ui/theme.hpp"
#include "widget/ui/wheel.hpp"
#include "widget/views/account_log.hpp"
#include "widget/views/lead_card.hpp"
#include "widget/views/schedule_grid.hpp"
#include "widget/views/settings_page.hpp"

namespace {

struct Shell {
    GLFWwindow* window = nullptr;
    kb::widget::AppState state;
    kb::widget::SettingsState settings;   // the advanced settings page, when the shell was started there
    bool settings_page = false;
    float pixel_ratio = 1.0f;
    float css_width = 360.0f, css_height = 640.0f;
    int frames_wanted = 2;           // frames still to draw before going idle
    long frames_drawn = 0;
    double first_frame_ms = 0;
    double last_frame_draw_ms = 0;   // the last drawn frame's own time: layout, draw lists and GL submission
    float reported_height = 0;
    bool started = false;
    bool modal = false;              // the canvas is the schedule grid's window over the page
    bool escape_pressed = false;     // seen by the key callback: a press and release within one frame still counts
    // ImGui 1.86 reads keys as held down at each frame's start: a key pressed and released between two frames (a
    // quick tap) would go unseen, and two shortcuts between two frames (Ctrl+A then Ctrl+V on a slow machine) would
    // reach one frame together, where a text field acts on only one of them. So key events wait here, and each frame
    // is handed them up to the first press of a key that is not a modifier (feed_keys).
    std::deque<std::array<int, 4>> keys;   // key, scancode, action, mods
};

Shell& shell() {
    static Shell s;
    return s;
}

// The screen's pixel ratio as the widget uses it: a missing or nonsensical one (0, tiny) counts as 1.
float usable_ratio(double pixel_ratio) { return static_cast<float>(pixel_ratio > 0.5 ? pixel_ratio : 1.0); }

// ImGui settles a change over a couple of frames (hover, popups); three covers it.
void wake(int frames = 3) {
    if (shell().frames_wanted < frames) shell().frames_wanted = frames;
}

void send_all(const std::vector<kb::widget::Call>& calls) {
    for (const auto& call : calls) kb::widget::platform::send(call);
    wake();
}

void process_intents(std::vector<kb::widget::Intent>& intents) {
    for (auto& intent : intents) {
        if (auto* book = std::get_if<kb::widget::intent::Book>(&intent); book && book->key.empty())
            book->key = kb::widget::platform::fresh_request_key();
        if (auto* lead = std::get_if<kb::widget::intent::CreateLead>(&intent); lead && lead->key.empty())
            lead->key = kb::widget::platform::fresh_request_key();
        if (auto* open = std::get_if<kb::widget::intent::OpenLead>(&intent)) kb::widget::platform::open_lead(open->lead_id);
        send_all(kb::widget::apply(shell().state, intent));
    }
    intents.clear();
}

void process_settings_intents(std::vector<kb::widget::SettingsIntent>& intents) {
    for (const auto& intent : intents) send_all(kb::widget::apply(shell().settings, intent));
    intents.clear();
}

bool is_modifier(int key) {
    return key == GLFW_KEY_LEFT_SHIFT || key == GLFW_KEY_RIGHT_SHIFT || key == GLFW_KEY_LEFT_CONTROL || key == GLFW_KEY_RIGHT_CONTROL ||
           key == GLFW_KEY_LEFT_ALT || key == GLFW_KEY_RIGHT_ALT || key == GLFW_KEY_LEFT_SUPER || key == GLFW_KEY_RIGHT_SUPER;
}

// Hands ImGui the waiting key events for this frame: up to and including the first press of a key that is not a
// modifier, and never the release of a key this frame has just seen go down (it is released next frame).
void feed_keys() {
    Shell& s = shell();
    std::vector<int> pressed;
    while (!s.keys.empty()) {
        auto [key, scancode, action, mods] = s.keys.front();
        if (action == GLFW_RELEASE && std::find(pressed.begin(), pressed.end(), key) != pressed.end()) break;
        s.keys.pop_front();
        ImGui_ImplGlfw_KeyCallback(s.window, key, scancode, action, mods);
        if (action == GLFW_RELEASE) continue;
        pressed.push_back(key);
        if (!is_modifier(key)) break;
    }
}

// The font atlas again (another pixel ratio, fallback slices) and its texture: ImGui 1.86's OpenGL backend makes
// the texture only with its other device objects, so a texture dropped later has to be made here.
void rebuild_fonts() {
    kb::widget::ui::load_fonts(shell().pixel_ratio);
    if (!ImGui::GetIO().BackendRendererUserData) return;   // before the backend starts: it builds them itself
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
}

// The views and the intent handlers are called through pointers the optimiser cannot see through: binaryen would
// otherwise inline every one of them (each has one caller) into draw_frame, and the browser, which compiles a
// WebAssembly function when it is first called, would compile every view of the widget before its first frame.
struct FrameCalls {
    void (*settings_page)(kb::widget::SettingsState&, std::vector<kb::widget::SettingsIntent>&);
    void (*schedule_grid)(const kb::widget::AppState&, std::vector<kb::widget::Intent>&, bool);
    void (*account_log)(kb::widget::AppState&, std::vector<kb::widget::Intent>&);
    void (*lead_card)(kb::widget::AppState&, std::vector<kb::widget::Intent>&);
    void (*intents)(std::vector<kb::widget::Intent>&);
    void (*settings_intents)(std::vector<kb::widget::SettingsIntent>&);
};
volatile FrameCalls frame_calls{kb::widget::views::draw_settings_page, kb::widget::views::draw_schedule_grid, kb::widget::views::draw_account_log,
                                kb::widget::views::draw_lead_card, process_intents, process_settings_intents};

void draw_frame() {
    Shell& s = shell();
    // Animations (the loading dots) need frames while requests are out; otherwise draw nothing.
    if (s.frames_wanted <= 0 && !s.state.busy() && !s.settings.busy()) return;
    if (s.frames_wanted > 0) --s.frames_wanted;
    double frame_started = kb::widget::platform::now_ms();
    if (kb::widget::ui::take_font_change()) rebuild_fonts();   // fallback font slices arrived, or characters for them

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    feed_keys();
    ImGui::NewFrame();
    kb::widget::ui::begin_controls_frame(s.pixel_ratio);

    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->Pos);
    ImGui::SetNextWindowSize(viewport->Size);
    std::vector<kb::widget::Intent> intents;
    std::vector<kb::widget::SettingsIntent> settings_intents;
    ImGui::Begin("###booking", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                            ImGuiWindowFlags_NoBringToFrontOnFocus);
    bool pipeline = s.state.place == kb::widget::Place::pipeline;
    // The grid fills the canvas: the pipeline view's canvas is a window over the page already; the card's grows into one.
    bool grid = s.state.schedule.view.open && (pipeline || s.modal);
    if (s.settings_page) frame_calls.settings_page(s.settings, settings_intents);
    else if (grid) frame_calls.schedule_grid(s.state, intents, s.modal);
    else if (pipeline) frame_calls.account_log(s.state, intents);
    else frame_calls.lead_card(s.state, intents);
    float content_height = (ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y) / s.pixel_ratio;
    ImGui::End();
    ImGui::Render();
    kb::widget::ui::note_wheel_room();

    int width = 0, height = 0;
    glfwGetFramebufferSize(s.window, &width, &height);
    glViewport(0, 0, width, height);
    const auto& panel = kb::widget::ui::palette().background;
    glClearColor(panel.r, panel.g, panel.b, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (s.frames_drawn++ == 0) s.first_frame_ms = kb::widget::platform::now_ms();
    s.last_frame_draw_ms = kb::widget::platform::now_ms() - frame_started;
    if (!grid && !s.settings_page && std::fabs(content_height - s.reported_height) > 1.0f) {
        s.reported_height = content_height;
        kb::widget::platform::report_content_height(content_height);
    }
    // Escape closes the grid; over the leads list, it then leaves an edit.
    if (s.escape_pressed && grid) intents.push_back(kb::widget::intent::CloseSchedule{});
    else if (s.escape_pressed && pipeline && s.state.editing.record_id != 0) intents.push_back(kb::widget::intent::StopEditing{});
    s.escape_pressed = false;
    frame_calls.intents(intents);
    frame_calls.settings_intents(settings_intents);
    // The grid needs room: the host moves the canvas into a window over the page while it is open.
    bool want_modal = s.state.place == kb::widget::Place::lead_card && s.state.schedule.view.open;
    if (!s.keys.empty()) wake();   // keys still waiting: the next frame takes them
    if (want_modal != s.modal) {
        s.modal = want_modal;
        s.reported_height = 0;
        kb::widget::platform::set_modal(want_modal);
        wake();
    }
}

// A start's frame is drawn at once rather than at the next animation frame, which comes up to 16 ms later (more
// while the page is busy): the widget appears sooner.
void draw_at_once() {
    wake();
    draw_frame();
}

// Text that may be shown: the characters the embedded font lacks have their fallback font slices fetched.
void note_text(const char* utf8) {
    kb::widget::ui::note_text(utf8 ? utf8 : "");
    for (int slice : kb::widget::ui::slices_to_fetch()) kb::widget::platform::fetch_font_slice(slice);
}

void on_input_cursor(GLFWwindow*, double, double) { wake(); }
void on_input_button(GLFWwindow*, int, int, int) { wake(); }
// Installed over the ImGui backend's scroll callback: emscripten 3.1.6's GLFW passes the browser's deltas as they
// are (positive downwards, in pixels or lines), while ImGui counts notches, positive upwards, as native GLFW does.
// Without this a turn of the wheel down scrolled up, by a hundred lines.
void on_input_scroll(GLFWwindow*, double dx, double dy) {
    double per_notch = kb::widget::platform::wheel_units_per_notch();
    ImGuiIO& io = ImGui::GetIO();
    io.MouseWheelH -= static_cast<float>(dx / per_notch);
    io.MouseWheel -= static_cast<float>(dy / per_notch);
    wake();
}
// Installed over the ImGui backend's own key callback: the event waits for the next frame (Shell::keys).
void on_input_key(GLFWwindow*, int key, int scancode, int action, int mods) {
    Shell& s = shell();
    wake();
    if (key == GLFW_KEY_ESCAPE && action == GLFW_PRESS) s.escape_pressed = true;
    s.keys.push_back({key, scancode, action, mods});
}
void on_input_char(GLFWwindow*, unsigned int) { wake(); }

}  // namespace

extern "C" {

// Called by script.js once the card context is known: lead id, language and the "ui" strings.
EMSCRIPTEN_KEEPALIVE void kb_start(double lead_id, const char* language, const char* strings_json) {
    kb::widget::ui::load_strings(strings_json);
    shell().started = true;
    send_all(kb::widget::start(shell().state, static_cast<int64_t>(lead_id), language));
    shell().state.today = kb::widget::platform::today();
    draw_at_once();
}

// Called by script.js over the leads list: the account's log for `today` (the user's date, "YYYY-MM-DD").
EMSCRIPTEN_KEEPALIVE void kb_start_pipeline(const char* language, const char* strings_json, const char* today) {
    kb::widget::ui::load_strings(strings_json);
    shell().started = true;
    send_all(kb::widget::start_pipeline(shell().state, language, today));
    draw_at_once();
}

// Called by script.js on Kommo's advanced settings page (account administrators): the settings sections.
EMSCRIPTEN_KEEPALIVE void kb_start_settings(const char* language, const char* strings_json) {
    kb::widget::ui::load_strings(strings_json);
    shell().started = true;
    shell().settings_page = true;
    shell().settings.utc_offset_seconds = kb::widget::platform::utc_offset_seconds();
    send_all(kb::widget::start_settings(shell().settings, language, kb::widget::platform::today()));
    draw_at_once();
}

// Kommo's theme as script.js reads it from the page (1: dark): the widget redraws in it at once, no reload.
EMSCRIPTEN_KEEPALIVE void kb_set_theme(int dark) {
    if ((dark != 0) == kb::widget::ui::dark_theme()) return;
    kb::widget::ui::apply_theme(shell().pixel_ratio, dark != 0);
    wake();
}

EMSCRIPTEN_KEEPALIVE void kb_set_language(const char* language, const char* strings_json) {
    kb::widget::ui::load_strings(strings_json);
    shell().state.language = language;
    wake();
}

EMSCRIPTEN_KEEPALIVE void kb_on_response(int request_id, int http_status, const char* body) {
    note_text(body);
    if (shell().settings.owns(request_id)) send_all(kb::widget::on_reply(shell().settings, request_id, http_status, body));
    else send_all(kb::widget::on_reply(shell().state, request_id, http_status, body));
}

// The canvas's CSS size and the screen's pixel ratio; the framebuffer is CSS size × ratio for sharp text.
EMSCRIPTEN_KEEPALIVE void kb_resize(double css_width, double css_height, double pixel_ratio) {
    Shell& s = shell();
    float ratio = usable_ratio(pixel_ratio);
    bool ratio_changed = std::fabs(ratio - s.pixel_ratio) > 0.01f;
    s.css_width = static_cast<float>(css_width);
    s.css_height = static_cast<float>(css_height);
    s.pixel_ratio = ratio;
    glfwSetWindowSize(s.window, static_cast<int>(std::lround(css_width * ratio)), static_cast<int>(std::lround(css_height * ratio)));
    emscripten_set_element_css_size("#kb-widget-canvas", css_width, css_height);
    if (ratio_changed) {
        kb::widget::ui::apply_theme(ratio, kb::widget::ui::dark_theme());
        rebuild_fonts();
    }
    wake();
}

// Text typed or composed (any script), from script.js's hidden text field.
EMSCRIPTEN_KEEPALIVE void kb_input_text(const char* utf8) {
    note_text(utf8);
    ImGui::GetIO().AddInputCharactersUTF8(utf8);
    wake();
}

// The active text field's selection, for the host's copy and cut events (see widget/ui/clipboard.hpp).
EMSCRIPTEN_KEEPALIVE const char* kb_selected_text() {
    static std::string text;
    text = kb::widget::ui::selected_text();
    return text.c_str();
}
// The clipboard's text from the host's paste event: ImGui inserts it when it handles Ctrl+V.
EMSCRIPTEN_KEEPALIVE void kb_paste_text(const char* utf8) {
    note_text(utf8);
    kb::widget::ui::offer_paste(utf8);
    wake();
}
// Whether a wheel event with these deltas scrolls the widget (else the page keeps it): see widget/ui/wheel.hpp.
EMSCRIPTEN_KEEPALIVE int kb_wheel_scrolls(double dx, double dy) { return kb::widget::ui::wheel_scrolls(dx, dy) ? 1 : 0; }
EMSCRIPTEN_KEEPALIVE const char* kb_controls_json() { return kb::widget::ui::controls_json().c_str(); }
EMSCRIPTEN_KEEPALIVE double kb_frames_drawn() { return static_cast<double>(shell().frames_drawn); }
EMSCRIPTEN_KEEPALIVE double kb_first_frame_ms() { return shell().first_frame_ms; }
EMSCRIPTEN_KEEPALIVE double kb_last_frame_draw_ms() { return shell().last_frame_draw_ms; }
EMSCRIPTEN_KEEPALIVE void kb_wake() { wake(); }
// A fallback font slice fetched by fetch_font_slice (`size` 0: it could not be): the next frame draws with it.
EMSCRIPTEN_KEEPALIVE void kb_on_font(int slice, const unsigned char* data, int size) {
    kb::widget::ui::slice_arrived(slice, std::vector<unsigned char>(data, data + (data ? size : 0)));
    wake();
}
EMSCRIPTEN_KEEPALIVE const char* kb_glyphs_json() {
    static std::string text;
    text = kb::widget::ui::glyphs_json();
    return text.c_str();
}
// The host's own close button (×) of the grid's window.
EMSCRIPTEN_KEEPALIVE void kb_close_modal() {
    std::vector<kb::widget::Intent> intents{kb::widget::intent::CloseSchedule{}};
    process_intents(intents);
}

}  // extern "C"

int main() {
    Shell& s = shell();
    // The font atlas is made once, at the screen's ratio (a HiDPI screen would otherwise make it twice before the
    // first frame: at 1, then again when the host reports the ratio).
    s.pixel_ratio = usable_ratio(kb::widget::platform::pixel_ratio());
    if (!glfwInit()) return 1;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    s.window = glfwCreateWindow(static_cast<int>(s.css_width), static_cast<int>(s.css_height), "kommo-altegio", nullptr, nullptr);
    if (!s.window) return 1;
    glfwMakeContextCurrent(s.window);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    kb::widget::ui::apply_theme(s.pixel_ratio, false);
    kb::widget::ui::load_fonts(s.pixel_ratio);

    // Ours first: the ImGui backend chains to them, so any input wakes the loop.
    glfwSetCursorPosCallback(s.window, on_input_cursor);
    glfwSetMouseButtonCallback(s.window, on_input_button);
    glfwSetCharCallback(s.window, on_input_char);
    ImGui_ImplGlfw_InitForOpenGL(s.window, true);
    kb::widget::platform::wheel_units_per_notch();   // starts watching the wheel's unit
    glfwSetScrollCallback(s.window, on_input_scroll);   // over the backend's (above)
    kb::widget::ui::install_clipboard();   // after the backend, which installs GLFW's own
    glfwSetKeyCallback(s.window, on_input_key);   // over the backend's: it defers quick releases (above)
    kb::widget::platform::take_keys_from_host();
    ImGui_ImplOpenGL3_Init("#version 300 es");

    EM_ASM({ if (Module.kbHost && Module.kbHost.ready) Module.kbHost.ready(); });
    emscripten_set_main_loop(draw_frame, 0, false);
    return 0;
}
