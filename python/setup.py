"""Build hooks: the wheel carries the Sqitch project, and the version follows the plan's tag.

The plan (sqitch.plan, sqitch.conf, deploy/, revert/, verify/) lives once, at the top of the
checkout. ``build_py`` copies it into ``supervisor_event_store/sqitch/`` of the build, and
``sdist`` into ``sqitch-project/`` of the source archive (from which a wheel is then built), so
``event-store deploy`` and ``event-store db up`` work from a pip install without a checkout.
The package version is the plan's newest release tag (``@v0.4.0`` -> ``0.4.0``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
PROJECT_FILES = ("sqitch.plan", "sqitch.conf", "deploy", "revert", "verify", "proxy")


def _sqitch_source() -> Path:
    for candidate in (HERE.parent, HERE / "sqitch-project"):
        if (candidate / "sqitch.plan").is_file():
            return candidate
    raise SystemExit("sqitch.plan not found: build from a checkout of supervisor-event-store")


def _copy_project(target: Path) -> None:
    source = _sqitch_source()
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name)
        else:
            shutil.copy2(path, target / name)


def _version() -> str:
    tags = re.findall(r"^@v(\d+\.\d+\.\d+)\s", (_sqitch_source() / "sqitch.plan").read_text(), re.MULTILINE)
    if not tags:
        raise SystemExit("sqitch.plan has no release tag (@vX.Y.Z)")
    return tags[-1]


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:  # an editable install runs from the checkout, which has the plan
            _copy_project(Path(self.build_lib) / "supervisor_event_store" / "sqitch")


class SDist(sdist):
    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        _copy_project(Path(base_dir) / "sqitch-project")


setup(version=_version(), cmdclass={"build_py": BuildPy, "sdist": SDist})
