"""A Node process that is killed, crashes or stops answering gives a clear error at once, never a hang."""
import os
import signal
import tempfile
import time
import unittest

import numpy as np

import gridgym


class Process(unittest.TestCase):
    def test_a_killed_node_process_raises_node_process_error_at_once(self):
        client = gridgym.Client()
        env = gridgym.make("CommunityBattery-v0", client=client)
        env.reset(seed=0)
        os.kill(client.proc.pid, signal.SIGKILL)
        started = time.monotonic()
        with self.assertRaises(gridgym.NodeProcessError) as ctx:
            env.step(np.zeros(1, np.float32))
        self.assertLess(time.monotonic() - started, 10.0)
        self.assertIn("killed by signal 9", str(ctx.exception))
        self.assertFalse(client.alive)
        with self.assertRaises(gridgym.NodeProcessError):
            env.reset(seed=0)
        env.close()  # quiet on a dead process
        client.close()

    def test_a_stuck_node_process_times_out_and_is_killed(self):
        client = gridgym.Client(timeout=1.0)
        env = gridgym.make("CommunityBattery-v0", client=client)
        env.reset(seed=0)
        os.kill(client.proc.pid, signal.SIGSTOP)
        started = time.monotonic()
        with self.assertRaises(gridgym.NodeProcessError) as ctx:
            env.step(np.zeros(1, np.float32))
        self.assertLess(time.monotonic() - started, 10.0)
        self.assertIn("no answer from Node within 1 s", str(ctx.exception))
        self.assertIsNotNone(client.proc.poll(), "the stuck process should have been killed")
        client.close()

    def test_a_server_that_crashes_at_start_reports_its_exit_status_and_output(self):
        with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as f:
            f.write('process.stderr.write("cannot load the envs\\n"); process.exit(3);\n')
        previous = os.environ.get("GRIDGYM_NODE_ENTRY")
        os.environ["GRIDGYM_NODE_ENTRY"] = f.name
        try:
            client = gridgym.Client()
            with self.assertRaises(gridgym.NodeProcessError) as ctx:
                gridgym.make("CommunityBattery-v0", client=client)
            message = str(ctx.exception)
            self.assertIn("exited with status 3", message)
            self.assertIn("cannot load the envs", message)
            client.close()
        finally:
            if previous is None:
                del os.environ["GRIDGYM_NODE_ENTRY"]
            else:
                os.environ["GRIDGYM_NODE_ENTRY"] = previous
            os.unlink(f.name)

    def test_a_missing_entry_is_named(self):
        previous = os.environ.get("GRIDGYM_NODE_ENTRY")
        os.environ["GRIDGYM_NODE_ENTRY"] = "/nonexistent/pipe-server.js"
        try:
            with self.assertRaises(gridgym.NodeProcessError) as ctx:
                gridgym.Client()
            self.assertIn("/nonexistent/pipe-server.js", str(ctx.exception))
        finally:
            if previous is None:
                del os.environ["GRIDGYM_NODE_ENTRY"]
            else:
                os.environ["GRIDGYM_NODE_ENTRY"] = previous


if __name__ == "__main__":
    unittest.main()
