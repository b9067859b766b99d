"""Interrupting the lowrank-lab kernel: interrupt_request on the control channel and SIGINT both
stop a busy synchronous loop and a pending top-level await with an "Interrupted" error; the
kernel lives on with its variables, and the cells queued behind the interrupted one are aborted.
Prints the measured latency (interrupt sent -> error reply received) of every case. Each cell
is interrupted once it runs: a SIGINT that lands while a cell is still being compiled is lost
(Node's vm drops it; see kernel-ext/README.md), interrupt_request is not.
"""

import signal
import statistics
import time
import unittest

from kernel_client import KernelTestCase

LATENCIES = {}


class InterruptTests(KernelTestCase):
    def setUp(self):
        super().setUp()
        reply, _ = self.run_cell("let kept = 7; const big = new Float64Array(1_000_000).fill(1);")
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])

    def interrupt(self, how):
        if how == "message":
            self.km.interrupt_kernel()  # kernelspec interrupt_mode "message": interrupt_request on control
        else:
            self.km.signal_kernel(signal.SIGINT)

    def wait_until_running(self, msg_id):
        """Waits for the cell's first output: it has compiled and runs (as a user sees it hang)."""
        while True:
            msg = self.kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                time.sleep(0.1)
                return

    def check_interrupts(self, code, how, label):
        msg_id = self.kc.execute("console.log('started');\n" + code)
        queued = self.kc.execute("kept + 1")
        self.wait_until_running(msg_id)
        sent = time.monotonic()
        self.interrupt(how)
        reply = self.reply_to(msg_id, timeout=20)
        LATENCIES.setdefault(label, []).append(time.monotonic() - sent)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        errors = [m for m in self.outputs_of(msg_id, timeout=60) if m["msg_type"] == "error"]
        self.assertEqual([e["content"]["ename"] for e in errors], ["Interrupted"])
        self.assertEqual(self.reply_to(queued)["content"]["status"], "aborted")
        # Alive, variables intact, and new cells run.
        self.assertEqual(self.value_of("kept + big.length"), "1000007")

    def test_control_message_stops_a_busy_synchronous_loop(self):
        self.check_interrupts("while (true) {}", "message", "message: while(true){}")

    def test_control_message_stops_a_pending_top_level_await(self):
        self.check_interrupts("await new Promise(() => {})", "message", "message: pending await")

    def test_sigint_stops_a_busy_synchronous_loop(self):
        self.check_interrupts("while (true) {}", "signal", "SIGINT: while(true){}")

    def test_sigint_stops_a_pending_top_level_await(self):
        self.check_interrupts("await new Promise(() => {})", "signal", "SIGINT: pending await")

    def test_control_message_stops_a_loop_that_runs_after_an_await(self):
        # Outside the vm watchdog: stopped through the inspector's terminateExecution.
        self.check_interrupts("await null; while (true) {}", "message", "message: loop after await")

    def test_control_message_stops_a_loop_under_load(self):
        # Computing and printing as fast as it can: the interrupt still gets through.
        code = "let acc = 0; for (let i = 0; ; i++) { for (let j = 0; j < big.length; j += 1000) acc += big[j] * i; if (i % 50 === 0) console.log(i, acc); }"
        for _ in range(2):
            self.check_interrupts(code, "message", "message: compute + print loop")

    def test_control_message_stops_a_loop_that_keeps_entering_and_leaving_user_code(self):
        # display() runs the value's display method in a nested vm: the interrupt lands at any
        # point of entering or leaving one, the moments a stray SIGINT would end Node.
        code = (
            "let last = 0; const shown = { [Symbol.for('Jupyter.display')]: () => ({ 'text/plain': String(last) }) };\n"
            "for (let i = 0; ; i++) { const now = Date.now(); if (now - last >= 2) { last = now; display(shown, { displayId: 'n', update: i > 0 }); } }"
        )
        for _ in range(3):
            self.check_interrupts(code, "message", "message: loop of nested display calls")

    def test_interrupting_an_idle_kernel_changes_nothing(self):
        self.interrupt("message")
        self.interrupt("signal")
        time.sleep(0.5)
        self.assertEqual(self.value_of("kept"), "7")

    def test_prompt_waiting_for_input_is_interrupted(self):
        msg_id = self.kc.execute("prompt('never answered')", allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=20)
        self.assertEqual(request["msg_type"], "input_request")
        sent = time.monotonic()
        self.interrupt("message")
        reply = self.reply_to(msg_id, timeout=20)
        LATENCIES.setdefault("message: waiting prompt()", []).append(time.monotonic() - sent)
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertEqual(self.value_of("kept"), "7")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        for label, xs in sorted(LATENCIES.items()):
            print(f"interrupt latency {label}: median {statistics.median(xs) * 1000:.0f} ms, max {max(xs) * 1000:.0f} ms (n={len(xs)})")


if __name__ == "__main__":
    unittest.main()
