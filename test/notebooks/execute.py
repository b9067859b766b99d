"""Executes notebooks top to bottom through Jupyter kernels with nbclient, several at a time.

    python3 execute.py --out OUT_DIR --cwd DIR [--jobs N] NOTEBOOK:KERNEL [NOTEBOOK:KERNEL ...]

Each notebook runs in a fresh kernel of the named kernelspec (overriding the notebook's own),
with DIR as the kernel's working directory, and stops at its first failing cell. Prints one
JSON line per notebook, in the order given:
    {"notebook", "kernel", "seconds", "cells", "executed", "errors": [{"cell", "ename", "evalue", "traceback"}], "failure"}
"errors" lists the cells that failed: an error output, or an execute_reply with status "error"
(a kernel may report a compile error only on stderr). "failure" says why a notebook could not
be run at all (no such kernel, a kernel that died, a cell over the timeout). The executed
notebooks are written to OUT_DIR, for reading when a test fails.
"""
import argparse
import asyncio
import json
import os
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def stderr_text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")


async def execute(path, kernel, cwd, out_dir, timeout):
    nb = nbformat.read(path, as_version=4)
    report = {"notebook": os.path.basename(path), "kernel": kernel, "cells": len(nb.cells), "executed": 0, "errors": [], "failure": None}
    failed = {}

    def on_error(cell, cell_index, execute_reply):
        content = execute_reply.get("content", {})
        failed[cell_index] = {
            "cell": cell_index,
            "ename": content.get("ename", ""),
            "evalue": content.get("evalue", "") or stderr_text(cell).strip(),
            "traceback": content.get("traceback", []),
        }

    def on_executed(cell, cell_index, execute_reply):
        report["executed"] += 1

    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=timeout,
        startup_timeout=120,
        allow_errors=False,
        on_cell_error=on_error,
        on_cell_executed=on_executed,
        resources={"metadata": {"path": cwd}},
    )
    start = time.monotonic()
    try:
        await client.async_execute()
    except CellExecutionError:
        pass  # recorded by on_error
    except Exception as e:  # a kernel that does not start or dies, a cell over the timeout
        report["failure"] = f"{type(e).__name__}: {e}"
    report["seconds"] = round(time.monotonic() - start, 2)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and index not in failed:
                failed[index] = {"cell": index, "ename": output.get("ename", ""), "evalue": output.get("evalue", ""), "traceback": output.get("traceback", [])}
    report["errors"] = [failed[i] for i in sorted(failed)]
    name = f"{os.path.splitext(os.path.basename(path))[0]}.{kernel}.ipynb"
    nbformat.write(nb, os.path.join(out_dir, name))
    return report


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--cwd", required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    ap.add_argument("runs", nargs="+", metavar="NOTEBOOK:KERNEL")
    args = ap.parse_args()
    gate = asyncio.Semaphore(args.jobs)

    async def one(run):
        path, kernel = run.rsplit(":", 1)
        async with gate:
            return await execute(path, kernel, args.cwd, args.out, args.timeout)

    for report in await asyncio.gather(*(one(r) for r in args.runs)):
        print(json.dumps(report), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
