#!/usr/bin/python3
"""metrics.py - the Prometheus side of tests/daemon/t-metrics.sh.

  scrape URL    GET URL, parse the body with prometheus_client's own text
                parser (what a Prometheus-compatible scraper accepts) and
                print one line per family, "family NAME TYPE", and one per
                sample, "NAME{k=v,...} VALUE" with the labels sorted and the
                value as an integer when it is one.  Exit 1 when the status
                is not 200, the Content-Type is not the 0.0.4 text format,
                or the parser rejects the body.
  status METHOD URL
                print the HTTP status of one request.
  port          print a free TCP port on 127.0.0.1.
Every request has a 10 s timeout.
"""

import socket
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

TIMEOUT = 10.0


def fmt(value):
    return str(int(value)) if float(value).is_integer() else repr(value)


def scrape(url):
    with urllib.request.urlopen(url, timeout=TIMEOUT) as r:
        ctype = r.headers.get("Content-Type", "")
        body = r.read().decode("utf-8")
        if r.status != 200 or not ctype.startswith("text/plain; version=0.0.4"):
            print(f"status {r.status}, Content-Type {ctype!r}", file=sys.stderr)
            return 1
    for fam in text_string_to_metric_families(body):
        print(f"family {fam.name} {fam.type}")
        for s in fam.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            print(f"{s.name}{{{labels}}} {fmt(s.value)}")
    return 0


def status(method, url):
    req = urllib.request.Request(url, method=method, data=b"x" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
            print(r.status)
    except urllib.error.HTTPError as e:
        print(e.code)
    return 0


def port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])
    return 0


def main(argv):
    if len(argv) == 2 and argv[0] == "scrape":
        return scrape(argv[1])
    if len(argv) == 3 and argv[0] == "status":
        return status(argv[1], argv[2])
    if argv == ["port"]:
        return port()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
