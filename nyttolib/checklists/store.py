"""Answerings kept in the shared database as documents of kind "checklist" (nyttolib.storage.documents):
revisioned, with owner, organisation and date, a save from an older revision refused."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from nyttolib.checklists.answers import Answering
from nyttolib.identity import User
from nyttolib.messages import error_text
from nyttolib.storage.assessments import Saved, StoreError
from nyttolib.storage.documents import DocumentListing, DocumentStore
from nyttolib.storage.shares import Access, Share
from nyttolib.survey.questionnaire import group_key

KIND = "checklist"
log = logging.getLogger("nyttolib.app")


class UnreadableAnswering(StoreError):
    """A stored revision that is not an answering this version of nyttolib can read."""


@dataclass(frozen=True)
class AnsweringListing:
    id: str
    revision: int
    checklist_id: str
    checklist_title: str
    organisation: str
    on_date: str
    updated_at: str
    owner: str | None = None
    access: Access = "owner"  # what the user listing it may do with it


def parse_answering(data: object) -> Answering:
    try:
        return Answering.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UnreadableAnswering(f"Svaren går inte att läsa ({where}: {error_text(first)}).") from None


class ChecklistStore:
    """The answerings the user may see, on DocumentStore("checklist")."""

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        database_url: str | None = None,
        user: User | None = None,
        documents: DocumentStore | None = None,
    ):
        self.documents = documents or DocumentStore(KIND, directory, database_url=database_url, user=user)

    @property
    def user(self) -> User:
        return self.documents.user

    def close(self) -> None:
        self.documents.close()

    def __enter__(self) -> ChecklistStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def save(self, answering: Answering, *, id: str | None = None, expected_revision: int | None = None) -> Saved:
        """A new revision (a new answering without `id`); ConflictError if another tab saved in between."""
        return self.documents.save(
            answering.model_dump(mode="json"),
            id=id,
            expected_revision=expected_revision,
            name=answering.label,
            organisation=answering.organisation,
            on_date=answering.on_date.isoformat(),
        )

    def load(self, answering_id: str, revision: int | None = None) -> tuple[Answering, int]:
        data, number = self.documents.load(answering_id, revision)
        return parse_answering(data), number

    def head_revision(self, answering_id: str) -> int:
        return self.documents.head_revision(answering_id)

    # -- who has it (the document store decides) ---------------------------------------------------

    def access(self, answering_id: str) -> Access | None:
        return self.documents.access(answering_id)

    def owner(self, answering_id: str) -> str | None:
        return self.documents.owner(answering_id)

    def shares(self, answering_id: str) -> list[Share]:
        return self.documents.shares(answering_id)

    def share(self, answering_id: str, user_name: str, mode: Literal["read", "edit"]) -> None:
        self.documents.share(answering_id, user_name, mode)

    def unshare(self, answering_id: str, user_name: str) -> None:
        self.documents.unshare(answering_id, user_name)

    def set_owner(self, answering_id: str, user_name: str, *, keep: Literal["read", "edit"] | None = None) -> None:
        self.documents.set_owner(answering_id, user_name, keep=keep)

    def answerings(self, checklist_id: str | None = None, organisation: str | None = None) -> list[AnsweringListing]:
        """The answerings (of one checklist, of one organisation: case and spacing ignored), newest date first.
        One that cannot be read is left out of the list (and logged); it stays in the store."""
        found = [
            AnsweringListing(
                listing.id,
                listing.revision,
                answering.checklist_id,
                answering.checklist_title,
                answering.organisation,
                answering.on_date.isoformat(),
                listing.updated_at,
                listing.owner,
                listing.access,
            )
            for listing, answering in self._read(checklist_id, organisation)
        ]
        return sorted(found, key=lambda a: (a.on_date, a.updated_at), reverse=True)

    def _read(self, checklist_id: str | None, organisation: str | None) -> list[tuple[DocumentListing, Answering]]:
        """The readable answerings that match, each parsed once from the one query that lists them."""
        found = []
        for listing, document in self.documents.list_with_documents():
            if organisation is not None and group_key(listing.organisation) != group_key(organisation):
                continue
            try:
                answering = parse_answering(document)
            except StoreError:
                log.exception("Unreadable checklist answering %s", listing.id)
                continue
            if checklist_id is None or answering.checklist_id == checklist_id:
                found.append((listing, answering))
        return found

    def find(self, checklist_id: str, organisation: str, on_date: dt.date) -> str | None:
        """The answering of this checklist by this organisation on this date, if there is one."""
        wanted = on_date.isoformat()
        return next((a.id for a in self.answerings(checklist_id, organisation) if a.on_date == wanted), None)

    def history(self, checklist_id: str, organisation: str) -> list[Answering]:
        """Every answering of the checklist by the organisation, oldest first."""
        return sorted((answering for _, answering in self._read(checklist_id, organisation)), key=lambda a: a.on_date)

    def organisations(self) -> list[str]:
        """The organisations that have answered any checklist, each once (as first written)."""
        names: dict[str, str] = {}
        for listing in sorted(self.documents.list(), key=lambda item: item.created_at):
            if listing.organisation:
                names.setdefault(group_key(listing.organisation), listing.organisation)
        return sorted(names.values(), key=str.casefold)
