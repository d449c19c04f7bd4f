from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hallbar.api"
    verbose_name = "API"
