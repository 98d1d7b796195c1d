"""guarantor: plan and stress-test a multinational security guarantee for Ukraine.

The package is organised as pure models (``guarantor.model`` and the model packages) with
thin shells around them (CLI, web app, report, sweeps). Data flows one way: scenario file or
store -> validated :class:`~guarantor.model.Scenario` -> models -> results.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("guarantor")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
