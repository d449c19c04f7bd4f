"""The engagement app's objects in a persona world: `extend(world)` adds them to
`world.objects` under keys the access declarations (tests/security/access/engagement.py) use."""

from tests.personas import World


def extend(world: World) -> None:
    return None
