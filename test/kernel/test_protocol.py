"""The lowrank-lab kernel through jupyter_client, beyond jupyter_kernel_test: message signing,
comms both ways with binary buffers, stdin, history, display updates, arquero tables, the
control channel and heartbeat during a busy cell, and `lab` preloaded.

The kernel runs in an empty temporary folder, as for a notebook outside this repository: no
node_modules there, so `lab` and `import ... from "lowrank-lab"` must come from the kernel itself.
"""

import hashlib
import hmac
import json
import os
import struct
import tempfile
import time
import unittest

import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

from kernel_client import KernelTestCase

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BRIDGE = 'const bridge = (globalThis as any)[Symbol.for("lowrank-lab.kernel")];'


class ProtocolTests(KernelTestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        cls.km, cls.kc = start_new_kernel(kernel_name="lowrank-lab", startup_timeout=90, cwd=cls.folder.name)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.folder.cleanup()

    # ---- signing ------------------------------------------------------------------------

    def raw_shell(self):
        sock = self.km.connect_shell()
        sock.setsockopt(zmq.LINGER, 0)
        return sock

    def recv_reply(self, sock, timeout_ms):
        if sock.poll(timeout_ms) == 0:
            return None
        frames = sock.recv_multipart()
        return frames

    def test_a_message_with_a_bad_signature_is_dropped_and_a_good_one_answered(self):
        sock = self.raw_shell()
        try:
            forged = Session(key=b"not-the-key", signature_scheme="hmac-sha256")
            forged.send(sock, forged.msg("kernel_info_request"))
            self.assertIsNone(self.recv_reply(sock, 2000), "a message signed with the wrong key was answered")

            # Right key, but the content changed after signing.
            good = self.km.session
            msg = good.msg("execute_request", content={"code": "1", "silent": False})
            frames = good.serialize(msg)
            i = frames.index(b"<IDS|MSG>")
            frames[i + 5] = json.dumps({"code": "globalThis.tampered = 1", "silent": False}).encode()
            sock.send_multipart(frames)
            self.assertIsNone(self.recv_reply(sock, 1500), "a tampered message was answered")

            good.send(sock, good.msg("kernel_info_request"))
            frames = self.recv_reply(sock, 20000)
            self.assertIsNotNone(frames, "a correctly signed message was not answered")
            # The reply is signed with the connection key over its four JSON frames.
            i = frames.index(b"<IDS|MSG>")
            want = hmac.new(self.km.session.key, b"".join(frames[i + 2 : i + 6]), hashlib.sha256).hexdigest()
            self.assertEqual(frames[i + 1].decode(), want)
            self.assertEqual(json.loads(frames[i + 2])["msg_type"], "kernel_info_reply")

            # A replayed message (same signature again) is dropped too.
            frames = good.serialize(good.msg("kernel_info_request"))
            sock.send_multipart(frames)
            self.assertIsNotNone(self.recv_reply(sock, 20000))
            sock.send_multipart(frames)
            self.assertIsNone(self.recv_reply(sock, 1500), "a replayed message was answered")
        finally:
            sock.close()
        self.assertEqual(self.value_of("typeof (globalThis as any).tampered"), "'undefined'")

    # ---- comms ----------------------------------------------------------------------------

    def send_shell(self, msg_type, content, buffers=None):
        msg = self.kc.session.msg(msg_type, content)
        self.kc.shell_channel.send(msg) if not buffers else self.kc.session.send(self.kc.shell_channel.socket, msg, buffers=buffers)
        return msg["header"]["msg_id"]

    def iopub_of_type(self, msg_type, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            if msg["msg_type"] == msg_type:
                return msg

    def comm_info(self, target=None):
        msg_id = self.kc.comm_info(target)
        reply = self.reply_to(msg_id)
        self.assertEqual(reply["msg_type"], "comm_info_reply")
        return reply["content"]["comms"]

    def test_a_comm_opened_by_the_frontend_echoes_binary_buffers(self):
        setup = BRIDGE + """
        (globalThis as any).echoClosed = null;
        bridge.registerCommTarget("echo", (comm: any, data: any) => {
          comm.onMsg((d: any, buffers: DataView[]) =>
            comm.send({ echo: d, sizes: buffers.map((b) => b.byteLength) },
                      buffers.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice().reverse())));
          comm.onClose((d: any) => { (globalThis as any).echoClosed = d; });
          comm.send({ opened: data });
        });"""
        reply, _ = self.run_cell(setup)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])

        comm_id = "c0ffee"
        self.send_shell("comm_open", {"comm_id": comm_id, "target_name": "echo", "data": {"hello": 1}})
        opened = self.iopub_of_type("comm_msg")
        self.assertEqual(opened["content"], {"comm_id": comm_id, "data": {"opened": {"hello": 1}}})
        self.assertEqual(self.comm_info(), {comm_id: {"target_name": "echo"}})
        self.assertEqual(self.comm_info("echo"), {comm_id: {"target_name": "echo"}})
        self.assertEqual(self.comm_info("other"), {})

        payload = bytes([0, 1, 2, 254, 255]) * 1000
        msg_id = self.send_shell("comm_msg", {"comm_id": comm_id, "data": {"x": [1, 2]}}, buffers=[payload, b"\x07"])
        echoed = self.iopub_of_type("comm_msg")
        self.assertEqual(echoed["parent_header"]["msg_id"], msg_id)
        self.assertEqual(echoed["content"]["data"], {"echo": {"x": [1, 2]}, "sizes": [5000, 1]})
        self.assertEqual([bytes(b) for b in echoed["buffers"]], [payload[::-1], b"\x07"])
        # ipywidgets throttles updates until the comm_msg's idle status arrives.
        statuses = []
        while "idle" not in statuses:
            m = self.kc.get_iopub_msg(timeout=10)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status":
                statuses.append(m["content"]["execution_state"])

        self.send_shell("comm_close", {"comm_id": comm_id, "data": {"bye": True}})
        time.sleep(0.3)
        self.assertEqual(self.comm_info(), {})
        self.assertEqual(self.value_of("(globalThis as any).echoClosed"), "{ bye: true }")

    def test_a_comm_opened_by_the_kernel_carries_its_buffers(self):
        code = BRIDGE + """
        const c = bridge.openComm("from-kernel", { n: 3 }, { metadata: { version: "2.1.0" }, buffers: [new Uint8Array([9, 8, 7])] });
        c.send({ step: 1 }, [new Float64Array([0.5])]);
        c.commId"""
        msg_id = self.kc.execute(code)
        opened = self.iopub_of_type("comm_open")
        self.assertEqual(opened["content"]["target_name"], "from-kernel")
        self.assertEqual(opened["content"]["data"], {"n": 3})
        self.assertEqual(opened["metadata"], {"version": "2.1.0"})
        self.assertEqual([bytes(b) for b in opened["buffers"]], [bytes([9, 8, 7])])
        sent = self.iopub_of_type("comm_msg")
        self.assertEqual(bytes(sent["buffers"][0]), struct.pack("<d", 0.5))
        self.assertEqual(self.reply_to(msg_id)["content"]["status"], "ok")
        self.assertIn(opened["content"]["comm_id"], self.comm_info("from-kernel"))

    def test_the_widget_control_comm_reaches_its_registered_target(self):
        reply, _ = self.run_cell(BRIDGE + """
        bridge.registerCommTarget("jupyter.widget.control", (comm: any) => {
          comm.onMsg((d: any) => { if (d.method === "request_states") comm.send({ method: "update_states", states: {}, buffer_paths: [] }); });
        });""")
        self.assertEqual(reply["content"]["status"], "ok")
        self.send_shell("comm_open", {"comm_id": "ctl1", "target_name": "jupyter.widget.control", "data": {}})
        time.sleep(0.2)
        self.send_shell("comm_msg", {"comm_id": "ctl1", "data": {"method": "request_states"}})
        answer = self.iopub_of_type("comm_msg")
        self.assertEqual(answer["content"]["data"]["method"], "update_states")

    def test_a_failing_comm_callback_reports_its_error_and_an_interrupt_ends_a_hung_one(self):
        reply, _ = self.run_cell(BRIDGE + """
        bridge.registerCommTarget("moody", (comm: any) => {
          comm.onMsg(async (d: any) => {
            if (d.fail) throw new RangeError("callback failed on purpose");
            if (d.hang) await new Promise(() => {});
          });
        });""")
        self.assertEqual(reply["content"]["status"], "ok")
        self.send_shell("comm_open", {"comm_id": "moody1", "target_name": "moody", "data": {}})
        msg_id = self.send_shell("comm_msg", {"comm_id": "moody1", "data": {"fail": True}})
        outputs = self.outputs_of(msg_id)
        self.assertTrue(any(m["msg_type"] == "stream" and "RangeError: callback failed on purpose" in m["content"]["text"] for m in outputs), outputs)

        msg_id = self.send_shell("comm_msg", {"comm_id": "moody1", "data": {"hang": True}})
        time.sleep(0.5)
        self.km.interrupt_kernel()
        self.outputs_of(msg_id, timeout=20)  # ends with its idle status
        self.assertEqual(self.value_of("'still here'"), "'still here'")

    def test_a_comm_for_an_unknown_target_is_closed_at_once(self):
        self.send_shell("comm_open", {"comm_id": "lost1", "target_name": "no.such.target", "data": {}})
        closed = self.iopub_of_type("comm_close")
        self.assertEqual(closed["content"]["comm_id"], "lost1")

    # ---- stdin ----------------------------------------------------------------------------

    def test_prompt_asks_the_frontend_and_returns_its_answer(self):
        msg_id = self.kc.execute("const answer = prompt('Your name? '); answer.toUpperCase()", allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=20)
        self.assertEqual(request["msg_type"], "input_request")
        self.assertEqual(request["content"], {"prompt": "Your name? ", "password": False})
        self.assertEqual(request["parent_header"]["msg_id"], msg_id)
        self.kc.input("ada")
        self.assertEqual(self.reply_to(msg_id)["content"]["status"], "ok")
        results = [m for m in self.outputs_of(msg_id) if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "'ADA'")

        msg_id = self.kc.execute("prompt('Secret: ', { password: true }).length", allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=20)
        self.assertEqual(request["content"]["password"], True)
        self.kc.input("hunter2")
        self.assertEqual(self.reply_to(msg_id)["content"]["status"], "ok")

    def test_prompt_without_stdin_fails_with_a_clear_error(self):
        reply, _ = self.run_cell("prompt('x')", allow_stdin=False)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "StdinNotAvailable")

    # ---- history --------------------------------------------------------------------------

    def test_history_serves_tail_range_and_search_with_outputs(self):
        reply, _ = self.run_cell("const histA = 40")
        self.assertEqual(reply["content"]["status"], "ok")
        n = self.value_of("histA + 2")
        self.assertEqual(n, "42")
        tail = self.reply_to(self.kc.history(hist_access_type="tail", n=1, output=True, raw=True))["content"]["history"]
        session, line, (source, output) = tail[0]
        self.assertEqual((source, output), ("histA + 2", "42"))
        ranged = self.reply_to(self.kc.history(hist_access_type="range", session=0, start=line, stop=line + 1, output=False, raw=True))
        self.assertEqual(ranged["content"]["history"], [[session, line, "histA + 2"]])
        found = self.reply_to(self.kc.history(hist_access_type="search", pattern="*histA*", unique=True, output=False, raw=True))
        self.assertEqual([h[2] for h in found["content"]["history"]], ["const histA = 40", "histA + 2"])

    # ---- display --------------------------------------------------------------------------

    def test_display_with_an_id_can_be_updated_in_place(self):
        reply, outputs = self.run_cell("const id = display('first', { displayId: true }); display('second', { displayId: id, update: true })")
        self.assertEqual(reply["content"]["status"], "ok")
        kinds = [(m["msg_type"], m["content"]["data"]["text/plain"]) for m in outputs if "display" in m["msg_type"]]
        self.assertEqual(kinds, [("display_data", "'first'"), ("update_display_data", "'second'")])
        ids = {m["content"]["transient"]["display_id"] for m in outputs if "display" in m["msg_type"]}
        self.assertEqual(len(ids), 1)

    def test_clear_output_can_wait_for_the_next_output(self):
        _, outputs = self.run_cell("clearOutput(true)")
        self.assertEqual([m["content"] for m in outputs if m["msg_type"] == "clear_output"], [{"wait": True}])

    def test_an_arquero_table_is_an_html_table_cut_at_twenty_rows(self):
        arquero = os.path.join(REPO, "node_modules", "arquero")
        code = f"const aq: any = require({json.dumps(arquero)}); aq.table({{ i: Array.from({{ length: 25 }}, (_, i) => i), sq: Array.from({{ length: 25 }}, (_, i) => i * i) }})"
        reply, outputs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        html = data["text/html"]
        self.assertEqual(html.count("<tr>"), 21)  # header + 20 rows
        self.assertIn("… 5 more rows", html)
        self.assertIn("25 rows × 2 columns", data["text/plain"])

    def test_a_compile_error_is_a_full_error_reply(self):
        reply, outputs = self.run_cell("const wrong: number = 'text'")
        content = reply["content"]
        self.assertEqual((content["status"], content["ename"]), ("error", "TSError"))
        self.assertIn("not assignable to type 'number'", content["evalue"])
        self.assertTrue(content["traceback"])
        self.assertEqual([m["msg_type"] for m in outputs if m["msg_type"] != "execute_input"], ["error"])

    # ---- execute_request options ------------------------------------------------------------

    def test_user_expressions_are_evaluated_after_the_cell(self):
        msg_id = self.kc.execute("const ue = 5", user_expressions={"double": "ue * 2", "bad": "nope()"})
        expressions = self.reply_to(msg_id)["content"]["user_expressions"]
        self.assertEqual(expressions["double"]["status"], "ok")
        self.assertEqual(expressions["double"]["data"]["text/plain"], "10")
        self.assertEqual(expressions["bad"]["status"], "error")

    def test_a_silent_cell_publishes_nothing_and_is_not_counted(self):
        before = self.reply_to(self.kc.execute("1"))["content"]["execution_count"]
        reply, outputs = self.run_cell("40 + 2", silent=True)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m["msg_type"] for m in outputs], [])
        after = self.reply_to(self.kc.execute("2"))["content"]["execution_count"]
        self.assertEqual(after, before + 1)

    def test_completion_knows_the_members_of_lab(self):
        code = "lab.linalg.sv"
        reply = self.reply_to(self.kc.complete(code, len(code)))["content"]
        self.assertIn("svd", reply["matches"])
        self.assertEqual((reply["cursor_start"], reply["cursor_end"]), (len("lab.linalg."), len(code)))

    def test_an_exception_thrown_later_by_a_timer_is_reported_and_the_kernel_lives_on(self):
        msg_id = self.kc.execute("setTimeout(() => { throw new Error('late failure'); }, 50); 'scheduled'")
        self.reply_to(msg_id)
        deadline = time.monotonic() + 20
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            if msg["msg_type"] == "stream" and "late failure" in msg["content"]["text"]:
                self.assertEqual(msg["content"]["name"], "stderr")
                self.assertEqual(msg["parent_header"]["msg_id"], msg_id)
                break
        self.assertEqual(self.value_of("'alive'"), "'alive'")

    # ---- control and heartbeat while busy ---------------------------------------------------

    def test_control_channel_and_heartbeat_answer_while_a_cell_is_busy(self):
        msg_id = self.kc.execute("while (true) {}")
        time.sleep(1.5)
        self.assertTrue(self.kc.hb_channel.is_beating())
        control = self.km.connect_control()
        try:
            self.km.session.send(control, self.km.session.msg("kernel_info_request"))
            self.assertTrue(control.poll(5000), "kernel_info_request on control was not answered during a busy cell")
            _, frames = self.km.session.feed_identities(control.recv_multipart())
            reply = self.km.session.deserialize(frames)
            self.assertEqual(reply["content"]["language_info"]["name"], "typescript")
        finally:
            control.close(linger=0)
        self.km.interrupt_kernel()
        self.assertEqual(self.reply_to(msg_id)["content"]["ename"], "Interrupted")

    # ---- lab --------------------------------------------------------------------------------

    def test_lab_is_preloaded_and_importable_by_name(self):
        self.assertEqual(self.value_of("typeof lab"), "'object'")
        same = self.value_of(
            'import * as lab2 from "lowrank-lab";\n'
            "Object.keys(lab).length > 0 && Object.keys(lab).every((k) => (lab2 as any)[k] === (lab as any)[k])"
        )
        self.assertEqual(same, "true")


if __name__ == "__main__":
    unittest.main()
