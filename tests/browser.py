"""A thin wrapper over a Playwright page that runs axe-core on every page it lands on.

Serious or critical violations fail the test (WCAG 2.1 AA, as public-sector sites must meet).
Every navigation is recorded; a test that ends with a page it never checked fails too.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from .factories import TEST_PASSWORD, fresh_totp_code

_AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


class AccessibilityError(AssertionError):
    pass


class PortalBrowser:
    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.unchecked: list[str] = []
        self.checked: list[str] = []
        page.on("load", lambda p: self.unchecked.append(p.url))

    # --- navigation: each returns after the page loaded and passed axe ---
    def goto(self, path: str):
        response = self.page.goto(path)
        self.check_accessibility()
        return response

    def click_and_wait(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)
        self.check_accessibility()

    def submit(self, button_text: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button_text).click()
        self.check_accessibility()

    def login(self, email: str, password: str = TEST_PASSWORD, *, totp: bool = True) -> None:
        """Sign in through the real pages; when the portal asks for the authenticator code
        (agency contacts, coordinator, administrators), type the current one unless
        `totp=False`."""
        self.goto("/accounts/login/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.submit("Sign In")
        if totp and "/2fa/authenticate" in self.page.url:
            self.page.locator("input[name=code]").fill(self.fresh_totp_code(email))
            self.submit("Sign In")

    @staticmethod
    def fresh_totp_code(email: str) -> str:
        return fresh_totp_code(email)

    def check_accessibility(self) -> None:
        self.page.wait_for_load_state("load")
        results = _AXE.run(self.page, options=AXE_OPTIONS)
        blocking = [
            v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS
        ]
        if blocking:
            lines = [
                f"{v['id']} ({v['impact']}): {v['help']} -> "
                + "; ".join(n["target"][0] for n in v["nodes"][:3])
                for v in blocking
            ]
            raise AccessibilityError(
                f"axe-core found {len(blocking)} serious/critical violation(s) on "
                f"{self.page.url}:\n" + "\n".join(lines)
            )
        self.checked.append(self.page.url)
        self.unchecked.clear()

    def assert_every_page_checked(self) -> None:
        if self.unchecked:
            raise AccessibilityError(
                f"Pages visited without an accessibility check: {self.unchecked}. Use "
                "portal.goto / click_and_wait / submit, or call check_accessibility()."
            )

    def screenshot(self, name: str) -> str:
        from .conftest import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return str(path)
