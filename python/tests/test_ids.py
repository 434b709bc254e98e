"""The ids the client registers with gymnasium are the ones Node registers."""
import unittest

import gridgym
from helpers import load_json


class Ids(unittest.TestCase):
    def test_the_known_ids_match_nodes_registry(self):
        ids = load_json("ids.json")
        self.assertEqual(sorted(gridgym.ENV_IDS), sorted(ids["env"]))
        self.assertEqual(sorted(gridgym.PARALLEL_IDS), sorted(ids["parallel"]))


if __name__ == "__main__":
    unittest.main()
