// Browser side of the host bridge: calls into Module.kbHost, which script.js installs before the runtime starts.
#include <emscripten.h>
#include "widget/platform/host_bridge.hpp"

namespace kb::widget::platform {
namespace {

EM_JS(void, js_send, (int id, const char* method, const char* path, const char* body), {
    Module.kbHost.request(id, UTF8ToString(method), UTF8ToString(path), UTF8ToString(body));
});

EM_JS(char*, js_fresh_key, (), {
    var key = (self.crypto && self.crypto.randomUUID) ? self.crypto.randomUUID() : (Date.now().toString(36) + Math.random().toString(36).slice(2));
    var length = lengthBytesUTF8(key) + 1;
    var pointer = _malloc(length);
    stringToUTF8(key, pointer, length);
    return pointer;
});

EM_JS(void, js_report_height, (float css_pixels), {
    if (Module.kbHost.contentHeight) Module.kbHost.contentHeight(css_pixels);
});

EM_JS(void, js_open_lead, (double lead_id), {
    if (Module.kbHost.openLead) Module.kbHost.openLead(lead_id);
});

EM_JS(void, js_set_modal, (int on), {
    if (Module.kbHost.setModal) Module.kbHost.setModal(!!on);
});

EM_JS(double, js_wheel_units_per_notch, (), {
    if (!Module.kbWheelWatched) {   // the window sees a wheel event before the canvas, whose GLFW listener reads it
        Module.kbWheelWatched = true;
        Module.kbWheelMode = 0;
        window.addEventListener('wheel', function (e) { Module.kbWheelMode = e.deltaMode; }, true);
    }
    return Module.kbWheelMode === 1 ? 3 : Module.kbWheelMode === 2 ? 1 : 100;
});

// Emscripten's GLFW listens for keys on the whole window, where every key of the page would reach the widget and
// anything stopping them would take them from Kommo. Its listeners come off the window; the host hands it only the
// keys of its own hidden text field, which has the focus exactly while the widget has. The same for the wheel.
EM_JS(void, js_take_keys_from_host, (), {
    window.removeEventListener("keydown", GLFW.onKeydown, true);
    window.removeEventListener("keypress", GLFW.onKeyPress, true);
    window.removeEventListener("keyup", GLFW.onKeyup, true);
    // The wheel likewise: GLFW would take every wheel event over the canvas; it gets those the widget can scroll by,
    // and the page scrolls by the rest (widget/ui/wheel.hpp).
    var canvas = Module["canvas"];
    canvas.removeEventListener("wheel", GLFW.onMouseWheel, true);
    canvas.removeEventListener("mousewheel", GLFW.onMouseWheel, true);
    canvas.addEventListener("wheel", function (event) {
        if (_kb_wheel_scrolls(event.deltaX, event.deltaY)) GLFW.onMouseWheel(event);
    }, { capture: true, passive: false });
    Module.kbKeys = {
        down: function (event) { GLFW.onKeydown(event); },
        up: function (event) { GLFW.onKeyup(event); },
        releaseAll: function () { GLFW.onBlur(); }
    };
});

EM_JS(void, js_fetch_font_slice, (int slice), {
    var file = "fonts/" + slice + ".ttf";
    var url = Module.locateFile ? Module.locateFile(file, "") : file;
    fetch(url).then(function (reply) { return reply.ok ? reply.arrayBuffer() : null; })
        .catch(function () { return null; })
        .then(function (buffer) {
            var size = buffer ? buffer.byteLength : 0;
            var pointer = size ? _malloc(size) : 0;
            if (pointer) HEAPU8.set(new Uint8Array(buffer), pointer);
            try { _kb_on_font(slice, pointer, pointer ? size : 0); } finally { if (pointer) _free(pointer); }
        });
});

EM_JS(int, js_utc_offset_seconds, (), { return -new Date().getTimezoneOffset() * 60; });

EM_JS(double, js_pixel_ratio, (), { return window.devicePixelRatio || 1; });

EM_JS(char*, js_today, (), {
    var d = new Date();
    var text = d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
    var length = lengthBytesUTF8(text) + 1;
    var pointer = _malloc(length);
    stringToUTF8(text, pointer, length);
    return pointer;
});

}  // namespace

void fetch_font_slice(int slice) { js_fetch_font_slice(slice); }

void set_modal(bool on) { js_set_modal(on ? 1 : 0); }

void take_keys_from_host() { js_take_keys_from_host(); }

std::string today() {
    char* raw = js_today();
    std::string text(raw);
    free(raw);
    return text;
}

void open_lead(int64_t lead_id) { js_open_lead(static_cast<double>(lead_id)); }

void send(const Call& call) { js_send(call.id, call.method.c_str(), call.path.c_str(), call.body.c_str()); }

std::string fresh_request_key() {
    char* raw = js_fresh_key();
    std::string key(raw);
    free(raw);
    return key;
}

void report_content_height(float css_pixels) { js_report_height(css_pixels); }

double now_ms() { return emscripten_get_now(); }
double wheel_units_per_notch() { return js_wheel_units_per_notch(); }
int32_t utc_offset_seconds() { return js_utc_offset_seconds(); }
double pixel_ratio() { return js_pixel_ratio(); }

}  // namespace kb::widget::platform
