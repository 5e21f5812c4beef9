"""API shapes of the accounts domain."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from keypick.enums import resolve_platform


class CookieSet(BaseModel):
    """POST /api/cookies/set: store one of your own accounts."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    platform: str = Field(description="Platform name or short name (xhs, dy, ks, bili, wb, tieba, zhihu).")
    cookie_string: str = Field(min_length=3, max_length=16384, description='The Cookie header value: "k=v; k2=v2".')
    login_type: str = Field("cookie", pattern="^(cookie|qrcode|phone)$", description="How it was obtained.")
    label: str | None = Field(None, max_length=128, description="A name to tell accounts apart.")

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        return resolve_platform(value).value


#: Where to log in by hand and which cookies matter, per platform (GET /api/cookies/platforms/urls).
LOGIN_URLS: dict[str, dict[str, object]] = {
    "xiaohongshu": {"login_url": "https://www.xiaohongshu.com", "cookie_domain": ".xiaohongshu.com",
                    "required_cookies": ["a1", "web_session", "webId"]},
    "douyin": {"login_url": "https://www.douyin.com", "cookie_domain": ".douyin.com",
               "required_cookies": ["sessionid", "ttwid", "msToken"]},
    "kuaishou": {"login_url": "https://www.kuaishou.com", "cookie_domain": ".kuaishou.com",
                 "required_cookies": ["passToken", "did", "userId"]},
    "bilibili": {"login_url": "https://www.bilibili.com", "cookie_domain": ".bilibili.com",
                 "required_cookies": ["SESSDATA", "buvid3", "DedeUserID"]},
    "weibo": {"login_url": "https://m.weibo.cn", "cookie_domain": ".weibo.cn",
              "required_cookies": ["SUB", "SUBP"]},
    "tieba": {"login_url": "https://tieba.baidu.com", "cookie_domain": ".baidu.com",
              "required_cookies": ["BDUSS", "STOKEN"]},
    "zhihu": {"login_url": "https://www.zhihu.com", "cookie_domain": ".zhihu.com",
              "required_cookies": ["z_c0", "d_c0"]},
}  # fmt: skip
