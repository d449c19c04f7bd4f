"""URL converters: a malformed code never reaches a view or the database (PostgreSQL
refuses NUL bytes with an error, so loose `str` segments could turn into a 500)."""


class OrganisationCodeConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TargetCodeConverter(OrganisationCodeConverter):
    """Agenda 2030 target codes: 11.2, 1.a, 17.19 (a goal set's own codes are alike)."""

    regex = "[0-9]{1,2}\\.[0-9a-zA-Z]{1,3}"


class IndicatorCodeConverter(OrganisationCodeConverter):
    """Global indicator codes: 11.2.1, 1.a.2."""

    regex = "[0-9]{1,2}\\.[0-9a-zA-Z]{1,3}\\.[0-9]{1,2}"
