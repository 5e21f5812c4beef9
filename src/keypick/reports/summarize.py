"""Map-reduce summary of posts: chunk by a character budget, summarise each chunk citing ids, then reduce.

Citations are enforced at every step: a sentence that cites no post id, or an id that
is not in the data, is dropped (and listed), so the final text only says what posts say.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from keypick.content.schemas import Post
from keypick.insights import metrics
from keypick.insights.schemas import Insights
from keypick.reports import citations
from keypick.reports.llm import Provider
from keypick.reports.schemas import Summary, SummarySentence

_RULES = (
    "Use only the posts and facts given. End every sentence with the ids of the posts it rests on, in square "
    "brackets, e.g. [4383183661430868] or [123, 456]. Never write a sentence without such a citation and never "
    "invent an id. Write in the language of the posts."
)
MAP_SYSTEM = "You summarise a batch of social-media posts for an analyst in 3 to 6 short sentences. " + _RULES
REDUCE_SYSTEM = (
    "You merge partial summaries of social-media posts into one summary of at most 8 short sentences for an "
    "analyst: the main themes, opinions and notable posts. Keep the [id] citations of what you use. " + _RULES
)
FINAL_SYSTEM = "You summarise social-media posts for an analyst in at most 8 short sentences. " + _RULES
_THIN = "The sample is too thin to generalise: describe only these posts, claim no trend or overall share."
_CONCURRENCY = 4
_MAX_REDUCE_ROUNDS = 4


def facts(ins: Insights) -> str:
    """Return the computed facts a reduce step may cite (each with its post ids)."""
    lines = [f"Posts analysed: {ins.sample.posts}."]
    if not ins.sample.sufficient:
        lines.append(_THIN)
    for k in ins.keywords[:5]:
        lines.append(f"Keyword {k.word}: in {k.post_count} posts [{', '.join(k.post_ids[:5])}]")
    return "Facts computed from the data:\n" + "\n".join(lines)


class _Run:
    def __init__(self, provider: Provider, summary: Summary) -> None:
        self.provider, self.summary = provider, summary
        self.gate = asyncio.Semaphore(_CONCURRENCY)

    async def ask(self, *, stage: str, system: str, user: str, known: set[str]) -> list[SummarySentence]:
        async with self.gate:
            text = await self.provider.complete(stage=stage, system=system, user=user)
        self.summary.calls += 1
        checked = citations.check_text(text, known)
        self.summary.rejected += [s for s in checked if not s.valid]
        return [s for s in checked if s.valid]


async def summarize(
    posts: Sequence[Post], ins: Insights, provider: Provider, *, budget: int, max_chunks: int
) -> Summary:
    """Return the cited summary of the posts (most engaging first when they exceed max_chunks × budget)."""
    summary = Summary(provider=provider.name, model=provider.model)
    ranked = sorted(posts, key=lambda p: -metrics.engagement(p))
    chunks = citations.chunk_lines([(p.id, citations.post_line(p)) for p in ranked], budget=budget)[:max_chunks]
    summary.chunks = len(chunks)
    summary.posts_used = sum(len(c) for c in chunks)
    if not chunks:
        return summary
    run = _Run(provider, summary)
    known = {pid for chunk in chunks for pid, _ in chunk}
    fact_block = facts(ins)
    if len(chunks) == 1:
        user = fact_block + "\n\nPosts:\n" + "\n".join(line for _, line in chunks[0])
        summary.sentences = await run.ask(stage="final", system=FINAL_SYSTEM, user=user, known=known | _fact_ids(ins))
        return summary
    # Map: each chunk may only cite its own posts.
    mapped = await asyncio.gather(
        *(
            run.ask(
                stage="map",
                system=MAP_SYSTEM,
                user="Posts:\n" + "\n".join(line for _, line in chunk),
                known={pid for pid, _ in chunk},
            )
            for chunk in chunks
        )
    )
    partials = ["\n".join(s.text for s in sentences) for sentences in mapped if sentences]
    allowed = known | _fact_ids(ins)
    for _ in range(_MAX_REDUCE_ROUNDS):
        groups = citations.chunk_lines([(str(i), p) for i, p in enumerate(partials)], budget=budget)
        if len(groups) <= 1:
            break
        # Too long for one prompt: reduce groups of partial summaries first.
        reduced = await asyncio.gather(
            *(
                run.ask(
                    stage="reduce",
                    system=REDUCE_SYSTEM,
                    user="Partial summaries:\n" + "\n".join(p for _, p in g),
                    known=allowed,
                )
                for g in groups
            )
        )
        partials = ["\n".join(s.text for s in sentences) for sentences in reduced if sentences]
    if partials:
        user = fact_block + "\n\nPartial summaries:\n" + "\n".join(partials)
        summary.sentences = await run.ask(stage="reduce", system=REDUCE_SYSTEM, user=user, known=allowed)
    return summary


def _fact_ids(ins: Insights) -> set[str]:
    return {pid for k in ins.keywords[:5] for pid in k.post_ids[:5]}
