"""Impact assessments of cases (hållbarhetsbedömning) and the goal-conflict register."""
