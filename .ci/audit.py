"""pip-audit over every pinned dependency (runtime and development): fails on a known
vulnerability; says plainly, without failing, when no vulnerability database could be
reached (a registry mirror without PyPI's JSON API, no route to OSV)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("pypi", "osv")


def audit(service: str) -> dict | None:
    result = subprocess.run(
        [sys.executable, "-m", "pip_audit", "-r", str(ROOT / "requirements-dev.txt"),
         "-s", service, "-f", "json", "--progress-spinner", "off"],
        capture_output=True, text=True, timeout=600)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit ({service}) gave no report: {result.stderr.strip()[-300:]}")
        return None


def main() -> int:
    for service in SERVICES:
        report = audit(service)
        if report is None:
            continue
        deps = report["dependencies"]
        audited = [d for d in deps if "skip_reason" not in d]
        if not audited:
            print(f"pip-audit ({service}): none of {len(deps)} dependencies could be audited.")
            continue
        found = [(d["name"], d["version"], v["id"]) for d in audited for v in d["vulns"]]
        for name, version, vuln in found:
            print(f"VULNERABLE {name} {version}: {vuln}")
        print(f"pip-audit ({service}): {len(audited)} of {len(deps)} dependencies audited, "
              f"{len(found)} known vulnerabilities.")
        return 1 if found else 0
    print("WARNING: no vulnerability database was reachable from here; dependencies NOT audited.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
