"""Driving a PortalBrowser page with the keyboard alone, the way someone who cannot use a mouse
(or who uses a screen reader) does: Tab and Shift+Tab to move, typing, Space and Enter, arrow
keys in radio groups and selects.

Every focus step checks that the focused element shows a focus indicator (WCAG 2.1 SC 2.4.7
"Focus Visible"): an outline or a box-shadow while focused, which is gone once focus moves on.
A field is found by tabbing until `document.activeElement` has the wanted label, with a step
limit, so a field that cannot be reached by the keyboard fails the test and names what was
passed on the way.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

# What the focused element is called and how its focus indicator looks. The element focused
# before it is kept in `window.__kbPrev` so the next step can check its indicator went away
# (an indicator that is always there does not show where the focus is).
_FOCUS_STATE_JS = """
() => {
  // Bootstrap fades its focus shadows in and out; what counts is where a transition ends.
  document.getAnimations().forEach((a) => { try { a.finish(); } catch (e) {} });
  const rgba = (text) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(text || "");
    if (!m) return null;
    const [r, g, b, a] = m[1].split(",").map((x) => parseFloat(x));
    return [r, g, b, Number.isNaN(a) || a === undefined ? 1 : a];
  };
  const background = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const c = rgba(getComputedStyle(node).backgroundColor);
      if (c && c[3] > 0) return c;
    }
    return [255, 255, 255, 1];
  };
  const luminance = ([r, g, b]) => {
    const lin = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  // The ring's colour laid over what surrounds the element (its parent's background, since
  // an outline or a shadow is drawn outside the box), as a WCAG contrast ratio.
  const contrast = (color, el) => {
    const under = background(el.parentElement || el);
    const c = rgba(color);
    if (!c) return 0;
    const mixed = [0, 1, 2].map((i) => c[i] * c[3] + under[i] * (1 - c[3]));
    const [hi, lo] = [luminance(mixed), luminance(under)].sort((x, y) => y - x);
    return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
  };
  const ring = (el) => {
    const cs = getComputedStyle(el);
    const hasOutline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0;
    const hasShadow = cs.boxShadow && cs.boxShadow !== "none";
    const outline = hasOutline ? `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}` : "";
    const shadow = hasShadow ? cs.boxShadow : "";
    // Chromium's own "auto" ring is two-tone (dark and light), visible on any background.
    let ratio = 0;
    if (hasOutline) ratio = cs.outlineStyle === "auto" ? 21 : contrast(cs.outlineColor, el);
    if (hasShadow) ratio = Math.max(ratio, contrast(cs.boxShadow, el));
    return {outline, shadow, contrast: ratio};
  };
  const clean = (s) => (s || "").replace(/\\s+/g, " ").replace(/\\s*\\*\\s*$/, "").trim();
  const name = (el) => {
    const aria = el.getAttribute("aria-label");
    if (aria) return clean(aria);
    const ids = (el.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
    if (ids.length) {
      return clean(ids.map((id) => document.getElementById(id)?.innerText || "").join(" "));
    }
    if (el.labels && el.labels.length) {
      return clean(Array.from(el.labels).map((l) => l.innerText).join(" "));
    }
    if (el.tagName === "INPUT" && ["submit", "button"].includes(el.type)) return clean(el.value);
    return clean(el.innerText);
  };
  const describe = (el) => {
    const type = el.getAttribute("type");
    const attrs = (type ? ` type=${type}` : "") + (el.name ? ` name=${el.name}` : "");
    return `<${el.tagName.toLowerCase()}${attrs}> "${name(el)}"`;
  };
  const el = document.activeElement;
  const prev = window.__kbPrev;
  let previous = null;
  if (prev && prev !== el && prev.isConnected) {
    previous = {what: describe(prev), focused: window.__kbPrevRing, now: ring(prev)};
  }
  if (!el || el === document.body || el === document.documentElement) {
    window.__kbPrev = null;
    return {what: "<body>", name: "", tag: "body", ring: {outline: "", shadow: ""}, previous};
  }
  // Tab inside a date field goes month, day, year, then the calendar button, which lives in
  // the browser's own shadow tree: the input no longer matches :focus and Chromium draws the
  // button's ring itself, out of reach of getComputedStyle.
  const dateLike = ["date", "time", "datetime-local", "month", "week"].includes(el.type);
  const pickerButton = el.tagName === "INPUT" && dateLike && !el.matches(":focus");
  const current = pickerButton ? {outline: "browser", shadow: "", contrast: 21} : ring(el);
  window.__kbPrev = el;
  window.__kbPrevRing = current;
  const option = el.tagName === "SELECT" && el.selectedIndex >= 0
    ? clean(el.options[el.selectedIndex].text) : "";
  return {
    what: describe(el), name: name(el), tag: el.tagName.toLowerCase(),
    type: el.getAttribute("type") || "", value: el.value ?? "", checked: !!el.checked,
    option, ring: current, previous,
  };
}
"""


MIN_CONTRAST = 3.0
_CONTROLS = {"a", "button", "input", "select", "textarea", "summary"}


class KeyboardError(AssertionError):
    pass


def _matches(target: str | re.Pattern, name: str) -> bool:
    if isinstance(target, re.Pattern):
        return bool(target.search(name))
    return name == target


class Keyboard:
    """Keyboard-only driving of `portal.page`. Navigation (Enter on a link or button) goes
    through `activate_and_wait`, which runs the portal's axe-core check on the new page."""

    def __init__(self, portal, max_steps: int = 80) -> None:
        self.portal = portal
        self.page = portal.page
        self.keys = portal.page.keyboard
        self.max_steps = max_steps
        self.steps = 0
        self.fresh_page = True

    # --- focus ---------------------------------------------------------------------------
    def focus_state(self) -> dict:
        return self.page.evaluate(_FOCUS_STATE_JS)

    def _assert_focus_visible(self, state: dict) -> None:
        if state["tag"] == "body":
            return
        ring = state["ring"]
        if not (ring["outline"] or ring["shadow"]):
            raise KeyboardError(
                f"No visible focus indicator on {state['what']} at {self.page.url}: "
                "neither an outline nor a box-shadow while it has the focus (WCAG 2.4.7)."
            )
        if ring["contrast"] < MIN_CONTRAST:
            raise KeyboardError(
                f"The focus indicator of {state['what']} at {self.page.url} has a contrast of "
                f"{ring['contrast']}:1 against what surrounds it ({ring}); at least "
                f"{MIN_CONTRAST}:1 is needed to see it (WCAG 1.4.11 Non-text Contrast)."
            )
        previous = state.get("previous")
        if previous and previous["focused"] == previous["now"]:
            raise KeyboardError(
                f"The focus indicator of {previous['what']} at {self.page.url} looks the same "
                f"focused and unfocused ({previous['now']}): it does not show where the focus is."
            )

    def tab(self, *, backwards: bool = False) -> dict:
        self.keys.press("Shift+Tab" if backwards else "Tab")
        self.steps += 1
        state = self.focus_state()
        self._assert_focus_visible(state)
        if self.fresh_page and not backwards:
            # WCAG 2.4.1 Bypass Blocks: the first stop of every page skips the menu.
            self.fresh_page = False
            if state["name"] != "Skip to main content":
                raise KeyboardError(
                    f"The first tab stop of {self.page.url} is {state['what']}, not the "
                    '"Skip to main content" link.'
                )
        return state

    def tab_to(
        self, target: str | re.Pattern, *, backwards: bool = False, max_steps: int | None = None
    ) -> dict:
        """Press Tab (or Shift+Tab) until the focused element's accessible name is `target`
        (a string matched exactly, or a compiled pattern searched)."""
        current = self.focus_state()
        if current["tag"] in _CONTROLS and _matches(target, current["name"]):
            # Already there: a page that moves the focus to its form on load, or the field
            # just left by an arrow key.
            self._assert_focus_visible(current)
            return current
        passed = []
        for _ in range(max_steps or self.max_steps):
            state = self.tab(backwards=backwards)
            if _matches(target, state["name"]):
                return state
            passed.append(state["what"])
        raise KeyboardError(
            f"{target!r} not reached by {'Shift+' if backwards else ''}Tab on {self.page.url} "
            f"in {len(passed)} steps; passed: " + ", ".join(passed)
        )

    def skip_to_main(self) -> None:
        """The first Tab reaches the skip link; Enter on it moves the focus into <main>."""
        self.tab()
        self.keys.press("Enter")
        active = self.page.evaluate("document.activeElement.id")
        if active != "main":
            raise KeyboardError(
                f"Enter on the skip link left the focus on #{active}, not on <main>."
            )
        # <main> is focused by script only (tabindex=-1) and shows no ring: not a tab stop.
        self.page.evaluate("window.__kbPrev = null")

    # --- entering values -----------------------------------------------------------------
    def fill(self, target: str | re.Pattern, text: str) -> None:
        """Tab to a text field, select what it holds and type over it."""
        self.tab_to(target)
        self.keys.press("Control+A")
        self.keys.type(text)

    def type_date(self, target: str | re.Pattern, value) -> None:
        """A date field (Chromium's, en-US: month, day, year segments) typed digit by digit."""
        self.tab_to(target)
        self.keys.type(f"{value:%m%d%Y}")
        typed = self.page.evaluate("document.activeElement.value")
        if typed != value.isoformat():
            raise KeyboardError(f"Typed {value} into {target!r} but it holds {typed!r}.")

    def check(self, target: str | re.Pattern) -> None:
        state = self.tab_to(target)
        if not state["checked"]:
            self.keys.press("Space")
        if not self.page.evaluate("document.activeElement.checked"):
            raise KeyboardError(f"Space did not tick {target!r}.")

    def choose(self, target: str | re.Pattern, option: str | re.Pattern, key="ArrowDown") -> None:
        """Tab to a select and press an arrow key until `option` is selected."""
        state = self.tab_to(target)
        seen = [state["option"]]
        for _ in range(60):
            if _matches(option, state["option"]):
                return
            self.keys.press(key)
            state = self.focus_state()
            if state["option"] == seen[-1]:
                break
            seen.append(state["option"])
        raise KeyboardError(f"{option!r} not found in {target!r} with {key}; saw {seen}.")

    def radio(self, target: str | re.Pattern, option: str | re.Pattern, key="ArrowDown") -> None:
        """Tab into a radio group (reaching its checked radio, or its first), then move with an
        arrow key until `option` is checked. `target` names any radio Tab stops on."""
        state = self.tab_to(target)
        seen = [state["name"]]
        for _ in range(20):
            if _matches(option, state["name"]):
                if not state["checked"]:
                    self.keys.press("Space")
                return
            self.keys.press(key)
            state = self.focus_state()
            self._assert_focus_visible(state)
            if state["type"] != "radio" or state["name"] in seen:
                break
            seen.append(state["name"])
        raise KeyboardError(f"{option!r} not found among the radios {seen}.")

    def upload(self, target: str | re.Pattern, path: Path) -> None:
        """Space on a file input opens the file chooser (the test answers it)."""
        self.tab_to(target)
        # Headless Chromium now and then drops the chooser a key opens (about one press in
        # fifteen, on a bare page too): the key is pressed again, on the same focused input.
        for _attempt in range(3):
            try:
                with self.page.expect_file_chooser(timeout=3_000) as chooser:
                    self.keys.press("Space")
            except PlaywrightTimeout:
                continue
            chooser.value.set_files(str(path))
            return
        raise KeyboardError(f"Space on {target!r} opened no file chooser (three tries).")

    # --- navigating ----------------------------------------------------------------------
    def activate_and_wait(self, target: str | re.Pattern | None = None, key="Enter") -> None:
        """Tab to a link or button (unless it has the focus already), press Enter, and wait
        for the next page, which is then checked by axe-core."""
        if target is not None:
            self.tab_to(target)
        with self.page.expect_navigation():
            self.keys.press(key)
        self.portal.check_accessibility()
        # A link to a fragment (the agency's action links, "?act=certify#act") starts the
        # next Tab at its target, as it should; any other page starts at the top, where the
        # first stop is the skip link.
        self.fresh_page = "#" not in self.page.url and self.page.evaluate(
            "document.activeElement === document.body || !document.activeElement"
        )

    def submit(self, button: str | re.Pattern) -> None:
        self.activate_and_wait(button)
