"""Who has the assessment: its owner shares it with named users (to read or to edit), stops sharing, and
hands it over to another owner. Shown in the form under JupyterHub only: the one local user of
`make app` owns everything and has nobody to share with. The store decides (AccessError); this panel
only offers what the owner may do and says in Swedish, where the owner acted, when it was refused."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as widgets

from nyttolib.app.errors import guarded
from nyttolib.app.fields import LabelledControl, html, shared_layout, shared_style, text_control
from nyttolib.app.focus import request_focus
from nyttolib.app.session import AssessmentSession
from nyttolib.storage.assessments import SHARE_MODES, StoreError

SHARING_ID = "nyttolib-sharing"
MODE_TEXT = {"read": "får läsa", "edit": "får läsa och ändra"}
ACCESS_TEXT = {
    "edit": "Bedömningen är delad med dig: du får läsa och ändra den.",
    "read": "Bedömningen är delad med dig för att läsa: du kan inte ändra den, och inget sparas här.",
    "office": (
        "Du ser bedömningen som portföljkontoret: du kan läsa den men inte ändra den här, och inget sparas. "
        "Steg och prioriteringsgrund ändras på portföljsidan."
    ),
}


def access_notice(session: AssessmentSession) -> str:
    """What a user who does not own the assessment may do with it, and whose it is (HTML, escaped)."""
    text = ACCESS_TEXT.get(session.access)
    if text is None:
        return ""
    try:
        owner = session.store.owner(session.id)
    except StoreError:
        owner = None
    whose = f" Ägare: {owner}." if owner else ""
    role = "status" if session.access == "edit" else "note"
    return f"<div role='{role}' class='nyttolib-access'><p>{escape(text + whose)}</p></div>"


def button_row(*items: widgets.Button) -> widgets.HBox:
    """Buttons side by side at their own width (in a VBox a lone button would stretch across)."""
    row = widgets.HBox(list(items), layout=shared_layout())
    row.add_class("nyttolib-buttons")
    return row


class SharingPanel(widgets.VBox):
    """The owner's panel: who has access, share with a user, stop sharing, hand over the ownership."""

    def __init__(self, session: AssessmentSession, on_handed_over: Callable[[], None] | None = None):
        super().__init__(layout=shared_layout())
        self.session = session
        self.on_handed_over = on_handed_over or (lambda: None)
        self.add_class("nyttolib-sharing")
        self.heading = html(f"<h2 id='{SHARING_ID}' tabindex='-1'>Dela bedömningen</h2>")
        self.people = widgets.VBox(layout=shared_layout())
        self.user_name = text_control("Användarnamn (som personen loggar in med)")
        self.mode = widgets.RadioButtons(
            options=[("Läsa", "read"), ("Läsa och ändra", "edit")],
            value="read",
            description="Får",
            layout=shared_layout(width="auto"),
            style=shared_style("description"),
        )
        self.share_button = widgets.Button(description="Dela", layout=shared_layout(width="auto"))
        self.share_button.on_click(guarded(lambda _b: self.share()))
        self.share_result = html("")
        self.new_owner = text_control("Ny ägare (användarnamn)")
        self.keep_edit = widgets.Checkbox(
            value=True,
            description="Behåll rätten att läsa och ändra den",
            indent=False,
            layout=shared_layout(width="auto"),
            style=shared_style("checkbox"),
        )
        self.hand_over_button = widgets.Button(description="Ge bort ägandet …", layout=shared_layout(width="auto"))
        self.hand_over_button.on_click(guarded(lambda _b: self.ask_hand_over()))
        self.confirmation = widgets.VBox(layout=shared_layout())
        self.owner_result = html("")
        self.children = [
            self.heading,
            html(
                "<p>Bedömningen är din. Du kan dela den med andra som loggar in här, för att läsa eller "
                "för att ändra. Portföljkontoret kan alltid läsa den.</p>"
            ),
            self.people,
            html("<h3>Dela med någon</h3>"),
            LabelledControl(self.user_name),
            LabelledControl(self.mode),
            button_row(self.share_button),
            self.share_result,
            html("<h3>Ge bort ägandet</h3><p>Den nya ägaren kan dela och ta bort bedömningen.</p>"),
            LabelledControl(self.new_owner),
            LabelledControl(self.keep_edit),  # a field: its label wraps on a narrow screen
            button_row(self.hand_over_button),
            self.confirmation,
            self.owner_result,
        ]
        self.refresh()

    # -- who has access

    def refresh(self) -> None:
        try:
            shares = self.session.store.shares(self.session.id)
        except StoreError as exc:
            self.people.children = [html(f"<p role='alert' class='nyttolib-error'>{escape(str(exc))}</p>")]
            return
        if not shares:
            self.people.children = [html("<p>Ingen annan har tillgång till den.</p>")]
            return
        rows: list[widgets.Widget] = [html("<h3>Delad med</h3>")]
        for share in shares:
            stop = widgets.Button(description=f"Sluta dela med {share.user_name}", layout=shared_layout(width="auto"))
            stop.on_click(guarded(lambda _b, name=share.user_name: self.unshare(name)))
            row = widgets.HBox(
                [html(f"<p>{escape(share.user_name)}: {escape(MODE_TEXT[share.mode])}</p>"), stop],
                layout=shared_layout(),
            )
            row.add_class("nyttolib-buttons")
            rows.append(row)
        self.people.children = rows

    def _say(self, where: widgets.HTML, message: str, *, ok: bool) -> None:
        role, css = ("status", "") if ok else ("alert", " class='nyttolib-error'")
        where.value = f"<p role='{role}'{css}>{escape(message)}</p>"

    # -- actions

    def share(self) -> None:
        name, mode = self.user_name.value.strip(), self.mode.value
        try:
            self.session.store.share(self.session.id, name, mode)
        except StoreError as exc:
            self._say(self.share_result, str(exc), ok=False)
            request_focus(self.user_name)
            return
        self.user_name.value = ""
        self.refresh()
        self._say(self.share_result, f"Delad med {name}, som får {SHARE_MODES[mode]}.", ok=True)

    def unshare(self, name: str) -> None:
        try:
            self.session.store.unshare(self.session.id, name)
        except StoreError as exc:
            self._say(self.share_result, str(exc), ok=False)
            return
        self.refresh()
        self._say(self.share_result, f"Bedömningen delas inte längre med {name}.", ok=True)
        request_focus(self.user_name)  # the button that had the focus is gone

    def ask_hand_over(self) -> None:
        """A handover cannot be taken back by the one who made it: ask first, naming the new owner."""
        name = self.new_owner.value.strip()
        if not name:
            self._say(self.owner_result, "Skriv användarnamnet på den som ska bli ägare.", ok=False)
            request_focus(self.new_owner)
            return
        kept = "Du får fortsätta att läsa och ändra den." if self.keep_edit.value else "Du har sedan ingen tillgång."
        yes = widgets.Button(description=f"Ja, ge ägandet till {name}", button_style="danger")
        yes.layout = shared_layout(width="auto")
        no = widgets.Button(description="Avbryt", layout=shared_layout(width="auto"))
        yes.on_click(guarded(lambda _b: self.hand_over(name)))
        no.on_click(guarded(lambda _b: self.cancel_hand_over()))
        self.owner_result.value = ""
        self.confirmation.children = [
            html(
                f"<div role='alert'><p><strong>Ge bedömningen till {escape(name)}?</strong> Bara ägaren kan "
                f"ge tillbaka den. {escape(kept)}</p></div>"
            ),
            button_row(yes, no),
        ]
        request_focus(no)

    def cancel_hand_over(self) -> None:
        self.confirmation.children = []
        request_focus(self.hand_over_button)

    def hand_over(self, name: str) -> None:
        keep = "edit" if self.keep_edit.value else None
        self.confirmation.children = []
        try:
            self.session.store.set_owner(self.session.id, name, keep=keep)
        except StoreError as exc:
            self._say(self.owner_result, str(exc), ok=False)
            request_focus(self.new_owner)
            return
        self.session.access = self.session.store.access(self.session.id) or "read"
        self.children = [
            html(
                f"<h2 id='{SHARING_ID}' tabindex='-1'>Dela bedömningen</h2><p role='status'>Bedömningen är nu "
                f"{escape(name)}s. Det är den nya ägaren som delar den.</p>"
            )
        ]
        self.on_handed_over()
