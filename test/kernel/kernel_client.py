"""Shared helpers for the kernel tests: start the lowrank-lab kernel, run code, collect replies."""

import time
import unittest
from queue import Empty

from jupyter_client.manager import start_new_kernel

TIMEOUT = 30


class KernelTestCase(unittest.TestCase):
    """One kernel per test class, as jupyter_kernel_test does."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="lowrank-lab", startup_timeout=90)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)

    def setUp(self):
        self.drain()

    def drain(self):
        for get in (self.kc.get_shell_msg, self.kc.get_iopub_msg, self.kc.get_stdin_msg):
            while True:
                try:
                    get(timeout=0.05)
                except Empty:
                    break

    def reply_to(self, msg_id, timeout=TIMEOUT):
        """The shell reply to msg_id (other replies are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def outputs_of(self, msg_id, timeout=TIMEOUT):
        """iopub messages parented to msg_id, up to and excluding its idle status."""
        out = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return out
            if msg["msg_type"] != "status":
                out.append(msg)

    def run_cell(self, code, **kw):
        msg_id = self.kc.execute(code, **kw)
        reply = self.reply_to(msg_id)
        return reply, self.outputs_of(msg_id)

    def value_of(self, code):
        """text/plain of the cell's execute_result."""
        reply, outputs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1, outputs)
        return results[0]["content"]["data"]["text/plain"]
