"""Turn bench/results/raw.jsonl (one measurement a line) into a table of
medians: results/bench.md and results/bench.json."""

import collections
import json
import pathlib
import statistics
import sys

results = pathlib.Path(sys.argv[1])
rows = collections.OrderedDict()
for line in (results / "raw.jsonl").read_text().splitlines():
    item = json.loads(line)
    rows.setdefault(item["metric"], {"unit": item["unit"], "values": []})["values"].append(item["value"])

table = {}
for metric, row in rows.items():
    table[metric] = {"unit": row["unit"], "median": statistics.median(row["values"]), "runs": row["values"]}


def median(metric):
    return table[metric]["median"] if metric in table else None


def ratio(numerator, denominator):
    a, b = median(numerator), median(denominator)
    return round(a / b, 2) if a is not None and b else None


checks = {
    "warm re-run / cold converge (target <= 0.10)": ratio("warm re-run", "cold converge"),
    "tutorial rebuild / our rebuild after a code change (target >= 5)": ratio(
        "code change: tutorial Dockerfile build", "code change: our image build"),
    "tutorial rebuild / our whole redeploy after a code change (target >= 1.0)": ratio(
        "code change: tutorial Dockerfile build", "code change: redeploy until served"),
    "uWSGI / runserver throughput (target >= 3)": ratio("uwsgi requests/s", "runserver requests/s"),
    "uWSGI p99 / runserver p99 (target < 1)": ratio("uwsgi p99 latency", "runserver p99 latency"),
    "dynamic page via Nginx / uWSGI direct throughput (target >= 0.9)": ratio(
        "page via nginx requests/s", "page via direct requests/s"),
    "static file via Nginx / uWSGI static-map throughput": ratio(
        "static via nginx requests/s", "static via direct requests/s"),
    "docker part cold: ours / plain play without checks (target <= 1.1)": ratio(
        "docker part cold: docker_ce + docker_daemon", "docker part cold: plain play, no checks"),
    "warm re-run: 8 hosts / 1 host (target <= 2)": ratio("warm re-run: 8 hosts", "warm re-run: 1 hosts"),
    "warm re-run: 4 hosts / 1 host": ratio("warm re-run: 4 hosts", "warm re-run: 1 hosts"),
    "app-only redeploy: 8 hosts / 1 host": ratio("app-only redeploy: 8 hosts", "app-only redeploy: 1 hosts"),
    "app-only redeploy: 4 hosts / 1 host": ratio("app-only redeploy: 4 hosts", "app-only redeploy: 1 hosts"),
    "warm re-run, app only: 10k-file project / example (target <= 1.5)": ratio(
        "warm re-run, app only: 10k-file project", "warm re-run, app only: example"),
    "one-file redeploy: 10k-file project / example (target <= 2)": ratio(
        "10k-file project: one-file change redeploy until served", "code change: redeploy until served"),
    "rows lost / rows written during redeploys on PostgreSQL (target 0)": ratio(
        "writes during a redeploy: rows lost", "writes during a redeploy: rows written"),
}
(results / "bench.json").write_text(json.dumps({"metrics": table, "ratios": checks}, indent=2) + "\n")
lines = ["| Measurement | Median | Unit | Runs |", "| --- | --- | --- | --- |"]
for metric, row in table.items():
    lines.append(f"| {metric} | {row['median']:g} | {row['unit']} | {', '.join(f'{v:g}' for v in row['runs'])} |")
lines += ["", "| Ratio | Value |", "| --- | --- |"]
lines += [f"| {name} | {value if value is not None else 'n/a'} |" for name, value in checks.items()]
(results / "bench.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
