"""Who has an assessment, a canvas or a checklist: its owner shares it with named users (to read or to
edit), stops sharing, and hands it over to another owner. Shown under JupyterHub only: the one local
user of `make app` owns everything and has nobody to share with. The store decides (AccessError); this
panel only offers what the owner may do and says in Swedish, where the owner acted, when it was refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as widgets

from nyttolib.app.errors import guarded
from nyttolib.app.fields import LabelledControl, html, shared_layout, shared_style, text_control
from nyttolib.app.focus import request_focus
from nyttolib.storage.assessments import SHARE_MODES, StoreError
from nyttolib.storage.documents import THE_KIND

SHARING_ID = "nyttolib-sharing"
# In the lists under the hub: what the user may do with each row.
ACCESS_LABELS = {
    "owner": "Din",
    "edit": "Delad med dig: ändra",
    "read": "Delad med dig: läsa",
    "office": "Portföljkontoret: läsa",
}
WHOSE_HEADERS = "<th scope='col'>Ägare</th><th scope='col'>Tillgång</th>"


def whose_cells(access: str, owner: str | None) -> str:
    """A listed row's two cells under the hub: whose it is ("du" for one's own) and what the user may do."""
    shown = "du" if access == "owner" else (owner or "–")
    return f"<td>{escape(shown)}</td><td>{escape(ACCESS_LABELS[access])}</td>"

MODE_TEXT = {"read": "får läsa", "edit": "får läsa och ändra"}
ACCESS_TEXT = {
    "edit": "{The} är delad med dig: du får läsa och ändra den.",
    "read": "{The} är delad med dig för att läsa: du kan inte ändra den, och inget sparas här.",
    "office": "Du ser {the} som portföljkontoret: du kan läsa den men inte ändra den här, och inget sparas.",
}


@dataclass(frozen=True)
class Thing:
    """What is shared, as the page names it: the definite form of a common-gender noun (so "den")."""

    the: str
    office_note: str = ""  # what the portfolio office does instead, where it does something

    @property
    def capitalised(self) -> str:
        return self.the[:1].upper() + self.the[1:]

    def say(self, text: str) -> str:
        """A fixed text with {the} and {The} (never user text: a brace in it would be read as a field)."""
        return text.format(the=self.the, The=self.capitalised)


ASSESSMENT = Thing("bedömningen", "Steg och prioriteringsgrund ändras på portföljsidan.")
CANVAS = Thing(THE_KIND["canvas"])
CHECKLIST = Thing(THE_KIND["checklist"])


def access_notice(session: Any, thing: Thing = ASSESSMENT) -> str:
    """What a user who does not own it may do with it, and whose it is (HTML, escaped). `session` has
    the store, the id and the user's access (an assessment's, a canvas's or a checklist's session)."""
    text = ACCESS_TEXT.get(session.access)
    if text is None:
        return ""
    text = thing.say(text) + (f" {thing.office_note}" if session.access == "office" and thing.office_note else "")
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

    def __init__(self, session: Any, on_handed_over: Callable[[], None] | None = None, thing: Thing = ASSESSMENT):
        super().__init__(layout=shared_layout())
        self.session = session
        self.thing = thing
        self.on_handed_over = on_handed_over or (lambda: None)
        self.add_class("nyttolib-sharing")
        self.heading = html(f"<h2 id='{SHARING_ID}' tabindex='-1'>{escape(thing.say('Dela {the}'))}</h2>")
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
                thing.say(
                    "<p>{The} är din. Du kan dela den med andra som loggar in här, för att läsa eller "
                    "för att ändra. Portföljkontoret kan alltid läsa den.</p>"
                )
            ),
            self.people,
            html("<h3>Dela med någon</h3>"),
            LabelledControl(self.user_name),
            LabelledControl(self.mode),
            button_row(self.share_button),
            self.share_result,
            html(thing.say("<h3>Ge bort ägandet</h3><p>Den nya ägaren kan dela och ta bort {the}.</p>")),
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
        self._say(self.share_result, self.thing.say("{The} delas inte längre med ") + f"{name}.", ok=True)
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
                f"<div role='alert'><p><strong>{escape(self.thing.say('Ge {the} till'))} {escape(name)}?</strong> "
                f"Bara ägaren kan ge tillbaka den. {escape(kept)}</p></div>"
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
                f"<h2 id='{SHARING_ID}' tabindex='-1'>{escape(self.thing.say('Dela {the}'))}</h2><p role='status'>"
                f"{escape(self.thing.say('{The} är nu'))} {escape(name)}s. Det är den nya ägaren som delar den.</p>"
            )
        ]
        self.on_handed_over()


class AccessArea(widgets.VBox):
    """Under the hub, on a canvas or a checklist: at the top, what the user may do when it is not theirs,
    or for its owner a button to the sharing panel, which the page puts at its end (`panel_area`).
    Empty for the local user of `make app`."""

    def __init__(self, session: Any, thing: Thing, on_handed_over: Callable[[], None] | None = None):
        super().__init__(layout=shared_layout())
        self.add_class("nyttolib-access-area")
        self.session, self.thing = session, thing
        self.on_handed_over = on_handed_over or (lambda: None)
        self.panel_area = widgets.VBox(layout=shared_layout())
        self.sharing: SharingPanel | None = None
        self._shown: str | None = None
        self.update()

    def update(self) -> None:
        """After each save: the first save of a new one makes the user its owner, a refusal a reader."""
        s = self.session
        if not s.store.user.hub or s.id is None or s.revision is None or self._shown == s.access:
            return
        self._shown = s.access
        if s.access == "owner":
            self.sharing = SharingPanel(s, on_handed_over=self._handed_over, thing=self.thing)
            go = widgets.Button(description=self.thing.say("Dela {the} …"), layout=shared_layout(width="auto"))
            go.on_click(guarded(lambda _b: request_focus(self.sharing.heading) if self.sharing else None))
            self.children = [button_row(go)]
            self.panel_area.children = [self.sharing]
        else:
            self.sharing = None
            self.children = [html(access_notice(s, self.thing))]
            self.panel_area.children = []

    def _handed_over(self) -> None:
        """The panel says whose it is now; at the top, what the previous owner may still do."""
        self._shown = self.session.access
        self.sharing = None
        self.children = [html(access_notice(self.session, self.thing))]
        self.on_handed_over()
