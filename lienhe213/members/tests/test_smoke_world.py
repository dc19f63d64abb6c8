from lienhe213.members.models import Member


def test_world_builds(world):
    assert Member.objects.count() == 3
    assert (
        world.cell_a1.path
        == f"{world.province.pk}.{world.commune_a_committee.pk}.{world.cell_a1.pk}."
    )
