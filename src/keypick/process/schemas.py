"""Requests and answers of /api/process: clean, extract, transform, validate."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr, field_validator

from keypick.content.schemas import Post
from keypick.insights.schemas import InsightOptions, check_zone

_Count = StrictInt | StrictFloat | StrictStr | None
_Time = StrictInt | StrictFloat | StrictStr | None
_COUNT = 'An integer, or a display count such as "1.2万", "10万+", "3w" (made an integer by /clean).'
_TIME = (
    'ISO 8601 (UTC offset recommended), epoch seconds/ms, Weibo\'s "Fri Jun 14 20:39:20 +0800 2019" '
    'or Chinese relative times ("3小时前", "昨天 12:30").'
)
MAX_POSTS = 10_000


class PostIn(BaseModel):
    """A post in the normalized shape of content.schemas.Post, possibly partial or not yet normalized.

    Unknown fields (keywords, rank, comment_list from task results) are ignored.
    """

    model_config = ConfigDict(extra="ignore")

    id: StrictStr | StrictInt | None = Field(None, description="The platform's own post id.")
    platform: StrictStr | None = Field(None, description="weibo, xiaohongshu, douyin... (aliases: wb, xhs, dy).")
    title: StrictStr | None = Field(None, description="Title, if the platform has one (HTML is stripped).")
    content: StrictStr | None = Field(None, description="Text (HTML is stripped, whitespace normalized).")
    url: StrictStr | None = Field(None, description="Link to the post.")
    likes: _Count = Field(None, description=_COUNT)
    collects: _Count = Field(None, description=_COUNT)
    comments: _Count = Field(None, description=_COUNT)
    shares: _Count = Field(None, description=_COUNT)
    views: _Count = Field(None, description=_COUNT)
    author: StrictStr | None = Field(None, description="Author nickname.")
    author_id: StrictStr | StrictInt | None = Field(None, description="Author's platform id.")
    author_avatar: StrictStr | None = Field(None, description="Author avatar URL.")
    publish_time: _Time = Field(None, description="When the post was published: " + _TIME)
    tags: list[StrictStr] | None = Field(None, description="Topics/hashtags without # marks.")
    images: list[StrictStr] | None = Field(None, description="Image URLs.")
    videos: list[StrictStr] | None = Field(None, description="Video URLs.")
    ip_location: StrictStr | None = Field(None, description="Where the platform says the author posted from.")
    crawl_time: _Time = Field(None, description="When KeyPick saw the post: " + _TIME)
    task_id: StrictStr | None = Field(None, description="The task that found it.")
    platform_data: dict[str, Any] | None = Field(None, description="Platform-specific extras, kept as given.")


class IdentifiedPostIn(PostIn):
    """A post that must say which post it is: id and platform are required."""

    id: StrictStr | StrictInt = Field(description="The platform's own post id.")
    platform: StrictStr = Field(description="weibo, xiaohongshu, douyin... (aliases: wb, xhs, dy).")


class CleanRequest(BaseModel):
    """Posts to clean, and how."""

    model_config = ConfigDict(extra="forbid")

    posts: list[PostIn] = Field(max_length=MAX_POSTS, description=f"Up to {MAX_POSTS} posts (partial records ok).")
    near_dup_distance: int = Field(
        3, ge=0, le=16, description="SimHash (64-bit) Hamming distance at most this marks texts as near-duplicates."
    )
    drop_near_duplicates: bool = Field(
        False,
        description="Also remove near-duplicates, keeping the most "
        "engaging post of each group (otherwise only reported).",
    )
    naive_timezone: str = Field("Asia/Shanghai", description="Zone of times written without an offset.")

    @field_validator("naive_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_zone(value)


def _describe_post_fields(schema: dict[str, Any]) -> None:
    # The Post fields are described once, on PostIn; reuse those texts for the cleaned record.
    for name, prop in schema.get("properties", {}).items():
        field = PostIn.model_fields.get(name)
        if field is not None and field.description and "description" not in prop:
            prop["description"] = field.description


class CleanedPost(Post):
    """A cleaned post: the normalized record plus what was extracted from its text."""

    model_config = ConfigDict(json_schema_extra=_describe_post_fields)

    hashtags: list[str] = Field(default_factory=list, description="#topics# found in the text.")
    mentions: list[str] = Field(default_factory=list, description="@names found in the text.")
    urls: list[str] = Field(default_factory=list, description="http(s) URLs written in the text.")
    simhash: str | None = Field(None, description="64-bit SimHash of the text's jieba tokens, 16 hex digits.")
    near_duplicate_of: str | None = Field(None, description="Id of the post this one nearly duplicates.")


class Issue(BaseModel):
    """Something a record had wrong or that was changed while cleaning it."""

    index: int = Field(description="Position of the record in the request's posts.")
    id: str | None = Field(None, description="The record's id, if it has one.")
    field: str = Field(description="The field concerned.")
    message: str = Field(description="What is wrong or what was done.")


class Duplicate(BaseModel):
    """A record removed because another one was kept in its place."""

    index: int = Field(description="Position of the removed record in the request's posts.")
    id: str = Field(description="Its id.")
    platform: str = Field(description="Its platform.")
    duplicate_of: str = Field(description="Id of the post kept instead.")
    duplicate_of_index: int = Field(description="Position of the kept post in the request's posts.")
    kind: Literal["same_id", "near_duplicate"] = Field(description="Same (platform, id), or a near-duplicate text.")
    distance: int | None = Field(None, description="SimHash distance for near-duplicates.")


class NearDuplicateGroup(BaseModel):
    """Posts with near-duplicate texts; `kept` is the most engaging one."""

    kept: str = Field(description="Id of the most engaging post of the group.")
    post_ids: list[str] = Field(description="Ids of the group, in input order.")
    distances: list[int] = Field(description="Each post's SimHash distance to the first post of the group.")


class CleanReport(BaseModel):
    """What cleaning did."""

    received: int = Field(description="Records in the request.")
    returned: int = Field(description="Posts in the answer.")
    rejected: list[Issue] = Field(default_factory=list, description="Records dropped (no id or platform).")
    duplicates: list[Duplicate] = Field(default_factory=list, description="Records removed as duplicates.")
    near_duplicate_groups: list[NearDuplicateGroup] = Field(
        default_factory=list, description="Texts within near_dup_distance of each other."
    )
    changes: dict[str, int] = Field(default_factory=dict, description="How many values each normalization changed.")
    issues: list[Issue] = Field(default_factory=list, description="Values that could not be normalized (set null).")


class CleanResponse(BaseModel):
    """Cleaned posts, in input order, and the report."""

    posts: list[CleanedPost] = Field(description="Cleaned posts, duplicates removed.")
    report: CleanReport = Field(description="What cleaning did.")


class ExtractRequest(InsightOptions):
    """Posts to compute insights on (the same engine as GET /api/insights)."""

    posts: list[IdentifiedPostIn] = Field(max_length=MAX_POSTS, description=f"Up to {MAX_POSTS} posts.")
    search_keywords: list[str] = Field(default_factory=list, description="The keywords the posts were found by.")


class TransformRequest(BaseModel):
    """Posts to convert."""

    model_config = ConfigDict(extra="forbid")

    posts: list[IdentifiedPostIn] = Field(max_length=MAX_POSTS, description=f"Up to {MAX_POSTS} posts.")
    format: Literal["json", "csv", "markdown"] = Field("json", description="Output format.")
    fields: list[str] | None = Field(None, description="Columns to keep, in order (default: every Post field).")
    download: bool = Field(False, description="Answer with a file attachment instead of a JSON object.")


class TransformResponse(BaseModel):
    """The converted text."""

    format: str = Field(description="json, csv or markdown.")
    media_type: str = Field(description="The content's media type.")
    filename: str = Field(description="A file name for saving the content.")
    count: int = Field(description="Posts converted.")
    content: str = Field(description="The converted text (CSV starts with a UTF-8 BOM for Excel).")


class ValidateRequest(BaseModel):
    """Records to check against the normalized post schema."""

    model_config = ConfigDict(extra="forbid")

    posts: list[dict[str, Any]] = Field(max_length=MAX_POSTS, description="JSON objects to check.")


class RecordResult(BaseModel):
    """The verdict on one record."""

    index: int = Field(description="Position of the record in the request's posts.")
    id: str | None = Field(description="The record's id, if readable.")
    platform: str | None = Field(description="The record's platform, if readable.")
    valid: bool = Field(description="True when the record has no error (warnings allowed).")
    errors: list[Issue] = Field(default_factory=list, description="What makes the record invalid.")
    warnings: list[Issue] = Field(default_factory=list, description="What is suspicious but allowed.")


class ValidateResponse(BaseModel):
    """Per-record results and totals."""

    valid: bool = Field(description="True when no record has an error.")
    total: int = Field(description="Records checked.")
    valid_count: int = Field(description="Records without errors.")
    invalid_count: int = Field(description="Records with at least one error.")
    warning_count: int = Field(description="Records with at least one warning.")
    results: list[RecordResult] = Field(description="One verdict per record, in order.")
