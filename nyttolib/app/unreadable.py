"""The page shown when a stored assessment cannot be opened: a Swedish explanation and ways back.

Every revision the form saves opens again, but a database can still hold one that does not (written
by hand, by an older bug, or damaged). Then the user gets this page instead of Voilà's English error:
a link to the start page and a button for each earlier revision that does open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape

import ipywidgets as widgets

from nyttolib.app.errors import guarded
from nyttolib.app.fields import html
from nyttolib.storage.assessments import Store

log = logging.getLogger("nyttolib.app")

START_LINK = "<a href='start.ipynb'>Till startsidan (alla bedömningar)</a>"
SHOWN = 10  # earlier revisions offered (the newest that open)


def openable_revisions(store: Store, assessment_id: str, limit: int = SHOWN) -> list[tuple[int, str]]:
    """The newest revisions (number, saved at) that load, newest first; the broken head is skipped."""
    try:
        history = store.history(assessment_id)
    except Exception:
        log.exception("No history for %s", assessment_id)
        return []
    found = []
    for info in reversed(history):
        try:
            store.load(assessment_id, info.revision)
        except Exception:
            continue
        found.append((info.revision, info.saved_at))
        if len(found) >= limit:
            break
    return found


def refusal_html(message: str, the: str = "bedömningen") -> str:
    """What a user sees instead of something that is not theirs to see: why, and the way back; nothing of it."""
    return (
        f"<h1>Du har inte tillgång till {escape(the)}</h1>"
        f"<div role='alert' class='nyttolib-error'><p>{escape(message)}</p></div>"
        "<p><a href='start.ipynb'>Till startsidan</a></p>"
    )


def refusal_page(message: str, the: str = "bedömningen") -> widgets.VBox:
    return widgets.VBox([html(refusal_html(message, the))])


def error_page(message: str) -> widgets.VBox:
    """A page that could not be built at all: say so in Swedish, with the way back to the start page."""
    return widgets.VBox(
        [
            html(
                f"<h1>Sidan kunde inte visas</h1><div role='alert' class='nyttolib-error'><p>{escape(message)}"
                f"</p></div><p>{START_LINK}</p>"
            )
        ]
    )


class UnreadablePage(widgets.VBox):
    """An assessment whose latest revision does not open: restore an earlier one, or go back."""

    def __init__(self, store: Store, assessment_id: str, open_form: Callable[[], widgets.Widget]):
        super().__init__()
        self.store = store
        self.assessment_id = assessment_id
        self.open_form = open_form
        self.add_class("nyttolib-unreadable")
        self.render()

    def render(self) -> None:
        revisions = openable_revisions(self.store, self.assessment_id)
        intro = (
            "<h1>Bedömningen kan inte öppnas</h1><div role='alert' class='nyttolib-error'><p>Den senast "
            "sparade versionen av bedömningen går inte att läsa. Inget är borttaget: alla sparade versioner "
            "finns kvar.</p></div>"
        )
        if revisions:
            intro += (
                "<p>Återställ en tidigare version som går att öppna. Den blir då den senaste; den trasiga finns "
                "kvar i historiken.</p>"
            )
        else:
            intro += "<p>Det finns ingen tidigare version som går att öppna. Kontakta den som förvaltar appen.</p>"
        buttons = []
        for revision, saved_at in revisions:
            button = widgets.Button(
                description=f"Återställ revision {revision} (sparad {_local(saved_at)})",
                layout=widgets.Layout(width="auto"),
            )
            button.on_click(guarded(lambda _b, r=revision: self.restore(r)))
            buttons.append(button)
        self.children = [html(intro), *buttons, html(f"<p>{START_LINK}</p>")]

    def restore(self, revision: int) -> None:
        self.store.restore(self.assessment_id, revision)
        self.children = [self.open_form()]


def _local(saved_at: str) -> str:
    from nyttolib.app.start_page import local_time

    return local_time(saved_at)
