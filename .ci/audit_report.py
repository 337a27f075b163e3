"""Reads pip-audit's JSON report, prints every finding, and fails (exit 1) only on one with a fixed release.

Usage: audit_report.py REPORT PIP_AUDIT_EXIT_STATUS. A missing report, or one where no package could be
looked up, means the advisory data was out of reach: that is reported as skipped, not as a failure.
A vulnerability with no fix released yet is printed for a person to judge; it does not fail CI.
"""
import json
import sys


def main(report_path: str, status: str) -> int:
    try:
        with open(report_path) as report:
            dependencies = json.load(report)["dependencies"]
    except (OSError, ValueError, KeyError):
        print(f"pip-audit skipped: it stopped (exit {status}) without a report")
        return 0
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        print(f"pip-audit skipped: none of the {len(dependencies)} packages could be looked up")
        return 0
    found = fixable = 0
    for dep in audited:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln["fix_versions"]) or "no fix released yet"
            print(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
            print(f"    {vuln.get('description', '')[:300]}")
            found += 1
            fixable += bool(vuln["fix_versions"])
    print(f"pip-audit: {len(audited)} packages audited, {len(dependencies) - len(audited)} not found on PyPI, "
          f"{found} known vulnerabilities, {fixable} with a fixed release")
    return 1 if fixable else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
