"""The status analysis's sections of the Agenda pages (registered in
`StatusAnalysisConfig.ready()` through `steering.sections`): a target page shows the
target's assessment in the latest analysis the reader may see, a goal page the goal's
summary in it. Drafts only for the organisation's own readers. Two to four queries."""

from hallbar.analysis.status import selectors
from hallbar.steering import sections


def target_section(*, page: sections.SectionRequest) -> sections.Section:
    assessment = selectors.latest_assessment_for_target(
        organisation=page.organisation, target=page.target, include_drafts=page.sees_drafts
    )
    return sections.Section(
        template="status_analysis/includes/target_section.html",
        context={"sa_assessment": assessment, "sa_target": page.target},
    )


def goal_section(*, page: sections.SectionRequest) -> sections.Section:
    analysis = selectors.latest_analysis(page.organisation, include_drafts=page.sees_drafts)
    summary = selectors.goal_summary(analysis, page.goal) if analysis else None
    return sections.Section(
        template="status_analysis/includes/goal_section.html",
        context={"sa_analysis": analysis, "sa_summary": summary},
    )


def register() -> None:
    sections.register(sections.TARGET, "status_analysis.assessment", target_section, order=10)
    sections.register(sections.GOAL, "status_analysis.goal_summary", goal_section, order=10)
