#pragma once
// Copy, cut and paste with the system clipboard. The browser owns the clipboard and lets a page touch it only
// inside its own copy/cut/paste events, which fire on script.js's hidden text field as the keys go down:
//   - copy and cut: the host asks selected_text() at that moment and puts it on the clipboard; ImGui deletes a
//     cut selection itself when it sees Ctrl+X.
//   - paste: the host hands the clipboard's text to offer_paste(); ImGui, seeing Ctrl+V (or Shift+Insert) in
//     its next frame, asks for the clipboard and gets it, once. (Typed characters would not do: ImGui ignores
//     characters while Ctrl is down.)
#include <string>

namespace kb::widget::ui {

void install_clipboard();
std::string selected_text();           // the active text field's selection, UTF-8; "" when none
void offer_paste(std::string text);    // what ImGui's next paste inserts

}  // namespace kb::widget::ui
