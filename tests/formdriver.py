"""Drive the guided form in a browser the way a user does: by visible labels, headings and buttons."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Locator, Page, expect


def _exact(text: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(text)}$")


class FormDriver:
    def __init__(self, page: Page):
        self.page = page

    # -- navigation --------------------------------------------------------------------------
    def wait_ready(self) -> None:
        self.page.get_by_role("button", name="Nästa steg").wait_for(timeout=60_000)

    def go_to_step(self, number: int) -> None:
        """Open a step and wait until the form shows it: a click only sends a message to the kernel, and on
        a loaded machine the previous step can stay on screen for a while."""
        button = self.page.get_by_role("button", name=re.compile(rf"^{number}\. "))
        button.click()
        expect(button).to_have_class(re.compile(r"\bmod-primary\b"), timeout=30_000)
        self.page.locator(".nyttolib-step h2").first.wait_for()

    def status_text(self) -> str:
        return self.page.locator(".nyttolib-save-status").inner_text()

    def wait_saved(self, timeout: float = 15) -> None:
        """Wait until the form says everything is saved (after the debounce)."""
        time.sleep(0.3)
        expect(self.page.locator(".nyttolib-save-status")).to_contain_text("Sparat", timeout=timeout * 1000)

    # -- scoping -----------------------------------------------------------------------------
    def row(self, title_start: str) -> Locator:
        """The row (in a list of rows) whose heading starts with `title_start` (e.g. 'Kostnad 2')."""
        pattern = re.compile(rf"^{re.escape(title_start)}(:|$)")
        return self.page.locator(".nyttolib-row").filter(has=self.page.get_by_role("heading", name=pattern)).last

    def section(self, heading: str) -> Locator:
        return (
            self.page.locator(".nyttolib-step .widget-vbox")
            .filter(has=self.page.get_by_role("heading", name=heading, exact=True))
            .last
        )

    # -- fields ------------------------------------------------------------------------------
    def fill(self, label: str, value, scope: Locator | Page | None = None) -> None:
        target = (scope or self.page).get_by_label(label, exact=True)
        target.fill(str(value))

    def select(self, label: str, option: str, scope: Locator | Page | None = None) -> None:
        (scope or self.page).get_by_label(label, exact=True).select_option(label=option)

    def radio(self, group_label: str, option: str, scope: Locator | Page | None = None) -> None:
        field = (
            (scope or self.page)
            .locator(".nyttolib-field")
            .filter(has=self.page.locator(".widget-label", has_text=_exact(group_label)))
        )
        field.get_by_role("radio", name=option, exact=True).check()

    def check(self, label: str, checked: bool = True, scope: Locator | Page | None = None) -> None:
        box = (scope or self.page).get_by_role("checkbox", name=label, exact=True)
        box.check() if checked else box.uncheck()

    def click(self, name: str, scope: Locator | Page | None = None) -> None:
        (scope or self.page).get_by_role("button", name=name, exact=True).click()

    def add_row(self, button: str, title: str) -> Locator:
        self.click(button)
        row = self.row(title)
        row.wait_for()
        return row

    def message_for(self, label: str) -> Locator:
        return (
            self.page.locator(".nyttolib-field")
            .filter(has=self.page.get_by_label(label, exact=True))
            .locator(".nyttolib-message")
        )
