"""paycalc: payroll and time-tracker calculation from YAML collective agreements.

The library entry points of the agreement language:

>>> from paycalc import compile_agreement
>>> from paycalc.bundled import AGREEMENTS_DIR
>>> retail = compile_agreement(AGREEMENTS_DIR / "retail.yaml")
>>> retail.tracker("VAC").deduction_order, str(retail.tracker("VAC").year_start)
('oldest_first', '04-01')

`compile_agreement` raises `AgreementError`, whose `problems` list every mistake with its
file, line and column.
"""

from importlib.metadata import PackageNotFoundError, version

from paycalc.catalogue import Checked, check_paths
from paycalc.compile import compile_agreement, compile_document
from paycalc.compiled import Agreement
from paycalc.problems import AgreementError, Problem
from paycalc.resolve import Catalog

try:
    __version__ = version("paycalc")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "Agreement",
    "AgreementError",
    "Catalog",
    "Checked",
    "Problem",
    "__version__",
    "check_paths",
    "compile_agreement",
    "compile_document",
]
