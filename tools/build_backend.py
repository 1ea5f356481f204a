"""The build backend: setuptools', plus mypy among the build's requirements when HOTLINE_MYPYC=1
asks for the compiled core (setup.py). A plain `pip install .` needs nothing more than before."""

import os
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 (the backend's every hook, unchanged)


def _mypyc() -> list[str]:
    return ["mypy>=1.10"] if os.environ.get("HOTLINE_MYPYC") == "1" else []


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    return list(_setuptools.get_requires_for_build_wheel(config_settings)) + _mypyc()


def get_requires_for_build_editable(config_settings: dict[str, Any] | None = None) -> list[str]:
    return list(_setuptools.get_requires_for_build_editable(config_settings)) + _mypyc()
