"""The Sqitch plan's layout rules, checked on the files (no database needed):

- every function of the schema (sql/structure.sql) is created by the change named after it
  (``functions/<name>``, ``aggregates/<name>`` for an aggregate), and no current script later in
  the plan creates it again (an earlier one may: a helper moved into its own change keeps its
  first definition where it was, and the move's revert restores that body);
- every current deploy script requires the change of every ``event_store.<function>(`` it calls
  (outside the first definitions of helpers that have since moved into changes of their own: those
  bodies are history, and the helper's own change requires what its current body calls).

PL/pgSQL binds names late, so a missing ``requires`` deploys fine and fails at the first call;
these checks are what makes ``ls deploy/functions`` the index of the schema.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
CREATES = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(FUNCTION|AGGREGATE|PROCEDURE)\s+event_store\.(\w+)\s*\(", re.I
)
CALLS = re.compile(r"(?<!FUNCTION )(?<!AGGREGATE )\bevent_store\.(\w+)\s*\(", re.I)
STRINGS_AND_COMMENTS = re.compile(r"'(?:[^']|'')*'|/\*.*?\*/|--[^\n]*", re.S)
KIND_FOLDER = {"FUNCTION": "functions", "PROCEDURE": "functions", "AGGREGATE": "aggregates"}


def plan() -> dict[str, set[str]]:
    """Each change of the plan with the union of its requires over all its versions (a rework
    lists only what its new version adds), without @tag suffixes."""
    requires: dict[str, set[str]] = defaultdict(set)
    for line in (TOP / "sqitch.plan").read_text().splitlines():
        if not line or line[0] in "%@#" or line.startswith(" "):
            continue
        match = re.match(r"(\S+)\s+(?:\[([^\]]*)\])?", line)
        assert match, line
        name, deps = match[1], (match[2] or "").split()
        requires[name].update(dep.split("@")[0] for dep in deps if not dep.startswith("!"))
        requires[name].discard(name)
    return requires


def current_script(change: str) -> str:
    """The code of a change's current deploy script: no comments, no string literals (a hint that
    names a function is not a call)."""
    return STRINGS_AND_COMMENTS.sub("''", (TOP / "deploy" / f"{change}.sql").read_text())


def own_code(change: str, owner: dict[str, str]) -> str:
    """A change's current script without the definitions of functions another change owns (from
    each such CREATE to the next CREATE or the end)."""
    script = current_script(change)
    starts = [(m.start(), m[2]) for m in CREATES.finditer(script)] + [(len(script), "")]
    kept, last = [], 0
    for (start, name), (end, _) in pairwise(starts):
        if owner.get(name, change) != change:
            kept.append(script[last:start])
            last = end
    return "".join(kept) + script[last:]


def deployed_functions() -> dict[str, str]:
    """Function name -> its kind, from the committed schema dump."""
    found = {}
    for kind, name in CREATES.findall((TOP / "sql" / "structure.sql").read_text()):
        found[name] = kind.upper()
    return found


def test_every_function_is_created_by_the_change_named_after_it() -> None:
    changes = plan()
    creators: dict[str, list[str]] = defaultdict(list)
    for change in changes:
        for _, name in CREATES.findall(current_script(change)):
            creators[name].append(change)
    order = list(changes)  # dicts keep the plan's order (of first appearance)
    wrong = {}
    for name, kind in sorted(deployed_functions().items()):
        own = f"{KIND_FOLDER[kind]}/{name}"
        found = creators.get(name, [])
        if own not in found or max(found, key=order.index) != own:
            wrong[name] = found
    assert wrong == {}, "functions not created (only) by the change named after them: " + repr(wrong)


def test_every_caller_requires_what_it_calls() -> None:
    changes = plan()
    owner = {name: f"{KIND_FOLDER[kind]}/{name}" for name, kind in deployed_functions().items()}
    missing = {}
    for change, requires in changes.items():
        script = own_code(change, owner)
        created = {name for _, name in CREATES.findall(script)}
        called = {name for name in CALLS.findall(script) if name in owner and name not in created}
        lacking = sorted(owner[n] for n in called if owner[n] not in requires and owner[n] != change)
        if lacking:
            missing[change] = lacking
    assert missing == {}, f"deploy scripts calling functions their plan entry does not require: {missing!r}"
