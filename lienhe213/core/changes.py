"""Stored changes in words: the ``{field: value}`` snapshots of history events and the
``{field: [old, new]}`` changes of audit rows, shown with the field's label, the name
of the object an id points at, the label of a choice, and dd/mm/yyyy dates — never a
field name, an id, a status code or an ISO date (docs/style.md).

``describe`` reads every object the rows of a page point at in one query per model.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EMPTY = "—"

# Keys that are not fields of the changed model: what services record beside them.
EXTRA_LABELS: dict[str, Promise] = {
    "event": _("Step"),
    "api_tokens_deleted": _("API tokens ended"),
    "two_factor": _("Two-factor sign-in"),
    "recovery_codes": _("Recovery codes"),
    "locked": _("Locked after failed logins"),
    "lockout": _("Lockout"),
    "seconds": _("Seconds"),
    "must_change_password": _("Must change password"),
    "path": _("Page"),
    "filters": _("Filters"),
    "rows": _("Rows"),
    "role": _("Role"),
    "organization": _("Organization"),
    "count": _("Count"),
    "field": _("Field"),
}


# Keys whose values are the codes of another model's field.
EXTRA_FIELDS: dict[str, tuple[str, str]] = {"event": ("registry.LinkEvent", "kind")}


@dataclass
class ChangeRow:
    label: str
    before: str
    after: str


@dataclass
class _Pending:
    model: type[models.Model] | None
    name: str
    before: Any
    after: Any


def model_named(label: str) -> type[models.Model] | None:
    """The model of an ``app_label.model_name`` label, or None."""
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def object_kind(label: str) -> str:
    """What an audit row's ``object_type`` is, in words (the model's verbose name)."""
    model = model_named(label) if label else None
    return str(model._meta.verbose_name) if model is not None else ""


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if name in EXTRA_FIELDS:
        model, name = model_named(EXTRA_FIELDS[name][0]), EXTRA_FIELDS[name][1]
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist, or a name that is not a field
        try:
            field = model._meta.get_field(name.removesuffix("_id"))
        except Exception:
            return None
    return field if isinstance(field, models.Field) else None


def _label(model: type[models.Model] | None, name: str) -> str:
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    field = _field(model, name)
    if field is not None:
        return str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:]
    return name.replace("_", " ").capitalize()


def _plain(value: Any) -> str:
    """A value that is not a field's: booleans, dates, numbers, lists in words."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, str):
        return _date_text(value) or value
    return str(value)


def _date_text(value: str) -> str:
    """An ISO date or date-time as the pages show them, or "" when it is neither."""
    if len(value) == 10:
        try:
            return date_format(datetime.date.fromisoformat(value), "d/m/Y")
        except ValueError:
            return ""
    if len(value) >= 16 and value[10] == "T":
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return ""
        return date_format(moment, "d/m/Y H:i")
    return ""


def describe(
    entries: Iterable[tuple[type[models.Model] | None, list[tuple[str, Any, Any]]]],
) -> list[list[ChangeRow]]:
    """For each ``(model, [(field, before, after), …])``, the rows in words, reading
    the objects the ids point at once for all entries."""
    pending: list[list[_Pending]] = []
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for model, rows in entries:
        items = []
        for name, before, after in rows:
            items.append(_Pending(model, name, before, after))
            field = _field(model, name)
            if isinstance(field, models.ForeignKey):
                related = field.related_model
                assert isinstance(related, type)
                wanted[related].update(v for v in (before, after) if isinstance(v, int | str))
        pending.append(items)
    names: dict[type[models.Model], dict[str, str]] = {
        related: {
            str(obj.pk): str(obj)
            for obj in related._base_manager.filter(pk__in=[i for i in ids if str(i).isdigit()])
        }
        for related, ids in wanted.items()
    }
    return [[_row(item, names) for item in items] for items in pending]


def _row(item: _Pending, names: dict[type[models.Model], dict[str, str]]) -> ChangeRow:
    field = _field(item.model, item.name)

    def text(value: Any) -> str:
        if value is None or value == "":
            return EMPTY
        if item.name == "field" and isinstance(value, str):  # which field was read
            return _label(item.model, value)
        if isinstance(field, models.ForeignKey):
            related = field.related_model
            assert isinstance(related, type)
            return names.get(related, {}).get(str(value), EMPTY)
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        return _plain(value)

    return ChangeRow(_label(item.model, item.name), text(item.before), text(item.after))


def change_rows(changes: Any) -> list[tuple[str, Any, Any]]:
    """``(field, before, after)`` of an audit row's changes: updates store
    ``{field: [old, new]}``; creations a plain snapshot ``{field: value}``."""
    if not isinstance(changes, dict):
        return []
    rows: list[tuple[str, Any, Any]] = []
    for name, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((name, value[0], value[1]))
        else:
            rows.append((name, None, value))
    return rows
