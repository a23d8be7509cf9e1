"""A release's checks and migrations in one Django start (they were three
manage.py runs, each starting Python and Django again).

    python -m djangodocker_deploy.release [--deploy FAIL_LEVEL]

Runs Django's system checks (with the deployment checks and FAIL_LEVEL when
--deploy is given), prints the migration plan, then migrates. Any failure
prints Django's message and exits non-zero, as manage.py would.
"""

import sys

import django
from django.core.management import call_command
from django.core.management.base import CommandError


def main(argv):
    django.setup()
    try:
        if argv[:1] == ["--deploy"]:
            call_command("check", deploy=True, fail_level=argv[1])
        else:
            call_command("check")
        call_command("migrate", plan=True)
        call_command("migrate", interactive=False)
    except CommandError as error:
        sys.stderr.write("%s: %s\n" % (type(error).__name__, error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
