#pragma once
// The widget's way out: script.js does the network (Kommo's $authorizedAjax adds the disposable token),
// opens leads and resizes the canvas. Replies come back through the exported kb_on_response.
#include <string>
#include "widget/state/app_state.hpp"

namespace kb::widget::platform {

void send(const Call& call);
std::string fresh_request_key();          // random, from the browser's crypto
void report_content_height(float css_pixels);
void open_lead(int64_t lead_id);          // Kommo opens the lead's card
void set_modal(bool on);                  // the canvas grows into a window over the page (the schedule grid), or returns
// Keys reach the widget only from the host (script.js's hidden text field, focused while the widget is), never from
// the page's window: call once GLFW is initialised.
void take_keys_from_host();
std::string today();                      // "YYYY-MM-DD", the user's local date
int32_t utc_offset_seconds();             // the user's time zone now: seconds east of UTC
double now_ms();
double pixel_ratio();                     // the screen's device pixels per CSS pixel
// How many of the browser's wheel units make one notch of a mouse wheel: 100 for pixels (Chrome), 3 for lines
// (Firefox), 1 for pages; read from the last wheel event, whose deltas GLFW passes on without their unit.
double wheel_units_per_notch();
// Fetches fonts/<slice>.ttf from where widget.js came from; kb_on_font gets its bytes (none when it failed).
void fetch_font_slice(int slice);

}  // namespace kb::widget::platform
