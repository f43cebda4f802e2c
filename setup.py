"""Build configuration that pyproject.toml cannot say: the top-level rulebooks/, schemas/ and calendars/
folders travel inside the wheel as the package data ``engine/bundled/<name>``
(read through importlib.resources by engine/base/resources.py). Everything else is in pyproject.toml."""

from setuptools import find_namespace_packages, setup

BUNDLED = {f"engine.bundled.{name}": name for name in ("rulebooks", "schemas", "calendars")}

setup(
    packages=find_namespace_packages(include=["engine", "engine.*"]) + sorted(BUNDLED),
    package_dir=BUNDLED,
)
