"""A release's checks, migration plan and migrations, each step in one
Django start (they were three manage.py runs, each starting Python and
Django again).

    python -m djangodocker_deploy.release plan [--deploy FAIL_LEVEL]
    python -m djangodocker_deploy.release migrate

`plan` runs Django's system checks (with the deployment checks and
FAIL_LEVEL when --deploy is given) and prints the migration plan; when it
holds migrations, its last line is PENDING_MARKER with their number, so the
deploy backs the database up and runs `migrate` only then (a release without
migrations makes no backup and starts no second container). Any failure
prints Django's message and exits non-zero, as manage.py would.

`migrate` applies the release's migrations all or nothing where the database
can roll DDL back (PostgreSQL): the migrations that may run in a transaction
run in one, so a failure leaves none of them applied; a non-atomic one
(`atomic = False`, `AddIndexConcurrently`) runs on its own, committed, as
Django runs it. Elsewhere (MariaDB, MySQL, sqlite) each migration commits on
its own, as `manage.py migrate` does. Nothing is ever restored over the
writes the serving release made meanwhile.
"""

import sys

import django
from django.core.management import call_command
from django.core.management.base import CommandError

PENDING_MARKER = "djangodocker_deploy: migrations to apply:"


def pending_migrations():
    """How many migrations the default database lacks (what `migrate` would apply)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def plan(argv):
    if argv[:1] == ["--deploy"]:
        call_command("check", deploy=True, fail_level=argv[1])
    else:
        call_command("check")
    call_command("migrate", plan=True)
    pending = pending_migrations()
    if pending:
        print("%s %d" % (PENDING_MARKER, pending))


def migration_plan():
    """The migrations `migrate` would apply, in order: [(migration, backwards)]."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def runs(plan):
    """The plan cut into runs: consecutive atomic migrations together, each non-atomic one alone.

    [(atomic, [migration, ...])]."""
    cut = []
    for migration, dummy in plan:
        if migration.atomic and cut and cut[-1][0]:
            cut[-1][1].append(migration)
        else:
            cut.append((migration.atomic, [migration]))
    return cut


def fire_deferred(connection):
    """Run the deferred constraint checks now: PostgreSQL refuses to ALTER a table with pending
    trigger events (rows a data migration wrote), which committing each migration used to clear."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def apply(migrations, after_each=None):
    """Apply MIGRATIONS one by one, in plan order (their dependencies come before them)."""
    for migration in migrations:
        call_command("migrate", migration.app_label, migration.name, interactive=False)
        if after_each:
            after_each()


def migrate():
    """Apply the pending migrations; all or nothing per run on PostgreSQL."""
    from django.db import DEFAULT_DB_ALIAS, connections, transaction

    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        call_command("migrate", interactive=False)
        return
    for atomic, migrations in runs(migration_plan()):
        if atomic:
            # The run's migrations (each in a savepoint) commit together or not at all.
            with transaction.atomic(using=DEFAULT_DB_ALIAS):
                apply(migrations, after_each=lambda: fire_deferred(connection))
        else:
            apply(migrations)
    # Whatever the plan did not name (none, unless other apps' migrations came in between).
    call_command("migrate", interactive=False)


def main(argv):
    if argv[:1] not in (["plan"], ["migrate"]):
        sys.stderr.write(__doc__)
        return 2
    django.setup()
    try:
        if argv[0] == "plan":
            plan(argv[1:])
        else:
            migrate()
    except CommandError as error:
        sys.stderr.write("%s: %s\n" % (type(error).__name__, error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
