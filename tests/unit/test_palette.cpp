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

TEST_CASE("every text colour of the light theme reaches 4.5:1 on the panel and in fields, and white on the accent does") {
    const Palette& p = light_palette;
    struct Named {
        const char* name;
        Rgb colour;
    };
    for (Named text : {Named{"text", p.text}, Named{"muted", p.muted}, Named{"accent", p.accent}, Named{"error", p.error}}) {
        CAPTURE(text.name);
        CHECK(contrast_ratio(text.colour, p.background) >= 4.5);
        CHECK(contrast_ratio(text.colour, p.frame) >= 4.5);
    }
    CHECK(contrast_ratio({1, 1, 1}, p.accent) >= 4.5);
}
