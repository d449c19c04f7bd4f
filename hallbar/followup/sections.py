"""Follow-up's section of the Agenda goal and target pages: the organisation's indicators
linked to the goal's targets (or the target), their statuses and relative positions, and
the stacked bar. Registered in `FollowupConfig.ready()` through `steering.sections`."""

from hallbar.steering import sections


def indicator_section(*, page: sections.SectionRequest) -> sections.Section:
    # The view module pulls in charts and forms: imported when a page is drawn.
    from hallbar.followup.views import indicator_section as context_of

    return sections.Section(
        template="followup/includes/indicator_section.html",
        context=context_of(
            organisation=page.organisation,
            include_private=page.sees_drafts,
            targets=page.targets,
        ),
    )


def register() -> None:
    for kind in (sections.GOAL, sections.TARGET):
        sections.register(kind, "followup.indicators", indicator_section, order=20)
