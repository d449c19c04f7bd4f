"""`/organisations/{code}/matrices`."""

from ninja import Router

router = Router(tags=["Interactions"])
