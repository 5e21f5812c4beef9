"""The sandbox: a deterministic replay of real captured platform responses, with fault injection.

Point KeyPick at it with KEYPICK_SANDBOX_URL; requests arrive as
``{sandbox}/{real host}{path}?{query}`` (crawler/http.py `sandbox_route`).
One module per platform host (weibo.py for m.weibo.cn); faults.py documents
the fault syntax, app.py the control endpoints under /_sandbox/.
"""

from keypick.sandbox.app import create_sandbox_app
from keypick.sandbox.faults import FaultSpec, parse_fault

__all__ = ["FaultSpec", "create_sandbox_app", "parse_fault"]
