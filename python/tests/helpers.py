"""What the tests share: the Node reference data folder and a skip when it is missing."""
import json
import os
import unittest

DATA = os.environ.get("GRIDGYM_TEST_DATA", "")


def data_path(*parts: str) -> str:
    """A file of the reference data; the calling test is skipped when there is none."""
    if not DATA:
        raise unittest.SkipTest("GRIDGYM_TEST_DATA is not set: run these through test/python/client.test.ts (mocha), which writes the Node reference")
    return os.path.join(DATA, *parts)


def load_json(*parts: str):
    """A JSON file of the reference data."""
    with open(data_path(*parts), encoding="utf-8") as f:
        return json.load(f)
