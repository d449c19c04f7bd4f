"""`manage.py load_example_matrix --organisation 1961 [--publish]`: the published Swedish
example matrix (Weitz et al. 2018) as a new version of the organisation's matrix."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hallbar.analysis.interactions import services
from hallbar.organisation.models import Organisation


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organisation", required=True, help="Municipality code, e.g. 1961.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the new version at once."
        )

    def handle(self, *args, organisation: str, publish: bool, **options) -> None:
        found = Organisation.objects.filter(code=organisation).first()
        if found is None:
            raise CommandError(
                f"Unknown organisation {organisation!r}: create it first (create_organisation)."
            )
        try:
            matrix = services.example_matrix_load(organisation=found, publish=publish)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"Version {matrix.number} of {found.code}: {matrix.matrix_targets.count()} targets, "
            f"{matrix.metrics.scored_pairs} scored pairs"
            + (", published." if publish else ", draft.")
        )
