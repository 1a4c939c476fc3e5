"""Small httpx helpers shared by the network adapters (feeds and NBA sources)."""

from __future__ import annotations

import httpx


class ResponseTooLarge(Exception):
    """The peer sent more than we are willing to read; callers turn it into their own failure."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit:,} bytes")
        self.limit = limit


async def read_limited(response: httpx.Response, limit: int) -> bytes:
    """Read a streamed response body, stopping as soon as it exceeds ``limit`` bytes."""
    size = 0
    chunks: list[bytes] = []
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise ResponseTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)
