"""The portfolio: goals, programs, projects, phases and budgets."""
