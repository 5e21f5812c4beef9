"""Replay of tieba.baidu.com, the new PC web API (platforms.md section 6): request checks and envelopes.

Endpoints: the tbs token (GET /c/s/pc/sync), search (GET /mo/q/search/multsearch), thread
detail and replies (POST /c/f/pb/page_pc, form body), 楼中楼 (GET /p/comment, HTML), the
profile (GET /c/u/pc/homeSidebarRight), a user's threads (GET /c/u/feed/myThread, tieba_threads.py)
and the older HTML search page (GET /f/search/res, the one real capture, replayed varied). Signed
calls must carry subapp_type=pc, _client_type=20 and the right md5 `sign`; page_pc also the tbs that
sync gave out.

ASSUMED answers (no capture): a rejected request is HTTP 200 {"error_code": 220034,
"error_msg": what failed} ("sign error", "tbs error", "参数错误: ..."); an unknown thread or
user is error_code 4; an expired login is error_code 110001 "未登录" (a 302 to
passport.baidu.com for HTML pages); Baidu's security check is a 302 to wappass.baidu.com.
The data comes from tieba_data.py.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from keypick.sandbox.faults import FaultSpec
from keypick.sandbox.replay import Call, html_response, json_response
from keypick.sandbox.tieba_data import FLOORS_PER_PAGE, HOST, SUB_PER_PAGE, Thread, TiebaData, html_entry
from keypick.sandbox.tieba_threads import USER_KEY, my_threads
from keypick.sandbox.vary import stable_int

SIGN_SECRET = "36770b1f34c9bbf2e7d1a99d2b82fa9e"  # the PC site's public md5 salt (platforms.md §6.1)
PARAM_CODE, LOGIN_CODE, NOT_FOUND_CODE = 220034, 110001, 4
SEARCH_PARAMS = {"needbrand": "1", "sug_type": "2", "come_from": "search"}
THREAD_FORM = ("pn", "lz", "r", "mark_type", "back", "fr", "kz", "session_request_times", "tbs")
HTML_PATHS = ("/p/comment", "/f/search/res")
HTML_PAGE_SIZE = 10  # the real result page lists 10 threads
Json = dict[str, Any]
_ROUTES = {("GET", "/c/s/pc/sync"): "sync", ("GET", "/mo/q/search/multsearch"): "search",
           ("POST", "/c/f/pb/page_pc"): "thread", ("GET", "/p/comment"): "sub_replies",
           ("GET", "/c/u/pc/homeSidebarRight"): "creator", ("GET", "/f/search/res"): "search_html",
           ("GET", "/c/u/feed/myThread"): "creator_threads"}  # fmt: skip


def _md5_sign(params: Mapping[str, str]) -> str:
    joined = "".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in ("sign", "sig"))
    return hashlib.md5((joined + SIGN_SECRET).encode("utf-8")).hexdigest()


def _reject(message: str, code: int = PARAM_CODE) -> Json:
    return {"error_code": code, "error_msg": message}


def _int(raw: str | None, default: int | None = None) -> int | None:
    if raw is None or raw == "":
        return default
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None


class _FormAnswer(Response):
    """page_pc's answer: its form body can only be read asynchronously, so the JSON is built when sent.

    Its own `body` stays empty, so a malformed_json fault on page_pc yields an empty 200 body.
    """

    def __init__(self, request: Request, build: Callable[[dict[str, str]], Json]) -> None:
        super().__init__(b"", 200, media_type="application/json; charset=utf-8")
        self._request, self._build = request, build

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        form = dict(parse_qsl((await self._request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        await json_response(self._build(form))(scope, receive, send)


class TiebaReplay:
    """tieba.baidu.com: tbs sync, search (JSON and HTML), page_pc, 楼中楼 pages, profiles."""

    host = HOST

    def __init__(self, *, pages: int, seed: str, anchor: datetime) -> None:
        self.pages = pages
        self.seed = seed
        self.data = TiebaData(seed=seed, anchor=anchor)

    def classify(self, method: str, path: str, params: Mapping[str, str]) -> Call | None:
        """Return the Call for a tieba.baidu.com path, or None when the sandbox has no replay for it."""
        endpoint = _ROUTES.get((method, path))
        if endpoint in ("search", "search_html"):
            keyword = params.get("word" if endpoint == "search" else "qw")
            return Call(endpoint, keyword=keyword, page=_int(params.get("pn"), 1) or 1)
        if endpoint == "creator_threads":
            page = _int(params.get("pn"), 1) or 1
            return Call(endpoint, keyword=f"{USER_KEY}{params.get('portrait', '')}", page=page)
        if endpoint == "sub_replies":
            return Call(
                endpoint, keyword=self.data.keyword_of(params.get("tid", "")), page=_int(params.get("pn"), 1) or 1
            )
        # page_pc names its thread in the form body, which is not read here: no keyword scope for it.
        return Call(endpoint) if endpoint else None

    def answer(self, request: Request, path: str, call: Call, *, empty: bool = False) -> Response:
        """Return the replayed answer for a classified request."""
        params = request.query_params
        if call.endpoint == "thread":
            return _FormAnswer(request, lambda form: self._thread(request, form, empty))
        if call.endpoint == "sub_replies":
            return html_response(self._sub_replies(params, empty))
        if call.endpoint == "search_html":
            return html_response(self._search_html(params, empty))
        if (problem := self._signature_problem(params)) is not None:
            return json_response(_reject(problem))
        if call.endpoint == "sync":
            return json_response({"error_code": 0, "error_msg": "", "data": {"anti": {"tbs": self._tbs(request)}}})
        if call.endpoint == "search":
            return json_response(self._search(params, empty))
        if call.endpoint == "creator_threads":
            return json_response(my_threads(self.data, params, pages=self.pages, empty=empty))
        return json_response(self._creator(params, empty))

    def business_error(self, fault: FaultSpec) -> Response:
        """Return Tieba's business-error envelope (HTTP 200, error_code != 0)."""
        return json_response({"error_code": fault.errno, "error_msg": "服务暂时不可用，请稍后再试"})

    def login_expired(self, request: Request, path: str) -> Response:
        """Return 110001 未登录 on JSON endpoints, a 302 to passport.baidu.com on HTML pages."""
        if path not in HTML_PATHS:
            return json_response(_reject("未登录", LOGIN_CODE))
        query = f"?{request.url.query}" if request.url.query else ""
        back = quote(f"https://{HOST}{path}{query}", safe="")
        return Response(b"", 302, headers={"location": f"https://passport.baidu.com/v2/?login&u={back}"})

    def verification(self) -> Response:
        """Return the 302 to Baidu's security check (百度安全验证) on wappass.baidu.com."""
        back = quote(f"https://{HOST}/", safe="")
        return Response(
            b"", 302, headers={"location": f"https://wappass.baidu.com/static/captcha/tuxing.html?backurl={back}"}
        )

    def _signature_problem(self, params: Mapping[str, str]) -> str | None:
        if params.get("subapp_type") != "pc" or params.get("_client_type") != "20":
            return "参数错误: subapp_type=pc and _client_type=20 are required"
        if params.get("sign") != _md5_sign(params):
            return "sign error"
        return None

    def _tbs(self, request: Request) -> str:
        # One token per login (BDUSS cookie), as the site gives each session its own.
        bduss = request.cookies.get("BDUSS", "")
        return f"{stable_int(self.seed, 'tbs', bduss):064x}"[:16] + str(int(self.data.anchor.timestamp()))

    def _search(self, params: Mapping[str, str], empty: bool) -> Json:
        keyword, pn, rn = params.get("word", "").strip(), _int(params.get("pn"), 1), _int(params.get("rn"), 20)
        for name, value in SEARCH_PARAMS.items():
            if params.get(name) != value:
                return _reject(f"参数错误: {name} must be {value}")
        if not keyword or pn is None or rn is None or rn > 50 or params.get("st") not in ("0", "1", "2"):
            return _reject("参数错误: word, pn >= 1, rn in 1..50 and st in 0/1/2 are required")
        if pn > self.pages or empty or "空" in keyword or "empty" in keyword.lower():
            return {"error_code": 0, "error_msg": "success", "data": {"card_list": []}}
        threads = [self.data.thread(keyword, (pn - 1) * rn + slot) for slot in range(rn)]
        if params["st"] == "0":  # oldest first: only within the page (an approximation)
            threads.reverse()
        elif params["st"] == "2":  # relevance: not time order; a stable shuffle of the same threads
            threads.sort(key=lambda t: stable_int(self.seed, "rank", t.tid))
        cards = [self._card(t) for t in threads]
        if pn == 1:  # a forum card (the 吧 named like the keyword) sits among the threads
            cards.insert(1, {"cardStyle": "forum", "data": {"forum_name": keyword}})
        return {"error_code": 0, "error_msg": "success", "data": {"card_list": cards}}

    def _card(self, thread: Thread) -> Json:
        author = self.data.user(thread.author)
        user = {"id": author["id"], "portrait": author["portrait"], "show_nickname": author["name_show"],
                "user_name": author["name"]}  # fmt: skip
        text = thread.full_text()
        snippet = text[:60] + ("..." if len(text) > 60 else "")  # search shows the start of the first floor
        data = {"tid": int(thread.tid), "title": thread.real.title, "content": snippet,
                "time": int(thread.created.timestamp()), "user": user, "forum_name": thread.real.forum,
                "post_num": self.data.reply_count(thread)}  # fmt: skip
        return {"cardStyle": "thread", "data": data}

    def _thread(self, request: Request, form: dict[str, str], empty: bool) -> Json:
        if "application/x-www-form-urlencoded" not in request.headers.get("content-type", ""):
            return _reject("参数错误: the body must be application/x-www-form-urlencoded")
        if (problem := self._signature_problem(form)) is not None:
            return _reject(problem)
        if missing := [name for name in THREAD_FORM if name not in form]:
            return _reject(f"参数错误: {', '.join(missing)} missing")
        if form["tbs"] != self._tbs(request):
            return _reject("tbs error: the tbs does not match this session (ask /c/s/pc/sync)")
        thread, pn = self.data.find(form["kz"]), _int(form["pn"])
        if thread is None:
            return _reject("贴子不存在或已被删除", NOT_FOUND_CODE)
        floors = self.data.floors(thread)
        total = max(1, -(-len(floors) // FLOORS_PER_PAGE))
        if pn is None or pn > total:
            return _reject(f"参数错误: pn must be in 1..{total}")
        real, first_pid = thread.real, thread.first_pid
        names = {thread.author, *(f.author for f in floors)}
        shown = [] if empty else floors[(pn - 1) * FLOORS_PER_PAGE : pn * FLOORS_PER_PAGE]
        posts = [{"id": int(f.pid), "author_id": self.data.user(f.author)["id"], "time": int(f.when.timestamp()),
                  "content": [{"type": 0, "text": f.text}], "sub_post_number": f.sub_count, "floor": f.number}
                 for f in shown]  # fmt: skip
        first = {"id": int(first_pid), "author_id": self.data.user(thread.author)["id"],
                 "time": int(thread.created.timestamp()),
                 "content": [{"type": 0, "text": thread.full_text()}]}  # fmt: skip
        if pn == 1 and not empty:  # page 1 repeats the first floor as floor 1 (assumption, see module doc)
            posts.insert(0, {**first, "sub_post_number": 0, "floor": 1})
        forum = {"id": int(real.fid), "name": real.forum}
        return {
            "error_code": 0, "error_msg": "",
            "thread": {"id": int(thread.tid), "title": real.title, "reply_num": len(floors),
                       "create_time": int(thread.created.timestamp())},
            "first_floor": first, "forum": forum, "display_forum": forum, "page": {"total_page": total},
            "user_list": [self.data.user(name) for name in sorted(names)], "post_list": posts,
        }  # fmt: skip

    def _sub_replies(self, params: Mapping[str, str], empty: bool) -> str:
        thread, pn = self.data.find(params.get("tid", "")), _int(params.get("pn"), 1)
        floor = next((f for f in self.data.floors(thread) if f.pid == params.get("pid")), None) if thread else None
        fid = params.get("fid", "")
        items = []
        if thread and floor and pn and fid in ("", thread.real.fid) and not empty:
            for reply in self.data.sub_replies(thread, floor)[(pn - 1) * SUB_PER_PAGE : pn * SUB_PER_PAGE]:
                items.append(_lzl_item(reply, self.data.user(reply["author"])))
        return (
            f'<html><head><meta charset="utf-8"></head><body><ul class="j_lzl_m_w">{"".join(items)}</ul></body></html>'
        )

    def _search_html(self, params: Mapping[str, str], empty: bool) -> str:
        keyword, pn = params.get("qw", "").strip(), _int(params.get("pn"), 1)
        entries = []
        if keyword and pn and pn <= self.pages and not empty:
            for slot in range(HTML_PAGE_SIZE):
                thread = self.data.thread(keyword, (pn - 1) * HTML_PAGE_SIZE + slot)
                entries.append(str(_vary_entry(thread)))
        body = "\n".join(entries)
        head = '<html><head><meta charset="utf-8"><title>百度贴吧搜索</title></head>'
        return f'{head}<body><div class="s_post_list">{body}</div></body></html>'

    def _creator(self, params: Mapping[str, str], empty: bool) -> Json:
        portrait = params.get("portrait", "")
        if not portrait or "un" not in params:
            return _reject("参数错误: portrait and un are required")
        user = self.data.user_by_portrait(portrait)
        if user is None:
            return _reject("用户不存在", NOT_FOUND_CODE)
        return {"error_code": 0, "error_msg": "", "data": {} if empty else {"user": user}}


def _lzl_item(reply: Json, user: Json) -> str:
    """One 楼中楼 item, from the platforms.md field list (no captured page)."""
    data = {"spid": int(reply["spid"]), "showname": user["name_show"], "user_name": user["name"]}
    field = html.escape(json.dumps(data, ensure_ascii=False))
    when = reply["when"].strftime("%Y-%m-%d %H:%M")
    return (
        f'<li class="lzl_single_post j_lzl_s_p" data-field="{field}">'
        f'<a class="j_user_card lzl_p_p" href="/home/main?id={user["portrait"]}&amp;fr=pb" target="_blank">'
        f'<img src="https://gss0.bdstatic.com/6LZ1dD3d1sgCo2Kml5_Y_D3/sys/portrait/item/{user["portrait"]}"></a>'
        f'<div class="lzl_cnt"><a class="at j_user_card" href="/home/main?id={user["portrait"]}">'
        f"{html.escape(user['name_show'])}</a>:"
        f'<span class="lzl_content_main">{html.escape(reply["text"])}</span>'
        f'<div class="lzl_content_reply"><span class="lzl_time">{when}</span></div></div></li>'
    )


def _vary_entry(thread: Thread) -> Any:
    """The real div.s_post of the thread's sample post with its tid, pid, text and date replaced."""
    entry = html_entry(thread.real)
    link, body, date = (
        entry.select_one("span.p_title a"),
        entry.select_one("div.p_content"),
        entry.select_one(".p_date"),
    )
    assert link is not None and date is not None
    pid = thread.first_pid
    link["data-tid"] = thread.tid
    link["href"] = f"/p/{thread.tid}?pid={pid}&cid=0#{pid}"
    if body is not None:
        body.string = thread.full_text()
    date.string = thread.created.strftime("%Y-%m-%d %H:%M")
    return entry
