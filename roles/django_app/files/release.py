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


def main(argv):
    if argv[:1] not in (["plan"], ["migrate"]):
        sys.stderr.write(__doc__)
        return 2
    django.setup()
    try:
        if argv[0] == "plan":
            plan(argv[1:])
        else:
            call_command("migrate", interactive=False)
    except CommandError as error:
        sys.stderr.write("%s: %s\n" % (type(error).__name__, error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
