"""Moving through pages by keyboard alone: what has focus, and whether it shows."""

from playwright.sync_api import expect

# What has focus: its accessible name, as a sighted keyboard user would read it, and whether the
# GOV.UK focus style (the yellow ring or highlight) is showing. Radios and checkboxes are drawn by
# their label's ::before, so that is where their focus shows.
FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const yellow = "rgb(255, 221, 0)";
  const shows = (style) =>
    style.boxShadow.includes(yellow) || style.backgroundColor === yellow ||
    (style.outlineStyle !== "none" && style.outlineColor === yellow && parseFloat(style.outlineWidth) > 0) ||
    style.borderColor === yellow;
  const labelled = element.labels && element.labels.length ? element.labels[0] : null;
  const drawn = element.matches(".govuk-radios__input, .govuk-checkboxes__input");
  const box = (drawn ? labelled : element).getBoundingClientRect();
  return {
    name: ((labelled ? labelled.innerText : element.innerText) || element.getAttribute("aria-label") || "").trim(),
    tag: element.tagName.toLowerCase(),
    checked: element.checked === true,
    shows: drawn ? shows(getComputedStyle(labelled, "::before")) : shows(getComputedStyle(element)),
    onScreen: box.width > 0 && box.height > 0,
    inMain: element.closest("main") !== null,
  };
}"""


def focused(page):
    state = page.evaluate(FOCUSED)
    assert state is not None, "nothing has focus"
    assert state["onScreen"], f"{state['name']!r} has focus but is not on screen"
    assert state["shows"], f"{state['name']!r} has focus but shows no focus style"
    return state


def tab(page, *, back=False):
    page.keyboard.press("Shift+Tab" if back else "Tab")
    return focused(page)


def skip_to_main(page):
    """From the top of a freshly loaded page: the skip link is the first stop, and Enter jumps past the header."""
    state = tab(page)
    assert state["name"] == "Skip to main content" and state["tag"] == "a", state
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def tab_to(page, name, *, limit=40):
    """Tab forward until `name` has focus, checking that focus shows at every stop on the way."""
    for _ in range(limit):
        state = tab(page)
        if state["name"] == name:
            return state
    raise AssertionError(f"{name!r} never took focus in {limit} presses of Tab")
