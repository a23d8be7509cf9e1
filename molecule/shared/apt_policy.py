"""Helpers for the scenarios' testinfra checks."""


def installed_origins(policy):
    """Sources listed under the installed (***) version in `apt-cache policy`."""
    lines = policy.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(" *** "))
    origins = []
    for line in lines[start + 1 :]:
        if not line.startswith("        "):
            break
        origins.append(line.split(None, 1)[1])
    return origins
