"""Write a PEP 503 "simple" index for a folder of downloaded distributions.

The layout matches https://mirrors.aliyun.com/pypi/simple/:
<root>/simple/index.html, <root>/simple/<project>/index.html, with links to
<root>/packages/<file>#sha256=<digest>.
"""

import hashlib
import html
import pathlib
import re
import sys

DIST_NAME = re.compile(r"^(?P<name>.+?)-\d[^-]*(-.*)?\.(whl|tar\.gz|zip)$")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def page(title: str, links: list[str]) -> str:
    body = "\n".join(links)
    return (
        "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" "
        f"content=\"1.0\"><title>{html.escape(title)}</title></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def main(root: pathlib.Path) -> None:
    packages = root / "packages"
    projects: dict[str, list[pathlib.Path]] = {}
    for dist in sorted(packages.iterdir()):
        match = DIST_NAME.match(dist.name)
        if match:
            projects.setdefault(normalize(match["name"]), []).append(dist)
    simple = root / "simple"
    simple.mkdir(exist_ok=True)
    for project, dists in projects.items():
        links = []
        for dist in dists:
            digest = hashlib.sha256(dist.read_bytes()).hexdigest()
            href = f"../../packages/{html.escape(dist.name)}#sha256={digest}"
            links.append(f'<a href="{href}">{html.escape(dist.name)}</a><br>')
        (simple / project).mkdir(exist_ok=True)
        (simple / project / "index.html").write_text(page(f"Links for {project}", links))
    index = [f'<a href="{p}/">{p}</a><br>' for p in sorted(projects)]
    (simple / "index.html").write_text(page("Simple index", index))


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
