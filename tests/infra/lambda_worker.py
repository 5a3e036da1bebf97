"""One Lambda execution environment: run as `python -I -S lambda_worker.py TASK LAYER RUNTIME HANDLER`.

It sees what the Lambda runtime gives a function and nothing else: the standard library (`-S`:
no site-packages; `-I`: no PYTHONPATH, not this folder), the extracted function zip (/var/task),
the extracted layer (/opt/python/...) and a folder holding boto3 (the runtime's own copy). It
imports the handler once (the cold start), then answers one invocation per line on stdin with one
JSON line, `{"result": ...}` or Lambda's `{"errorType", "errorMessage"}`. What the code prints
goes to stderr, as a function's output goes to its log.
"""

import json
import os
import sys
import time
import traceback
import uuid

task, layer, runtime, handler = sys.argv[1:5]
version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
sys.path[:0] = [
    task,
    os.path.join(layer, "python", "lib", version, "site-packages"),
    os.path.join(layer, "python"),
]
sys.path.append(runtime)
answers = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)


class Context:
    """What Lambda passes as `context` (the parts Powertools and Chalice read)."""

    def __init__(self, timeout_s: float) -> None:
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "function")
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


module_name, function_name = handler.rsplit(".", 1)
function = getattr(__import__(module_name, fromlist=[function_name]), function_name)
timeout_s = float(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", "900"))
for line in sys.stdin:
    try:
        answer = {"result": function(json.loads(line), Context(timeout_s))}
    except Exception as err:  # noqa: BLE001 - reported the way Lambda reports a handler's error
        traceback.print_exc()
        answer = {"errorType": type(err).__name__, "errorMessage": str(err)}
    answers.write(json.dumps(answer) + "\n")
    answers.flush()
