"""The installed paycalc version, as the manifest and the report name it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("paycalc")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
