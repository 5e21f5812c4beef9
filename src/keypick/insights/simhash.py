"""64-bit SimHash (Charikar) over weighted tokens, and near-duplicate grouping by Hamming distance.

Pure: no IO, no settings. Token hashes come from BLAKE2b, not `hash()`, so a
fingerprint is the same in every process and can be stored or compared later.

Grouping uses the pigeonhole trick: split the 64 bits into `max_distance + 1`
blocks; two fingerprints at most `max_distance` apart agree exactly on at least
one block, so only fingerprints sharing a block value are compared.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

BITS = 64


@lru_cache(maxsize=65536)
def _signs(token: str) -> tuple[int, ...]:
    # +1 where the token's hash has a 1 bit, -1 where it has a 0 bit (bit 0 first).
    value = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "big")
    return tuple(1 if (value >> bit) & 1 else -1 for bit in range(BITS))


def fingerprint(tokens: Iterable[str]) -> int:
    """Return the 64-bit SimHash of the tokens, each weighted by how often it occurs; 0 for no tokens."""
    totals = [0] * BITS
    for token, weight in Counter(tokens).items():
        signs = _signs(token)
        totals = [t + weight * s for t, s in zip(totals, signs, strict=True)]
    return sum(1 << bit for bit, total in enumerate(totals) if total > 0)


def hamming(a: int, b: int) -> int:
    """Return the number of differing bits of two fingerprints."""
    return (a ^ b).bit_count()


def to_hex(value: int) -> str:
    """Return a fingerprint as 16 hex digits."""
    return f"{value:016x}"


@dataclass(frozen=True)
class Group:
    """Indices of near-duplicate items: the first member is the representative."""

    members: tuple[int, ...]
    distances: tuple[int, ...]  # each member's distance to the representative (0 for itself)

    @property
    def max_distance(self) -> int:
        """The largest distance of a member to the representative."""
        return max(self.distances)


def _blocks(max_distance: int) -> list[tuple[int, int]]:
    count = max_distance + 1
    size, extra = divmod(BITS, count)
    spans, start = [], 0
    for i in range(count):
        width = size + (1 if i < extra else 0)
        spans.append((start, (1 << width) - 1))
        start += width
    return spans


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _link_close(values: list[int], heads: list[int], parent: list[int], max_distance: int) -> None:
    # Union every pair of distinct values within max_distance, comparing only values sharing a block.
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for slot, (start, mask) in enumerate(_blocks(max_distance)):
        for pos, value in enumerate(values):
            buckets[(slot, (value >> start) & mask)].append(pos)
    for bucket in buckets.values():
        for i, a in enumerate(bucket):
            for b in bucket[i + 1 :]:
                if hamming(values[a], values[b]) <= max_distance:
                    ra, rb = _find(parent, heads[a]), _find(parent, heads[b])
                    parent[max(ra, rb)] = min(ra, rb)


def group_near_duplicates(fingerprints: Sequence[int | None], *, max_distance: int = 3) -> list[Group]:
    """Return groups (size ≥ 2) of items linked by distance ≤ max_distance; None items are skipped.

    Linking is transitive (single-link): A~B and B~C put A, B and C in one group. Groups are
    ordered by their first member, which is also the member distances are measured from.
    """
    if not 0 <= max_distance < BITS:
        raise ValueError(f"max_distance must be in 0..{BITS - 1}")
    by_value: dict[int, list[int]] = defaultdict(list)
    for index, value in enumerate(fingerprints):
        if value is not None:
            by_value[value].append(index)
    parent = list(range(len(fingerprints)))
    # Identical fingerprints are one node; only distinct values go through the block index.
    for indices in by_value.values():
        for other in indices[1:]:
            parent[_find(parent, other)] = _find(parent, indices[0])
    if max_distance > 0:
        _link_close(list(by_value), [indices[0] for indices in by_value.values()], parent, max_distance)
    members: dict[int, list[int]] = defaultdict(list)
    for index, value in enumerate(fingerprints):
        if value is not None:
            members[_find(parent, index)].append(index)
    groups = []
    for indices in members.values():
        if len(indices) > 1:
            head = fingerprints[indices[0]] or 0
            dists = tuple(hamming(head, fingerprints[i] or 0) for i in indices)
            groups.append(Group(members=tuple(indices), distances=dists))
    return sorted(groups, key=lambda g: g.members[0])
