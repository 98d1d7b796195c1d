"""The political frame of a guarantee: the US role and the legal form of the commitment."""

from __future__ import annotations

from enum import StrEnum


class USRole(StrEnum):
    """What the United States contributes."""

    NONE = "none"
    INTELLIGENCE = "intelligence"
    AIR_AND_INTELLIGENCE = "air-and-intelligence"
    ARTICLE5_LIKE = "article-5-like"


class CommitmentForm(StrEnum):
    """The legal form of the guarantee."""

    POLITICAL = "political-declaration"
    LEGALLY_BINDING = "legally-binding"
    ARTICLE5_LIKE_RATIFIED = "article-5-like-ratified"
