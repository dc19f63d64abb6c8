"""Background tasks of the official documents, run by ``manage.py db_worker``."""

from django_tasks import task

from lienhe213.documents import services


@task()
def render_letter_batch(batch_id: int) -> int:
    """Render and register one batch of letters; returns how many letters it holds."""
    return services.run_letter_batch(batch_id=batch_id).total
