// The widget's text stays readable: WCAG 2 level AA (4.5:1) for every text colour on the surfaces it is drawn on.
#include <initializer_list>
#include <doctest/doctest.h>
#include "widget/ui/palette.hpp"

using namespace kb::widget::ui;

TEST_CASE("contrast ratios follow WCAG 2: black on white is 21:1, a colour on itself 1:1") {
    CHECK(contrast_ratio({0, 0, 0}, {1, 1, 1}) == doctest::Approx(21.0));
    CHECK(contrast_ratio({0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}) == doctest::Approx(1.0));
    CHECK(contrast_ratio({0.4627f, 0.4627f, 0.4627f}, {1, 1, 1}) == doctest::Approx(4.54).epsilon(0.01));   // #767676, the AA threshold grey
}

TEST_CASE("every text colour reaches 4.5:1 on the panel and in fields, in the light and the dark theme alike") {
    for (const Palette* p : {&light_palette, &dark_palette}) {
        CAPTURE(p == &dark_palette ? "dark" : "light");
        struct Named {
            const char* name;
            Rgb colour;
        };
        for (Named text : {Named{"text", p->text}, Named{"muted", p->muted}, Named{"accent text", p->accent_text}, Named{"error", p->error},
                           Named{"success", p->success}, Named{"warning", p->warning}, Named{"neutral", p->neutral}}) {
            CAPTURE(text.name);
            CHECK(contrast_ratio(text.colour, p->background) >= 4.5);
            CHECK(contrast_ratio(text.colour, p->frame) >= 4.5);
        }
        CHECK(contrast_ratio({1, 1, 1}, p->accent) >= 4.5);               // the main button's label
        CHECK(contrast_ratio(p->text, p->button) >= 4.5);                  // other buttons' labels
        CHECK(contrast_ratio(p->free_text, p->free_fill) >= 4.5);          // "10:15 Free" in the grid
        CHECK(contrast_ratio(p->free_text, p->free_fill_hovered) >= 4.5);
    }
    // The two themes differ where it shows: a dark panel under light text.
    CHECK(relative_luminance(dark_palette.background) < 0.05);
    CHECK(relative_luminance(dark_palette.text) > 0.7);
}
