"""The engagement app's objects in a persona world: `extend(world)` adds them to
`world.objects` under keys the access declarations (tests/security/access/engagement.py) use."""

from hallbar.engagement import services
from tests.personas import COUNCIL_INTERNAL, World


def extend(world: World) -> None:
    """A proposal of the sustainability council to the executive board about the
    technical committee's action (answered by neither yet)."""
    world.objects["proposal"] = services.proposal_submit(
        world.users[COUNCIL_INTERNAL],
        world.organisation,
        title=f"Rådets förslag om cykelvägar {world.code}",
        text="Rådet föreslår att åtgärden utökas med fler cykelvägar till skolorna.",
        to_body=world.bodies["ks"],
        subject=world.objects["action_tn"],
        from_body=world.bodies["council"],
    )
