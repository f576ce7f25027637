#!/usr/bin/python3
"""grafana_check.py - contrib/grafana/mxdetour.json against the metrics.

  grafana_check.py DASHBOARD SOURCE

SOURCE is either src/metrics.c (the names and labels its format strings
print) or a scrape as tests/daemon/metrics.py prints it.  The dashboard
must be valid JSON, every panel must have a non-empty query, every
mxdetour_* name in a query must be a sample name the daemon exports,
every label a query matches or groups by must be one of that sample's
labels (or Prometheus's own instance/job/le), and every family must be
shown somewhere.  Exit 1 with one line per problem.
"""

import json
import re
import sys

NAME = re.compile(r"\b(mxdetour_[a-z_]+)\b")
SAMPLE = re.compile(r"(mxdetour_[a-z_]+)(?:\{([^}]*)\})?")
OWN_LABELS = {"instance", "job", "le"}


def exported(path):
    """{sample name: set of label names}, and the set of family names."""
    text = open(path, encoding="utf-8").read()
    samples, families = {}, set()
    if path.endswith(".c"):
        for name, kind in re.findall(r'family\(o, "(mxdetour_[a-z_]+)", "(\w+)"', text):
            families.add(name)
            if kind == "histogram":
                for suffix in ("_bucket", "_sum", "_count"):
                    samples.setdefault(name + suffix, set())
            else:
                samples.setdefault(name, set())
        for name, labels in re.findall(r'"(mxdetour_[a-z_]+)\{([^}]*)\}', text):
            samples.setdefault(name, set()).update(re.findall(r"(\w+)=", labels))
        return samples, families
    for line in text.splitlines():
        if line.startswith("family "):
            continue
        m = SAMPLE.match(line)
        if m:
            samples.setdefault(m.group(1), set()).update(re.findall(r"(\w+)=", m.group(2) or ""))
    for name in samples:  # the family of a sample: without its suffix
        families.add(re.sub(r"_(bucket|sum|count)$", "", name))
    return samples, families


def queries(dash):
    for panel in dash.get("panels", []):
        targets = panel.get("targets") or [{}]
        for t in targets:
            yield panel.get("title", "?"), t.get("expr", "")


def check(dash, samples, families):
    problems, used = [], set()
    for title, expr in queries(dash):
        if not expr.strip():
            problems.append(f"panel {title!r}: no query")
            continue
        for name in NAME.findall(expr):
            if name not in samples:
                problems.append(f"panel {title!r}: {name} is not exported")
                continue
            used.add(name)
        labels = set()
        for sel in re.findall(r"mxdetour_[a-z_]+\{([^}]*)\}", expr):
            labels.update(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", sel))
        for grp in re.findall(r"\bby\s*\(([^)]*)\)", expr):
            labels.update(x.strip() for x in grp.split(",") if x.strip())
        known = OWN_LABELS.union(*(samples.get(n, set()) for n in NAME.findall(expr)))
        for label in sorted(labels - known):
            problems.append(f"panel {title!r}: label {label} is on none of its metrics")
    for fam in sorted(families):
        if not any(u == fam or u.startswith(fam + "_") for u in used):
            problems.append(f"family {fam} is on no panel")
    return problems


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as f:
            dash = json.load(f)
    except ValueError as e:
        print(f"{argv[0]}: not JSON: {e}")
        return 1
    samples, families = exported(argv[1])
    if not families:
        print(f"{argv[1]}: no mxdetour families found")
        return 1
    problems = check(dash, samples, families)
    for p in problems:
        print(p)
    print(f"{len(list(queries(dash)))} queries checked against {len(families)} families")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
