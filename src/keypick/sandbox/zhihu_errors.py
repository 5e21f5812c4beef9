"""Zhihu's own error answers in the replay: injected faults, bad requests, not found (zhihu.py, zhihu_members.py).

Assumed shapes (no capture), as observed in issues: see zhihu.py's module docstring.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from keypick.sandbox.faults import FaultSpec
from keypick.sandbox.replay import json_response

SIGNATURE_ERROR: dict[str, Any] = {"error": {"code": 10003, "message": "请求参数异常，请升级客户端后重试"}}
#: Zhihu's "not found" wording: "you seem to have reached a wasteland where no knowledge exists".
NOT_FOUND: dict[str, Any] = {"error": {"code": 404, "message": "你似乎来到了没有知识存在的荒原"}}
#: Business errors by code: (HTTP status, message); 40362/100/101 wordings from MC issues #435/#517.
BUSINESS: dict[int, tuple[int, str]] = {
    100: (400, "请求头或参数封装错误"),
    101: (401, "请求需要登录"),
    40362: (403, "您当前请求存在异常，暂时限制本次访问"),
}
CAPTCHA_MESSAGE = (
    "系统监测到您的网络环境存在异常，为保证您的正常访问，请点击下方验证按钮进行验证。在您验证完成前，该提示将多次出现"
)


class ZhihuFaults:
    """Zhihu's own shapes for injected faults, shared by both hosts."""

    def business_error(self, fault: FaultSpec) -> Response:
        """Return Zhihu's `{"error": {...}}` (default code 100; business_error:40362 is the risk block)."""
        code = int(fault.value) if fault.value is not None else 100
        if code == 40352:
            return self.verification()
        status, message = BUSINESS.get(code, (400, "请求失败"))
        return json_response({"error": {"code": code, "message": message}}, status)

    def login_expired(self, request: Request, path: str) -> Response:
        """Return HTTP 401 error 101 ZERR_NOT_LOGIN (API and page alike: no redirect leaves the sandbox)."""
        return json_response({"error": {"code": 101, "name": "ZERR_NOT_LOGIN", "message": BUSINESS[101][1]}}, 401)

    def verification(self) -> Response:
        """Return the 40352 answer whose redirect is the /account/unhuman captcha page."""
        redirect = "https://www.zhihu.com/account/unhuman?type=S6E3V1&need_login=false&session=keypick-sandbox"
        error = {"code": 40352, "message": CAPTCHA_MESSAGE, "redirect": redirect, "need_login": False}
        return json_response({"error": error}, 403)


def bad_request(problem: str) -> Response:
    """Return HTTP 400 error 100 请求头或参数封装错误 with the problem appended."""
    return json_response({"error": {"code": 100, "message": f"{BUSINESS[100][1]}: {problem}"}}, 400)
