"""Reads a scim2-tester report (`scim test` output) and judges it.

    scim-compliance.py generic REPORT   # sandbox --generic-scim: every check passes
    scim-compliance.py strict REPORT    # the Statsig emulator: only the failures below

Each run must pass at least its minimum number of checks, so a tester that stopped early
or skipped checks fails here too. Against the strict Statsig emulator the checks that must
fail are listed with why; a failure not listed, or for another reason, fails the run, and
so does a listed failure that no longer happens (the list is then out of date).
"""

import re
import sys
from collections import Counter

# The fewest checks each run passes (scim2-tester 0.5.2 against this emulator).
MIN_PASSED = {"generic": 75, "strict": 27}

# Against Statsig's rules these checks fail twice each: once for Users, once for Groups.
# - Users: the tester's users have no email, or one outside the organization's domain;
#   Statsig keys users by an email of the organization's own domain.
# - Groups: the tester's groups have random names; Statsig's groups are team roles named
#   Statsig-<Project>-<Team>-<Admin|Member> (and projects it knows).
# Every later step of these checks builds on the object it could not create.
MUST_FAIL = [
    "object_creation",
    "object_query",
    "object_query_without_id",
    "object_query_with_attributes",
    "object_list_with_attributes",
    "search_with_attributes",
    "object_replacement",
    "object_deletion",
    "check_add_attribute",
    "check_remove_attribute",
    "check_replace_attribute",
]
USER_REASONS = [
    r"emails\[\]\.value is required",
    r"is not allowed to be created in this organization",
    r"name\.(givenName|familyName) is required",
]
GROUP_REASONS = [r"is not a Statsig team name"]


def read(path):
    """(passed count, [(check, reason)] of the failures)."""
    lines = open(path, encoding="utf-8").read().splitlines()
    passed = sum(1 for line in lines if line.startswith("SUCCESS"))
    failed = []
    for i, line in enumerate(lines):
        if line.startswith(("ERROR", "CRITICAL", "WARNING")):
            parts = line.split()
            check = parts[1] if len(parts) > 1 else "?"
            reason = lines[i + 1].strip() if i + 1 < len(lines) else ""
            failed.append((check, reason))
    return passed, failed


def kind(reason):
    """'user', 'group' or None: which of Statsig's rules a failure's reason names."""
    if any(re.search(r, reason) for r in USER_REASONS):
        return "user"
    if any(re.search(r, reason) for r in GROUP_REASONS):
        return "group"
    return None


def judge(mode, passed, failed):
    """The problems with a run, as sentences (none: the run is as expected)."""
    problems = []
    if passed < MIN_PASSED[mode]:
        problems.append(f"only {passed} checks passed; at least {MIN_PASSED[mode]} must")
    if mode == "generic":
        problems += [f"{check} failed: {reason}" for check, reason in failed]
        return problems
    seen = Counter()
    for check, reason in failed:
        k = kind(reason)
        if check not in MUST_FAIL or k is None:
            problems.append(f"unexpected failure of {check}: {reason}")
        else:
            seen[(check, k)] += 1
    for check in MUST_FAIL:
        for k in ("user", "group"):
            if seen[(check, k)] != 1:
                problems.append(
                    f"{check} should fail once for {k}s under Statsig's rules, failed {seen[(check, k)]} times"
                )
    return problems


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MIN_PASSED:
        print("usage: scim-compliance.py generic|strict REPORT", file=sys.stderr)
        return 2
    mode, path = sys.argv[1], sys.argv[2]
    passed, failed = read(path)
    problems = judge(mode, passed, failed)
    expected = len(failed) if mode == "strict" and not problems else 0
    print(f"scim2-tester ({mode}): {passed} passed (at least {MIN_PASSED[mode]}), "
          f"{expected} expected failures, {len(problems)} problems")
    for p in problems:
        print(f"  {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
