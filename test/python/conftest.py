"""Shared fixtures of the nsc Python package's tests (run by ctest's
python.pytest with PYTHONPATH=build/python and NSC_EXECUTABLE set)."""

import os
import pathlib

import pytest

import nsc

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def cuba():
    """examples/cuba.nrn compiled once for the session (cpu target)."""
    return nsc.compile(str(EXAMPLES / "cuba.nrn"))


@pytest.fixture(scope="session")
def nsc_cli():
    """The nsc command-line tool of this build."""
    return nsc._verify.nsc_executable()


def pytest_report_header(config):
    return f"nsc {nsc.__version__} from {os.path.dirname(nsc.__file__)}"
