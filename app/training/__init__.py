"""The training log: skills, courses and their sessions, completions, the training matrix and
the import of completions from a learning-management system's export."""
