"""Background tasks of the imports, run by ``manage.py db_worker``: the page can be
closed while a province-sized file is checked or written."""

from django_tasks import task

from lienhe213.imports import services


@task()
def check_import(batch_id: int) -> str:
    """Check a stored file; returns the import's status."""
    return services.run_check(batch_id=batch_id).status


@task()
def commit_import(batch_id: int) -> str:
    """Write the accepted rows of a checked import; returns the import's status."""
    return services.run_commit(batch_id=batch_id).status
