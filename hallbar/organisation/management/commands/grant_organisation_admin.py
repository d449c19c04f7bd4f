from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hallbar.organisation.models import Organisation
from hallbar.organisation.services import administrator_grant


class Command(BaseCommand):
    help = (
        "Make a user an administrator of an organisation: they keep its bodies' mandates "
        "at /o/<code>/mandates/. Idempotent."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("code", help="Four-digit municipality code, e.g. 1961.")
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["code"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with code {options['code']!r}.")
        user = get_user_model()._default_manager.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        try:
            created = administrator_grant(organisation=organisation, user=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"{user} now administers {organisation} ({organisation.code}).")
            )
        else:
            self.stdout.write(f"{user} already administers {organisation}.")
