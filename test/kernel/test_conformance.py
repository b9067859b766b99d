"""The lowrank-lab kernel against jupyter_kernel_test, the Jupyter project's conformance suite.

Run by test/kernel.test.ts with JUPYTER_PATH pointing at a freshly installed kernelspec; by hand:
    npx lowrank-lab kernel install --prefix /tmp/k && JUPYTER_PATH=/tmp/k/share/jupyter \
        /usr/bin/python3 -m unittest test/kernel/test_conformance.py
Every sample attribute the suite knows is set, so no test is skipped for lack of one.
"""

import unittest

import jupyter_kernel_test


class LowrankLabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "lowrank-lab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('something went wrong')"

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const lowrankAlpha = 1, lowrankBeta = 2;\nlowrankA", "matches": {"lowrankAlpha"}},
    ]

    complete_code_samples = ["1", "console.log('hi')", "function f(x: number) {\n  return x;\n}", "const s = `a\nb`;"]
    incomplete_code_samples = ["function f(x: number) {", "const a = [1, 2,", "if (true) {\n  console.log(1);"]
    invalid_code_samples = ["1 +* 2", "const = 5;", "let x: number = );"]

    # IPython's `obj?`: type and documentation in the pager.
    code_page_something = "Math.max?"

    code_generate_error = "throw new Error('expected failure')"

    code_execute_result = [
        {"code": "1 + 2 + 3", "result": "6"},
        {"code": "'lowrank' + '-lab'", "result": "'lowrank-lab'"},
        {"code": "[1, 2, 3].map((x) => x * x)", "result": "[ 1, 4, 9 ]"},
        {
            "code": "({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<b>rich</b>', 'text/plain': 'rich' }; } })",
            "mime": "text/html",
            "result": "<b>rich</b>",
        },
    ]

    code_display_data = [
        {"code": "display({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<i>shown</i>' }; } })", "mime": "text/html"},
        {"code": "display(42)", "mime": "text/plain"},
        {"code": "import * as tslab from 'tslab'; tslab.display.html('<b>tslab</b>')", "mime": "text/html"},
    ]

    # Must match exactly one of the inputs above (the `unique` subtest counts one).
    code_history_pattern = "1 + 2*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput()"


if __name__ == "__main__":
    unittest.main()
