"""Provides OpensLinks: `o` and `y` for any screen that shows articles (main and bookmarks).

Finding a browser may run `xdg-settings` and a GUI browser may take seconds to return, so both
happen in a thread worker. With no browser (a server, a container) the link is copied through
OSC 52 instead and the notification says so; a text-mode browser (lynx, w3m) runs with the TUI
suspended, as newsboat does, since it needs this terminal.
"""

from __future__ import annotations

import webbrowser
from typing import TYPE_CHECKING

from textual import work
from textual.app import SuspendNotSupported

from finreader.tui.format import safe_link

if TYPE_CHECKING:
    from textual.dom import DOMNode

    _Base = DOMNode
else:
    # A DOMNode base at run time would put DOMNode's empty COMPONENT_CLASSES before Screen's
    # in the MRO ("No 'screen--selection' key" when dragging); the screen supplies it all.
    _Base = object


class OpensLinks(_Base):
    """Mix in before the Textual base class: `class MainScreen(OpensLinks, ..., Screen)`."""

    def open_link(self, link: str | None) -> None:
        """Open `link` in a browser if it is http(s); otherwise say there is nothing to open."""
        safe = safe_link(link)
        if safe is None:
            self.app.notify("No http(s) link to open.", severity="warning", timeout=3)
            return
        self._open_in_browser(safe)

    def copy_link(self, link: str | None) -> None:
        safe = safe_link(link)
        if safe is None:
            self.app.notify("No http(s) link to copy.", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(safe)
        self.app.notify(f"Copied {safe}", timeout=2, markup=False)

    @work(thread=True, exclusive=True, group="browser", exit_on_error=False, description="browse")
    def _open_in_browser(self, link: str) -> None:
        """Thread: find a browser and hand it the link. Finding one may run `xdg-settings`, and
        a GUI browser may take seconds to return, so none of it runs on the event loop."""
        try:
            browser = webbrowser.get()
        except webbrowser.Error:
            self.app.call_from_thread(self._no_browser, link, "No web browser found")
            return
        if type(browser) is webbrowser.GenericBrowser:
            # lynx, w3m, www-browser ...: they run in this terminal, so the app steps aside.
            self.app.call_from_thread(self._open_in_terminal, browser, link)
            return
        try:
            opened = browser.open(link)
        except OSError as error:
            self.app.call_from_thread(self._no_browser, link, f"The browser failed ({error})")
            return
        if opened:
            self.app.call_from_thread(self._link_opened, link)
        else:
            self.app.call_from_thread(self._no_browser, link, "The browser did not start")

    def _open_in_terminal(self, browser: webbrowser.BaseBrowser, link: str) -> None:
        """Run a text-mode browser with the TUI suspended, as newsboat does."""
        try:
            with self.app.suspend():
                browser.open(link)
        except SuspendNotSupported:
            self._no_browser(link, "A text-mode browser cannot run here")

    def _link_opened(self, link: str) -> None:
        self.app.notify(f"Opened in the browser: {link}", timeout=2, markup=False)

    def _no_browser(self, link: str, why: str) -> None:
        self.app.copy_to_clipboard(link)
        self.app.notify(
            f"{why}; the link was copied instead (set $BROWSER to choose a browser): {link}",
            title="Open link",
            severity="warning",
            timeout=6,
            markup=False,
        )
