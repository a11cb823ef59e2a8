"""Study: campaigns, reading progress, completions, quizzes and reflections."""
