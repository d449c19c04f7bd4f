"""Analysis: status analysis, interactions between targets, impact assessments of cases
and the goal-conflict register. Three Django apps, one per record kind, so each keeps
its own migrations; they depend in this order: status <- interactions <- impact."""
