"""Demo data: the published Swedish example matrix (Weitz et al. 2018) as Hallstahammar's
first, published version. Called by `load_demo_data` after steering's demo; idempotent
(a second run writes nothing)."""

from dataclasses import dataclass

from django.db import transaction

from hallbar.analysis.interactions import services
from hallbar.analysis.interactions.models import InteractionMatrix
from hallbar.organisation.models import Organisation
from hallbar.steering.demo import DemoDataError

ORGANISATION_CODE = "1961"


@dataclass(frozen=True)
class InteractionsDemoSummary:
    created: bool
    matrix: InteractionMatrix

    def __str__(self) -> str:
        if self.created:
            return (
                f"interactions: loaded the example matrix as version {self.matrix.number} "
                f"of {ORGANISATION_CODE} (published)"
            )
        return "interactions: the example matrix was already loaded; nothing written"


def demo_load() -> InteractionsDemoSummary:
    organisation = Organisation.objects.filter(code=ORGANISATION_CODE).first()
    if organisation is None:
        raise DemoDataError(
            f"Organisation {ORGANISATION_CODE} is missing: the steering demo creates it first."
        )
    with transaction.atomic():
        existing = (
            InteractionMatrix.objects.for_organisation(organisation).order_by("number").first()
        )
        if existing is not None:
            return InteractionsDemoSummary(created=False, matrix=existing)
        try:
            matrix = services.example_matrix_load(organisation=organisation, publish=True)
        except services.ValidationError as error:
            raise DemoDataError("; ".join(error.messages)) from error
    return InteractionsDemoSummary(created=True, matrix=matrix)
