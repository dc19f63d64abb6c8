"""Every read of a scoped model in a page or API module goes through the model's
``visible_to(user)`` (or a queryset method that scopes to the reader by construction,
or a ``get_x_for_user()`` gatekeeper): docs/style.md, "Access".

A scoped model is one whose default manager has ``visible_to``. The source of every
``views``/``api`` module is parsed, and each chain that starts at
``Model.objects.<method>`` must call one of ``SCOPING_METHODS`` somewhere along it.
``Model.objects.none()`` reads nothing; what else legitimately needs no scoping (writes,
stored versions, rows under an object the gatekeeper gave) is listed in ``ALLOWED``,
grouped by reason.
"""

import ast
import importlib
import pkgutil
from pathlib import Path

from django.apps import apps

import lienhe213

# Methods that narrow a queryset to what the reader may see.
SCOPING_METHODS = {
    "visible_to",  # the rule itself
    "held_by",  # RoleAssignment: the reader's own roles
    "managed_by",  # RoleAssignment: those the reader manages
    "entry_points",  # Organization: where the reader works from
    "visible_roots",  # Organization: the tops of the reader's visible subtree
    "opinions_of",  # ResidentReport: a community representative's own opinions
}

# (module, Model, start of the chain) that need no ``visible_to``, grouped by reason.
ALLOWED: set[tuple[str, str, str]] = {
    # The stored version of a row the gatekeeper already gave, for a 409 answer.
    ("lienhe213.members.api", "Member", "Member.objects.values_list"),
    ("lienhe213.meetings.api", "Meeting", "Meeting.objects.values_list"),
    ("lienhe213.feedback.api", "ResidentReport", "ResidentReport.objects.get"),
    ("lienhe213.notices.api", "Notice", "Notice.objects.values_list"),
    ("lienhe213.registry.api", "ResidenceLink", "ResidenceLink.objects.values_list"),
    ("lienhe213.registry.api", "Member", "Member.objects.filter"),
    ("lienhe213.reports.api", "Commendation", "Commendation.objects.values_list"),
    # A row the gatekeeper gave, read again with its relations or after the service
    # wrote it (the links a bulk step just issued).
    ("lienhe213.registry.api", "ResidenceLink", "ResidenceLink.objects.select_related"),
    ("lienhe213.organizations.api", "Organization", "Organization.objects.select_related"),
    ("lienhe213.meetings.api", "Meeting", "Meeting.objects.select_related"),
    ("lienhe213.feedback.api", "ResidentReport", "ResidentReport.objects.select_related"),
    ("lienhe213.notices.api", "Notice", "Notice.objects.select_related"),
    ("lienhe213.registry.api", "ResidenceLink", "ResidenceLink.objects.filter"),
    ("lienhe213.documents.views", "DocumentBatch", "DocumentBatch.objects.values_list"),
    # Rows of a meeting, cell or organization fetched through its gatekeeper just before.
    ("lienhe213.meetings.api", "FollowUp", "FollowUp.objects.filter"),
    ("lienhe213.meetings.views", "Attendance", "Attendance.objects.filter"),
    ("lienhe213.meetings.views", "Meeting", "Meeting.objects.filter"),
    ("lienhe213.documents.views", "DocumentBatch", "DocumentBatch.objects.filter"),
    ("lienhe213.comments.views", "ResidenceLink", "ResidenceLink.objects.at_workplace"),
    ("lienhe213.comments.views", "ResidenceLink", "ResidenceLink.objects.at_residence"),
    ("lienhe213.comments.views", "ResidenceLink", "ResidenceLink.objects.in_subtree"),
    # Organizations below one the gatekeeper gave (its cells, its children) or below
    # the reader's entry points.
    ("lienhe213.comments.views", "Organization", "Organization.objects.current"),
    ("lienhe213.comments.views", "Organization", "Organization.objects.residential_cells_under"),
    ("lienhe213.meetings.views", "Organization", "Organization.objects.residential_cells_under"),
    # (the residential units under the paths the reader handles reports for)
    ("lienhe213.feedback.views", "Organization", "Organization.objects.current"),
    ("lienhe213.meetings.views", "Organization", "Organization.objects.current"),
    ("lienhe213.organizations.views", "Organization", "Organization.objects.current"),
    ("lienhe213.registry.views.pages", "Organization", "Organization.objects.current"),
    # The member chosen in a form whose choices are the meeting's members.
    ("lienhe213.meetings.views", "Member", "Member.objects.get"),
    # The signed-in member's own attendance.
    ("lienhe213.meetings.views", "Attendance", "Attendance.objects.of_member"),
    # Scoped through its member: ``member__in=Member.objects.visible_to(user)``.
    ("lienhe213.registry.views.pages", "ExemptionDecision", "ExemptionDecision.objects.filter"),
    # The names of the ended organizations that still hold links the reader sees.
    ("lienhe213.registry.views.restructure", "Organization", "Organization.objects.in_bulk"),
}


def _modules() -> list[str]:
    root = Path(lienhe213.__file__).parent
    names = []
    for info in pkgutil.walk_packages([str(root)], prefix="lienhe213."):
        last = info.name.rsplit(".", 1)[-1]
        parts = info.name.split(".")
        if "tests" in parts or "migrations" in parts:
            continue
        if last in {"views", "api"} or "views" in parts[2:-1]:
            names.append(info.name)
    return sorted(names)


def _scoped_models() -> set[str]:
    return {
        model.__name__
        for model in apps.get_models()
        if hasattr(model._default_manager, "visible_to")
    }


def _chain_methods(node: ast.AST) -> list[str]:
    """The method names called on the chain that ``node`` (an ``X.objects`` attribute)
    starts, walking up through the parents."""
    names = []
    current = node
    while True:
        parent = getattr(current, "parent", None)
        if isinstance(parent, ast.Attribute) and parent.value is current:
            names.append(parent.attr)
            current = parent
        elif isinstance(parent, ast.Call) and parent.func is current:
            current = parent
        else:
            return names


def unscoped_reads(module_name: str, scoped: set[str]) -> list[tuple[str, str, str, int]]:
    module = importlib.import_module(module_name)
    source = Path(module.__file__ or "").read_text()
    tree = ast.parse(source)
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            child.parent = parent  # type: ignore[attr-defined]
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
            and node.value.id in scoped
        ):
            continue
        methods = _chain_methods(node)
        if SCOPING_METHODS & set(methods) or methods[:1] == ["none"]:
            continue
        code = f"{node.value.id}.objects.{methods[0]}" if methods else f"{node.value.id}.objects"
        found.append((module_name, node.value.id, code, node.lineno))
    return found


def test_the_walk_finds_the_page_and_api_modules():
    modules = _modules()

    assert {"lienhe213.members.views", "lienhe213.members.api"} <= set(modules)
    assert "lienhe213.registry.views.pages" in modules


def test_the_check_catches_an_unscoped_read(tmp_path, monkeypatch):
    package = tmp_path / "scopedcheck"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text(
        "from lienhe213.members.models import Member\n"
        "def a(user):\n"
        "    return Member.objects.filter(pk=1).visible_to(user)\n"
        "def b(user):\n"
        "    return Member.objects.filter(pk=1).order_by('pk')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    found = unscoped_reads("scopedcheck.views", {"Member"})

    assert found == [("scopedcheck.views", "Member", "Member.objects.filter", 5)]


def test_pages_and_api_read_scoped_models_through_visible_to():
    scoped = _scoped_models()
    found = [
        (module, model, code, line)
        for name in _modules()
        for module, model, code, line in unscoped_reads(name, scoped)
        if (module, model, code) not in ALLOWED
    ]

    assert found == []
