"""The API's pagers, bounded: ninja's accept any page or offset, and a database refuses an OFFSET beyond a
64-bit integer with a 500 (the fuzzer found ``?offset=3339820525833998758313984``). Beyond the bound the
answer is a 422 naming the parameter; no real list comes near it."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, PageNumberPagination

MAX_OFFSET = 10**9


class LimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class PageNumber(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_OFFSET // 1000)
        page_size: int | None = Field(None, ge=1, le=1000)
