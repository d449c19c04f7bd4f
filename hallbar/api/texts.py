"""Bilingual texts for the API: never an empty string, a fallback always marked."""

from hallbar.api.schemas import BilingualText


def bilingual(sv: str, en: str) -> BilingualText:
    """Swedish and English, each standing in for the other where one is missing."""
    return BilingualText(sv=sv or en, en=en or sv, sv_fallback=not sv, en_fallback=not en)


def bilingual_or_none(sv: str, en: str) -> BilingualText | None:
    """As `bilingual`, or None where the text exists in neither language."""
    return bilingual(sv, en) if sv or en else None
