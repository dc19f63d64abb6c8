"""Subtree queries on the organization tree: the maintained id path against a recursive CTE.

On the hagiang-2023 preset (seeded into a scratch database, or the one named by
``BENCH_MEMBERS_DATABASE_URL``), median over repeated runs of:

- members in the subtree of every commune committee, one query each:
  ``Member.objects.in_subtree(org).count()`` (path prefix) against the same count
  through a recursive CTE over ``parent_id`` in raw SQL;
- the roll-up of member counts to every organization of the province:
  ``subtree_counts`` (one GROUP BY, summed over the paths in Python) against one
  recursive CTE that pairs every organization with all its ancestors.

This is the measurement behind docs/adr/0002-organization-tree-paths.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

REPEAT = 10

CTE_SUBTREE = """
WITH RECURSIVE sub(id) AS (
    SELECT id FROM organizations_organization WHERE id = {p}
    UNION ALL
    SELECT o.id FROM organizations_organization o JOIN sub ON o.parent_id = sub.id
)
SELECT COUNT(*) FROM members_member WHERE organization_id IN (SELECT id FROM sub)
"""

CTE_ROLLUP = """
WITH RECURSIVE anc(org_id, ancestor_id) AS (
    SELECT id, id FROM organizations_organization
    UNION ALL
    SELECT anc.org_id, o.parent_id FROM anc
    JOIN organizations_organization o ON o.id = anc.ancestor_id
    WHERE o.parent_id IS NOT NULL
)
SELECT anc.ancestor_id, COUNT(m.id)
FROM anc JOIN members_member m ON m.organization_id = anc.org_id
GROUP BY anc.ancestor_id
"""


def run(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe213.settings")
    sys.path.insert(0, str(c.ROOT))
    import django

    django.setup()
    from django.db.models import Count

    from lienhe213.members.models import Member
    from lienhe213.organizations.models import Organization
    from lienhe213.organizations.queries import subtree_counts

    communes = list(Organization.objects.filter(kind="grassroots_committee", side="residential"))
    p = c.placeholder(url)
    conn = c.connect(url)

    def path_counts() -> None:
        for org in communes:
            Member.objects.in_subtree(org).count()

    def cte_counts() -> None:
        cursor = conn.cursor()
        for org in communes:
            cursor.execute(CTE_SUBTREE.format(p=p), [org.pk])
            cursor.fetchone()

    def path_rollup() -> None:
        per_org = dict(
            Member.objects.values_list("organization").annotate(n=Count("id")).order_by()
        )
        subtree_counts(Organization.objects.all(), per_org)

    def cte_rollup() -> None:
        cursor = conn.cursor()
        cursor.execute(CTE_ROLLUP)
        cursor.fetchall()

    c.title(
        f"tree: {Organization.objects.count()} organizations, "
        f"{Member.objects.count()} members, {len(communes)} communes"
    )
    a = c.median_ms(path_counts, repeat=REPEAT)
    b = c.median_ms(cte_counts, repeat=REPEAT)
    print(f"subtree count of every commune, path prefix (ORM): {a:8.1f} ms")
    print(f"subtree count of every commune, recursive CTE (raw): {b:8.1f} ms  ratio {a / b:.2f}")
    a = c.median_ms(path_rollup, repeat=REPEAT)
    b = c.median_ms(cte_rollup, repeat=REPEAT)
    print(f"roll-up to every organization, GROUP BY + paths (ORM): {a:8.1f} ms")
    print(f"roll-up to every organization, recursive CTE (raw):    {b:8.1f} ms  ratio {a / b:.2f}")
    conn.close()


def main() -> None:
    with c.hagiang_database("tree") as url:
        run(url)


if __name__ == "__main__":
    main()
