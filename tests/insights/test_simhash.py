"""SimHash: fingerprints of identical, one-character-edited and unrelated real texts; grouping vs brute force."""

from __future__ import annotations

import random

import pytest

from keypick.insights import simhash
from keypick.insights.nlp import DEFAULT_TOOLS
from tests.insights.dataset import NEAR_COPY_ID, NEAR_COPY_OF, fixed_posts, real_posts


def _print(text: str) -> int:
    return simhash.fingerprint(DEFAULT_TOOLS.tokens(text))


def test_fingerprint_is_stable_64_bit_and_order_free() -> None:
    assert simhash.fingerprint([]) == 0
    a = simhash.fingerprint(["咖啡", "拿铁", "燕麦"])
    assert a == simhash.fingerprint(["燕麦", "咖啡", "拿铁"])
    assert 0 < a < 2**64
    # BLAKE2b, not hash(): the same value in every process (recorded once, checked forever).
    assert simhash.to_hex(simhash.fingerprint(["咖啡"])) == simhash.to_hex(simhash.fingerprint(["咖啡"]))
    assert len(simhash.to_hex(a)) == 16
    assert simhash.hamming(0b1011, 0b0001) == 2


def test_identical_texts_have_distance_zero() -> None:
    for post in real_posts():
        assert simhash.hamming(_print(post.content), _print(str(post.content))) == 0


def test_one_character_edit_is_a_near_duplicate() -> None:
    posts = {p.id: p for p in fixed_posts()}
    original, copy = posts[NEAR_COPY_OF].content, posts[NEAR_COPY_ID].content
    assert sum(a != b for a, b in zip(original, copy, strict=True)) == 1
    assert simhash.hamming(_print(original), _print(copy)) <= 3


def test_unrelated_real_texts_are_far_apart() -> None:
    texts = [p.content for p in real_posts()]
    distances = [simhash.hamming(_print(a), _print(b)) for i, a in enumerate(texts) for b in texts[i + 1 :]]
    assert min(distances) > 10  # measured: 19 on this sample


def test_short_texts_may_need_a_larger_distance() -> None:
    # A one-character edit of a 14-character post moves more bits than in a long one: the distance is a knob.
    text = "今天是我的生日，来祝福我吧！"
    edited = text.replace("祝福", "祝贺")
    distance = simhash.hamming(_print(text), _print(edited))
    assert distance > 3
    prints = [_print(text), _print(edited)]
    assert simhash.group_near_duplicates(prints, max_distance=3) == []
    assert [g.members for g in simhash.group_near_duplicates(prints, max_distance=distance)] == [(0, 1)]


def _brute_force(values: list[int | None], k: int) -> set[tuple[int, ...]]:
    parent = list(range(len(values)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, a in enumerate(values):
        for j in range(i + 1, len(values)):
            b = values[j]
            if a is not None and b is not None and simhash.hamming(a, b) <= k:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i, value in enumerate(values):
        if value is not None:
            groups.setdefault(find(i), []).append(i)
    return {tuple(sorted(g)) for g in groups.values() if len(g) > 1}


@pytest.mark.parametrize("k", [0, 1, 3, 6])
def test_grouping_matches_brute_force(k: int) -> None:
    rng = random.Random(20250620 + k)
    values: list[int | None] = []
    for _ in range(120):
        base = rng.getrandbits(64)
        values.append(base)
        for _ in range(rng.randrange(3)):  # near variants: flip up to k+1 bits
            flipped = base
            for bit in rng.sample(range(64), rng.randrange(k + 2)):
                flipped ^= 1 << bit
            values.append(flipped)
        if rng.random() < 0.1:
            values.append(None)
    rng.shuffle(values)
    groups = simhash.group_near_duplicates(values, max_distance=k)
    assert {g.members for g in groups} == _brute_force(values, k)
    for g in groups:
        head = values[g.members[0]]
        assert head is not None
        assert g.distances == tuple(simhash.hamming(head, values[i] or 0) for i in g.members)


def test_grouping_rejects_a_silly_distance() -> None:
    with pytest.raises(ValueError, match="max_distance"):
        simhash.group_near_duplicates([1, 2], max_distance=64)
